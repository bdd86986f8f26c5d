"""End of day on Apache Spark: the partitions of a day closed by Spark executors.

The driver (``run_eod(..., engine=SparkEngine(...))``) cuts the day's pending lines into
partitions of line ids; this engine turns them into a small DataFrame of ``(after, last]``
bounds and runs ``mapInArrow`` over it: each executor task opens the same store (the
settings travel with the task), runs ``Pipeline.run_partition`` for its partitions -- the
very code the in-process run uses, every stage -- one transaction a partition, and returns
the lines and stage stats it did as Arrow rows.  The store is the meeting point: executors
read and write PostgreSQL directly (SQLite, a file on the driver's disk, is refused).

Why partitions of ids and not a Spark DataFrame of the book: the stages are column functions
over numpy arrays already partitioned by line id (the design's "one kernel, two speeds"), and
their writes must commit with the partition's ``last_eod`` in one transaction; Spark's job
is to run many such partitions at once on many machines, and to retry a failed task (a
partition that committed is no longer pending, so a retried task whose partition is already
closed finds nothing to do and says so).

Batch scoring (``creditline model score-all --engine spark``, ``score_partitions``) runs the
same way: each task scores its partitions of line ids with ``batch.score_all.score_partition``
and replaces the run's rows of those ids, so a retried task leaves the same rows.

What travels to the executors: the container's settings (database URL, keys) inside the task
closure.  On a shared cluster, enable Spark's RPC authentication and encryption
(``spark.authenticate``, ``spark.network.crypto.enabled``) -- see docs/SPARK.md.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from creditline.batch.pipeline import StageStats
from creditline.batch.score_all import PartitionCounts, ScoreJob, score_partition
from creditline.errors import ValidationError

Factory = Callable[[dict[str, Any]], Any]  # settings -> a container (``.uow()``)
_CONTAINERS: dict[str, Any] = {}  # per executor process: one container per settings


def _container(factory: Factory, settings: dict[str, Any]) -> Any:
    """The executor's container for these settings, built once per Python worker."""
    key = json.dumps(settings, sort_keys=True, default=str)
    if key not in _CONTAINERS:
        _CONTAINERS[key] = factory(settings)
    return _CONTAINERS[key]


def close_bounds(factory: Factory, settings: dict[str, Any], day: date, size: int,
                 bounds: Sequence[tuple[str | None, str]]) -> Iterator[dict[str, Any]]:
    """Close each partition ``(after, last]`` of ``day`` (what one Spark task does)."""
    from creditline.batch.run import pipeline_of

    container = _container(factory, settings)
    for after, last in bounds:
        stats: dict[str, StageStats] = {}
        with container.uow() as uow:
            rep = pipeline_of(uow).run_partition(uow, day, after=after, limit=size,
                                                 stats=stats)
            if rep.lines and rep.last_line_id != last:
                raise RuntimeError(f"partition after {after} ended at {rep.last_line_id}, "
                                   f"not {last}: the book changed during the run")
            uow.commit()
        yield {"lines": rep.lines, "stats": json.dumps(
            {n: [st.seconds, st.lines, st.counts] for n, st in stats.items()})}


def score_bounds(factory: Factory, settings: dict[str, Any], job: ScoreJob,
                 bounds: Sequence[tuple[str | None, str]]) -> Iterator[dict[str, Any]]:
    """Score each partition ``(after, last]`` of a batch scoring run (what one Spark task
    does for ``creditline model score-all --engine spark``): the in-process function, one
    transaction a partition, replacing the run's rows of the range."""
    container = _container(factory, settings)
    for after, last in bounds:
        counts = score_partition(container.uow(), job, after, last)
        yield {"scored": counts.scored, "skipped": json.dumps(counts.skipped)}


def _score_task(factory: Factory, settings: dict[str, Any], run_id: str, model_id: str,
                as_of_iso: str) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        job = ScoreJob(run_id, model_id, date.fromisoformat(as_of_iso))
        for batch in batches:
            rows = batch.to_pydict()
            bounds = list(zip(rows["after"], rows["last"], strict=True))
            out = list(score_bounds(factory, settings, job, bounds))
            fields: dict[str, pa.DataType] = {"scored": pa.int64(), "skipped": pa.string()}
            yield pa.RecordBatch.from_pylist(out, schema=pa.schema(fields))
    return run


def add_stats(stats: dict[str, StageStats], raw: str) -> None:
    """Add a partition's stage stats, as ``close_bounds`` sends them back (JSON), to
    ``stats`` (what both the Spark and the process engine do with their tasks' rows)."""
    for name, (seconds, n_lines, counts) in json.loads(raw).items():
        stats.setdefault(name, StageStats()).add(
            StageStats(float(seconds), int(n_lines), dict(counts)))


def _task(factory: Factory, settings: dict[str, Any], day_iso: str, size: int
          ) -> Callable[[Iterator[Any]], Iterator[Any]]:
    def run(batches: Iterator[Any]) -> Iterator[Any]:
        import pyarrow as pa

        day = date.fromisoformat(day_iso)
        for batch in batches:
            rows = batch.to_pydict()
            bounds = list(zip(rows["after"], rows["last"], strict=True))
            out = list(close_bounds(factory, settings, day, size, bounds))
            fields: dict[str, pa.DataType] = {"lines": pa.int64(), "stats": pa.string()}
            yield pa.RecordBatch.from_pylist(out, schema=pa.schema(fields))
    return run


@dataclass
class SparkEngine:
    """A ``batch.run.PartitionEngine`` backed by a Spark session at ``master``
    (``local[2]``, ``spark://host:7077``, ``yarn``...).  ``factory`` builds an executor's
    container from the settings (``bootstrap.executor_container``: the engine sits below
    the composition root and is handed it)."""

    settings: dict[str, Any]
    factory: Factory
    master: str = "local[2]"
    app_name: str = "creditline-eod"
    tasks: int | None = None  # Spark partitions per day; default: one per bound, at most 64

    def __post_init__(self) -> None:
        if not str(self.settings.get("database_url", "")).startswith("postgresql"):
            raise ValidationError("engine", "spark needs the PostgreSQL store: executors "
                                            "open the database the driver uses, and SQLite is "
                                            "a file on the driver's disk")
        self._spark: Any = None

    def session(self) -> Any:
        if self._spark is None:
            try:
                from pyspark.sql import SparkSession
            except ImportError:  # pragma: no cover - the spark extra is not installed
                raise ValidationError("engine", "spark needs pyspark: pip install "
                                                "'creditline[spark]'") from None
            # the executors' Python is this one (the same packages and the same code)
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            self._spark = (SparkSession.builder.master(self.master).appName(self.app_name)
                           .config("spark.ui.enabled", "false")
                           .config("spark.sql.shuffle.partitions", "4")
                           .config("spark.python.worker.reuse", "true")
                           .getOrCreate())
        return self._spark

    def close_partitions(self, day: date, bounds: Sequence[tuple[str | None, str]],
                         partition_size: int) -> tuple[int, dict[str, StageStats]]:
        spark = self.session()
        n = max(1, self.tasks or min(len(bounds), 64))
        # parallelize, not repartition: the bounds are cut into n slices where they are made,
        # with no shuffle (a shuffle costs more than a small day's partitions)
        rdd = spark.sparkContext.parallelize([(a, b) for a, b in bounds], n)
        rows = (spark.createDataFrame(rdd, "after string, last string")
                .mapInArrow(_task(self.factory, self.settings, day.isoformat(), partition_size),
                            "lines long, stats string")
                .collect())
        stats: dict[str, StageStats] = {}
        for row in rows:
            add_stats(stats, row["stats"])
        return sum(int(row["lines"]) for row in rows), stats

    def score_partitions(self, job: ScoreJob, bounds: Sequence[tuple[str | None, str]]
                         ) -> PartitionCounts:
        """A ``batch.score_all.ScoreEngine``: the run's partitions scored by Spark tasks
        (mapInArrow over the bounds), each against the same PostgreSQL store."""
        total = PartitionCounts()
        if not bounds:
            return total
        spark = self.session()
        n = max(1, self.tasks or min(len(bounds), 64))
        rdd = spark.sparkContext.parallelize([(a, b) for a, b in bounds], n)
        rows = (spark.createDataFrame(rdd, "after string, last string")
                .mapInArrow(_score_task(self.factory, self.settings, job.run_id, job.model_id,
                                        job.as_of.isoformat()),
                            "scored long, skipped string")
                .collect())
        for row in rows:
            total.add(PartitionCounts(int(row["scored"]), {
                k: int(v) for k, v in json.loads(row["skipped"]).items()}))
        return total

    def stop(self) -> None:
        if self._spark is not None:
            self._spark.stop()
            self._spark = None
