"""End of day for the whole book (``run_eod``), one stage alone (``RunEod(stage=...)``), and
the online catch-up of one line (``catch_up``) -- all through the same ``Pipeline``.

``run_eod`` closes every business day up to the one asked for, in order: day by day, the
quiet lines are skipped in one statement (unless a stage needs every line), then each line
whose last closed day is the day before goes through every stage, in partitions of line
ids, one transaction per partition.  Each line records the last day it closed
(``last_eod``, written by stage one in the same transaction as every other stage's
writes), so every stage runs exactly once per line and day: running a day twice changes
nothing the second time, and an interrupted run resumes where it stopped.

Audit: one ``eod.closed`` entry per business day, written in the transaction that
completes the day -- the day's last partition (the pipeline looks one line ahead to know
it is the last) or, when every line was skipped, the skip statement's.  A run killed
part-way therefore leaves an entry for each day it committed, and none for a day it did
not finish; a day's partitions committed before the kill carry no entry of their own, but
the day is then still pending, and the run that resumes it writes the day's entry with
what it did.  Per day rather than per partition: the audit log tells what happened to the
book (a day was closed), not how the engine chose to cut its transactions.

Run records: each run writes a row in ``eod_runs`` when it starts (in the transaction that
finds the first pending day) and, per day closed, one ``eod_stage_runs`` row per stage
(seconds, lines) in the transaction that completes the day -- the last day's also closes
the run's row -- so the records cost no transaction of their own.  The reports carry the
same timings.

**One stage alone** (``RunEod(stage=NAME)``, ``creditline eod --stage NAME``) is for
repairing or back-filling one day, and is allowed only where it can neither run a line-day
twice nor leave one out:

- a later stage (not stage one) alone runs over the book as end of day ``D`` left it:
  every open line must be closed through ``D`` exactly (``D`` is the book's latest closed
  day, so its predecessors have run for ``D`` and the store holds the state they left).
  Its predecessors' columns are rebuilt from the store.  It must be ``rerunnable`` (its
  writes for a line and day replace the earlier ones), so running it for a day the
  pipeline already ran it on changes nothing;
- stage one (the servicing kernel, which moves money and marks the day closed) alone
  closes exactly one day ``D`` -- every open line must be closed through ``D - 1`` -- and
  only when every later stage is rerunnable, so each of them can be run alone for ``D``
  afterwards.  Otherwise it is refused: those stages would miss the day for good.

The per-line catch-up runs the same pipeline with the frame set to the one line; its
timings come back in its report (not written to ``eod_runs``: it runs inside a command).

**Another engine** (``run_eod(..., engine=...)``, ``creditline eod --engine spark``) closes
a day's partitions elsewhere, in parallel: after the skip, the day's pending line ids are
read (ids only) and cut into partitions of ``partition_size``; every partition but the last
goes to the engine (``PartitionEngine``: each partition through the same
``Pipeline.run_partition`` in its own transaction, against the same store), and when they
have all committed the last partition runs here, in the transaction that completes the day,
exactly as above.  So the audit entry and the run record still commit with the day's last
partition, a run killed anywhere resumes like an in-process one, and the stages and their
writes are the same code: the book comes out the same (``tests/integration/test_eod_spark.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from creditline.auth import Principal
from creditline.batch.behaviour import BEHAVIOUR_STAGE  # issue 13: behaviour scoring
from creditline.batch.closure import CLOSURE_STAGE  # closure (issue 14)
from creditline.batch.collection_strategy import collection_strategy_stage  # ccard
from creditline.batch.collections import COLLECTIONS_STAGE
from creditline.batch.day_end import DAY_END  # issue 13: sector watch, review schedule
from creditline.batch.eod import KERNEL, SERVICING
from creditline.batch.limit_ramp import LIMIT_RAMP_STAGE
from creditline.batch.limit_strategy import LIMIT_STRATEGY_STAGE  # issue 13: limit strategy
from creditline.batch.pipeline import Pipeline, StageStats
from creditline.batch.provisions import PROVISIONS_STAGE  # issue 17: ECL provisions
from creditline.batch.reminders import reminder_stage  # notify: due-date reminders
from creditline.batch.reviews import REVIEW_STAGE  # issue 13, triggers lane
from creditline.batch.temporary_limits import TEMPORARY_LIMIT_STAGE
from creditline.batch.write_off import WRITE_OFF_STAGE  # losses (issue 16)
from creditline.calendar.services import current_business_date
from creditline.errors import BusinessRuleViolation, ValidationError
from creditline.notify.reminders import ReminderPolicy  # notify
from creditline.uow import UnitOfWork

DEFAULT_PARTITION = 20_000


def new_run_id() -> str:
    """A time-ordered run id (32 hex digits).  Not ``uuid4``: the demo seeds ``uuid4`` to
    name the records the services create, and a run drawing from it would shift every id
    after it (and the orderings that follow the ids)."""
    return f"{time.time_ns():016x}{os.urandom(8).hex()}"


def default_pipeline(reminders: ReminderPolicy | None = None) -> Pipeline:
    """The stages end of day runs today, in order: the servicing kernel, then the lapse of
    temporary limits, then collections ageing, then the freeze of lines whose periodic review
    is long overdue, then (issue 13) behaviour scoring and the limit strategy, then the
    new-customer limit ramp, then closures (issue 14: final statements and confirmations);
    then (notify) the due-date reminders under ``reminders``."""
    return Pipeline([SERVICING, TEMPORARY_LIMIT_STAGE,
                     COLLECTIONS_STAGE,  # collections: ageing, cases, promises
                     WRITE_OFF_STAGE,  # losses (issue 16): charge-off at the rules' DPD
                     REVIEW_STAGE,  # issue 13, triggers lane: long-overdue reviews freeze
                     BEHAVIOUR_STAGE,  # issue 13: the B-card's features and score
                     collection_strategy_stage(),  # ccard: each open case's next action (C-card, tables)
                     LIMIT_STRATEGY_STAGE,  # issue 13: the limit strategy's moves
                     LIMIT_RAMP_STAGE,  # fraudq: the new-customer limit ramp
                     CLOSURE_STAGE,  # closure (issue 14)
                     PROVISIONS_STAGE,  # issue 17: month-end ECL and the provision entry
                     reminder_stage(reminders),  # notify: due-date reminders
                     ])


@dataclass(frozen=True)
class LineCatchUp:
    """The ``creditline.uow.CatchUp`` port (``uow.catch_up``), wired to a pipeline: what the composition
    root hands to every unit of work (``uow.catch_up``)."""

    pipeline: Pipeline

    def __call__(self, uow: UnitOfWork, line_id: str, last_eod: date,
                 through: date) -> CatchUpReport:
        return catch_up(uow, line_id, last_eod, through, self.pipeline)


def pipeline_of(uow: UnitOfWork) -> Pipeline:
    """The pipeline wired into this unit of work, so a batch run and the per-line catch-up
    of the same container run the same stages; the default one otherwise."""
    port = getattr(uow, "catch_up", None)
    return port.pipeline if isinstance(port, LineCatchUp) else default_pipeline()


@dataclass(frozen=True)
class RunEod:
    business_date: date
    partition_size: int = DEFAULT_PARTITION
    timings: dict[str, float] | None = None  # seconds per stage and commit, filled in if given
    stage: str | None = None  # run this stage alone (see the module docstring)


@dataclass
class StageTiming:
    name: str
    seconds: float
    lines: int


@dataclass
class DayReport:
    business_date: date
    lines: int = 0  # lines closed for the day: visited by the kernel plus skipped
    skipped: int = 0  # nothing due before their next visit: only last_eod moved
    changed: int = 0
    statements: int = 0
    postings: int = 0
    partitions: int = 0
    stages: dict[str, StageStats] = field(default_factory=dict)  # pipeline order
    day_end: dict[str, dict[str, int]] = field(default_factory=dict)  # batch.day_end counts


@dataclass
class EodReport:
    through: date
    days: list[DayReport] = field(default_factory=list)
    seconds: float = 0.0
    run_id: str | None = None
    stage: str | None = None  # the stage that ran alone, if one did
    stage_names: list[str] = field(default_factory=list)

    @property
    def lines(self) -> int:
        return sum(d.lines for d in self.days)

    @property
    def stages(self) -> list[StageTiming]:
        """Seconds and lines per stage over the whole run, in pipeline order."""
        out = []
        for name in self.stage_names:
            per_day = [d.stages[name] for d in self.days if name in d.stages]
            out.append(StageTiming(name, sum(s.seconds for s in per_day),
                                   sum(s.lines for s in per_day)))
        return out


@dataclass
class CatchUpReport:
    days: int
    stages: dict[str, StageStats] = field(default_factory=dict)


Progress = Callable[[date, int], None]


class PartitionEngine(Protocol):
    """Closes many partitions of one day elsewhere (``batch.spark.SparkEngine``)."""

    def close_partitions(self, day: date, bounds: Sequence[tuple[str | None, str]],
                         partition_size: int) -> tuple[int, dict[str, StageStats]]:
        """Run every stage of the default pipeline over each partition ``(after, last]`` of
        the lines still to close ``day`` (at most ``partition_size`` each), one transaction
        a partition; the lines closed and the stages' stats."""


def run_eod(cmd: RunEod, uow: UnitOfWork, actor: Principal, progress: Progress | None = None,
            pipeline: Pipeline | None = None, engine: PartitionEngine | None = None
            ) -> EodReport:
    """Close every pending business day through ``cmd.business_date`` with every stage, or
    run ``cmd.stage`` alone for that day; with ``engine``, all but each day's last partition
    are closed by that engine."""
    started = time.perf_counter()
    target = cmd.business_date
    if not isinstance(target, date):
        raise ValidationError("business_date", "must be a date (YYYY-MM-DD)")
    today = current_business_date(uow)
    if target > today:
        raise ValidationError("business_date", f"must not be after the book's business date "
                              f"({today.isoformat()}; move it with the calendar)")
    if cmd.partition_size < 1:
        raise ValidationError("partition_size", "must be at least 1")
    pipe = pipeline if pipeline is not None else pipeline_of(uow)
    alone: str | None = None
    if cmd.stage is not None:
        if cmd.stage not in pipe.names:
            raise ValidationError("stage", f"must be one of {', '.join(pipe.names)}")
        alone = cmd.stage
    if engine is not None:
        if alone is not None:
            raise ValidationError("engine", "a stage alone runs in-process only")
        if pipe.names != default_pipeline().names:
            raise ValidationError("engine", "another engine runs the default pipeline "
                                            f"({', '.join(default_pipeline().names)}), not "
                                            f"this one ({', '.join(pipe.names)})")
    report = EodReport(target, stage=alone,
                       stage_names=[alone] if alone is not None else pipe.names)
    with uow:
        if alone is None:
            oldest = uow.eod_columns.oldest_pending(target)
            first = None if oldest is None else oldest + timedelta(days=1)
        else:
            first = _check_alone(uow, pipe, alone, target)
        if first is None:
            report.seconds = time.perf_counter() - started
            return report
        run_id = report.run_id = new_run_id()
        uow.eod_runs.start(run_id, through=target, stage=alone, stages=report.stage_names,
                           actor=actor.name, started_at=uow.now())
        uow.commit()
    kernel_alone = alone == pipe.names[0]
    runner = Pipeline([pipe.get(alone)]) if kernel_alone and alone is not None else pipe
    later = alone if alone is not None and not kernel_alone else None
    def complete(dr: DayReport) -> None:
        """In the transaction that completes the day: its stage timings and, with the last
        day, the run's end."""
        uow.eod_runs.add_day(run_id, dr.business_date, dr.lines, [
            (pipe.index(name), name, st.lines, st.seconds) for name, st in dr.stages.items()])
        if dr.business_date == target:
            report.seconds = time.perf_counter() - started
            uow.eod_runs.finish(run_id, finished_at=uow.now(), seconds=report.seconds)

    day = first
    while day <= target:
        report.days.append(_close_day(uow, actor, runner, day, cmd, later, progress, complete,
                                      engine))
        day += timedelta(days=1)
    return report


def _check_alone(uow: UnitOfWork, pipe: Pipeline, name: str, day: date) -> date:
    """The day a stage alone runs on, or a refusal naming the rule it would break."""
    stage = pipe.get(name)
    earliest, latest = uow.eod_runs.closed_range()
    if pipe.index(name) == 0:
        blocking = [s.name for s in pipe.stages[1:] if not s.rerunnable]
        if blocking:
            raise BusinessRuleViolation(
                f"stage {name!r} cannot run alone while {', '.join(blocking)} cannot be run "
                "alone afterwards: they would miss the day; run end of day without --stage")
        if earliest != day - timedelta(days=1) or latest != earliest:
            raise BusinessRuleViolation(
                f"stage {name!r} alone closes exactly one day: every open line must be "
                f"closed through {(day - timedelta(days=1)).isoformat()} (they are closed "
                f"from {_iso(earliest)} to {_iso(latest)})")
        return day
    if not stage.rerunnable:
        raise BusinessRuleViolation(
            f"stage {name!r} cannot run alone: it does not declare that running it again for "
            "a day changes nothing (rerunnable)")
    if earliest != day or latest != day:
        raise BusinessRuleViolation(
            f"stage {name!r} alone runs on the latest closed day only: every open line must "
            f"be closed through {day.isoformat()} (they are closed from {_iso(earliest)} to "
            f"{_iso(latest)})")
    return day


def _iso(d: date | None) -> str:
    return "-" if d is None else d.isoformat()


def _close_day(uow: UnitOfWork, actor: Principal, pipe: Pipeline, day: date, cmd: RunEod,
               alone: str | None, progress: Progress | None,
               complete: Callable[[DayReport], None],
               engine: PartitionEngine | None = None) -> DayReport:
    """One business day, partition by partition; the day's audit entry (and ``complete``)
    goes in the transaction that completes it."""
    dr = DayReport(day)
    stats: dict[str, StageStats] = {}
    timings = cmd.timings
    # the frame of a stage alone is the lines closed through ``day``; otherwise the day before
    frame_day = day + timedelta(days=1) if alone is not None else day
    if alone is None and not pipe.every_line:
        with uow:  # lines with nothing due before their next visit: one statement
            dr.skipped = uow.eod_columns.skip(day)
            dr.lines += dr.skipped
            more = _more(uow, frame_day, None)
            if not more:  # every line was skipped: this transaction completes the day
                _day_end(uow, actor, dr)
                _audit_day(uow, actor, dr, alone)
                complete(dr)
            uow.commit()
        if not more:
            return dr
    after: str | None = None
    if engine is not None:
        after = _fan_out(uow, engine, day, cmd.partition_size, stats, dr, progress)
    while True:
        with uow:
            part = pipe.run_partition(uow, day, after=after, limit=cmd.partition_size,
                                      stats=stats, alone=alone)
            dr.lines += part.lines
            dr.partitions += 1 if part.lines else 0
            last = part.lines < cmd.partition_size or not _more(uow, frame_day,
                                                                part.last_line_id)
            if last:
                _fill(dr, stats, pipe)
                if alone is None:
                    _day_end(uow, actor, dr)
                _audit_day(uow, actor, dr, alone)
                complete(dr)
            committing = time.perf_counter()
            uow.commit()
            if timings is not None:
                timings["commit"] = timings.get("commit", 0.0) + time.perf_counter() - committing
        if part.lines and progress is not None:
            progress(day, part.lines)
        if last:
            break
        after = part.last_line_id
    if timings is not None:
        for name, st in stats.items():
            timings[name] = timings.get(name, 0.0) + st.seconds
    return dr


def _fan_out(uow: UnitOfWork, engine: PartitionEngine, day: date, size: int,
             stats: dict[str, StageStats], dr: DayReport, progress: Progress | None
             ) -> str | None:
    """Hand every partition of ``day`` but the last to ``engine``; the id the last one
    starts after (the caller closes it and completes the day)."""
    with uow:
        ids = uow.eod_columns.pending_ids(day)
    starts = list(range(0, len(ids), size))
    if len(starts) < 2:
        return None
    bounds = [(ids[i - 1] if i else None, ids[min(i + size, len(ids)) - 1]) for i in starts[:-1]]
    lines, done = engine.close_partitions(day, bounds, size)
    for name, st in done.items():
        stats.setdefault(name, StageStats()).add(st)
    dr.lines += lines
    dr.partitions += len(bounds)
    if progress is not None:
        progress(day, lines)
    return bounds[-1][1]


def _more(uow: UnitOfWork, frame_day: date, after: str | None) -> bool:
    """Whether a line is still waiting for this day beyond ``after`` (a one-row read)."""
    return bool(uow.eod_columns.lines(frame_day, after=after, limit=1, lock=False)["line_id"])


def _fill(dr: DayReport, stats: dict[str, StageStats], pipe: Pipeline) -> None:
    dr.stages = {n: stats[n] for n in pipe.names if n in stats}
    kernel = stats.get(KERNEL)
    if kernel is not None:
        dr.changed = kernel.counts.get("changed", 0)
        dr.statements = kernel.counts.get("statements", 0)
        dr.postings = kernel.counts.get("postings", 0)


def _day_end(uow: UnitOfWork, actor: Principal, dr: DayReport) -> None:
    """The book-wide steps of a closed day (``batch.day_end``), in its last transaction."""
    for name, step in DAY_END:
        dr.day_end[name] = step(uow, dr.business_date, actor)


def _audit_day(uow: UnitOfWork, actor: Principal, dr: DayReport, alone: str | None) -> None:
    details: dict[str, object] = {
        "lines": dr.lines, "skipped": dr.skipped, "changed": dr.changed,
        "statements": dr.statements, "postings": dr.postings}
    if dr.day_end:
        details["day_end"] = dr.day_end
    if alone is None:
        uow.audit(actor, "eod.closed", "business_date", dr.business_date.isoformat(), details)
    else:
        uow.audit(actor, "eod.stage_ran", "business_date", dr.business_date.isoformat(),
                  {"stage": alone, "lines": dr.lines})


def catch_up(uow: UnitOfWork, line_id: str, last_eod: date, through: date,
             pipeline: Pipeline | None = None) -> CatchUpReport:
    """Close days ``last_eod + 1 .. through`` for one line, in the caller's transaction,
    through every stage of the pipeline.  Returns the number of days closed and the
    stages' timings."""
    pipe = pipeline if pipeline is not None else default_pipeline()
    report = CatchUpReport(0)
    day = last_eod + timedelta(days=1)
    only = [line_id]
    while day <= through:
        pipe.run_partition(uow, day, line_ids=only, stats=report.stages)
        day += timedelta(days=1)
        report.days += 1
    return report
