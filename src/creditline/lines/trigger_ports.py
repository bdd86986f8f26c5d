"""What triggers and holds need from storage (SQL in ``creditline.store.triggers``; reached
as ``uow.held_purchases``, ``uow.trigger_events`` and ``uow.activity``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Protocol

from creditline.lines.holds import HeldPurchase, TriggerRecord
from creditline.lines.triggers import Activity
from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest


class HeldPurchaseRepository(Protocol):
    def add(self, hold: HeldPurchase) -> None: ...

    def get(self, hold_id: str, *, lock: bool = False) -> HeldPurchase | None: ...

    def save(self, hold: HeldPurchase) -> None:
        """Write back the decision of a held purchase."""

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[HeldPurchase]:
        """Oldest first, keyed on ``(created_at, id)``, with the total."""


class TriggerEventRepository(Protocol):
    def add(self, record: TriggerRecord) -> None: ...

    def page(self, line_id: str | None, code: str | None, req: SeqPageRequest
             ) -> SeqPage[TriggerRecord]:
        """Triggers fired, oldest first (``seq`` order), optionally of one line or code."""


class LineActivity(Protocol):
    """The reads a trigger needs, one round trip each."""

    def recent(self, line_id: str, since: date) -> Activity:
        """The line's purchases made and returns taken on or after ``since``."""

    def owed_in_categories(self, line_id: str, categories: frozenset[str]) -> Decimal:
        """Principal still owed on the line's purchases in these merchant categories."""
