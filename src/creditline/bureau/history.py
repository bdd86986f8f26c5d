"""The repayment status of a line in a month, and its 24-month string, from the facts the
book keeps: when the line opened and closed, its collection bucket spells (the collections
stage writes one row per stay in a bucket, with the days it entered and left), the months a
payment fell due, and the collection case that wrote the line off or sold it.

Every month is derived from those facts as they stood at its month end, so the string for
a month is the same whenever it is computed; a correction overrides one month's code (and
every later string shows the corrected code)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from creditline.bureau.format import BureauFormat
from creditline.bureau.months import Month

WRITTEN_OFF = "written_off"
SOLD = "sold"
CURRENT = "M0"


@dataclass(frozen=True)
class Spell:
    """A stay of the line in a delinquent bucket (``collections.cases.BucketSpell``)."""

    bucket: str
    entered_on: date
    left_on: date | None = None
    left_to: str | None = None

    def covers(self, day: date) -> bool:
        return self.entered_on <= day and (self.left_on is None or self.left_on > day)


@dataclass(frozen=True)
class LineFacts:
    """What the book knows of one line at the report's month end."""

    line_id: str
    customer_id: str
    kind: str  # product kind: bnpl | sme
    currency: str
    opened_on: date
    credit_limit: Decimal
    balance: Decimal
    past_due: Decimal
    dpd: int
    closed_on: date | None = None
    spells: tuple[Spell, ...] = ()
    due_months: frozenset[str] = frozenset()  # YYYY-MM with a payment due
    terminal: str | None = None  # written_off | sold (from the collection case)
    terminal_on: date | None = None
    corrections: Mapping[str, str] = field(default_factory=dict)  # YYYY-MM -> code


def month_status(f: LineFacts, m: Month, fmt: BureauFormat) -> str:
    """The line's code for month ``m``, as the facts stood at its last day (a correction
    of that month wins)."""
    corrected = f.corrections.get(str(m))
    if corrected is not None:
        return corrected
    end = m.end
    if f.opened_on > end:
        return fmt.fact("not_opened")
    if f.terminal is not None and f.terminal_on is not None and f.terminal_on <= end:
        return fmt.fact(WRITTEN_OFF if f.terminal == WRITTEN_OFF else SOLD)
    if f.closed_on is not None and f.closed_on <= end:
        return fmt.fact("closed")
    for s in f.spells:
        if s.covers(end):
            code = fmt.buckets.get(s.bucket)
            return code if code is not None else fmt.fact("unknown")
    start = m.start
    if any(start <= s.entered_on <= end and s.left_on is not None and s.left_on <= end
           and s.left_to == CURRENT for s in f.spells):
        return fmt.fact("paid_late_in_month")
    if str(m) in f.due_months:
        return fmt.fact("paid")
    return fmt.fact("no_payment_due")


def history(f: LineFacts, m: Month, fmt: BureauFormat) -> str:
    """The repayment status string ending with month ``m``: oldest month first."""
    window = m.window(fmt.history_months)
    opened = Month.of(f.opened_on)
    before = 0  # the leading months before the line opened (and not corrected): "/"
    while (before < len(window) and window[before] < opened
           and str(window[before]) not in f.corrections):
        before += 1
    return fmt.fact("not_opened") * before + "".join(
        month_status(f, x, fmt) for x in window[before:])


def negative_ended_on(f: LineFacts, m: Month, fmt: BureauFormat) -> date | None:
    """When the line's negative information ended, if it has ended by ``m``'s month end:
    the day a written-off or sold line left the lender's book, or the day a closed line's
    last delinquent spell ended.  None while the line is open or never was late."""
    end = m.end
    if f.terminal is not None and f.terminal_on is not None and f.terminal_on <= end:
        return f.terminal_on
    if f.closed_on is not None and f.closed_on <= end:
        lefts = [s.left_on for s in f.spells if s.left_on is not None and s.left_on <= end]
        return max(lefts) if lefts else None
    return None
