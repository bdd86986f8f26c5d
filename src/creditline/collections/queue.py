"""A collector's queue: which cases to work first.

Priority, lower first: a promise falling due today or earlier (to confirm it was paid, or
chase it) before anything else; then the escalation level (a broken promise escalates),
then the bucket (older debt first), then the amount collectable (larger first).  Cases on
hold (hardship, a pause), placed with an agency, or with nothing collectable after a dispute
are left out: collection waits for them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from creditline.collections.cases import Case, Promise, PromiseStatus


def workable(case: Case, day: date, tolerance: Decimal) -> bool:
    return (case.active and not case.on_hold(day) and case.agency_id is None
            and case.collectable >= max(tolerance, Decimal("0.01")))


def next_promise(promises: Sequence[Promise]) -> Promise | None:
    open_ = [p for p in promises if p.status is PromiseStatus.OPEN]
    return min(open_, key=lambda p: p.due_on) if open_ else None


def priority(case: Case, promise: Promise | None, day: date) -> tuple[int, int, int, int]:
    due = 0 if promise is not None and promise.due_on <= day else 1
    return (due, -case.escalation, -case.bucket, -int(case.collectable * 100))
