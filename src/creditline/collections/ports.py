"""Repository protocols of the collections context (implemented in ``creditline.store``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from creditline.collections.cases import BucketSpell, Case, Promise
from creditline.collections.compliance import Channel, Outcome, Party, PastContact


@dataclass(frozen=True)
class ContactRecord:
    """One row of the contact log: an attempt, allowed (and made) or refused by the gate.
    Kept at least five years (``rules/manifest.json``); the store refuses UPDATE and DELETE."""

    id: str
    at: datetime  # UTC
    case_id: str
    line_id: str
    customer_id: str
    channel: Channel
    party: Party
    actor: str
    allowed: bool
    profile: str
    rules_version: str
    local_time: str  # the instant in the debtor's zone, ISO 8601
    zone: str  # the debtor's zone the gate judged the hours in
    hours_agreed: bool = False
    agency_id: str | None = None
    outcome: Outcome | None = None
    rule: str | None = None  # the rule that refused
    allowed_again_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True)
class Agency:
    id: str
    name: str
    commission_rate: Decimal
    created_at: datetime
    created_by: str
    active: bool = True


@dataclass(frozen=True)
class Placement:
    id: str
    case_id: str
    agency_id: str
    line_id: str
    placed_on: date
    placed_by: str
    recalled_on: date | None = None
    recalled_by: str | None = None
    recall_reason: str | None = None


@dataclass(frozen=True)
class AgencyFigures:
    """Per agency: what its placements brought in (repayments on the line while placed)."""

    agency_id: str
    placements: int
    active: int
    recovered: Decimal
    contacts: int


@dataclass(frozen=True)
class Referral:
    id: str
    case_id: str
    referred_on: date
    referred_by: str
    package: dict[str, Any]
    sha256: str


# What the ageing stage reads and writes in bulk (columns, one read per partition).
AgeingRows = dict[str, list[Any]]


class CaseRepository(Protocol):
    def get(self, case_id: str, *, lock: bool = False) -> Case | None: ...

    def save(self, case: Case) -> Case:
        """Write the case if its version is unchanged (optimistic lock); returns it with
        the version bumped."""

    def active_for_line(self, line_id: str) -> Case | None: ...

    def active(self, *, assigned_to: str | None = None, agency_id: str | None = None,
               limit: int = 1000) -> list[Case]:
        """Active cases (newest bucket first), optionally one collector's or one agency's."""

    def spells(self, case_id: str) -> list[BucketSpell]: ...

    def line_spells(self, line_id: str) -> list[BucketSpell]: ...

    def add_promise(self, promise: Promise) -> None: ...

    def promises(self, case_id: str) -> list[Promise]: ...

    def open_promises(self, case_ids: Sequence[str]) -> dict[str, list[Promise]]:
        """The open promises of these cases, in one read."""

    # ----- the ageing stage, in bulk
    def ageing_inputs(self, first_id: str, last_id: str,
                      line_ids: Sequence[str] | None) -> AgeingRows:
        """Active cases of lines in [first_id, last_id] (or of ``line_ids``): line_id,
        case_id, bucket."""

    def apply_ageing(self, day: date, *, opened: AgeingRows, moved: AgeingRows,
                     resolved: AgeingRows, bucket_names: Sequence[str]) -> None:
        """Open, move and resolve cases with their bucket spells, in bulk."""

    def promise_inputs(self, first_id: str, last_id: str, line_ids: Sequence[str] | None,
                       day: date) -> AgeingRows:
        """Open promises of these lines with what was repaid on the line from the day each
        was made through ``day``: promise_id, case_id, line_id, amount, paid (cents),
        due (day number)."""

    def settle_promises(self, day: date, kept: Sequence[str], broken: Sequence[str],
                        paid_cents: dict[str, int]) -> list[Promise]:
        """Mark promises kept or broken; returns them as they are now."""

    def escalate(self, case_ids: Sequence[str], day: date) -> None:
        """Raise the escalation level of these cases by one (a broken promise)."""

    def cancel_open_promises(self, case_ids: Sequence[str], day: date) -> None: ...


class ContactLog(Protocol):
    def add(self, record: ContactRecord) -> None: ...

    def history(self, customer_id: str, since: datetime) -> list[PastContact]:
        """The debtor's contacts made (allowed attempts) since ``since``, any case."""

    def for_case(self, case_id: str) -> list[ContactRecord]: ...

    def iterate(self, batch: int = 5000) -> Iterator[ContactRecord]:
        """Every record in log order (for the replay)."""


class AgencyRepository(Protocol):
    def add(self, agency: Agency) -> None: ...

    def get(self, agency_id: str) -> Agency | None: ...

    def name_taken(self, name: str) -> bool: ...

    def all(self) -> list[Agency]: ...

    def add_placement(self, placement: Placement) -> None: ...

    def active_placement(self, case_id: str) -> Placement | None: ...

    def recall(self, placement: Placement) -> None: ...

    def figures(self, on: date) -> list[AgencyFigures]: ...

    def add_referral(self, referral: Referral) -> None: ...

    def referral(self, case_id: str) -> Referral | None: ...


# ----- ccard: the collection strategy's decisions (``collections.strategy``)
@dataclass
class StrategyInputs:
    """The open cases of a partition as the strategy stage reads them, as columns."""

    case_id: list[str] = field(default_factory=list)
    line_id: list[str] = field(default_factory=list)
    customer_id: list[str] = field(default_factory=list)
    bucket: list[int] = field(default_factory=list)
    escalation: list[int] = field(default_factory=list)
    disputed_cents: list[int] = field(default_factory=list)
    on_hold: list[bool] = field(default_factory=list)
    placed: list[bool] = field(default_factory=list)
    referred: list[bool] = field(default_factory=list)
    decided: list[bool] = field(default_factory=list)  # already decided for the day
    past_cures: list[int] = field(default_factory=list)  # earlier cases of the line resolved
    contacts: list[int] = field(default_factory=list)  # contacts made on the case
    last_message: list[datetime | None] = field(default_factory=list)
    last_call: list[datetime | None] = field(default_factory=list)
    recent_call_outcomes: list[list[str | None]] = field(default_factory=list)  # oldest first

    def __len__(self) -> int:
        return len(self.case_id)


class StrategyRepository(Protocol):
    def inputs(self, first_id: str, last_id: str, line_ids: Sequence[str] | None,
               day: date) -> StrategyInputs:
        """The open cases of lines in [first_id, last_id] (or of ``line_ids``), in bulk."""

    def add(self, rows: list[dict[str, Any]]) -> None:
        """Append decision rows (``collection_actions``)."""

    def tasks(self, day: date, action: str) -> list[str]:
        """Cases given ``action`` by the end of day ``day``."""

    def counts(self) -> dict[str, dict[str, int]]:
        """Decisions by action and outcome."""
