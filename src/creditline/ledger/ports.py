"""What the use cases and end of day need from the journal, as a Protocol (SQL
implementation in ``creditline.store.ledger``; reached as ``uow.ledger``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

import numpy as np

from creditline.ledger.journal import JournalEntry


class LedgerRepository(Protocol):
    def post(self, entries: Sequence[JournalEntry]) -> None:
        """Append checked entries and their postings."""

    def post_columns(self, *, entry_ids: Sequence[str], business_date: date, kind: str,
                     entry_line_ids: Sequence[str | None], memo: str,
                     entry_index: np.ndarray, line_ids: Sequence[str | None],
                     accounts: Sequence[str], amount_cents: np.ndarray,
                     memos: Sequence[str]) -> int:
        """Append a batch given as columns, checked before writing; the postings written."""

    def trial_balance(self) -> list[tuple[str, str, Decimal]]: ...

    def sums_by_line(self, line_ids: Sequence[str] | None = None
                     ) -> dict[str, dict[str, Decimal]]: ...

    def unbalanced_entries(self, limit: int = 20) -> list[str]: ...

    def entries(self, *, line_id: str | None = None, limit: int = 100,
                before: date | None = None) -> list[JournalEntry]: ...

    def count_postings(self) -> int: ...
