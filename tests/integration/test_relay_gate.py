"""The relay asks the compliance gate before any collection contact it delivers (both
stores, a real SMTP server and a real HTTP SMS gateway): a hardship notice written at 23:00
in Shanghai waits -- not dropped, not sent early -- until 08:00, when the gate allows it
again; the refusals are in the contact log with their rule, the deliveries too; a notice
that is not a collection contact (a purchase) goes out at once; and a regional relief holds
collection messages until the day after it ends."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from creditline.auth import SYSTEM, Principal, Role
from creditline.bootstrap import Container
from creditline.channels.sms import HttpSmsGateway
from creditline.channels.smtp import SmtpChannel
from creditline.clock import FixedClock
from creditline.collections import relief_services as rs
from creditline.collections import services as cs
from creditline.notify import services as ns
from creditline.notify.ports import Channel
from creditline.notify.relay import relay_once
from creditline.paging import PageRequest
from creditline.parties import services as parties
from creditline.servicing import services as sv
from tests.integration.collections_support import SUPERVISOR, case_of, local
from tests.integration.notify_support import SmsGateway, SmtpServer
from tests.integration.servicing_support import eod_through

OFFICER = Principal("id-ro", "risk-officer", Role.RISK_OFFICER)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    s = SmtpServer().start()
    yield s
    s.stop()


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    g = SmsGateway().start()
    yield g
    g.stop()


def channels(smtp: SmtpServer, gateway: SmsGateway) -> dict[str, Channel]:
    return {"email": SmtpChannel("127.0.0.1", smtp.port, timeout=5),
            "sms": HttpSmsGateway(gateway.url, timeout=5)}


def messages(container: Container, topic: str) -> dict[str, tuple[str, datetime | None]]:
    page = ns.list_messages(ns.ListMessages(topic=topic, page=PageRequest(limit=200)),
                            container.uow(), SYSTEM)
    return {m.channel: (m.status, m.sent_at) for m in page.items}


def late_debtor(container: Container, clock: FixedClock, region: str = "Hubei") -> tuple[str, str]:
    clock.set_date(date(2026, 3, 2))
    c = parties.register_customer(parties.RegisterPerson(
        name="Wei Zhang", id_number="11010519491231002X", phone="13812341234",
        monthly_income="8000", email="zhang@example.com", language="en", region=region,
        consents={"credit_check": True, "data_processing": True}), container.uow(), SYSTEM)
    line = sv.open_line(sv.OpenLine(c.id, "consumer_bnpl", "10000.00"), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(line.id, "1200.00", "JD Mall", "electronics", 12,
                            idempotency_key=f"p-{uuid.uuid4()}"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 20))
    case = case_of(container, line.id)
    assert case is not None
    return c.id, case.id


def test_a_collection_message_written_at_night_waits_for_the_morning(
        container: Container, clock: FixedClock, smtp: SmtpServer, gateway: SmsGateway) -> None:
    c = container
    chans = channels(smtp, gateway)
    _, case_id = late_debtor(c, clock)
    relay_once(c.uow, chans)  # the opening, the purchase and the reminders, by day
    before_sms, before_mail = len(gateway.received), len(smtp.received)

    # 23:00 in Shanghai: a supervisor grants hardship; its notice must not go out at night
    local(clock, 2026, 4, 20, 23)
    cs.hardship(cs.Hardship(case_id, date(2026, 5, 20), "hospitalised"), c.uow(), SUPERVISOR)
    local(clock, 2026, 4, 20, 23, 5)
    report = relay_once(c.uow, chans)
    assert (report.held, report.sent) == (2, 1)  # e-mail and SMS wait; the inbox is passive
    assert (len(gateway.received), len(smtp.received)) == (before_sms, before_mail)
    held = messages(c, "collections.hardship_granted")
    assert held["sms"] == ("pending", None) and held["email"] == ("pending", None)
    refusals = [x for x in cs.get_case(case_id, c.uow(), SUPERVISOR).contacts if not x.allowed]
    assert sorted((x.channel.value, x.rule, x.allowed_again_at) for x in refusals) == [
        ("email", "CN.hours", datetime(2026, 4, 21, 0, 0, tzinfo=UTC)),
        ("sms", "CN.hours", datetime(2026, 4, 21, 0, 0, tzinfo=UTC))]

    # 07:59: still nothing; 08:00: both go out, once
    local(clock, 2026, 4, 21, 7, 59)
    assert relay_once(c.uow, chans).sent == 0
    local(clock, 2026, 4, 21, 8, 0)
    r = relay_once(c.uow, chans)
    assert (r.sent, r.held) == (2, 0)
    assert (len(gateway.received), len(smtp.received)) == (before_sms + 1, before_mail + 1)
    sent = messages(c, "collections.hardship_granted")
    assert sent["sms"][0] == "sent" and sent["email"][0] == "sent"
    assert all(at is not None and at >= datetime(2026, 4, 21, 0, 0, tzinfo=UTC)
               for ch, (_, at) in sent.items() if ch != "inbox")
    with c.uow() as uow:
        assert uow.notifications.sent_early() == 0
    made = [x for x in cs.get_case(case_id, c.uow(), SUPERVISOR).contacts
            if x.allowed and x.note.startswith("collections.hardship_granted")]
    assert sorted(x.channel.value for x in made) == ["email", "sms"]
    assert relay_once(c.uow, chans).sent == 0  # never twice
    rep = cs.replay_contacts(c.uow())
    assert (rep.violations, rep.outside_hours) == ([], 0)


def _line(container: Container, case_id: str) -> str:
    with container.uow() as uow:
        case = uow.collection_cases.get(case_id)
        assert case is not None
        return case.line_id


def test_a_regional_relief_holds_collection_messages_until_the_day_after_it(
        container: Container, clock: FixedClock, smtp: SmtpServer, gateway: SmsGateway) -> None:
    c = container
    chans = channels(smtp, gateway)
    _, case_id = late_debtor(c, clock)
    relay_once(c.uow, chans)
    rs.declare_relief(rs.DeclareRelief(("Hubei",), date(2026, 4, 20), date(2026, 4, 25),
                                       "Earthquake"), c.uow(), OFFICER)
    before = len(gateway.received)
    local(clock, 2026, 4, 20, 10)
    cs.pause(cs.Pause(case_id, date(2026, 5, 30), "relief in force"), c.uow(), SUPERVISOR)
    cs.hardship(cs.Hardship(case_id, date(2026, 5, 30), "lost the shop in the quake"),
                c.uow(), SUPERVISOR)
    r = relay_once(c.uow, chans)
    assert r.held == 2 and len(gateway.received) == before
    refusals = [x for x in cs.get_case(case_id, c.uow(), SUPERVISOR).contacts if not x.allowed]
    assert {(x.rule, x.allowed_again_at) for x in refusals} == {
        ("CN.regional_relief", datetime(2026, 4, 26, 0, 0, tzinfo=UTC))}
    # a repayment receipt is no collection contact: it goes out during the relief
    sv.repay(sv.Repay(_line(c, case_id), "10.00", idempotency_key="r1"), c.uow(), SYSTEM)
    assert relay_once(c.uow, chans).by_channel.get("sms") == 1
    local(clock, 2026, 4, 25, 21)
    assert relay_once(c.uow, chans).sent == 0
    local(clock, 2026, 4, 26, 8)
    n = len(gateway.received)
    # the held pause and hardship notices go out, and so does the collection strategy's
    # text scheduled before the relief: a held message goes out as it was written (a known
    # weakness, in the README: the case is paused by now, and the text still says overdue)
    assert relay_once(c.uow, chans).by_channel == {"email": 1, "sms": 2}
    texts = [x[1].get("text", "") for x in gateway.received[n:]]
    assert sum("10 days overdue" in t for t in texts) == 1
