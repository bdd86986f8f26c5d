"""What behaviour scoring and the limit strategy need from storage (``uow.behaviour``; the SQL
implementation is ``creditline.store.behaviour``).  Column reads and writes for a partition
of lines are in bulk: one statement per kind of input, never one per line."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

import numpy as np

from creditline.lines.behaviour import PurchaseRows, StatementRows


@dataclass(frozen=True)
class BehaviourHistory:
    """What the feature history and the line rows give the features, aligned with the ids."""

    limit: np.ndarray  # cents
    util_30d_ago: np.ndarray  # NaN: no row 30-60 days ago
    max_dpd_3m: np.ndarray  # -1: no row in the window
    max_dpd_6m: np.ndarray
    max_dpd_12m: np.ndarray
    purchases: PurchaseRows
    statements: StatementRows


@dataclass(frozen=True)
class StrategyRow:
    """One line's facts beyond its features, as the strategy reads them."""

    line_id: str
    customer_kind: str  # person | enterprise
    product: str
    status: str
    limit: Decimal
    used: Decimal
    monthly_income: Decimal | None  # a person's declared income; an enterprise's revenue / 12
    opted_out: bool
    frozen_by_strategy: bool
    last_increase: date | None  # business date of the last raise of the permanent limit
    last_decrease: date | None
    cycles_since_increase: int  # statements cut after the last raise (or the opening)
    product_min: Decimal  # the range of the product terms the line was opened on
    product_max: Decimal
    opened_on: date
    decided_today: bool  # the strategy already decided on this line for the day


@dataclass(frozen=True)
class StrategySettings:
    """A line's strategy settings (the customer's opt-out of automatic increases)."""

    line_id: str
    auto_increase_opt_out: bool
    changed_at: datetime | None
    changed_by: str | None


@dataclass(frozen=True)
class DecisionRow:
    """A strategy decision other than "no change", as stored (``strategy_decisions``)."""

    line_id: str
    business_date: date
    action: str
    old_limit: Decimal
    new_limit: Decimal
    reason_codes: tuple[str, ...]
    rules_version: str
    band: str | None
    score: float | None


@dataclass(frozen=True)
class StrategySnapshot:
    """A line's facts on a statement day (or a day it moved) as the strategy's tables saw them (the shape of an
    example case: ``lines.strategy.decide`` re-decides it) and what was decided."""

    line_id: str
    business_date: date
    facts: dict[str, Any]
    action: str
    new_limit: Decimal
    rules_version: str


class BehaviourRepository(Protocol):
    def history(self, line_ids: Sequence[str], day: date) -> BehaviourHistory:
        """The inputs the features need beyond the kernel's columns, for these lines."""

    def save_scores(self, day: date, line_ids: Sequence[str],
                    columns: dict[str, Any]) -> None:
        """Replace the rows of (line, ``day``) with these features and scores."""

    def scores_on(self, day: date, line_ids: Sequence[str]) -> dict[str, Any]:
        """The stored rows of ``day`` for these lines (ids in ``line_id``), as columns."""

    def score_sample(self, start: date, end: date) -> dict[str, Any]:
        """Every stored row from ``start`` to ``end`` (features, score), as columns."""

    def strategy_rows(self, line_ids: Sequence[str], day: date) -> list[StrategyRow]:
        """The strategy's facts for these lines, in the order given."""

    def apply(self, day: date, decisions: Sequence[DecisionRow], frozen: Sequence[str],
              unfrozen: Sequence[str], suspended: Sequence[str]) -> None:
        """Write the day's decisions: new limits and statuses on the lines (bumping their
        version), the strategy's freeze flag, and the decision rows."""

    def decisions(self, start: date, end: date,
                  line_id: str | None = None) -> list[DecisionRow]:
        """The strategy's decisions in the date range, oldest first."""

    def save_snapshots(self, snapshots: Sequence[StrategySnapshot]) -> None:
        """Keep these facts and decisions (replacing a rerun's rows of the day)."""

    def snapshots(self, start: date, end: date, batch: int = 5_000
                  ) -> Iterator[list[StrategySnapshot]]:
        """The kept snapshots from ``start`` to ``end``, oldest first, in batches."""

    def settings(self, line_id: str) -> StrategySettings:
        """The line's strategy settings (defaults when none were ever set)."""

    def set_opt_out(self, line_id: str, opted_out: bool, at: datetime, by: str) -> None: ...
