"""Batch scoring: every line of the book scored with one registered card (issue 18).

The feature source is the behaviour history end of day keeps per line and business date
(``behaviour_scores``, written by the behaviour stage): a line is scored on its newest row
on or before the date asked for (``feature_date`` is kept beside the score, so a reader sees
how old the features were: end of day visits a quiet line only on its statement day).  So
the cards that can be scored here are those whose variables are all line features
(``lines.behaviour.FEATURES``: the B-cards); an A-card needs an application's fields and a
C-card the collection case's, none of which is kept per line and date, and they are refused
naming the variables that are missing.

A run cuts the book's lines (opened on or before the date) into partitions of ids; each
partition reads its lines and their newest feature rows in bulk, scores them with the card's
columnar scorer (``batch.behaviour.score_columns``, the very function the behaviour stage
scores with), and replaces the run's rows of that id range in one transaction -- so a
partition run twice (a Spark task retried) leaves the same rows.  Lines skipped are counted
by reason: ``closed`` (closed when the run reads it) and ``no_features`` (no behaviour row on
or before the date: opened after the last end of day, or never visited).

Two engines run the partitions: ``LocalScoring`` in this process, one after the other, and
``batch.spark.SparkEngine`` on Spark executors, each task reading its partitions from the
same PostgreSQL store.  The driver writes the run record first and completes it, with the
audit entry, when every partition has committed.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import numpy as np

from creditline.auth import Principal
from creditline.batch.behaviour import score_columns
from creditline.calendar.services import current_business_date
from creditline.errors import NotFound, ValidationError
from creditline.lines.behaviour import FEATURES
from creditline.lines.status import LineStatus
from creditline.scoring.registry import ModelRecord
from creditline.scoring.services import ModelRef
from creditline.scoring.serving import MODELS, ServedModel
from creditline.uow import UnitOfWork

LINE_VARIABLES: frozenset[str] = frozenset(FEATURES)  # what a line's behaviour row gives
ENGINES = ("local", "spark")
PARTITION_MAX = 1_000_000
SKIP_REASONS = ("closed", "no_features")
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ScoreAll:
    """Score every line with the card ``model`` on its features as of ``as_of`` (default:
    the book's business date)."""

    model: ModelRef
    as_of: date | None = None
    engine: str = "local"
    partition_size: int = 10_000


@dataclass(frozen=True)
class ScoreJob:
    """What every partition of a run needs (and all a Spark task carries)."""

    run_id: str
    model_id: str
    as_of: date


@dataclass
class PartitionCounts:
    """Lines scored and skipped (by reason) in some partitions."""

    scored: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SKIP_REASONS, 0))

    def add(self, other: PartitionCounts) -> None:
        self.scored += other.scored
        for k, v in other.skipped.items():
            self.skipped[k] = self.skipped.get(k, 0) + v


@dataclass(frozen=True)
class ScoreRun:
    """A run's summary, as its record keeps it."""

    run_id: str
    model_id: str
    model: str
    card_type: str
    as_of: date
    engine: str
    partition_size: int
    actor: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    partitions: int
    lines_scored: int
    skipped: dict[str, int]
    seconds: float | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> ScoreRun:
        return cls(row["id"], row["model_id"], row["model"], row["card_type"], row["as_of"],
                   row["engine"], int(row["partition_size"]), row["actor"], row["started_at"],
                   row["finished_at"], row["status"], int(row["partitions"]),
                   int(row["lines_scored"]), {k: int(v) for k, v in dict(row["skipped"]).items()},
                   None if row["seconds"] is None else float(row["seconds"]))


class ScoreEngine(Protocol):
    """Runs a job's partitions ``(after, last]`` and sums what they did."""

    def score_partitions(self, job: ScoreJob, bounds: Sequence[tuple[str | None, str]]
                         ) -> PartitionCounts: ...


def missing_variables(card: ServedModel) -> list[str]:
    """The card's variables a line's behaviour row does not give (empty: it can be scored)."""
    return [v for v in getattr(card.model, "variables_", []) if v not in LINE_VARIABLES]


def cut(line_ids: Sequence[str], size: int) -> list[tuple[str | None, str]]:
    """Partitions ``(after, last]`` of at most ``size`` ids, in id order."""
    bounds: list[tuple[str | None, str]] = []
    after: str | None = None
    for k in range(0, len(line_ids), size):
        last = line_ids[min(k + size, len(line_ids)) - 1]
        bounds.append((after, last))
        after = last
    return bounds


def served(uow: UnitOfWork, model_id: str) -> ServedModel:
    """The parsed card (the process's model cache: parsed once per process)."""
    return MODELS.get(model_id, lambda: uow.models.get(model_id))


def score_partition(uow: UnitOfWork, job: ScoreJob, after: str | None, last: str
                    ) -> PartitionCounts:
    """Score the lines with ids in ``(after, last]`` and replace their rows of the run, in
    one transaction (what one partition of either engine does)."""
    with uow:
        card = served(uow, job.model_id)
        lines = uow.batch_scores.book_lines(job.as_of, after, last)
        feats = uow.batch_scores.features(job.as_of, after, last)
        row_of = {lid: i for i, lid in enumerate(feats["line_id"])}
        closed = {lid for lid, st in zip(lines["line_id"], lines["status"], strict=True)
                  if st == LineStatus.CLOSED.value}
        keep = [row_of[lid] for lid in lines["line_id"] if lid in row_of and lid not in closed]
        take = np.asarray(keep, dtype=np.int64)
        features = {k: np.asarray(feats[k], dtype=np.float64)[take] if keep
                    else np.zeros(0, dtype=np.float64) for k in FEATURES}
        n = len(keep)
        score, p_bad = score_columns(card, features, n)
        ids = [feats["line_id"][i] for i in keep]
        days = [_EPOCH + timedelta(days=int(feats["feature_day"][i])) for i in keep]
        uow.batch_scores.save(job.run_id, after, last, {
            "line_id": ids, "model_id": [job.model_id] * n, "as_of": [job.as_of] * n,
            "feature_date": days, "score": score, "pd": p_bad})
        uow.commit()
    no_features = sum(1 for lid in lines["line_id"] if lid not in row_of and lid not in closed)
    return PartitionCounts(n, {"closed": len(closed), "no_features": no_features})


@dataclass
class LocalScoring:
    """The partitions in this process, one transaction each, one after the other."""

    uow: UnitOfWork

    def score_partitions(self, job: ScoreJob, bounds: Sequence[tuple[str | None, str]]
                         ) -> PartitionCounts:
        total = PartitionCounts()
        for after, last in bounds:
            total.add(score_partition(self.uow, job, after, last))
        return total


def _checked(cmd: ScoreAll, uow: UnitOfWork, actor: Principal) -> tuple[ModelRecord, date]:
    actor.require("models:score_all")
    if cmd.engine not in ENGINES:
        raise ValidationError("engine", "must be local or spark")
    if not 1 <= cmd.partition_size <= PARTITION_MAX:
        raise ValidationError("partition_size", f"must be between 1 and {PARTITION_MAX:,}")
    with uow:
        record = cmd.model.resolve(uow)
        card = served(uow, record.id)
        today = current_business_date(uow)
    missing = missing_variables(card)
    if missing:
        raise ValidationError("model", f"{record.label} (card {record.card_type}) needs "
                                       f"variables no line keeps: {', '.join(missing)}; only "
                                       f"cards on the behaviour features can be scored on lines")
    as_of = cmd.as_of or today
    if as_of > today:
        raise ValidationError("as_of", f"must not be after the book's business date "
                                       f"{today.isoformat()}")
    return record, as_of


def score_all(cmd: ScoreAll, uow: UnitOfWork, actor: Principal,
              engine: ScoreEngine | None = None,
              progress: Callable[[int, int], None] | None = None) -> ScoreRun:
    """Score every line with the card and keep the results; the run's summary.  ``engine``
    runs the partitions (default: this process); ``cmd.engine`` names it in the record."""
    record, as_of = _checked(cmd, uow, actor)
    run_id = str(uuid.uuid4())
    started = time.perf_counter()
    with uow:
        ids = uow.batch_scores.line_ids(as_of)
        bounds = cut(ids, cmd.partition_size)
        uow.batch_scores.start({
            "id": run_id, "model_id": record.id, "model": record.label,
            "card_type": record.card_type, "as_of": as_of, "engine": cmd.engine,
            "partition_size": cmd.partition_size, "actor": actor.user_id,
            "started_at": uow.now(), "finished_at": None, "status": "running",
            "partitions": len(bounds), "lines_scored": 0, "skipped": {}, "seconds": None})
        uow.commit()
    job = ScoreJob(run_id, record.id, as_of)
    try:
        counts = (engine or LocalScoring(uow)).score_partitions(job, bounds)
    except BaseException:
        with uow:
            uow.batch_scores.finish(run_id, status="failed", finished_at=uow.now(),
                                    seconds=time.perf_counter() - started)
            uow.commit()
        raise
    if progress is not None:
        progress(counts.scored, len(bounds))
    with uow:
        seconds = time.perf_counter() - started
        uow.batch_scores.finish(run_id, status="finished", finished_at=uow.now(),
                                lines_scored=counts.scored, skipped=counts.skipped,
                                seconds=seconds)
        uow.audit(actor, "model.scored_all", "batch_score_run", run_id,
                  {"model_id": record.id, "model": record.label, "as_of": as_of.isoformat(),
                   "engine": cmd.engine, "partitions": len(bounds),
                   "lines_scored": counts.scored, "skipped": counts.skipped})
        uow.commit()
    return score_run(uow, actor, run_id)


def score_run(uow: UnitOfWork, actor: Principal, run_id: str) -> ScoreRun:
    """A run's summary; NotFound for an unknown run."""
    actor.require("models:read")
    with uow:
        row = uow.batch_scores.get(run_id)
    if row is None:
        raise NotFound(f"batch score run {run_id} not found")
    return ScoreRun.of(row)
