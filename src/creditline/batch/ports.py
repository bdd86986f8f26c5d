"""The end-of-day engine's own repository, as a Protocol (SQL implementation in
``creditline.store.eod_runs``; reached as ``uow.eod_runs``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol


class EodRunRepository(Protocol):
    """Run records: one row per run, one per (day, stage) with its lines and seconds."""

    def start(self, run_id: str, *, through: date, stage: str | None, stages: Sequence[str],
              actor: str, started_at: datetime) -> None: ...

    def add_day(self, run_id: str, day: date, lines: int,
                stages: Sequence[tuple[int, str, int, float]]) -> None: ...

    def finish(self, run_id: str, *, finished_at: datetime, seconds: float) -> None: ...

    def get(self, run_id: str) -> dict[str, Any] | None: ...

    def stage_runs(self, run_id: str) -> list[dict[str, Any]]: ...

    def closed_range(self) -> tuple[date | None, date | None]:
        """The earliest and the latest day an open line is closed through."""


class BatchScoreRepository(Protocol):
    """Batch scoring's storage (issue 18; SQL in ``creditline.store.batch_scores``, reached
    as ``uow.batch_scores``): run records, the line features a partition scores, its scores."""

    def start(self, run: dict[str, Any]) -> None:
        """Write a run's row (status ``running``)."""

    def finish(self, run_id: str, **values: Any) -> None:
        """Complete a run's row (status, counts, finished_at, seconds)."""

    def get(self, run_id: str) -> dict[str, Any] | None: ...

    def line_ids(self, as_of: date) -> list[str]:
        """The ids of the lines opened on or before ``as_of``, in id order."""

    def book_lines(self, as_of: date, after: str | None, last: str) -> dict[str, Any]:
        """``line_id`` and ``status`` of the lines opened on or before ``as_of`` with ids
        in ``(after, last]``, in id order."""

    def features(self, as_of: date, after: str | None, last: str) -> dict[str, Any]:
        """Each line's newest behaviour row on or before ``as_of`` (ids in ``(after,
        last]``): ``line_id``, ``feature_day`` (a day number) and the feature columns."""

    def save(self, run_id: str, after: str | None, last: str, rows: dict[str, Any]) -> None:
        """Replace the run's scores of the lines in ``(after, last]`` with ``rows``
        (columns ``line_id``, ``model_id``, ``as_of``, ``feature_date``, ``score``,
        ``pd``)."""

    def scores(self, run_id: str) -> dict[str, Any]:
        """The run's scores, as columns, in line id order."""
