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
