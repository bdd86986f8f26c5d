"""Limit changes as events, and temporary limits.

Every change of a line's limit is a ``LimitEvent``: who (``actor``), why (``reason_codes``,
``note``), through which channel (``source``), under which rules (``rules_version``), and
whether it moves the permanent limit or grants a temporary one.  Events are appended, never
changed, so a line's limit history is the list of its events.

A temporary limit is an amount above the permanent limit for the days ``start`` to ``end``
(both included).  Outside those days, or once the permanent limit has caught up with it, the
permanent limit applies (``effective_limit``).  At the end of its last day it lapses
(``lapsing``): the line keeps its balance, available credit becomes
``max(0, permanent limit - used)``, so a line that used more than its permanent limit takes no
new purchase until its balance is back below that limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

import numpy as np

from creditline.errors import ValidationError
from creditline.money import money_str


class LimitKind(StrEnum):
    PERMANENT = "permanent"
    TEMPORARY = "temporary"


class LimitSource(StrEnum):
    MANUAL = "manual"
    REVIEW = "review"
    STRATEGY = "strategy"
    TRIGGER = "trigger"
    SECTOR_ACTION = "sector_action"
    CLOSURE = "closure"
    ORIGINATION = "origination"
    # nobody decided it that day: a temporary limit reached the end of its last day and end
    # of day lapsed it.  A source of its own (not MANUAL, the grant's) so a limit history
    # tells a lapse from an officer's cut, and a strategy counting manual overrides does not
    # count lapses.
    EXPIRY = "expiry"
    # a dated campaign (``lines.campaigns``) granted a temporary limit by rule (issue 13)
    CAMPAIGN = "campaign"


@dataclass(frozen=True)
class LimitEvent:
    """One change of a line's limit.  For a temporary limit ``new_limit`` is the temporary
    amount and ``starts_on`` / ``ends_on`` its days; ``old_limit`` is the limit in force
    before (the effective one on ``business_date``).  Events are kept in the order they
    were made; they have no id of their own (nothing refers to one event)."""

    line_id: str
    at: datetime
    business_date: date
    old_limit: Decimal
    new_limit: Decimal
    kind: LimitKind
    source: LimitSource
    actor: str
    reason_codes: tuple[str, ...] = ()
    rules_version: str | None = None
    note: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class TemporaryLimit:
    amount: Decimal
    start: date
    end: date

    def covers(self, on: date) -> bool:
        return self.start <= on <= self.end


def temporary_limit(amount: Decimal, start: date, end: date, *, permanent: Decimal,
                    cap: Decimal, today: date) -> TemporaryLimit:
    """A temporary limit, checked: above the permanent limit, within the product's cap,
    ending on or after its start and not in the past (422 naming the field otherwise)."""
    if amount <= permanent:
        raise ValidationError("amount", f"must be above the permanent limit "
                                        f"{money_str(permanent)}")
    if amount > cap:
        raise ValidationError("amount", f"must not exceed {money_str(cap)} for the product")
    if end < start:
        raise ValidationError("end", f"must be on or after start ({start.isoformat()})")
    if end < today:
        raise ValidationError("end", f"must not be before the business date {today.isoformat()}")
    return TemporaryLimit(amount, start, end)


def effective_limit(permanent: Decimal, temporary: TemporaryLimit | None, on: date) -> Decimal:
    """The limit in force on ``on``: the temporary amount while it covers the day and is
    above the permanent limit, else the permanent limit."""
    if temporary is not None and temporary.covers(on) and temporary.amount > permanent:
        return temporary.amount
    return permanent


@dataclass(frozen=True)
class Lapse:
    """The lines whose temporary limit lapses at the end of a day."""

    day: date
    line_ids: list[str] = field(default_factory=list)


def lapsing(day: date, temporary_ends: Iterable[tuple[str, date | None]]) -> Lapse:
    """Which lines' temporary limits lapse at the end of ``day``: those whose last day
    (``end``) is ``day`` or earlier (a day missed by end of day still lapses them).  The
    lapse clears the temporary limit and nothing else: balances stay, and a line that used
    more than its permanent limit has available ``max(0, limit - used) = 0`` and takes no
    new purchase until its balance is back below the permanent limit."""
    return Lapse(day, sorted(line_id for line_id, end in temporary_ends
                             if end is not None and end <= day))


def lapsing_mask(temp_end: np.ndarray, day_number: int) -> np.ndarray:
    """The column form of ``lapsing`` for an end-of-day stage: ``temp_end`` holds each
    line's temporary-limit end as a day number (-1 for none); True where it lapses at the
    end of day ``day_number``."""
    ends = np.asarray(temp_end)
    return (ends >= 0) & (ends <= day_number)


OVER_LIMIT_RUN_OFF = "OVER_LIMIT_RUN_OFF"


def lapse_event(line_id: str, *, permanent: Decimal, temporary: TemporaryLimit, day: date,
                at: datetime, actor: str, used: Decimal | None = None) -> LimitEvent:
    """The event a lapse appends: a ``temporary`` ``expiry`` change from the limit in force
    on the temporary limit's last day back to the permanent limit, carrying the days it
    covered.  ``day`` is the business day end of day closed when it lapsed.  With ``used``
    above the permanent limit the over-limit rule is stated on it (``lines.campaigns``:
    the excess runs off, reason code ``OVER_LIMIT_RUN_OFF``)."""
    note = (f"temporary limit {money_str(temporary.amount)} lapsed at the end of "
            f"{temporary.end.isoformat()}")
    codes: tuple[str, ...] = ()
    if used is not None and used > permanent:
        codes = (OVER_LIMIT_RUN_OFF,)
        note += (f"; {money_str(used - permanent)} used above the permanent limit runs off "
                 "through the scheduled installments, no new purchase until below it")
    return LimitEvent(
        line_id=line_id, at=at, business_date=day,
        old_limit=effective_limit(permanent, temporary, temporary.end), new_limit=permanent,
        kind=LimitKind.TEMPORARY, source=LimitSource.EXPIRY, actor=actor, reason_codes=codes,
        note=note, starts_on=temporary.start, ends_on=temporary.end)
