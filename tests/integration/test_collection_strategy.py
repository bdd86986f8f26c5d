"""The collection strategy as worked examples, on SQLite and PostgreSQL.  Li Lei buys a
1,200.00 phone in 12 installments on 2 March and pays nothing: the 1 April minimum (50.00,
due 10 April) is past due from 11 April.  End of day decides, every day, what collection
does next on his case with the fixed ladder's tables (M1: a text every 3 days, a call a
week from 5 days past due; M3: an agency; M5: legal), so each path is pinned; the C-card
strategy's scoring path is the last example.  As in production the relay runs every morning
and sends the texts through a real SMS gateway: a text is in the contact log once it is
sent, not when end of day queues it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl
import pytest
from sqlalchemy import select

from creditline.auth import SYSTEM
from creditline.batch.collection_strategy import serving_c_card, with_strategy
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container
from creditline.channels.sms import HttpSmsGateway
from creditline.clock import FixedClock
from creditline.collections import agencies as ag
from creditline.collections import legal
from creditline.collections import services as cs
from creditline.collections.actions import COLLECTION_REMINDER
from creditline.collections.cases import PromiseStatus
from creditline.collections.ccard import C_CARD, C_CARD_FILE, FEATURES
from creditline.collections.strategy import LADDER_DIR, STRATEGY
from creditline.notify.relay import relay_once
from creditline.servicing import services as sv
from creditline.store.tables.collection_strategy import collection_actions
from tests.integration.collections_support import (
    SUPERVISOR,
    case_of,
    collector,
    debtor,
    events,
    local,
)
from tests.integration.notify_support import SmsGateway
from tests.integration.servicing_support import eod_through

D = Decimal
LADDER = STRATEGY.load(LADDER_DIR).label


@pytest.fixture
def ladder(container: Container) -> Container:
    """The same store and clock, end of day deciding with the fixed ladder."""
    return replace(container, pipeline=with_strategy(container.pipeline, LADDER_DIR))


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    g = SmsGateway().start()
    yield g
    g.stop()


class Days:
    """The days as they pass: each morning at 09:30 Shanghai the relay sends what is due
    (the texts end of day queued last night), each evening end of day closes the day."""

    def __init__(self, container: Container, clock: FixedClock, gateway: SmsGateway,
                 closed: date = date(2026, 4, 10)) -> None:
        self.c, self.clock, self.gateway = container, clock, gateway
        eod_through(container, clock, closed)  # nothing past due yet: no text queued
        self.closed = closed

    def relay(self) -> None:
        relay_once(self.c.uow, {"sms": HttpSmsGateway(self.gateway.url, timeout=5)})

    def through(self, last: date) -> None:
        day = self.closed + timedelta(days=1)
        while day <= last:
            morning = datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)  # 09:30 +8
            self.clock.current = max(self.clock.current, morning)
            self.relay()
            run_eod(RunEod(day), self.c.uow(), SYSTEM)
            self.closed, day = day, day + timedelta(days=1)

    def texts(self) -> list[str]:
        """The strategy's texts sent (Li Lei reads Chinese: "...agree a date or a plan")."""
        return [b["text"] for _, b in self.gateway.received if "商定还款日期" in b["text"]]


def decisions(container: Container) -> list[dict[str, Any]]:
    a = collection_actions.c
    with container.engine.connect() as c:
        return [dict(r._mapping) for r in c.execute(
            select(a.business_date, a.bucket, a.dpd, a.owed, a.action, a.reason, a.outcome,
                   a.rules_version, a.days_since_message, a.days_since_call)
            .order_by(a.business_date))]


def acts(container: Container) -> list[tuple[str, str, str]]:
    return [(r["business_date"].isoformat(), r["action"], r["outcome"])
            for r in decisions(container) if r["action"] != "none"]


def test_reminder_then_paid(ladder: Container, clock: FixedClock,
                            gateway: SmsGateway) -> None:
    d = debtor(ladder, clock)
    days = Days(ladder, clock, gateway)
    days.through(date(2026, 4, 11))  # 1 day past due: M1, a case, a text
    case = case_of(ladder, d.line_id)
    assert case is not None
    [row] = decisions(ladder)
    assert row == {"business_date": date(2026, 4, 11), "bucket": 1, "dpd": 1,
                   "owed": D("50.00"), "action": "sms", "reason": "LADDER_SMS_M1",
                   "outcome": "scheduled", "rules_version": LADDER,
                   "days_since_message": 9999, "days_since_call": 9999}
    assert events(ladder, COLLECTION_REMINDER) == [{
        "case_id": case.id, "line_id": d.line_id, "customer_id": d.customer_id,
        "channels": ["sms"], "amount": "50.00", "days_past_due": 1,
        "dedupe_key": f"collections:{case.id}:2026-04-11",
        "deliver_after": "2026-04-12T01:30:00+00:00", "reason": "LADDER_SMS_M1"}]
    # queued for 09:30 the next morning, Shanghai: not a contact yet
    assert cs.get_case(case.id, ladder.uow(), SUPERVISOR).contacts == []
    local(clock, 2026, 4, 12, 9)
    days.relay()  # at 09:00 it is not due
    # (the contacts so far: the three due-date reminders before the due date)
    assert days.texts() == [] and cs.replay_contacts(ladder.uow()).contacts == 3

    # 09:30: the relay asks the gate and sends it; the contact log has it from then
    local(clock, 2026, 4, 12, 9, 30)
    days.relay()
    [text] = days.texts()
    assert "50.00" in text
    [contact] = cs.get_case(case.id, ladder.uow(), SUPERVISOR).contacts
    assert (contact.channel, contact.actor, contact.allowed) == ("sms", SYSTEM.name, True)
    assert contact.at == datetime(2026, 4, 12, 1, 30, tzinfo=UTC)
    assert contact.local_time.startswith("2026-04-12T09:30:00+08:00")
    assert (contact.note or "").startswith("collections.reminder message")

    local(clock, 2026, 4, 12, 10)  # he reads it and pays what is past due
    sv.repay(sv.Repay(d.line_id, "50.00", idempotency_key="after-text"), ladder.uow(), SYSTEM)
    days.through(date(2026, 4, 12))
    assert case_of(ladder, d.line_id) is None  # cured: nothing more to decide
    assert len(decisions(ladder)) == 1
    assert cs.replay_contacts(ladder.uow()).contacts == 3 + 1


def test_reminder_then_call_then_promise_kept(ladder: Container, clock: FixedClock,
                                             gateway: SmsGateway) -> None:
    d = debtor(ladder, clock)
    days = Days(ladder, clock, gateway)
    days.through(date(2026, 4, 16))
    case = case_of(ladder, d.line_id)
    assert case is not None
    # texts decided on day 1 and day 5 (each goes out the next morning: every 3 days counts
    # from then), and between them, from 5 days past due, a call task
    assert acts(ladder) == [("2026-04-11", "sms", "scheduled"),
                            ("2026-04-15", "sms", "scheduled"),
                            ("2026-04-16", "call", "queued")]
    assert len(days.texts()) == 2  # sent on the 12th and the 16th, 09:30
    assert [x.at for x in cs.get_case(case.id, ladder.uow(), SUPERVISOR).contacts] == [
        datetime(2026, 4, 12, 1, 30, tzinfo=UTC), datetime(2026, 4, 16, 1, 30, tzinfo=UTC)]
    with ladder.uow() as uow:
        assert uow.collection_actions.tasks(date(2026, 4, 16), "call") == [case.id]
    chen = collector(ladder)
    cs.assign(cs.Assign((case.id,), "chen"), ladder.uow(), SUPERVISOR)
    [item] = cs.queue(cs.GetQueue(), ladder.uow(), chen)
    local(clock, 2026, 4, 16, 14)
    r = cs.log_call(cs.LogCall(case.id, "promise_to_pay", promise_amount="50.00",
                               promise_date=date(2026, 4, 19)), ladder.uow(), chen)
    assert r.promise is not None and item.collectable == D("50.00")

    # called yesterday; this morning the relay sent the promise's confirmation by SMS (a
    # collection notice, judged by the gate and logged as a message contact): wait
    days.through(date(2026, 4, 17))
    last = decisions(ladder)[-1]
    assert (last["action"], last["days_since_call"], last["days_since_message"]) == (
        "none", 1, 0)

    clock.set_date(date(2026, 4, 18))
    sv.repay(sv.Repay(d.line_id, "50.00", idempotency_key="promised"), ladder.uow(), SYSTEM)
    days.through(date(2026, 4, 18))
    [p] = cs.promises_of(case.id, ladder.uow())
    assert (p.status, p.paid) == (PromiseStatus.KEPT, D("50.00"))
    assert case_of(ladder, d.line_id) is None


def test_promise_broken_then_agency_then_legal(ladder: Container, clock: FixedClock,
                                              gateway: SmsGateway) -> None:
    d = debtor(ladder, clock)
    agency = ag.create_agency(ag.CreateAgency("Eastern Recovery", "0.20"), ladder.uow(),
                              SUPERVISOR)
    days = Days(ladder, clock, gateway)
    days.through(date(2026, 4, 20))
    case = case_of(ladder, d.line_id)
    assert case is not None
    chen = collector(ladder)
    cs.assign(cs.Assign((case.id,), "chen"), ladder.uow(), SUPERVISOR)
    local(clock, 2026, 4, 20, 15)
    cs.log_call(cs.LogCall(case.id, "promise_to_pay", promise_amount="30.00",
                           promise_date=date(2026, 4, 23)), ladder.uow(), chen)
    days.through(date(2026, 4, 23))  # nothing paid: broken, escalated
    [p] = cs.promises_of(case.id, ladder.uow())
    assert p.status is PromiseStatus.BROKEN

    days.through(date(2026, 6, 9))  # 60 days past due: M2, still the desk's
    assert case_of(ladder, d.line_id).agency_id is None  # type: ignore[union-attr]
    days.through(date(2026, 6, 10))  # 61 days: M3, the ladder places it
    placed = case_of(ladder, d.line_id)
    assert placed is not None and (placed.bucket, placed.escalation) == (3, 1)
    assert placed.agency_id == agency.id
    assert decisions(ladder)[-1] == {
        "business_date": date(2026, 6, 10), "bucket": 3, "dpd": 61, "owed": D("50.00"),
        "action": "agency", "reason": "LADDER_AGENCY_M3", "outcome": "placed",
        "rules_version": LADDER, "days_since_call": 51,
        "days_since_message": 0}  # the 10 June due-day reminder went out this morning
    assert events(ladder, ag.CASE_PLACED)[-1]["agency"] == "Eastern Recovery"
    assert cs.queue(cs.GetQueue(), ladder.uow(), chen) == []

    days.through(date(2026, 8, 8))  # placed: the agency works it, no contacts
    assert {r["action"] for r in decisions(ladder)
            if date(2026, 6, 10) < r["business_date"] <= date(2026, 8, 8)} == {"none"}
    days.through(date(2026, 8, 9))  # 121 days: M5, legal
    assert acts(ladder)[-1] == ("2026-08-09", "legal", "referred")
    ref = legal.get_referral(case.id, ladder.uow())
    assert ref.referred_by == SYSTEM.name and ref.referred_on == date(2026, 8, 9)
    assert ref.package["case"]["days_past_due"] == 121
    assert {c["channel"] for c in ref.package["contacts"]} == {"sms", "call"}
    days.through(date(2026, 8, 12))  # referred: nothing more
    assert acts(ladder)[-1] == ("2026-08-09", "legal", "referred")
    assert cs.replay_contacts(ladder.uow()).over_limits == 0


@pytest.mark.skipif(not C_CARD_FILE.exists(), reason="the default C-card is not trained yet")
def test_the_ccard_scores_the_case_and_the_band_picks_the_action(
        container: Container, clock: FixedClock) -> None:
    d = debtor(container, clock)
    eod_through(container, clock, date(2026, 4, 11))
    with container.uow() as uow:
        card = serving_c_card(uow)  # installed from the shipped file by end of day
        [champion] = [m for m in uow.models.list(C_CARD) if m.status.value == "champion"]
    assert card is not None and champion.card_type == "C"
    a = collection_actions.c
    with container.engine.connect() as c:
        [row] = [dict(r._mapping) for r in c.execute(select(collection_actions))]
    x = pl.DataFrame({f: [float(row[f] if f != "b_pd" or row[f] is not None else -1.0)]
                      for f in FEATURES})
    pd_now = float(np.asarray(card.model.predict_proba(x))[0, 1])
    assert row["c_pd"] == pytest.approx(pd_now, abs=1e-6)
    assert row["model"] == card.label == f"{C_CARD} v1"
    answer = STRATEGY.default().evaluate({
        "bucket": 1, "dpd": 1, "owed": 50.0, "pd": row["c_pd"], "contactable": True,
        "days_since_message": 9999, "days_since_call": 9999, "on_hold": False,
        "placed": False, "referred": False})
    assert (row["band"], row["action"], row["reason"]) == (
        answer["band"]["band"], answer["next"]["action"], answer["next"]["reason"])
    assert row["rules_version"] == STRATEGY.default().label
    assert d.line_id == row["line_id"] and a is not None
