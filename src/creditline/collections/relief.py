"""Regional relief: when a natural disaster or an epidemic hits a region, a risk officer
declares relief for it, from a start date to an end date, with a reason.  While it is
active, for every customer living there (``region`` on the customer's address, matched
without regard to case or surrounding spaces):

- the compliance gate refuses collection contacts (rule ``<P>.regional_relief``), the
  debtor's and their emergency contacts' alike; the relay holds reminders and collection
  messages until the day after the end;
- penalties do not accrue (the servicing kernel's ``relief_until`` line column);
- with ``defer_due_dates``, the rule is: a minimum payment falling due from the start to
  the end of the relief is due on the day after the end instead -- no past due, no days
  past due, no penalty on it until then (the kernel's ``defer_from``/``defer_to`` columns);
- ``holds`` answers a bureau run whether to hold a negative report, and why.

Everything resumes by itself after the end date: nothing has to be undone.  A relief can
be cancelled early (it then ends on the cancelling day).  No I/O here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from creditline.errors import ValidationError

MAX_DAYS = 366
MAX_REGIONS = 50
ACTIVE, CANCELLED = "active", "cancelled"


def region_key(value: str) -> str:
    """How regions are compared: trimmed and case-folded (``Hubei`` = `` hubei ``)."""
    return value.strip().casefold()


@dataclass(frozen=True)
class Relief:
    id: str
    regions: tuple[str, ...]
    start: date
    end: date  # the last day of relief (inclusive)
    reason: str
    defer_due_dates: bool
    declared_by: str
    declared_at: datetime
    status: str = ACTIVE
    cancelled_by: str | None = None
    cancelled_on: date | None = None

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(region_key(r) for r in self.regions)

    @property
    def last_day(self) -> date:
        """The end, or the day it was cancelled on when that is earlier."""
        if self.cancelled_on is not None and self.cancelled_on < self.end:
            return self.cancelled_on
        return self.end

    def active_on(self, day: date) -> bool:
        return self.start <= day <= self.last_day

    def covers(self, region: str | None, day: date) -> bool:
        return region is not None and self.active_on(day) and region_key(region) in self.keys

    def state_on(self, day: date) -> str:
        """scheduled, active or ended (a cancelled one ends on its cancelling day)."""
        if day < self.start:
            return "scheduled"
        return "active" if day <= self.last_day else "ended"


def check_declaration(*, regions: object, start: date, end: date, reason: str,
                      today: date) -> tuple[tuple[str, ...], str]:
    """The regions (deduplicated, as given) and the reason, or the field and rule broken."""
    if not isinstance(regions, (list, tuple)) or not regions:
        raise ValidationError("regions", "must name at least one region")
    if len(regions) > MAX_REGIONS:
        raise ValidationError("regions", f"at most {MAX_REGIONS} regions")
    out: list[str] = []
    for r in regions:
        if not isinstance(r, str) or not r.strip() or len(r.strip()) > 60:
            raise ValidationError("regions", "each region is text of 1-60 characters, as on "
                                             "customers' addresses (e.g. Hubei)")
        if region_key(r) not in {region_key(x) for x in out}:
            out.append(r.strip())
    if start < today:
        raise ValidationError("start", f"must not be before the business date "
                                       f"({today.isoformat()})")
    if end < start:
        raise ValidationError("end", "must not be before the start")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationError("end", f"a relief lasts at most {MAX_DAYS} days (declare "
                                     "another to extend it)")
    text = reason.strip() if isinstance(reason, str) else ""
    if not text or len(text) > 500:
        raise ValidationError("reason", "must say why, in 1-500 characters")
    return tuple(out), text


def covering(reliefs: Iterable[Relief], region: str | None, day: date) -> Relief | None:
    """The relief covering ``region`` on ``day`` (the one lasting longest, if several)."""
    hits = [r for r in reliefs if r.covers(region, day)]
    return max(hits, key=lambda r: (r.last_day, r.id)) if hits else None


def holds(reliefs: Iterable[Relief], region: str | None, day: date) -> str | None:
    """Why a negative report about a customer in ``region`` is held on ``day`` (None: it is
    not).  What a bureau run asks before reporting a late payment."""
    r = covering(reliefs, region, day)
    if r is None:
        return None
    return (f"regional relief {r.id} ({', '.join(r.regions)}) from {r.start.isoformat()} to "
            f"{r.last_day.isoformat()}: {r.reason}")


@dataclass(frozen=True)
class ReliefColumns:
    """Per line, in day numbers (-1: none): penalties paused through ``relief_until``; a
    minimum falling due in ``[defer_from, defer_to]`` is due on ``defer_to + 1``."""

    relief_until: npt.NDArray[np.int64]
    defer_from: npt.NDArray[np.int64]
    defer_to: npt.NDArray[np.int64]


def relief_columns(regions: Sequence[str | None], reliefs: Sequence[Relief], day: date,
                   day_number: int) -> ReliefColumns:
    """The kernel's relief columns for lines whose customers live in ``regions`` (one per
    line).  ``day_number`` is ``day`` as the kernel counts days.  One dictionary per
    relief, then a vectorized look-up per region: no per-line branch."""
    n = len(regions)
    until = np.full(n, -1, dtype=np.int64)
    d_from = np.full(n, -1, dtype=np.int64)
    d_to = np.full(n, -1, dtype=np.int64)
    if not n or not reliefs:
        return ReliefColumns(until, d_from, d_to)
    keys = np.asarray([region_key(r) if r else "" for r in regions], dtype=object)
    for r in sorted(reliefs, key=lambda x: (x.last_day, x.id)):
        mask = np.isin(keys, list(r.keys))
        if not mask.any():
            continue
        last = day_number + (r.last_day - day).days
        first = day_number + (r.start - day).days
        if r.active_on(day):
            until[mask] = last
        if r.defer_due_dates and r.start <= day:
            d_from[mask] = first
            d_to[mask] = last
    return ReliefColumns(until, d_from, d_to)


@dataclass(frozen=True)
class ReliefPreview:
    """What a relief would cover today: customers living in the regions, their open lines,
    the active collection cases, what those lines owe and what is past due."""

    regions: tuple[str, ...]
    customers: int
    lines: int
    cases: int
    balance: Decimal
    past_due: Decimal
    by_region: dict[str, int]  # customers per region as declared


def preview(regions: Sequence[str], rows: Iterable[tuple[str, str, str | None, int, int, bool]]
            ) -> ReliefPreview:
    """``rows``: (customer id, customer region, line id or None, balance cents, past due
    cents, has an active case), one per open line (or per customer without one)."""
    wanted = {region_key(r): r for r in regions}
    customers: set[str] = set()
    per_region: dict[str, set[str]] = {r: set() for r in regions}
    lines = cases = bal = past = 0
    for customer_id, region, line_id, balance, past_due, case in rows:
        declared = wanted.get(region_key(region))
        if declared is None:
            continue
        customers.add(customer_id)
        per_region[declared].add(customer_id)
        if line_id is not None:
            lines += 1
            bal += balance
            past += past_due
            cases += bool(case)
    cents = Decimal("0.01")
    return ReliefPreview(tuple(regions), len(customers), lines, cases,
                         (Decimal(bal) * cents).quantize(cents),
                         (Decimal(past) * cents).quantize(cents),
                         {r: len(v) for r, v in per_region.items()})


def deferred_due(due: date, reliefs: Iterable[Relief], region: str | None) -> date:
    """The scalar rule, for views: a due date inside a deferring relief moves to the day
    after it ends."""
    for r in sorted(reliefs, key=lambda x: x.last_day):
        if (r.defer_due_dates and region is not None and region_key(region) in r.keys
                and r.start <= due <= r.last_day):
            due = r.last_day + timedelta(days=1)
    return due
