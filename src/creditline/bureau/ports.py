"""What the bureau context needs from the store (``creditline.store.bureau``, reached as
``uow.bureau``), and the values it keeps: runs, the records reported (append-only: the
history of what was reported when), notices, disputes and corrections."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from creditline.bureau.export import Files, Subject
from creditline.bureau.history import LineFacts
from creditline.bureau.holds import Notice
from creditline.bureau.months import Month
from creditline.bureau.records import AccountRecord


@dataclass(frozen=True)
class Run:
    id: str
    month: str
    format: str  # version+hash12 of the format folder
    as_of: date  # the business date of the run
    created_at: datetime
    created_by: str
    text_sha256: str
    json_sha256: str
    counts: dict[str, int] = field(default_factory=dict)
    held: list[dict[str, Any]] = field(default_factory=list)  # line_id, rule, reason, until
    expired: list[str] = field(default_factory=list)  # lines past the five years (art. 16)


@dataclass(frozen=True)
class Reported:
    """A record as it was reported: which run, when."""

    run_id: str
    reported_in: str  # the run's month
    as_of: date
    record: AccountRecord


class DisputeStatus:
    OPEN = "open"
    CORRECTED = "corrected"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Dispute:
    id: str
    line_id: str
    month: str  # the reported month the customer disputes
    reason: str
    raised_on: date
    raised_by: str
    status: str = DisputeStatus.OPEN
    resolved_on: date | None = None
    resolved_by: str | None = None
    resolution: str | None = None
    version: int = 1


@dataclass(frozen=True)
class Correction:
    id: str
    line_id: str
    month: str  # the month whose code is corrected
    status: str  # the corrected code
    reason: str
    made_on: date
    made_by: str
    dispute_id: str | None = None
    reported_in: str | None = None  # the run that carried the update record


@dataclass(frozen=True)
class Prior:
    """What earlier runs reported, per line."""

    negative: frozenset[str]  # lines whose reported records carried negative information
    ended: frozenset[str]  # lines already reported with a code that ends reporting


class BureauRepository(Protocol):
    def run_for_month(self, month: str) -> Run | None: ...

    def get_run(self, run_id: str) -> Run | None: ...

    def runs(self, limit: int = 100) -> list[Run]:
        """Newest month first."""

    def add_run(self, run: Run, files: Files) -> None:
        """The run and its files (stored encrypted: they name people)."""

    def files(self, run_id: str) -> Files | None: ...

    def add_records(self, run_id: str, records: Sequence[AccountRecord]) -> None:
        """Append the run's records (never updated nor deleted)."""

    def line_records(self, line_id: str) -> list[Reported]:
        """Every record reported for the line, in the order reported."""

    def record(self, line_id: str, month: str) -> Reported | None:
        """The account record (type A) reported for the line's month."""

    def facts(self, month: Month, window_start: date) -> list[LineFacts]:
        """Every line opened by ``month``'s end, with its spells since ``window_start``,
        the months with a payment due, its written-off or sold case, and its corrections:
        in a few bulk reads."""

    def prior(self, ended_codes: Sequence[str]) -> Prior: ...

    def notices(self) -> dict[str, Notice]:
        """Per line: its notice of negative reporting, with the first delivery of its
        messages (the notify store)."""

    def add_notice(self, line_id: str, customer_id: str, month: str, event_key: str,
                   sent_on: date) -> None: ...

    def subjects(self, customer_ids: Sequence[str]) -> Mapping[str, Subject]:
        """Identity number (person) or USCC (enterprise) and name, decrypted for the file."""

    def disputed_lines(self) -> frozenset[str]:
        """Lines with an open dispute."""

    def add_dispute(self, d: Dispute) -> None: ...

    def get_dispute(self, dispute_id: str, *, lock: bool = False) -> Dispute | None: ...

    def save_dispute(self, d: Dispute) -> Dispute:
        """Optimistic lock on ``version``; returns it with the version bumped."""

    def disputes(self, status: str | None = None, line_id: str | None = None,
                 limit: int = 200) -> list[Dispute]: ...

    def add_correction(self, c: Correction) -> None: ...

    def corrections(self, line_id: str | None = None, pending: bool = False
                    ) -> list[Correction]: ...

    def mark_corrections_reported(self, ids: Sequence[str], run_id: str) -> None: ...
