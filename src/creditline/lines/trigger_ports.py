"""What triggers, holds and sector actions need from storage (SQL in
``creditline.store.triggers`` and ``creditline.store.sectors``; reached as
``uow.held_purchases``, ``uow.trigger_events``, ``uow.activity`` and ``uow.sectors``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from creditline.lines.holds import HeldPurchase, TriggerRecord
from creditline.lines.reviews import ReviewCase
from creditline.lines.sectors import SectorAction, SectorFlag
from creditline.lines.triggers import Activity
from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest


class HeldPurchaseRepository(Protocol):
    def add(self, hold: HeldPurchase) -> None: ...

    def get(self, hold_id: str, *, lock: bool = False) -> HeldPurchase | None: ...

    def save(self, hold: HeldPurchase) -> None:
        """Write back the decision of a held purchase."""

    def waiting_since(self, made_on_or_before: date) -> list[HeldPurchase]:
        """Holds still waiting for a reviewer, made on or before the day, oldest first."""

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[HeldPurchase]:
        """Oldest first, keyed on ``(created_at, id)``, with the total."""


class TriggerEventRepository(Protocol):
    def add(self, record: TriggerRecord) -> None: ...

    def page(self, line_id: str | None, code: str | None, req: SeqPageRequest
             ) -> SeqPage[TriggerRecord]:
        """Triggers fired, oldest first (``seq`` order), optionally of one line or code."""

    def counts(self) -> dict[str, int]:
        """How many times each trigger code fired."""


class LineActivity(Protocol):
    """The reads a trigger needs, one round trip each."""

    def recent(self, line_id: str, since: date) -> Activity:
        """The line's purchases made and returns taken on or after ``since``."""

    def owed_in_categories(self, line_id: str, categories: frozenset[str]) -> Decimal:
        """Principal still owed on the line's purchases in these merchant categories."""


class SectorRepository(Protocol):
    """The sector early warning and sector cuts (``lines.sectors``)."""

    def enterprise_lines(self, industry: str | None = None) -> dict[str, list[Any]]:
        """Open (not closed) lines of enterprises, as columns: ``line_id``, ``customer_id``,
        ``industry``, ``dpd``, ``limit`` (Decimal), ``product``, ``opened_on``, ``status``;
        one industry or all."""

    def save_flags(self, flags: Sequence[SectorFlag]) -> None:
        """Write the latest answer per industry (replacing the previous one)."""

    def flags(self) -> list[SectorFlag]: ...

    def flag(self, industry: str) -> SectorFlag | None: ...

    def add_action(self, action: SectorAction) -> None: ...

    def get_action(self, action_id: str, *, lock: bool = False) -> SectorAction | None: ...

    def mark_reversed(self, action: SectorAction) -> None:
        """Record the reversal of an applied action (``ConcurrencyError`` if it was not)."""

    def actions(self, industry: str | None, req: PageRequest) -> Page[SectorAction]: ...


class ReviewCaseRepository(Protocol):
    """Periodic review cases of enterprise lines (``lines.reviews``)."""

    def add(self, case: ReviewCase) -> None: ...

    def get(self, case_id: str, *, lock: bool = False) -> ReviewCase | None: ...

    def save(self, case: ReviewCase) -> None: ...

    def open_cases(self) -> list[ReviewCase]:
        """Every case not yet decided, oldest due first."""

    def last_decided(self) -> dict[str, date]:
        """Each line's latest decided review day."""

    def page(self, status: str | None, due_by: date | None, req: PageRequest
             ) -> Page[ReviewCase]:
        """Cases in ``(created_at, id)`` order, optionally in one status or due by a day."""

    def open_due(self, line_ids: Sequence[str]) -> dict[str, tuple[str, date]]:
        """Of these lines, those with an open case: line id -> (case id, due day), the
        earliest due (one query: the end-of-day review stage reads it per partition)."""

    def freeze(self, line_ids: Sequence[str]) -> list[str]:
        """Freeze these lines where still active, in one statement (bumping ``version``);
        answers the lines frozen."""
