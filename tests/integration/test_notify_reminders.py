"""Reminders before and on the due date, through the real relay, stop once the customer
pays (both stores).

Zhang Wei buys 1,200.00 in 12 installments on 2 March; the 1 April statement bills 106.00
(100.00 principal + 6.00 fee), minimum 50.00, due 10 April.  End of day writes the T-3
reminder at the end of 6 April for 7 April, T-1 at the end of 8 April for 9 April; each goes
out at 09:00 Shanghai time of its day, not before.  Zhang pays the minimum on 9 April: no
reminder for the due day.  End of day skips quiet lines, so the stage keeps the line due for
a visit on each reminder's eve."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container
from creditline.channels.sms import HttpSmsGateway
from creditline.clock import FixedClock
from creditline.notify import services as ns
from creditline.notify.relay import relay_once
from creditline.servicing import services as sv
from tests.integration.notify_support import SmsGateway, open_line, register


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    g = SmsGateway().start()
    yield g
    g.stop()


def reminders(container: Container) -> list[dict[str, object]]:
    with container.engine.connect() as c:
        rows = c.execute(text("SELECT payload FROM outbox WHERE topic = 'statement.reminder' "
                              "ORDER BY id")).scalars().all()
    return [r if isinstance(r, dict) else __import__("json").loads(r) for r in rows]


def eod(container: Container, clock: FixedClock, day: date) -> None:
    clock.set_date(day)
    run_eod(RunEod(day), container.uow(), SYSTEM)


def test_reminders_t3_t1_at_nine_local_then_paid_and_no_more(
        container: Container, clock: FixedClock, gateway: SmsGateway) -> None:
    chans = {"sms": HttpSmsGateway(gateway.url, timeout=5)}
    clock.set_date(date(2026, 3, 2))
    cid = register(container, email=None)
    line = open_line(container, cid)
    sv.purchase(sv.Purchase(line, "1200.00", "JD Mall", "electronics", 12), container.uow(),
                SYSTEM)
    assert relay_once(container.uow, chans).by_channel == {"inbox": 2, "sms": 2}
    eod(container, clock, date(2026, 4, 1))
    view = sv.get_line(line, container.uow())
    assert (view.amount_due, view.minimum_due) == (106, 50)
    assert reminders(container) == []
    with container.engine.connect() as c:  # the reminder stage holds the visit to 6 April
        assert str(c.execute(text("SELECT next_eod FROM credit_lines")).scalar()) == "2026-04-06"

    eod(container, clock, date(2026, 4, 6))
    [t3] = reminders(container)
    assert t3 == {"line_id": line, "customer_id": cid, "due_date": "2026-04-10",
                  "amount": "50.00", "days_before": 3, "business_date": "2026-04-06",
                  "deliver_after": "2026-04-07T01:00:00+00:00",  # 09:00 in Shanghai
                  "dedupe_key": f"statement.reminder:{line}:2026-04-10:3"}

    # the relay at 08:59 local: the reminder waits in the queue, and is in no inbox yet
    clock.current = datetime(2026, 4, 7, 0, 59, tzinfo=UTC)
    r = relay_once(container.uow, chans)
    assert (r.events, r.messages, r.sent) == (1, 2, 0)
    assert [m.topic for m in ns.inbox(ns.ReadInbox(cid), container.uow(), SYSTEM).items] == [
        "line.opened", "purchase.created"]
    assert gateway.received[-1][1]["text"].startswith("您在JD Mall消费")
    clock.current = datetime(2026, 4, 7, 1, 0, tzinfo=UTC)
    r = relay_once(container.uow, chans)
    assert r.by_channel == {"inbox": 1, "sms": 1}
    text_ = gateway.received[-1][1]["text"]
    assert text_.startswith("还款提醒：2026-04-10，应还人民币 50.00 元\n")
    assert "将于 3 天后（2026-04-10）到期" in text_

    # running 6 April's reminder stage again changes nothing: the same dedupe key
    run_eod(RunEod(date(2026, 4, 6), stage="reminders"), container.uow(), SYSTEM)
    assert len(reminders(container)) == 2
    assert relay_once(container.uow, chans).messages == 0

    eod(container, clock, date(2026, 4, 8))
    assert [p["days_before"] for p in reminders(container)[2:]] == [1]
    clock.current = datetime(2026, 4, 9, 1, 0, tzinfo=UTC)
    relay_once(container.uow, chans)
    assert "将于 1 天后（2026-04-10）到期" in gateway.received[-1][1]["text"]

    # 9 April: Zhang pays the minimum; the due day's reminder is not written
    sv.repay(sv.Repay(line, "50.00"), container.uow(), SYSTEM)
    eod(container, clock, date(2026, 4, 9))
    eod(container, clock, date(2026, 4, 30))
    assert [p["days_before"] for p in reminders(container)] == [3, 3, 1]  # 3 twice: the rerun
    clock.current = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    relay_once(container.uow, chans)
    sms = [b["text"].split("\n")[0] for _, b in gateway.received]
    assert sms == ["您的额度账户 " + sms[0].split(" ")[1] + " 已开通",
                   "您在JD Mall消费人民币 1200.00 元",
                   "还款提醒：2026-04-10，应还人民币 50.00 元",
                   "还款提醒：2026-04-10，应还人民币 50.00 元",
                   "已收到您的还款人民币 50.00 元"]
    counts = ns.message_counts(container.uow(), SYSTEM).rows
    assert counts[("statement.reminder", "sms", "sent")] == 2
    assert counts[("statement.reminder", "inbox", "sent")] == 2


def test_a_reminder_keeps_the_daytime_of_the_customers_own_zone(
        sqlite_container: Container, clock: FixedClock) -> None:
    container = sqlite_container
    clock.set_date(date(2026, 3, 2))
    cid = register(container, language="en", time_zone="America/New_York")
    line = open_line(container, cid)
    sv.purchase(sv.Purchase(line, "300.00", "JD Mall", "books", 3), container.uow(), SYSTEM)
    eod(container, clock, date(2026, 4, 6))
    [t3] = reminders(container)
    assert t3["deliver_after"] == "2026-04-07T13:00:00+00:00"  # 09:00 in New York (EDT)
    clock.current = datetime(2026, 4, 7, 12, 59, tzinfo=UTC)
    assert relay_once(container.uow, {}).by_channel == {"inbox": 2}  # not the reminder yet
    clock.current = datetime(2026, 4, 7, 13, 0, tzinfo=UTC)
    assert relay_once(container.uow, {}).by_channel == {"inbox": 1}
    [m] = [m for m in ns.inbox(ns.ReadInbox(cid), container.uow(), SYSTEM).items
           if m.topic == "statement.reminder"]
    assert m.subject == "Your payment of CNY 50.00 is due on 2026-04-10"
    assert "is due in 3 days, on 2026-04-10" in m.body
