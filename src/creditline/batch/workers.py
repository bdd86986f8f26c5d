"""End of day on local worker processes: the partitions of a day closed by a pool of
``workers`` Python processes on this machine (``creditline eod --workers N``).

Why processes: a partition's work is Python and numpy holding the GIL most of the time
(building columns, the tables' per-line calls, formatting COPY text), so threads would take
turns on one core; partitions are independent by construction (lines never interact), so
separate processes, each with its own container and database connection, use every core.

The engine is the Spark engine's contract (``batch.run.PartitionEngine``) with a process
pool in place of executors, and the very same task: ``batch.spark.close_bounds`` runs
``Pipeline.run_partition`` over a partition ``(after, last]`` in its own transaction, every
stage, and commits it with its lines' ``last_eod``.  So crash-safety is the in-process
run's: a partition commits alone or not at all, the day's last partition (its audit entry,
its run record) is closed by the caller after every worker's partition committed, and a run
killed anywhere leaves the uncommitted partitions pending for the next run.

Workers are started with ``spawn`` (a fresh interpreter, not a fork of a process holding
open database connections) once per engine and reused for every day of the run; ``stop``
ends them.  PostgreSQL only: SQLite serialises writers, so a second process would only wait.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from creditline.batch.pipeline import StageStats
from creditline.batch.spark import Factory, add_stats, close_bounds
from creditline.errors import ValidationError

MAX_WORKERS = 64


def _close(factory: Factory, settings: dict[str, Any], day_iso: str, size: int,
           bound: tuple[str | None, str]) -> tuple[int, str]:
    """What one worker does for one partition: close it and commit (lines, stats JSON)."""
    lines, stats = 0, "{}"
    for row in close_bounds(factory, settings, date.fromisoformat(day_iso), size, [bound]):
        lines, stats = int(row["lines"]), str(row["stats"])
    return lines, stats


@dataclass
class ProcessEngine:
    """A ``batch.run.PartitionEngine`` on ``workers`` local processes.  ``factory`` builds a
    worker's container from the settings (``bootstrap.executor_container``)."""

    settings: dict[str, Any]
    factory: Factory
    workers: int = 2
    _pool: ProcessPoolExecutor | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.workers, int) or not 1 <= self.workers <= MAX_WORKERS:
            raise ValidationError("workers", f"must be a whole number from 1 to {MAX_WORKERS}")
        if not str(self.settings.get("database_url", "")).startswith("postgresql"):
            raise ValidationError("workers", "more than one worker needs the PostgreSQL store: "
                                             "SQLite serialises writers")

    def close_partitions(self, day: date, bounds: Sequence[tuple[str | None, str]],
                         partition_size: int) -> tuple[int, dict[str, StageStats]]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers,
                                             mp_context=multiprocessing.get_context("spawn"))
        futures: list[Future[tuple[int, str]]] = [
            self._pool.submit(_close, self.factory, self.settings, day.isoformat(),
                              partition_size, b) for b in bounds]
        _, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for f in pending:  # a partition failed: start no more (the committed ones stay)
            f.cancel()
        wait(pending)
        for f in futures:  # the first failure, raised here (not a cancellation it caused)
            error = None if f.cancelled() else f.exception()
            if error is not None:
                raise error
        lines = 0
        stats: dict[str, StageStats] = {}
        for f in futures:
            n, raw = f.result()
            lines += n
            add_stats(stats, raw)
        return lines, stats

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
