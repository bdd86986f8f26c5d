"""What ECL, provisions, stress tests and the cash-flow projection need from the store, as a
Protocol (SQL implementation in ``creditline.store.ecl``; reached as ``uow.ecl``).  Bulk reads
hand back Polars frames (money in integer cents, dates as ``date``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

import polars as pl


@dataclass(frozen=True)
class EclRunRecord:
    id: str
    as_of: date
    created_at: datetime
    actor: str
    source: str  # provisions (the end-of-day stage) | manual
    staging_rules: str
    parameters: str
    lines: int
    ead: Decimal
    ecl: Decimal
    model: dict[str, Any] = field(default_factory=dict)
    journal_entry: str | None = None


class EclRepository(Protocol):
    def book(self, as_of: date) -> pl.DataFrame:
        """Every line not closed (or closed still owing), as it stands: ``line_id``,
        ``product``, ``kind``, ``industry``, ``region``, ``status``, ``opened_on``, ``dpd``,
        ``drawn`` and ``limit_unused`` (cents), ``restructured``, ``frozen``,
        ``sector_watch``, ``written_off`` (a write-off entry through ``as_of``),
        ``score_first`` / ``score_last`` / ``pd_bcard`` (the B-card's first and latest
        score through ``as_of``, the latest's pd; null when never scored)."""

    def spells(self, as_of: date) -> pl.DataFrame:
        """The collections bucket history through ``as_of``: ``line_id``, ``bucket``,
        ``entered_on``, ``left_on`` (null: still there), ``entered_balance`` (cents)."""

    def population(self) -> pl.DataFrame:
        """Every line: ``line_id``, ``opened_on``."""

    def write_offs(self, as_of: date) -> pl.DataFrame:
        """One row per written-off line through ``as_of``: ``line_id``, ``product``,
        ``written_off`` and ``recovered`` (cents; the entries' debits)."""

    def written_off_between(self, after: date, through: date) -> list[str]:
        """Lines with a write-off entry dated after ``after``, through ``through``."""

    def allowance_cells(self) -> dict[tuple[str, int], int]:
        """The loss allowance's balance (own terms: a credit balance is positive, cents) by
        (product, stage): provision postings by their memo, any other posting on a line
        (a write-off using the allowance) under the line's product in stage 3."""

    def schedule(self, as_of: date, months: int) -> pl.DataFrame:
        """Installments still unpaid falling due in the ``months`` after ``as_of``:
        ``line_id``, ``month`` (1 = the month after ``as_of``'s), ``amount`` (cents)."""

    def recent_draws(self, as_of: date, days: int) -> int:
        """Purchases less returns booked in the ``days`` up to ``as_of`` (cents)."""

    def save_run(self, run: EclRunRecord, results: pl.DataFrame) -> None:
        """Append a run and its per-line results (``ecl_results`` columns)."""

    def runs(self, limit: int = 50) -> list[EclRunRecord]:
        """Latest first."""

    def run(self, run_id: str) -> EclRunRecord | None: ...

    def latest_run(self, on_or_before: date | None = None) -> EclRunRecord | None:
        """The last run measured on or before a date (the latest made, for that date)."""

    def results(self, run_id: str) -> pl.DataFrame:
        """A run's per-line results."""
