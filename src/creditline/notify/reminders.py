"""Due-date reminders: T-3, T-1 and T by default, as an end-of-day stage's pure column
function (``batch/reminders.py`` runs it after the servicing kernel).

End of day for day D closes D at night; the reminders it writes are read on D + 1 -- a
reminder is due when the minimum payment still unpaid after D (``min_remaining > 0``) falls
due ``k`` days after D + 1 with ``k`` one of the configured days.  Each goes out at the
configured local hour of D + 1 in the customer's zone (``deliver_after``), so none goes out
at night; and each carries a dedupe key (line, due date, k), so running the day again makes
no second message.  A line that has paid its minimum gets no reminder: the amount already
paid is not asked for again.

End of day skips quiet lines; the stage keeps a line with a reminder ahead due for a visit
on the eve of that reminder (``next_visits``), as the temporary-limit stage does for a
lapse.  No I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from creditline.errors import ValidationError
from creditline.notify.topics import REMINDER

I64 = np.int64
DEFAULT_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class ReminderPolicy:
    """Which days before the due date get a reminder (0 = on the day) and the local hour
    they go out at."""

    days: tuple[int, ...] = (3, 1, 0)
    hour: int = 9

    def __post_init__(self) -> None:
        if not self.days or any(d < 0 or d > 31 for d in self.days) \
                or len(set(self.days)) != len(self.days):
            raise ValidationError("reminder_days", "must be distinct whole days from 0 to 31, "
                                                   "e.g. 3,1,0")
        if not 0 <= self.hour <= 23:
            raise ValidationError("reminder_hour", "must be an hour from 0 to 23")

    @classmethod
    def parse(cls, days: str, hour: int) -> ReminderPolicy:
        try:
            parsed = tuple(sorted((int(x) for x in days.split(",") if x.strip()), reverse=True))
        except ValueError:
            raise ValidationError("reminder_days", "must be whole days separated by commas, "
                                                   "e.g. 3,1,0") from None
        return cls(days=parsed, hour=hour)


@dataclass(frozen=True)
class DueReminders:
    """The lines to remind (indices into the partition), how many days before the due date
    each reminder is, and the next visit each line needs for its next reminder (-1: none)."""

    index: npt.NDArray[np.int64]
    days_before: npt.NDArray[np.int64]
    next_visit: npt.NDArray[np.int64]


def due_reminders(min_due: npt.ArrayLike, min_remaining: npt.ArrayLike, today: int,
                  policy: ReminderPolicy) -> DueReminders:
    """Columns in (day numbers, -1 for no due date; cents), reminders out.  ``today`` is the
    day number end of day is closing."""
    due = np.asarray(min_due, dtype=I64)
    owed = np.asarray(min_remaining, dtype=I64)
    waiting = (due >= 0) & (owed > 0)
    k = due - (today + 1)
    hit = waiting & np.isin(k, np.asarray(policy.days, dtype=I64))
    nxt = np.full(len(due), -1, dtype=I64)
    for d in policy.days:
        eve = due - d - 1  # the end of day that writes the reminder d days before
        ahead = waiting & (eve > today)
        nxt = np.where(ahead & ((nxt < 0) | (eve < nxt)), eve, nxt)
    return DueReminders(index=np.flatnonzero(hit).astype(I64), days_before=k[hit],
                        next_visit=nxt)


def zone_of(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def deliver_after(day: date, hour: int, zone: str | None) -> datetime:
    """``hour`` o'clock on ``day`` in the customer's zone, as a UTC instant."""
    return datetime.combine(day, time(hour), tzinfo=zone_of(zone)).astimezone(UTC)


def reminder_payload(*, line_id: str, customer_id: str, due_date: date, amount: str,
                     days_before: int, send_on: date, hour: int, zone: str | None,
                     business_date: date) -> dict[str, object]:
    """The outbox event of one reminder (topic ``statement.reminder``)."""
    return {"line_id": line_id, "customer_id": customer_id, "due_date": due_date.isoformat(),
            "amount": amount, "days_before": int(days_before),
            "business_date": business_date.isoformat(),
            "deliver_after": deliver_after(send_on, hour, zone).isoformat(),
            "dedupe_key": f"{REMINDER}:{line_id}:{due_date.isoformat()}:{int(days_before)}"}


def send_day(today: date) -> date:
    """The day the reminders written at the end of ``today`` are read."""
    return today + timedelta(days=1)
