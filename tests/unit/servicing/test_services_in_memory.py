"""Servicing use cases on the in-memory unit of work (``tests/fakes.py``): no database, the
real service code.  A customer opens a 1,000.00 BNPL line, its limit moves, and purchases
are weighed against the limit in force that day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest

from creditline.auth import Principal, Role
from creditline.errors import BusinessRuleViolation, ValidationError
from creditline.lines.limits import LimitKind, LimitSource
from creditline.parties import services as parties
from creditline.servicing import services
from tests.fakes import FakeUnitOfWork, typed

OFFICER = Principal("u1", "officer", Role.RISK_OFFICER)
CHECKOUT = Principal("u2", "checkout", Role.SERVICE, merchants=frozenset({"JD Mall"}))


def a_line(uow: FakeUnitOfWork, limit: str = "1000.00") -> str:
    customer = parties.register_customer(parties.RegisterPerson(
        name="Zhang San", id_number="11010519491231002X", phone="13812345678",
        monthly_income="8000.00", consents={"credit_check": True, "data_processing": True,
                                            "emergency_contact": True}), typed(uow), OFFICER)
    return services.open_line(services.OpenLine(customer.id, "consumer_bnpl", limit),
                              typed(uow), OFFICER).id


def buy(uow: FakeUnitOfWork, line_id: str, amount: str, key: str = "k1"):
    return services.purchase(services.Purchase(line_id, amount, "JD Mall", "phones",
                                               idempotency_key=key), typed(uow), CHECKOUT)


def test_opening_a_line_and_changing_its_limit_are_limit_events() -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    view = services.change_limit(services.ChangeLimit(line_id, "3000.00", "good payer"),
                                 typed(uow), OFFICER)
    assert (view.limit, view.available, view.effective_limit) == (D("3000.00"),) * 3
    history = services.limit_history(line_id, typed(uow))
    assert [(e.kind, e.source, e.old_limit, e.new_limit, e.actor, e.note) for e in history] == [
        (LimitKind.PERMANENT, LimitSource.ORIGINATION, D("0.00"), D("1000.00"), "officer",
         "line opened"),
        (LimitKind.PERMANENT, LimitSource.MANUAL, D("1000.00"), D("3000.00"), "officer",
         "good payer")]
    assert history[1].business_date == date(2026, 3, 2)
    assert [a[2] for a in uow.audits] == ["customer.registered", "line.opened",
                                          "line.limit_changed"]
    assert ("line.limit_changed", {"line_id": line_id, "from": D("1000.00"),
                                   "to": D("3000.00"), "reason": "good payer"}) in uow.events


def test_a_limit_above_the_product_cap_writes_nothing() -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    before = len(uow.audits)
    with pytest.raises(ValidationError, match="limit: must not exceed"):
        services.change_limit(services.ChangeLimit(line_id, "99999.00", "x"), typed(uow), OFFICER)
    assert len(uow.audits) == before
    assert len(services.limit_history(line_id, typed(uow))) == 1


def test_a_purchase_beyond_the_available_credit_is_refused_and_posts_nothing() -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    buy(uow, line_id, "700.00")
    with pytest.raises(BusinessRuleViolation) as exc:
        buy(uow, line_id, "300.01", key="k2")
    assert exc.value.reason == "insufficient_available_credit"
    assert "available credit 300.00" in str(exc.value)
    view = services.get_line(line_id, typed(uow))
    assert (view.used, view.available) == (D("700.00"), D("300.00"))
    assert len(uow.committed.journal) == 1 and len(uow.committed.purchases) == 1


def test_a_temporary_limit_counts_from_its_first_day_to_its_last() -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    buy(uow, line_id, "900.00")
    today = uow.clock.today()
    view = services.grant_temporary_limit(services.GrantTemporaryLimit(
        line_id, "1500.00", (today + timedelta(days=6)).isoformat(), "Singles' Day",
        reason_codes=("SEASONAL",)), typed(uow), OFFICER)
    assert (view.limit, view.effective_limit, view.available) == (
        D("1000.00"), D("1500.00"), D("600.00"))
    assert buy(uow, line_id, "500.00", key="k2").amount == D("500.00")  # above 1,000.00 used
    event = services.limit_history(line_id, typed(uow))[-1]
    assert (event.kind, event.source, event.old_limit, event.new_limit, event.reason_codes,
            event.starts_on, event.ends_on) == (
        LimitKind.TEMPORARY, LimitSource.MANUAL, D("1000.00"), D("1500.00"), ("SEASONAL",),
        today, today + timedelta(days=6))
    # once it has lapsed the line keeps its balance and takes nothing new until below 1,000.00
    line = uow.committed.lines[line_id]
    after = today + timedelta(days=7)
    assert (line.used, line.effective_limit(after), line.available_on(after)) == (
        D("1400.00"), D("1000.00"), D("0.00"))


@pytest.mark.parametrize(("amount", "end", "start", "field"), [
    ("1000.00", "2026-03-08", None, "amount"),      # not above the permanent limit
    ("1500.00", "2026-03-01", "2026-03-02", "end"),  # ends before it starts
    ("1500.00", "08/03/2026", None, "end"),
    ("1500.00", "2026-03-08", "soon", "start"),
])
def test_a_bad_temporary_limit_is_422_naming_the_field_and_writes_nothing(
        amount: str, end: str, start: str | None, field: str) -> None:
    uow = FakeUnitOfWork()
    line_id = a_line(uow)
    with pytest.raises(ValidationError) as exc:
        services.grant_temporary_limit(services.GrantTemporaryLimit(
            line_id, amount, end, "why", start), typed(uow), OFFICER)
    assert exc.value.field == field
    assert uow.committed.lines[line_id].temporary is None
    assert len(services.limit_history(line_id, typed(uow))) == 1
