"""Repository protocols of the collections context (implemented in ``creditline.store``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from creditline.collections.cases import BucketSpell, Case, Promise
from creditline.collections.compliance import Channel, Outcome, Party, PastContact
from creditline.collections.contacts import ContactEvent, Verification
from creditline.collections.relief import Relief
from creditline.parties.contacts import EmergencyContact


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
    contact_id: str | None = None  # the emergency contact approached


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

    def add_many(self, records: Sequence[ContactRecord]) -> None: ...

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

    def subset(self, keep: Sequence[int]) -> StrategyInputs:
        """The rows at ``keep``, in that order."""
        return StrategyInputs(**{f.name: [getattr(self, f.name)[i] for i in keep]
                                 for f in fields(self)})


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
# ----------------------------------------------------------------------------- emergency contacts
@dataclass(frozen=True)
class GateSubject:
    """What the relay's gate needs of a customer a message goes to: the zone the hours are
    judged in (the active case's, else the customer's own), the region (for a relief), the
    active case if any (its profile and whether the debtor agreed to other hours)."""

    customer_id: str
    zone: str
    region: str | None
    case_id: str | None = None
    line_id: str | None = None
    profile: str | None = None
    hours_agreed: bool = False


class ContactDesk(Protocol):
    """Emergency contacts as collections uses them: verification codes (hashed), the
    contacts' append-only events, approaches counted from the contact log."""

    def digest(self, secret: str) -> str:
        """A keyed hash of a code or reference (the field cipher's blind index)."""

    def contact(self, contact_id: str) -> EmergencyContact | None: ...

    def set_verification(self, contact_id: str, status: str) -> None: ...

    def remove_contact(self, contact_id: str) -> None:
        """Erase a withdrawn or replaced contact's name and phone (the events remain)."""

    def add_verification(self, v: Verification) -> None: ...

    def save_verification(self, v: Verification) -> None: ...

    def pending_verifications(self, contact_id: str) -> list[Verification]: ...

    def verification_by_reference(self, reference_hash: str, *,
                                  lock: bool = False) -> Verification | None: ...

    def add_event(self, event: ContactEvent) -> None: ...

    def events(self, *, customer_id: str | None = None,
               contact_id: str | None = None) -> list[ContactEvent]: ...

    def verified_at(self) -> dict[str, datetime]:
        """When each contact last confirmed its code (from the events)."""

    def repeat_agreed(self) -> frozenset[str]:
        """Contacts who said they may be approached again."""

    def approaches(self, contact_id: str) -> int:
        """Approaches made to this contact (allowed contact-log rows)."""

    def phones(self, contact_ids: Sequence[str]) -> dict[str, str]:
        """Decrypted phones of the contacts still listed (for the messages being sent)."""

    def subjects(self, customer_ids: Sequence[str]) -> dict[str, GateSubject]: ...

    def contact_texts(self) -> list[str]:
        """Subject and body of every message written to an emergency contact."""


class ReliefRepository(Protocol):
    def add(self, relief: Relief) -> None: ...

    def get(self, relief_id: str, *, lock: bool = False) -> Relief | None: ...

    def save(self, relief: Relief) -> None: ...

    def all(self) -> list[Relief]: ...

    def in_force(self, day: date) -> list[Relief]:
        """Reliefs active on ``day``, and deferring ones started by then (their deferral
        still moves due dates that fell inside them)."""

    def line_regions(self, first_id: str, last_id: str, line_ids: Sequence[str] | None,
                     keys: Sequence[str]) -> dict[str, str]:
        """Lines in the range (or ``line_ids``) whose customer's region is one of ``keys``:
        line id -> region."""

    def region_of(self, customer_id: str) -> str | None: ...

    def preview_rows(self, keys: Sequence[str]
                     ) -> list[tuple[str, str, str | None, int, int, bool]]:
        """Customers in these regions with their open lines: (customer, region, line or
        None, balance cents, past due cents, active case)."""
