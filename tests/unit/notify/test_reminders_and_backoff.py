"""The reminder rule over columns, the local delivery hour, and the retry back-off."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from creditline.errors import ValidationError
from creditline.notify.messages import FAILED, PENDING, Backoff, message_id
from creditline.notify.reminders import ReminderPolicy, deliver_after, due_reminders
from creditline.servicing.calendar import day_number

D = day_number(date(2026, 4, 6))  # end of day closing 6 April; reminders read on 7 April


def test_reminders_fall_on_t3_t1_and_t_and_never_for_a_paid_minimum() -> None:
    due = [D + 4, D + 2, D + 1, D + 4, D + 3, -1, D + 4]
    owed = [5000, 5000, 5000, 0, 5000, 5000, 1]
    r = due_reminders(due, owed, D, ReminderPolicy())
    # T-3, T-1, T; the paid minimum (0) and the line with no due date get none; T-2 is
    # not a reminder day; one cent still owed is still owed
    assert r.index.tolist() == [0, 1, 2, 6]
    assert r.days_before.tolist() == [3, 1, 0, 3]
    # the eve of each line's next reminder (-1: none ahead)
    assert r.next_visit.tolist() == [D + 2, D + 1, -1, -1, D + 1, -1, D + 2]


def test_a_policy_of_other_days() -> None:
    pol = ReminderPolicy.parse("7, 2", 10)
    assert pol.days == (7, 2) and pol.hour == 10
    r = due_reminders([D + 8, D + 4], [100, 100], D, pol)
    assert r.index.tolist() == [0] and r.days_before.tolist() == [7]
    for bad in ("3,3", "x", "-1", "", "40"):
        with pytest.raises(ValidationError, match="reminder_days"):
            ReminderPolicy.parse(bad, 9)
    with pytest.raises(ValidationError, match="reminder_hour"):
        ReminderPolicy(hour=24)


def test_reminders_go_out_at_the_local_hour_of_the_customers_zone() -> None:
    assert deliver_after(date(2026, 4, 7), 9, "Asia/Shanghai") == datetime(
        2026, 4, 7, 1, 0, tzinfo=UTC)
    assert deliver_after(date(2026, 7, 7), 9, "America/New_York") == datetime(
        2026, 7, 7, 13, 0, tzinfo=UTC)  # EDT
    assert deliver_after(date(2026, 4, 7), 9, None) == deliver_after(
        date(2026, 4, 7), 9, "Asia/Shanghai")


def test_back_off_doubles_up_to_its_cap_then_gives_up() -> None:
    b = Backoff()
    assert [b.delay(n).total_seconds() for n in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert b.after_failure(1, now) == (PENDING, now + timedelta(seconds=30))
    assert b.after_failure(8, now) == (FAILED, now)
    with pytest.raises(ValidationError):
        Backoff(base_seconds=0)


def test_message_ids_are_the_dedupe_key_of_event_and_channel() -> None:
    assert message_id("outbox:7", "sms") == message_id("outbox:7", "sms")
    assert len({message_id("outbox:7", c) for c in ("sms", "email", "inbox")}) == 3
    assert message_id("outbox:7", "sms") != message_id("outbox:8", "sms")
