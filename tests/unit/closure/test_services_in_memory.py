"""Closure services on the in-memory unit of work: a request withdrawn before the decision
leaves the line as it was; a closed line and a second open request are 409s."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from creditline.auth import SYSTEM
from creditline.closure import services as cs
from creditline.errors import Conflict
from creditline.lines.line import Line
from creditline.lines.status import LineStatus
from creditline.products.catalog import default_catalog, product_terms
from tests.fakes import FakeUnitOfWork, typed


def _line(uow: FakeUnitOfWork, status: LineStatus = LineStatus.ACTIVE) -> Line:
    product = default_catalog().get("consumer_bnpl")
    line = Line(id="line-1", customer_id="cust-1", product=product.code, product_version="v",
                kind=product.kind, currency="CNY", status=status, limit=Decimal("10000.00"),
                statement_day=1, grace_days=9, penalty_rate=product.penalty_daily_rate,
                min_share=product.min_principal_share, min_floor=product.min_floor,
                waterfall=product.waterfall, fee_refund=product.fee_refund,
                block_when_past_due=True, opened_on=date(2026, 3, 1),
                last_eod=date(2026, 3, 1) - timedelta(days=1), terms=product_terms(product),
                principal_unbilled=Decimal("7000.00"))
    with uow:
        uow.lines.add(line)
        uow.commit()
    return line


def test_withdrawn_before_the_decision_the_line_is_as_it_was() -> None:
    uow = FakeUnitOfWork()
    line = _line(uow)
    req = cs.submit_request(cs.SubmitRequest(line.id, ("moving_abroad",), "", "close"),
                            typed(uow), SYSTEM)
    assert req["status"] == "manual_review"  # 7,000.00 owed: a large balance
    with pytest.raises(Conflict, match="open closure request"):
        cs.submit_request(cs.SubmitRequest(line.id, ("other",), "again", "close"), typed(uow),
                          SYSTEM)
    gone = cs.withdraw_request(cs.WithdrawRequest(req["id"]), typed(uow), SYSTEM)
    assert gone["status"] == "withdrawn"
    with uow:
        after = uow.lines.get(line.id)
    assert after is not None and (after.status, after.limit) == (LineStatus.ACTIVE, line.limit)
    assert [t for t, _ in uow.events if t.startswith("closure.")] == [
        "closure.received", "closure.referred", "closure.withdrawn"]


def test_a_closed_line_takes_no_request() -> None:
    uow = FakeUnitOfWork()
    line = _line(uow, LineStatus.CLOSED)
    with pytest.raises(Conflict, match="closed"):
        cs.submit_request(cs.SubmitRequest(line.id, ("other",), "x", "close"), typed(uow),
                          SYSTEM)
