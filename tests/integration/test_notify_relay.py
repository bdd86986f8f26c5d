"""The relay delivers for real: a customer's purchase goes out by e-mail to a real SMTP
server, by SMS to a real HTTP gateway, and into the in-app inbox -- once each, whichever of
the receivers is down while it is tried (both stores)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.channels.sms import HttpSmsGateway
from creditline.channels.smtp import SmtpChannel
from creditline.clock import FixedClock
from creditline.notify import services as ns
from creditline.notify.messages import Backoff
from creditline.notify.ports import Channel
from creditline.notify.relay import RelayConfig, relay_once
from creditline.paging import PageRequest
from creditline.servicing import services as sv
from tests.integration.notify_support import SmsGateway, SmtpServer, open_line, register


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


def statuses(container: Container) -> dict[tuple[str, str], tuple[str, int]]:
    page = ns.list_messages(ns.ListMessages(page=PageRequest(limit=200)), container.uow(), SYSTEM)
    return {(m.topic, m.channel): (m.status, m.attempts) for m in page.items}


def test_receivers_down_messages_wait_and_go_out_once_when_they_are_back(
        container: Container, clock: FixedClock, smtp: SmtpServer, gateway: SmsGateway) -> None:
    clock.set_date(date(2026, 3, 2))
    chans = channels(smtp, gateway)
    cid = register(container, language="en", name="Wei Zhang")
    line = open_line(container, cid)
    # the line's opening is delivered while both receivers are up
    r0 = relay_once(container.uow, chans)
    assert (r0.events, r0.sent, r0.by_channel) == (2, 3, {"inbox": 1, "email": 1, "sms": 1})
    assert r0.internal == 1  # customer.registered: answered at the counter, no message

    # both receivers go down; Wei buys a phone
    smtp.stop()
    gateway.stop()
    sv.purchase(sv.Purchase(line, "1200.00", "JD Mall", "electronics", 12), container.uow(),
                SYSTEM)
    r1 = relay_once(container.uow, chans)
    assert (r1.events, r1.messages, r1.sent, r1.retried, r1.failed) == (1, 3, 1, 2, 0)
    s = statuses(container)
    assert s[("purchase.created", "inbox")] == ("sent", 1)  # the inbox does not need them
    assert s[("purchase.created", "email")] == ("pending", 1)
    assert s[("purchase.created", "sms")] == ("pending", 1)

    # back up, but the back-off (30 s after the first failure) is not over: nothing is tried
    smtp.start()
    gateway.start()
    clock.advance(seconds=29)
    r2 = relay_once(container.uow, chans)
    assert (r2.sent, r2.retried) == (0, 0)
    assert len(smtp.received) == 1 and len(gateway.received) == 1

    clock.advance(seconds=1)
    r3 = relay_once(container.uow, chans)
    assert (r3.sent, r3.retried, r3.by_channel) == (2, 0, {"email": 1, "sms": 1})
    s = statuses(container)
    assert s[("purchase.created", "email")] == ("sent", 2)
    assert s[("purchase.created", "sms")] == ("sent", 2)

    # and never again, however often the relay runs
    clock.advance(hours=5)
    assert relay_once(container.uow, chans).sent == 0
    assert len(smtp.received) == 2 and len(gateway.received) == 2
    assert len(set(smtp.ids())) == 2 and len(set(gateway.ids())) == 2

    # what arrived: the receivers get the message id as their dedupe key, the text in the
    # customer's language, the e-mail also as HTML
    mail = smtp.received[1]
    assert mail["Subject"] == "Purchase of CNY 1200.00 at JD Mall"
    assert mail["X-Envelope-To"] == "zhang@example.com"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in mail.walk()
             if not p.is_multipart()}
    assert "You bought CNY 1200.00 at JD Mall on 2026-03-02" in parts["text/plain"]
    assert "in 12 installments" in parts["text/plain"]
    assert "<h1" in parts["text/html"] and "JD Mall" in parts["text/html"]
    headers, sms = gateway.received[1]
    assert headers["Idempotency-Key"] == sms["message_id"]
    assert sms["to"] == "13812341234" and sms["language"] == "en"
    assert sms["text"].startswith("Purchase of CNY 1200.00 at JD Mall\n")
    [email_msg] = ns.list_messages(ns.ListMessages(channel="email", topic="purchase.created"),
                                   container.uow(), SYSTEM).items
    assert smtp.ids()[1] == email_msg.id
    assert email_msg.body.endswith("If you did not make this purchase, contact us at once.")

    # the inbox holds both notices, in order; the outbox is relayed
    inbox = ns.inbox(ns.ReadInbox(cid), container.uow(), SYSTEM).items
    assert [m.topic for m in inbox] == ["line.opened", "purchase.created"]
    assert inbox[0].subject.startswith("Your credit line ****")
    with container.engine.connect() as c:
        assert c.execute(text("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
                         ).scalar() == 0


def test_a_relay_run_twice_over_the_same_events_makes_no_second_message(
        container: Container, clock: FixedClock, smtp: SmtpServer, gateway: SmsGateway) -> None:
    """At least once, and never twice: an event fanned out again (a relay that died before
    marking it) makes the same message ids, which are not written or sent again."""
    clock.set_date(date(2026, 3, 2))
    cid = register(container)
    open_line(container, cid)
    chans = channels(smtp, gateway)
    assert relay_once(container.uow, chans).sent == 3
    with container.engine.begin() as c:
        c.execute(text("UPDATE outbox SET delivered_at = NULL"))
    again = relay_once(container.uow, chans)
    assert (again.events, again.messages, again.sent) == (2, 0, 0)
    assert len(smtp.received) == 1 and len(gateway.received) == 1
    inbox = ns.inbox(ns.ReadInbox(cid), container.uow(), SYSTEM).items
    assert [m.subject for m in inbox] == [f"您的额度账户 {inbox[0].subject.split()[1]} 已开通"]


def test_retries_back_off_then_give_up_and_an_operator_requeues(
        sqlite_container: Container, clock: FixedClock, smtp: SmtpServer,
        gateway: SmsGateway) -> None:
    container = sqlite_container
    clock.set_date(date(2026, 3, 2))
    cid = register(container, email=None)  # SMS and inbox only
    open_line(container, cid)
    cfg = RelayConfig(backoff=Backoff(base_seconds=10, factor=3, cap_seconds=60,
                                      max_attempts=4))
    chans = channels(smtp, gateway)
    gateway.fail_next = 99  # the gateway is up but answers 503
    waits = []
    for _ in range(3):
        r = relay_once(container.uow, chans, cfg)
        assert (r.retried, r.failed) == (1, 0)
        [m] = ns.list_messages(ns.ListMessages(channel="sms"), container.uow(), SYSTEM).items
        waits.append(round((m.due_at - clock.now()).total_seconds()))
        assert m.last_error == "SMS gateway answered 503"
        clock.advance(seconds=waits[-1])
    assert waits == [10, 30, 60]  # 10 s, x3, capped at 60 s
    r = relay_once(container.uow, chans, cfg)
    assert (r.retried, r.failed) == (0, 1)
    [m] = ns.list_messages(ns.ListMessages(channel="sms"), container.uow(), SYSTEM).items
    assert (m.status, m.attempts) == ("failed", 4)
    clock.advance(hours=1)
    assert relay_once(container.uow, chans, cfg).sent == 0  # failed stays failed

    gateway.fail_next = 0
    back = ns.retry_message(ns.RetryMessage(m.id), container.uow(), SYSTEM)
    assert (back.status, back.attempts) == ("pending", 0)
    assert relay_once(container.uow, chans, cfg).by_channel == {"sms": 1}
    assert gateway.ids() == [m.id]
    with pytest.raises(Exception, match="only a failed message can be retried"):
        ns.retry_message(ns.RetryMessage(m.id), container.uow(), SYSTEM)


def test_two_relays_at_once_send_each_message_once(
        container: Container, clock: FixedClock, smtp: SmtpServer, gateway: SmsGateway) -> None:
    """The relay inside ``serve`` and a ``notify run`` at the same time: the claims keep them
    apart (PostgreSQL: SKIP LOCKED; SQLite: one writer), so every message goes out once."""
    clock.set_date(date(2026, 3, 2))
    people = [register(container, id_number=n, phone=p, email=f"p{i}@example.com")
              for i, (n, p) in enumerate([("11010519491231002X", "13812341234"),
                                          ("360426199101010071", "13900001111")])]
    lines = [open_line(container, c) for c in people]
    for i in range(6):
        sv.purchase(sv.Purchase(lines[i % 2], "10.00", f"Shop {i}", "books"), container.uow(),
                    SYSTEM)
    chans = channels(smtp, gateway)
    cfg = RelayConfig(batch=3)  # small batches, so the two interleave
    reports = []

    def relay() -> None:
        reports.append(relay_once(container.uow, chans, cfg))

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    reports.append(relay_once(container.uow, chans, cfg))  # whatever a lock made them leave
    assert sum(r.events for r in reports) == 10  # 2 registrations, 2 openings, 6 purchases
    assert sum(r.by_channel.get("email", 0) for r in reports) == 8
    assert len(smtp.ids()) == len(set(smtp.ids())) == 8
    assert len(gateway.ids()) == len(set(gateway.ids())) == 8


def test_a_relay_that_dies_mid_send_leaves_its_claim_to_lapse_and_the_same_id_goes_again(
        sqlite_container: Container, clock: FixedClock, smtp: SmtpServer,
        gateway: SmsGateway) -> None:
    """At least once: a relay that handed a message over but died before recording it holds
    a claim for the lease; after it the message goes out again with the same id, which the
    receiver dedupes on."""
    container = sqlite_container
    clock.set_date(date(2026, 3, 2))
    open_line(container, register(container, email=None))
    chans = channels(smtp, gateway)
    gateway.stop()
    assert relay_once(container.uow, chans).retried == 1  # the SMS waits 30 s
    gateway.start()
    clock.advance(seconds=30)
    with container.uow() as uow:  # a relay claims the SMS ... and dies
        [claimed] = uow.notifications.claim_due(clock.now(), clock.now() + timedelta(minutes=5),
                                                10, ["sms"])
        uow.commit()
    clock.advance(minutes=4)
    assert relay_once(container.uow, chans).sent == 0  # still claimed
    clock.advance(minutes=1)
    again = relay_once(container.uow, chans)
    assert again.by_channel == {"sms": 1} and gateway.ids() == [claimed.id]
