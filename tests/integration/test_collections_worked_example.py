"""Collections as worked examples, on SQLite and PostgreSQL.  Li Lei buys a 1,200.00 phone
in 12 installments on 2 March and pays nothing: the 1 April minimum (50.00, due 10 April)
is past due from 11 April.  End of day ages the line (M1 from 11 April, M2 from 11 May),
keeps its bucket history and its collection case; a collector works the case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, catch_up, run_eod
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.collections import agencies as ag
from creditline.collections import legal
from creditline.collections import services as cs
from creditline.collections.cases import PromiseStatus
from creditline.collections.legal import package_hash
from creditline.errors import NotFound, ValidationError
from creditline.servicing import services as sv
from tests.integration.collections_support import (
    SUPERVISOR,
    case_of,
    collector,
    debtor,
    delinquent,
    events,
    local,
)
from tests.integration.notify_support import relay_texts
from tests.integration.servicing_support import eod_through, ledger_sound

D = Decimal


def spells(container: Container, line_id: str) -> list[tuple[object, ...]]:
    with container.uow() as uow:
        return [(s.bucket, s.entered_on, s.entered_past_due, s.entered_balance, s.left_on,
                 s.left_past_due, s.left_balance, s.left_to)
                for s in uow.collection_cases.line_spells(line_id)]


def test_a_line_ages_m0_m1_m2_and_cures_with_its_bucket_history(
        container: Container, clock: FixedClock) -> None:
    d = debtor(container, clock)
    eod_through(container, clock, date(2026, 4, 10))
    assert case_of(container, d.line_id) is None  # the due date itself: still current

    eod_through(container, clock, date(2026, 4, 11))  # 1 day past due: M1, a case opens
    case = case_of(container, d.line_id)
    assert case is not None
    assert (case.status, case.bucket, case.opened_on) == ("open", 1, date(2026, 4, 11))
    assert (case.past_due, case.balance) == (D("50.00"), D("1206.05"))
    assert case.profile == "CN" and case.zone == "Asia/Shanghai"
    assert spells(container, d.line_id) == [
        ("M1", date(2026, 4, 11), D("50.00"), D("1206.05"), None, None, None, None)]

    eod_through(container, clock, date(2026, 5, 10))  # 30 days: still M1
    assert case_of(container, d.line_id).bucket == 1  # type: ignore[union-attr]
    eod_through(container, clock, date(2026, 5, 11))  # 31 days: M2
    moved = case_of(container, d.line_id)
    assert moved is not None and (moved.id, moved.status, moved.bucket) == (case.id, "stage_2", 2)
    assert spells(container, d.line_id) == [
        ("M1", date(2026, 4, 11), D("50.00"), D("1206.05"), date(2026, 5, 11), D("50.00"),
         D("1213.69"), "M2"),
        ("M2", date(2026, 5, 11), D("50.00"), D("1213.69"), None, None, None, None)]

    # 20 May: the past due is paid; that day's end of day cures the line and resolves the case
    clock.set_date(date(2026, 5, 20))
    sv.repay(sv.Repay(d.line_id, "50.00", idempotency_key="cure"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 5, 20))
    assert case_of(container, d.line_id) is None
    with container.uow() as uow:
        resolved = uow.collection_cases.get(case.id)
    assert resolved is not None
    assert (resolved.status, resolved.closed_on) == ("resolved", date(2026, 5, 20))
    history = spells(container, d.line_id)
    assert history[-1] == ("M2", date(2026, 5, 11), D("50.00"), D("1213.69"), date(2026, 5, 20),
                           D("0.00"), D("1164.61"), "M0")
    # running the stage again for the day changes nothing
    run_eod(RunEod(date(2026, 5, 20), stage="collections"), container.uow(), SYSTEM)
    assert spells(container, d.line_id) == history
    ledger_sound(container)


def test_a_past_due_amount_under_one_yuan_does_not_age(container: Container,
                                                       clock: FixedClock) -> None:
    d = debtor(container, clock)
    eod_through(container, clock, date(2026, 4, 5))
    clock.set_date(date(2026, 4, 6))
    sv.repay(sv.Repay(d.line_id, "49.50", idempotency_key="almost"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 30))
    line = sv.get_line(d.line_id, container.uow())
    assert (line.past_due, line.days_past_due) == (D("0.50"), 20)  # late, but 0.50 only
    assert case_of(container, d.line_id) is None and spells(container, d.line_id) == []


def test_a_call_then_a_promise_kept(container: Container, clock: FixedClock) -> None:
    d, case = delinquent(container, clock)
    chen = collector(container)
    cs.assign(cs.Assign((case.id,), "chen"), container.uow(), SUPERVISOR)
    [item] = cs.queue(cs.GetQueue(), container.uow(), chen)
    assert item.case.id == case.id and item.bucket_name == "M1"
    assert item.debtor.phone == "13812341234"  # a call needs it
    assert item.debtor.id_number == "110105********002X"  # masked

    local(clock, 2026, 4, 20, 10)
    with pytest.raises(ValidationError, match="promise_date: must not be in the past"):
        cs.log_call(cs.LogCall(case.id, "promise_to_pay", promise_amount="50.00",
                               promise_date=date(2026, 4, 19)), container.uow(), chen)
    with pytest.raises(ValidationError, match="promise_amount: must not exceed what is owed"):
        cs.log_call(cs.LogCall(case.id, "promise_to_pay", promise_amount="5000.00",
                               promise_date=date(2026, 4, 23)), container.uow(), chen)
    r = cs.log_call(cs.LogCall(case.id, "promise_to_pay", "will pay on payday",
                               promise_amount="50.00", promise_date=date(2026, 4, 23)),
                    container.uow(), chen)
    assert r.contact.allowed and r.contact.outcome is not None
    assert r.contact.local_time.startswith("2026-04-20T10:00:00+08:00")
    assert events(container, cs.PROMISE_CONFIRMED) == [{
        "case_id": case.id, "line_id": d.line_id, "customer_id": d.customer_id,
        "promise_id": r.promise.id, "amount": "50.00", "due_on": "2026-04-23"}]  # type: ignore[union-attr]

    clock.set_date(date(2026, 4, 22))
    sv.repay(sv.Repay(d.line_id, "50.00", idempotency_key="kept"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 22))
    [p] = cs.promises_of(case.id, container.uow())
    assert (p.status, p.settled_on, p.paid) == (PromiseStatus.KEPT, date(2026, 4, 22), D("50.00"))
    assert case_of(container, d.line_id) is None  # cured: resolved the same day
    assert [e["promise_id"] for e in events(container, "collections.promise_kept")] == [p.id]


def test_a_broken_promise_escalates_and_the_case_goes_to_an_agency(
        container: Container, clock: FixedClock) -> None:
    d, case = delinquent(container, clock)
    chen = collector(container)
    cs.assign(cs.Assign((case.id,), "chen"), container.uow(), SUPERVISOR)
    local(clock, 2026, 4, 20, 15)
    cs.log_call(cs.LogCall(case.id, "promise_to_pay", promise_amount="30.00",
                           promise_date=date(2026, 4, 23)), container.uow(), chen)
    eod_through(container, clock, date(2026, 4, 23))  # nothing paid by the 23rd
    [p] = cs.promises_of(case.id, container.uow())
    assert (p.status, p.paid) == (PromiseStatus.BROKEN, D("0.00"))
    escalated = case_of(container, d.line_id)
    assert escalated is not None and escalated.escalation == 1
    assert len(events(container, "collections.promise_broken")) == 1

    with pytest.raises(NotFound, match="agency nope not found"):
        ag.place_case(ag.PlaceCase(case.id, "nope"), container.uow(), SUPERVISOR)
    agency = ag.create_agency(ag.CreateAgency("Eastern Recovery", "0.20"), container.uow(),
                              SUPERVISOR)
    clock.set_date(date(2026, 4, 24))
    placed = ag.place_case(ag.PlaceCase(case.id, agency.id), container.uow(), SUPERVISOR)
    assert placed.placed_on == date(2026, 4, 24)
    assert events(container, ag.CASE_PLACED)[-1]["agency"] == "Eastern Recovery"
    assert cs.queue(cs.GetQueue(), container.uow(), chen) == []  # out of the collector's queue

    # the agency's contacts pass the same gate: 22:30 in Shanghai is refused and logged
    agent = collector(container, "agent-wu")
    local(clock, 2026, 4, 24, 22, 30)
    with pytest.raises(cs.ContactRefused, match=r"CN\.hours"):
        ag.agency_contact(ag.AgencyContact(agency.id, case.id, "no_answer"), container.uow(),
                          agent)
    local(clock, 2026, 4, 25, 10)
    ag.agency_contact(ag.AgencyContact(agency.id, case.id, "reached"), container.uow(), agent)

    clock.set_date(date(2026, 4, 25))
    sv.repay(sv.Repay(d.line_id, "100.00", idempotency_key="to-agency"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 25))
    assert case_of(container, d.line_id) is None  # cured, and recalled from the agency
    [perf] = ag.performance(container.uow())
    assert (perf.placements, perf.active, perf.recovered, perf.commission, perf.contacts) == (
        1, 0, D("100.00"), D("20.00"), 1)
    detail = cs.get_case(case.id, container.uow(), SUPERVISOR)
    # the calls (the collection strategy's texts between them are in the log too: ccard)
    assert [(c.agency_id, c.allowed, c.rule) for c in detail.contacts if c.channel == "call"] == [
        (None, True, None), (agency.id, False, "CN.hours"), (agency.id, True, None)]
    assert {c.actor for c in detail.contacts if c.channel != "call"} <= {SYSTEM.name}


def test_a_legal_referral_assembles_its_package(container: Container, clock: FixedClock) -> None:
    d, case = delinquent(container, clock, through=date(2026, 5, 2))
    local(clock, 2026, 5, 2, 10)
    relay_texts(container)  # the texts queued for the relay go out: contacts from now
    chen = collector(container)
    cs.assign(cs.Assign((case.id,), "chen"), container.uow(), SUPERVISOR)
    local(clock, 2026, 5, 2, 23)
    with pytest.raises(cs.ContactRefused):
        cs.log_call(cs.LogCall(case.id, "no_answer"), container.uow(), chen)
    local(clock, 2026, 5, 2, 11)
    cs.log_call(cs.LogCall(case.id, "refused_to_pay"), container.uow(), chen)
    ref = legal.refer_to_legal(legal.ReferToLegal(case.id), container.uow(), SUPERVISOR)
    pkg = legal.get_referral(case.id, container.uow()).package
    assert package_hash(pkg) == ref.sha256
    assert pkg["contract"]["product"] == "consumer_bnpl"
    assert pkg["contract"]["limit"] == "10000.00" and pkg["contract"]["line_id"] == d.line_id
    assert [s["statement_date"] for s in pkg["statements"]] == ["2026-04-01", "2026-05-01"]
    assert [(c["outcome"], c["allowed"], c["rule"]) for c in pkg["contacts"]
            if c["channel"] == "call"] == [(None, False, "CN.hours"), ("refused_to_pay", True, None)]
    assert {c["channel"] for c in pkg["contacts"]} == {"call", "sms"}  # ccard: strategy texts
    assert [b["bucket"] for b in pkg["bucket_history"]] == ["M1"]
    assert pkg["debtor"]["id_number"] == "11010519491231002X"
    html = legal.referral_html(ref)
    assert "Legal referral" in html and ref.sha256 in html and "2026-05-01" in html
    with pytest.raises(Exception, match="referred to legal already"):
        legal.refer_to_legal(legal.ReferToLegal(case.id), container.uow(), SUPERVISOR)


def test_the_contact_log_refuses_update_and_delete(container: Container,
                                                  clock: FixedClock) -> None:
    _, case = delinquent(container, clock)
    with container.uow() as uow:
        before = len(uow.contact_log.for_case(case.id))  # the strategy's texts (ccard)
    local(clock, 2026, 4, 20, 10)
    cs.log_call(cs.LogCall(case.id, "no_answer"), container.uow(), SUPERVISOR)
    for sql in ("UPDATE contact_log SET outcome = 'reached'", "DELETE FROM contact_log"):
        with pytest.raises(Exception, match="append-only"), container.engine.begin() as c:
            c.execute(text(sql))
    with container.uow() as uow:
        assert len(uow.contact_log.for_case(case.id)) == before + 1


def test_the_online_catch_up_ages_a_line_as_the_batch_does(container: Container,
                                                           clock: FixedClock) -> None:
    """Two debtors with the same purchase: one line's days are closed by the per-line
    catch-up (as a command on a line that is behind does), the other's by the batch; both
    get the same case and the same bucket history."""
    online = debtor(container, clock)
    batch = debtor(container, clock, phone="13900001111", id_number="360426199101010071")
    clock.set_date(date(2026, 5, 12))
    with container.uow() as uow:
        line = uow.lines.get(online.line_id, lock=True)
        catch_up(uow, online.line_id, line.last_eod, date(2026, 5, 12), container.pipeline)
        uow.commit()
    run_eod(RunEod(date(2026, 5, 12)), container.uow(), SYSTEM)  # closes the other line
    a, b = case_of(container, online.line_id), case_of(container, batch.line_id)
    assert a is not None and b is not None
    assert (a.status, a.bucket, a.opened_on) == (b.status, b.bucket, b.opened_on) == (
        "stage_2", 2, date(2026, 4, 11))
    assert spells(container, online.line_id) == spells(container, batch.line_id)
    assert len(spells(container, online.line_id)) == 2
