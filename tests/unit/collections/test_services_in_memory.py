"""Collections services on the in-memory unit of work: a refused contact is kept in the log
although the command fails, holds and their backdating rule, a dispute on part of the past
due, and placement with an unknown agency -- no database needed."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from creditline.auth import Principal, Role
from creditline.collections import agencies as ag
from creditline.collections import services as cs
from creditline.collections.cases import Case
from creditline.collections.rules import default_rules
from creditline.errors import Forbidden, NotFound
from creditline.parties import services as parties
from creditline.servicing import services as sv
from tests.fakes import FakeUnitOfWork, typed

CHEN = Principal("u1", "chen", Role.COLLECTOR)
SUP = Principal("u2", "sup", Role.RISK_OFFICER)


def a_case(uow: FakeUnitOfWork) -> Case:
    """A line 20 days past due on 50.00 and its case, assigned to chen."""
    customer = parties.register_customer(parties.RegisterPerson(
        name="Li Lei", id_number="11010519491231002X", phone="13812341234",
        monthly_income="8000", consents={"credit_check": True, "data_processing": True}),
        typed(uow), SUP)
    line = sv.open_line(sv.OpenLine(customer.id, "consumer_bnpl", "5000.00"), typed(uow), SUP)
    stored = uow.committed.lines[line.id]
    stored.past_due, stored.dpd, stored.principal_billed = D("50.00"), 20, D("50.00")
    rules = default_rules()
    case = Case("case-1", line.id, customer.id, "open", 1, date(2026, 3, 1), date(2026, 3, 1),
                D("50.00"), D("50.00"), rules.label, "CN", "Asia/Shanghai", assigned_to="chen")
    with uow:
        uow.collection_cases.add(case)
        uow.commit()
    return case


def test_a_refused_call_is_logged_though_the_command_fails() -> None:
    uow = FakeUnitOfWork()
    case = a_case(uow)
    uow.clock.current = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 23:00 in Shanghai
    with pytest.raises(cs.ContactRefused) as info:
        cs.log_call(cs.LogCall(case.id, "no_answer"), typed(uow), CHEN)
    assert info.value.verdict.rule == "CN.hours"
    [row] = uow.committed.collections.contacts
    assert (row.allowed, row.rule, row.outcome) == (False, "CN.hours", None)
    assert row.local_time == "2026-03-02T23:00:00+08:00"
    assert uow.audits[-1][2] == "collections.contact_refused"


def test_holds_disputes_and_who_may_do_them() -> None:
    uow = FakeUnitOfWork()
    case = a_case(uow)
    with pytest.raises(Forbidden, match="backdate"):
        cs.hardship(cs.Hardship(case.id, date(2026, 3, 20), "ill", date(2026, 2, 20)),
                    typed(uow), CHEN)
    held = cs.hardship(cs.Hardship(case.id, date(2026, 3, 20), "ill", date(2026, 2, 20)),
                       typed(uow), SUP)
    assert held.on_hold(date(2026, 3, 2)) and not held.on_hold(date(2026, 3, 21))
    assert cs.queue(cs.GetQueue(), typed(uow), CHEN) == []
    cs.resume(cs.Resume(case.id, "back at work"), typed(uow), CHEN)
    uow.clock.current = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 11:00 in Shanghai
    r = cs.log_call(cs.LogCall(case.id, "dispute", disputed_amount="15.00"), typed(uow), CHEN)
    assert (r.case.disputed, r.case.collectable) == (D("15.00"), D("35.00"))
    [item] = cs.queue(cs.GetQueue(), typed(uow), CHEN)
    assert item.collectable == D("35.00") and item.debtor.id_number == "110105********002X"
    with pytest.raises(Forbidden, match="not assigned to li"):
        cs.pause(cs.Pause(case.id, date(2026, 3, 9), "x"), typed(uow),
                 Principal("u3", "li", Role.COLLECTOR))
    with pytest.raises(NotFound, match="agency nope"):
        ag.place_case(ag.PlaceCase(case.id, "nope"), typed(uow), SUP)
