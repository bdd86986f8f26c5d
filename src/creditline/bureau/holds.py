"""What keeps a line's record out of this month's file, and why: the one hook
(``held_back(line, month)``) where such rules slot in.

Two rules, in order: a regional relief covering the customer at the month end pauses
negative reports (collections' ``relief_holds``); and the notice before negative
information (征信业管理条例 art. 15): a line's first record carrying negative information
waits until a notice was delivered to the customer through the notify relay and the notice
period has passed since.  Another rule is one more function in ``HOLD_RULES``: it gets the
same candidate and month and returns a ``Hold`` or None."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from creditline.bureau.months import Month
from creditline.bureau.records import AccountRecord

NOTICE_REQUIRED = "notice_required"
NOTICE_UNDELIVERED = "notice_not_delivered"
NOTICE_PERIOD = "notice_period_running"
REGIONAL_RELIEF = "regional_relief"


@dataclass(frozen=True)
class Notice:
    """The line's notice of negative reporting: when it was sent to the relay, and when
    the first of its messages reached the customer (None: not yet)."""

    sent_on: date
    delivered_on: date | None = None


@dataclass(frozen=True)
class Candidate:
    """A line's record on its way into the month's file, with what the rules need."""

    record: AccountRecord
    reported_negative: bool  # an earlier run already reported negative information
    notice: Notice | None
    notice_days: int
    today: date  # the run's business date
    relief: str | None = None  # a regional relief covering the customer at the month end


@dataclass(frozen=True)
class Hold:
    rule: str
    reason: str
    until: date | None = None  # the earliest day the rule lets it through, when known


HoldRule = Callable[[Candidate, Month], Hold | None]


def notice_rule(line: Candidate, month: Month) -> Hold | None:
    """Art. 15: tell the customer before the first negative report."""
    if not line.record.negative or line.reported_negative:
        return None
    if line.notice is None:
        return Hold(NOTICE_REQUIRED, "first negative information: the customer's notice is "
                                     "sent with this run; the record waits for its delivery "
                                     f"and {line.notice_days} days")
    if line.notice.delivered_on is None:
        return Hold(NOTICE_UNDELIVERED, f"the notice sent on {line.notice.sent_on} has not "
                                        "reached the customer yet")
    ready = line.notice.delivered_on + timedelta(days=line.notice_days)
    if ready > line.today:
        return Hold(NOTICE_PERIOD, f"notice delivered on {line.notice.delivered_on}; the "
                                   f"{line.notice_days}-day notice period runs until {ready}",
                    until=ready)
    return None


def relief_rule(line: Candidate, month: Month) -> Hold | None:
    """A regional relief (collections, issue 15) pauses negative reports about the customers
    living there; the record is reported again by the first run after it ends."""
    if not line.record.negative or line.relief is None:
        return None
    return Hold(REGIONAL_RELIEF, f"regional relief ({line.relief}): negative reports pause "
                                 "while it lasts")


HOLD_RULES: tuple[HoldRule, ...] = (relief_rule, notice_rule)


def held_back(line: Candidate, month: Month,
              rules: Sequence[HoldRule] = HOLD_RULES) -> Hold | None:
    """Why ``line``'s record stays out of ``month``'s file (the first rule that holds it),
    or None: it is reported."""
    for rule in rules:
        hold = rule(line, month)
        if hold is not None:
            return hold
    return None
