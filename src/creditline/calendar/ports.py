"""The calendar's repository, as a Protocol (SQL implementation in
``creditline.store.calendar``; reached as ``uow.calendar``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol


@dataclass(frozen=True)
class CalendarState:
    """The book's current business date and who last moved it, when (wall clock)."""

    business_date: date
    updated_at: datetime
    updated_by: str


class CalendarRepository(Protocol):
    """One row per store: none until an operator first sets or advances the date."""

    def get(self, *, lock: bool = False) -> CalendarState | None:
        """The stored state (``lock``: hold it until commit, so two moves serialise)."""

    def save(self, state: CalendarState) -> None:
        """Insert or replace the one row."""
