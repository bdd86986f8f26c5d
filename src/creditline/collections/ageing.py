"""Ageing, as columns: the pure function of the collections end-of-day stage.

For the lines a day visited (their days past due and past-due amount as the servicing
kernel left them) and the active case each line has (with its bucket), it decides each
line's bucket and what changes: a case to open, a case that moves bucket, a case to
resolve.  Promises to pay are settled by ``settle_promises`` on the same day.  No I/O:
the stage (``creditline.batch.collections``) reads and writes in bulk around it; one line
is a partition of one, so the online catch-up gets the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from creditline.collections.rules import Bucket

I64 = np.int64


def bucket_codes(dpd: np.ndarray, past_due_cents: np.ndarray, buckets: tuple[Bucket, ...],
                 tolerance_cents: int) -> np.ndarray:
    """Bucket index per line: by days past due, but 0 (current) where the past-due amount
    is under the small-balance tolerance."""
    starts = np.array([b.from_dpd for b in buckets], dtype=I64)
    code = np.searchsorted(starts, np.asarray(dpd, dtype=I64), side="right") - 1
    code = np.maximum(code, 0)
    small = np.asarray(past_due_cents, dtype=I64) < tolerance_cents
    return np.where(small | (np.asarray(dpd) <= 0), 0, code).astype(I64)


def bucket_of(dpd: int, past_due_cents: int, buckets: tuple[Bucket, ...],
              tolerance_cents: int) -> int:
    """The scalar path: the same function over a partition of one."""
    return int(bucket_codes(np.array([dpd]), np.array([past_due_cents]), buckets,
                            tolerance_cents)[0])


@dataclass
class AgeingChanges:
    """Positions (into the partition's lines) of each kind of change, and each line's bucket."""

    bucket: np.ndarray
    opened: np.ndarray  # lines without an active case that are now delinquent
    moved: np.ndarray  # lines whose active case changes bucket
    resolved: np.ndarray  # lines whose active case is current again
    previous: np.ndarray  # the active case's bucket per line (0: no active case)
    counts: dict[str, int] = field(default_factory=dict)


def age(dpd: np.ndarray, past_due_cents: np.ndarray, case_bucket: np.ndarray,
        buckets: tuple[Bucket, ...], tolerance_cents: int) -> AgeingChanges:
    """``case_bucket``: per line, the bucket of its active case, 0 where it has none."""
    new = bucket_codes(dpd, past_due_cents, buckets, tolerance_cents)
    cur = np.asarray(case_bucket, dtype=I64)
    has = cur > 0
    opened = np.nonzero(~has & (new > 0))[0]
    moved = np.nonzero(has & (new > 0) & (new != cur))[0]
    resolved = np.nonzero(has & (new == 0))[0]
    counts = {"delinquent": int((new > 0).sum()), "opened": len(opened), "moved": len(moved),
              "resolved": len(resolved)}
    return AgeingChanges(new, opened, moved, resolved, cur, counts)


@dataclass
class PromiseOutcome:
    kept: list[int] = field(default_factory=list)  # positions into the promises given
    broken: list[int] = field(default_factory=list)


def settle_promises(amount_cents: np.ndarray, paid_cents: np.ndarray, due_day: np.ndarray,
                    today: int) -> PromiseOutcome:
    """A promise is kept once the repayments since it was made reach its amount, and broken
    when its due date has closed without that (day numbers; the stage runs at the close of
    ``today``)."""
    amount, paid, due = (np.asarray(a, dtype=I64) for a in (amount_cents, paid_cents, due_day))
    kept = paid >= amount
    broken = ~kept & (due <= today)
    return PromiseOutcome(np.nonzero(kept)[0].tolist(), np.nonzero(broken)[0].tolist())
