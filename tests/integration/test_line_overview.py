"""The line view's data ("360"), on both stores: a line opened on 2 March, a 1,200.00
purchase in 3 installments, the first statement on 1 April, a 150.00 repayment and a 300.00
return; each part shown to the roles that may read it through the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from creditline.servicing.overview import line_overview
from tests.integration.servicing_support import eod_through, open_line

REVIEWER = Principal("u-rv", "rita", Role.REVIEWER)
AUDITOR = Principal("u-au", "audrey", Role.AUDITOR)


def test_the_line_view_shows_every_part_to_whom_may_read_it(container: Container,
                                                             clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "5000.00")
    p = sv.purchase(sv.Purchase(line.id, "1200.00", "Freshway Market", "grocery", 3,
                                idempotency_key="o-1"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 1))
    clock.set_date(date(2026, 4, 3))
    sv.repay(sv.Repay(line.id, "150.00", idempotency_key="r-1"), container.uow(), SYSTEM)
    sv.return_goods(sv.ReturnGoods(p.id, "300.00", idempotency_key="x-1"), container.uow(),
                    SYSTEM)

    v = line_overview(line.id, container.uow(), AUDITOR)
    # 1,200.00 of principal, less the 144.00 the repayment paid after the 6.00 fee, less the
    # 300.00 returned
    assert (v.line.limit, v.line.used, v.line.available) == (D("5000.00"), D("756.00"),
                                                           D("4244.00"))
    assert [(e.old_limit, e.new_limit, e.source) for e in v.limit_history or []] == [
        (D("0.00"), D("5000.00"), "origination")]
    [s] = v.statements or []
    assert (s.statement_date, s.purchases, s.amount_due) == (date(2026, 4, 1), D("1200.00"),
                                                             s.amount_due)
    [purchase] = v.purchases or []
    assert len(purchase.schedule) == 3 and purchase.returned == D("300.00")
    assert [(m.kind, m.amount, m.business_date) for m in v.movements or []] == [
        ("repayment", D("150.00"), date(2026, 4, 3)), ("return", D("300.00"), date(2026, 4, 3))]
    assert v.postings and {e.kind for e in v.postings} >= {"purchase", "repayment", "return"}
    assert all(sum(p.amount for p in e.postings) == 0 for e in v.postings)
    topics = [n.topic for n in v.notifications]
    assert topics[-1] == "line.opened" and "repayment.received" in topics
    assert all(n.delivered_at is None for n in v.notifications)
    assert v.business_date == date(2026, 4, 3)

    # a reviewer reads the line, its statements and purchases, never the ledger
    r = line_overview(line.id, container.uow(), REVIEWER)
    assert r.postings is None and r.statements is not None and r.purchases is not None
