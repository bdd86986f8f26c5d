"""The collection case and its state machine, as data (like ``lines/status.py``):
``open -> stage_n ... -> resolved | written_off | sold``.

A case opens when ageing first finds its line in a delinquent bucket (``open`` is the
first delinquent bucket, M1 by default) and moves to ``stage_<n>`` as the line ages into
bucket n -- or back down, when a partial payment brings the days past due down.  It is
``resolved`` when the line is current again (or owes under the small-balance tolerance);
``written_off`` and ``sold`` close it as a loss (``creditline.losses``); a written-off case
can still become ``sold`` when its claim is sold.
Holds (hardship, a pause, a dispute) and an agency placement are attributes of an active
case, not states: the case keeps ageing while collection waits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from creditline.errors import Conflict, ValidationError


class Terminal(StrEnum):
    RESOLVED = "resolved"
    WRITTEN_OFF = "written_off"
    SOLD = "sold"


OPEN = "open"
TERMINAL = frozenset(t.value for t in Terminal)


def state_of_bucket(bucket: int) -> str:
    """The case state for a delinquent bucket index (1 = the first delinquent bucket)."""
    if bucket < 1:
        raise ValueError("a current line has no active case state")
    return OPEN if bucket == 1 else f"stage_{bucket}"


def states(n_buckets: int) -> list[str]:
    """Every state for a bucket table of ``n_buckets`` (the first being current)."""
    return [state_of_bucket(b) for b in range(1, n_buckets)] + [t.value for t in Terminal]


def transitions(n_buckets: int) -> dict[str, frozenset[str]]:
    """Active states move to any other active state (ageing up, or down after a partial
    payment) and to any terminal state; terminal states are final (a line that falls
    behind again gets a new case)."""
    active = [state_of_bucket(b) for b in range(1, n_buckets)]
    out = {s: frozenset(set(active) - {s}) | TERMINAL for s in active}
    out.update({t: frozenset() for t in TERMINAL})
    # losses: a written-off claim can still be sold (the lender owned it until then)
    out[Terminal.WRITTEN_OFF.value] = frozenset({Terminal.SOLD.value})
    return out


def check_transition(current: str, target: str, n_buckets: int) -> None:
    table = transitions(n_buckets)
    if current not in table:
        raise ValidationError("status", f"unknown case state {current!r}")
    if target not in table[current]:
        allowed = ", ".join(sorted(table[current])) or "none"
        raise Conflict(f"a case cannot go from {current} to {target} (allowed: {allowed})")


class HoldKind(StrEnum):
    HARDSHIP = "hardship"
    PAUSE = "pause"


@dataclass(frozen=True)
class Case:
    id: str
    line_id: str
    customer_id: str
    status: str
    bucket: int
    opened_on: date
    updated_on: date
    past_due: Decimal
    balance: Decimal
    rules_version: str
    profile: str
    zone: str
    hours_agreed: bool = False
    closed_on: date | None = None
    assigned_to: str | None = None
    escalation: int = 0
    hold_kind: str | None = None
    hold_from: date | None = None
    hold_until: date | None = None
    hold_reason: str | None = None
    disputed: Decimal = Decimal("0.00")
    dispute_reason: str | None = None
    agency_id: str | None = None
    version: int = 1

    @property
    def active(self) -> bool:
        return self.status not in TERMINAL

    def on_hold(self, day: date) -> bool:
        """Hardship or a pause covers ``day`` (it resumes by itself after ``hold_until``)."""
        return (self.hold_kind is not None and self.hold_until is not None
                and (self.hold_from is None or self.hold_from <= day) and day <= self.hold_until)

    @property
    def collectable(self) -> Decimal:
        """What collection pursues: past due less what the customer disputes."""
        return max(Decimal("0.00"), self.past_due - self.disputed)


@dataclass(frozen=True)
class BucketSpell:
    """One row of a case's bucket history: a stay in one bucket."""

    case_id: str
    line_id: str
    bucket: str
    entered_on: date
    entered_past_due: Decimal
    entered_balance: Decimal
    left_on: date | None = None
    left_past_due: Decimal | None = None
    left_balance: Decimal | None = None
    left_to: str | None = None


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"  # the case was closed before the promise fell due, unpaid


@dataclass(frozen=True)
class Promise:
    id: str
    case_id: str
    line_id: str
    amount: Decimal
    due_on: date
    made_on: date
    made_by: str
    status: PromiseStatus = PromiseStatus.OPEN
    settled_on: date | None = None
    paid: Decimal | None = None


@dataclass
class CaseHistory:
    """A case with what happened to it: bucket spells and promises."""

    case: Case
    spells: list[BucketSpell] = field(default_factory=list)
    promises: list[Promise] = field(default_factory=list)
