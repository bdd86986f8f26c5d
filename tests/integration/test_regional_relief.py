"""Worked example, both stores: a flood in Hubei.  Li Lei lives there and is 10 days late;
Han Meimei lives in Henan and is not covered.  A risk officer previews and declares relief
for Hubei from 21 to 30 April: no penalty accrues on Li Lei's line, the gate refuses calls
to him ("regional relief", allowed again on 1 May at 08:00 his time), his case shows it and
leaves the collector's queue, a bureau run is told to hold negative reports -- and on
1 May everything resumes by itself.  A second relief defers due dates by its rule: a
minimum falling due inside it is due the day after it ends.  A third is declared overnight,
after end of day queued a text for the morning: the relay holds it, and the contact log
records a contact only when a message is sent."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from creditline.auth import SYSTEM, Principal, Role
from creditline.batch.collection_strategy import with_strategy
from creditline.bootstrap import Container
from creditline.channels.sms import HttpSmsGateway
from creditline.clock import FixedClock
from creditline.collections import relief_services as rs
from creditline.collections import services as cs
from creditline.collections.ports import ContactRecord
from creditline.collections.strategy import LADDER_DIR
from creditline.errors import ValidationError
from creditline.notify.relay import relay_once
from creditline.parties import services as parties
from creditline.servicing import services as sv
from creditline.store.tables.collection_strategy import collection_actions
from tests.integration.collections_support import SUPERVISOR, case_of, collector, local
from tests.integration.notify_support import SmsGateway
from tests.integration.servicing_support import eod_through

OFFICER = Principal("id-ro", "risk-officer", Role.RISK_OFFICER)


def borrower(container: Container, name: str, id_number: str, phone: str, region: str) -> str:
    """Registered on 2 March, buys a 1,200.00 phone in 12 installments and pays nothing:
    the 1 April statement's minimum of 50.00 falls due on 10 April."""
    c = parties.register_customer(parties.RegisterPerson(
        name=name, id_number=id_number, phone=phone, monthly_income="8000", region=region,
        consents={"credit_check": True, "data_processing": True}), container.uow(), SYSTEM)
    line = sv.open_line(sv.OpenLine(c.id, "consumer_bnpl", "10000.00"), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(line.id, "1200.00", "JD Mall", "electronics", 12,
                            idempotency_key=f"phone-{uuid.uuid4()}"), container.uow(), SYSTEM)
    return line.id


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    g = SmsGateway().start()
    yield g
    g.stop()


def strategy_texts(gateway: SmsGateway) -> list[str]:
    """The strategy's texts the gateway took (Li Lei reads Chinese: "...agree a date...")."""
    return [b["text"] for _, b in gateway.received if "商定还款日期" in b["text"]]


def strategy_log(container: Container, case_id: str) -> list[ContactRecord]:
    """The contact log's rows of the strategy's texts on the case (the relay's verdicts)."""
    return [x for x in cs.get_case(case_id, container.uow(), SUPERVISOR).contacts
            if (x.note or "").startswith("collections.reminder message")]


def decided(container: Container) -> list[Any]:
    a = collection_actions.c
    with container.engine.connect() as conn:
        return list(conn.execute(select(a.business_date, a.action, a.outcome,
                                        a.days_since_message).order_by(a.business_date)))


def state(container: Container, line_id: str) -> tuple[Decimal, Decimal, int]:
    """(penalty, past due, days past due) of a line."""
    with container.uow() as uow:
        line = uow.lines.get(line_id)
        assert line is not None
        return line.penalty, line.past_due, line.dpd


def test_relief_for_a_region_pauses_contacts_and_penalties_and_resumes_by_itself(
        container: Container, clock: FixedClock) -> None:
    c = container
    clock.set_date(date(2026, 3, 2))
    li = borrower(c, "Li Lei", "11010519491231002X", "13812341234", "Hubei")
    han = borrower(c, "Han Meimei", "360426199101010071", "13812345678", "Henan")
    eod_through(c, clock, date(2026, 4, 20))
    # 50.00 past due since 11 April; the unpaid installment (100.00 principal and 6.00
    # fee) accrues 0.05 % a day from 11 April, 0.053 a day: 10 days, 0.53
    assert state(c, li) == (Decimal("0.53"), Decimal("50.00"), 10)
    assert state(c, han) == (Decimal("0.53"), Decimal("50.00"), 10)
    case = case_of(c, li)
    assert case is not None
    chen = collector(c)
    cs.assign(cs.Assign((case.id,), "chen"), c.uow(), SUPERVISOR)

    # the preview: one customer, one line, one case, what the line owes
    relief = rs.DeclareRelief((" hubei",), date(2026, 4, 21), date(2026, 4, 30),
                              "Flood in Hubei (provincial emergency response level II)")
    p = rs.preview_relief(relief, c.uow())
    assert (p.customers, p.lines, p.cases, p.past_due, p.by_region) == (
        1, 1, 1, Decimal("50.00"), {"hubei": 1})
    assert p.balance == Decimal("1206.53")  # principal 1,200.00, fee 6.00, penalty 0.53
    with pytest.raises(ValidationError, match="start: must not be before the business date"):
        rs.preview_relief(rs.DeclareRelief(("Hubei",), date(2026, 4, 19), date(2026, 4, 30),
                                           "late"), c.uow())
    with pytest.raises(ValidationError, match="end: must not be before the start"):
        rs.declare_relief(rs.DeclareRelief(("Hubei",), date(2026, 4, 21), date(2026, 4, 20),
                                           "x"), c.uow(), OFFICER)
    declared = rs.declare_relief(relief, c.uow(), OFFICER).relief
    assert [(r.id, s) for r, s in rs.list_reliefs(c.uow())] == [(declared.id, "scheduled")]

    # during the relief: no penalty accrues; days past due still count (no deferral here)
    eod_through(c, clock, date(2026, 4, 30))
    assert state(c, li) == (Decimal("0.53"), Decimal("50.00"), 20)
    assert state(c, han) == (Decimal("1.06"), Decimal("50.00"), 20)  # Henan: not covered

    # the gate refuses a call, logged with the rule, allowed again 1 May 08:00 Shanghai
    local(clock, 2026, 4, 25, 10)
    with pytest.raises(cs.ContactRefused) as info:
        cs.log_call(cs.LogCall(case.id, "no_answer"), c.uow(), chen)
    assert info.value.verdict.rule == "CN.regional_relief"
    assert info.value.verdict.allowed_again_at == datetime(2026, 5, 1, 0, 0, tzinfo=UTC)
    detail = cs.get_case(case.id, c.uow(), chen)
    assert detail.relief is not None and "Flood in Hubei" in detail.relief
    assert detail.contacts[-1].rule == "CN.regional_relief"
    assert cs.queue(cs.GetQueue(), c.uow(), chen) == []  # out of the queue while it lasts
    # what a bureau run asks before reporting the late payment
    why = rs.relief_holds(c.uow(), on=date(2026, 4, 25), line_id=li)
    assert why is not None and why.startswith(f"regional relief {declared.id} (hubei) from "
                                              "2026-04-21 to 2026-04-30: Flood in Hubei")
    assert rs.relief_holds(c.uow(), on=date(2026, 4, 25), line_id=han) is None
    assert rs.relief_holds(c.uow(), on=date(2026, 5, 1), line_id=li) is None

    # 1 May: it ended by itself -- penalties accrue again, the call goes through
    eod_through(c, clock, date(2026, 5, 1))
    assert state(c, li) == (Decimal("0.58"), Decimal("50.00"), 21)  # 11 days of 0.053
    local(clock, 2026, 5, 1, 10)
    assert cs.log_call(cs.LogCall(case.id, "no_answer"), c.uow(), chen).contact.allowed
    assert [q.case.id for q in cs.queue(cs.GetQueue(), c.uow(), chen)] == [case.id]
    assert cs.get_case(case.id, c.uow(), chen).relief is None
    # the strategy's texts were queued for the relay (not run here): none is a contact
    rep = cs.replay_contacts(c.uow())
    assert (rep.contacts, rep.refused, rep.under_relief, rep.violations) == (1, 1, 0, [])


def test_a_text_queued_in_the_evening_is_held_by_a_relief_declared_overnight(
        container: Container, clock: FixedClock, gateway: SmsGateway) -> None:
    """End of day on 11 April queues the fixed ladder's first text to Li Lei for 09:30 the
    next morning.  That night a flood: relief for Hubei from 12 to 14 April.  At 09:30 the
    relay asks the gate, which refuses: the text is held (not sent, not dropped), the log
    has the refusal and no contact, and the replay counts none under relief.  The relief
    ends by itself; on 15 April at 08:00 -- the gate's ``allowed_again_at`` -- the text goes
    out as it was written and is logged then, a contact after the relief."""
    c = replace(container, pipeline=with_strategy(container.pipeline, LADDER_DIR))
    clock.set_date(date(2026, 3, 2))
    li = borrower(c, "Li Lei", "11010519491231002X", "13812341234", "Hubei")
    send = {"sms": HttpSmsGateway(gateway.url, timeout=5)}
    eod_through(c, clock, date(2026, 4, 11))
    case = case_of(c, li)
    assert case is not None
    [(action, outcome)] = [(r.action, r.outcome) for r in decided(c) if r.action != "none"]
    assert (action, outcome) == ("sms", "scheduled")
    local(clock, 2026, 4, 11, 21)
    relay_once(c.uow, send)  # the evening's notices go out; the text is due tomorrow
    assert strategy_texts(gateway) == [] and strategy_log(c, case.id) == []
    before = cs.replay_contacts(c.uow())

    local(clock, 2026, 4, 11, 23)  # overnight, a relief is declared
    rs.declare_relief(rs.DeclareRelief(("Hubei",), date(2026, 4, 12), date(2026, 4, 14),
                                       "Flood in Hubei"), c.uow(), OFFICER)

    local(clock, 2026, 4, 12, 9, 30)  # the relay's morning: held, nothing sent
    report = relay_once(c.uow, send)
    assert report.held == 1 and strategy_texts(gateway) == []
    [held] = strategy_log(c, case.id)
    assert (held.allowed, held.rule, held.allowed_again_at) == (
        False, "CN.regional_relief", datetime(2026, 4, 15, 0, 0, tzinfo=UTC))
    rep = cs.replay_contacts(c.uow())
    assert (rep.contacts, rep.refused, rep.under_relief, rep.violations) == (
        before.contacts, before.refused + 1, 0, [])

    # during the relief the strategy queues nothing more: the held text paces it, and the
    # gate would refuse a new one; the relay, run each morning, leaves it held
    eod_through(c, clock, date(2026, 4, 14))
    for day in (13, 14):
        local(clock, 2026, 4, day, 9, 30)
        assert relay_once(c.uow, send).held == 0
    assert [r.action for r in decided(c)][1:] == ["none", "none", "none"]
    assert strategy_texts(gateway) == [] and len(strategy_log(c, case.id)) == 1

    # 15 April, 08:00 in Shanghai: the relief is over and the text goes out as written
    local(clock, 2026, 4, 15, 8)
    relay_once(c.uow, send)
    [text] = strategy_texts(gateway)
    assert "50.00" in text
    sent = strategy_log(c, case.id)[-1]
    assert (sent.allowed, sent.at) == (True, datetime(2026, 4, 15, 0, 0, tzinfo=UTC))
    rep = cs.replay_contacts(c.uow())
    assert (rep.contacts, rep.refused, rep.under_relief, rep.violations) == (
        before.contacts + 1, before.refused + 1, 0, [])
    # that evening the strategy paces from the text sent this morning
    eod_through(c, clock, date(2026, 4, 15))
    assert decided(c)[-1].days_since_message == 0


def test_a_relief_that_defers_due_dates_moves_a_minimum_due_inside_it_to_the_day_after(
        container: Container, clock: FixedClock) -> None:
    c = container
    clock.set_date(date(2026, 3, 2))
    li = borrower(c, "Li Lei", "11010519491231002X", "13812341234", "Hubei")
    han = borrower(c, "Han Meimei", "360426199101010071", "13812345678", "Henan")
    r = rs.declare_relief(rs.DeclareRelief(("Hubei",), date(2026, 4, 5), date(2026, 4, 15),
                                           "Epidemic: city-wide lockdown", defer_due_dates=True),
                          c.uow(), OFFICER).relief
    # due 10 April, inside the relief: due on 16 April instead -- nothing past due, no penalty
    eod_through(c, clock, date(2026, 4, 16))
    assert state(c, li) == (Decimal("0.00"), Decimal("0.00"), 0)
    assert state(c, han) == (Decimal("0.31"), Decimal("50.00"), 6)  # 6 days of 0.053
    assert case_of(c, li) is None
    # the relief is over; unpaid on 17 April, the minimum is past due from the deferred date
    eod_through(c, clock, date(2026, 4, 17))
    assert state(c, li) == (Decimal("0.05"), Decimal("50.00"), 1)
    assert case_of(c, li) is not None
    assert rs.get_relief(r.id, c.uow())[1] == "ended"
