"""End of day as an ordered pipeline of stages (DESIGN: "end of day is a pipeline of stages").

Closing business day ``d`` for a partition of lines runs every stage of the pipeline, in
order, inside one transaction:

1. the pipeline reads the partition's *frame*: the lines whose last closed day is ``d - 1``
   (``uow.eod_columns.lines``), in id order, locked -- an id range of the book, or the
   one line of the online catch-up;
2. each stage then ``read``s what else it needs from the store (optional, in bulk),
   ``compute``s -- a pure function of the partition's columns and the business date -- and
   ``write``s its outputs in bulk through the unit of work.

What a stage computes is kept on the ``Partition``: ``part.columns`` holds the per-line
columns stages publish (aligned with ``part.line_ids``), ``part.outputs[name]`` each
stage's whole output.  The servicing kernel (stage one, ``batch.eod.SERVICING``) publishes
the lines' new state under the kernel's column names (``status`` code, ``dpd``,
``past_due``, the balances, ``last_eod``...: int64 cents and day numbers), so a later stage
(behaviour score, limit strategy, triggers, collections, bureau, provisions) reads the
state the day left without reading the database again.

Adding a stage is registering one: ``pipeline.register(Stage("b_score", compute=...,
write=...), after="servicing")``.  The package points one way: ``batch`` imports the
domain, no domain package imports ``batch`` (an import-linter contract); services reach the
per-line catch-up through the ``creditline.uow.CatchUp`` port (``uow.catch_up``).

Two flags a stage declares:

- ``every_line``: end of day skips a quiet line (nothing due before its ``next_eod``) with
  one UPDATE and never loads it, so by default a stage sees only the lines visited that
  day.  A stage that must see every open line every day (a provision over the whole book)
  sets ``every_line=True``; a pipeline holding one then does not skip: every open line is
  visited by every stage (the kernel included -- visiting a quiet line early changes
  nothing, ``kernel.next_visit`` being a lower bound).  Skipping's speed is what it costs.
- ``rerunnable``: the stage's writes for a (line, day) replace what it wrote before for
  them, so running it again for a day changes nothing.  Only such a stage may run alone
  (``creditline eod --stage``; see ``batch.run``).

``columns_from_store`` lets a stage that runs alone find its predecessors' columns: a
stage that publishes columns also says how to rebuild them from the state the store holds
after the day (the servicing stage: the kernel's encoding of the stored line).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from creditline.uow import UnitOfWork

Columns = dict[str, np.ndarray]


@dataclass
class Partition:
    """One partition of lines on one business day, as every stage sees it."""

    day: date
    frame: dict[str, Any]  # the lines as the store hands them (``eod_lines`` columns)
    line_ids: list[str]  # id order; every published column is aligned with it
    only: list[str] | None = None  # the online path's line ids (None: an id range)
    columns: dict[str, np.ndarray] = field(default_factory=dict)
    outputs: dict[str, StageOutput] = field(default_factory=dict)


@dataclass
class StageOutput:
    """What ``compute`` returns: per-line columns for later stages, whatever the write step
    needs, and counters for the run's report (e.g. statements cut)."""

    columns: Columns = field(default_factory=dict)
    data: Any = None
    counts: dict[str, int] = field(default_factory=dict)


Read = Callable[[UnitOfWork, Partition], Any]
Compute = Callable[[Partition, Any], StageOutput]
Write = Callable[[UnitOfWork, Partition, StageOutput], dict[str, int]]
Restore = Callable[[Partition], Columns]


@dataclass(frozen=True)
class Stage:
    """One step of end of day.  ``compute(part, inputs)`` must be pure: it gets the
    partition (its columns and ``part.day``) and what ``read`` returned, and returns a
    ``StageOutput``; all I/O is in ``read`` and ``write``, through the unit of work."""

    name: str
    compute: Compute
    read: Read | None = None
    write: Write | None = None
    columns_from_store: Restore | None = None
    every_line: bool = False
    rerunnable: bool = False
    description: str = ""


@dataclass
class StageStats:
    """One stage's time and work, summed over partitions (of a day, a run or a catch-up).
    ``seconds`` counts read + compute + write; the first stage run also carries the read
    (and lock) of the partition's frame."""

    seconds: float = 0.0
    lines: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, other: StageStats) -> None:
        self.seconds += other.seconds
        self.lines += other.lines
        for k, v in other.counts.items():
            self.counts[k] = self.counts.get(k, 0) + v


@dataclass(frozen=True)
class PartitionReport:
    lines: int
    last_line_id: str | None


class Pipeline:
    """An ordered registry of stages.  The order is the order of registration unless
    ``after=`` / ``before=`` places a stage next to a named one."""

    def __init__(self, stages: Iterable[Stage] = ()) -> None:
        self._stages: list[Stage] = []
        for s in stages:
            self.register(s)

    def register(self, stage: Stage, *, after: str | None = None,
                 before: str | None = None) -> Pipeline:
        if any(s.name == stage.name for s in self._stages):
            raise ValueError(f"an end-of-day stage named {stage.name!r} is already registered")
        if after is not None and before is not None:
            raise ValueError("give after= or before=, not both")
        if after is not None:
            at = self.index(after) + 1
        elif before is not None:
            at = self.index(before)
        else:
            at = len(self._stages)
        self._stages.insert(at, stage)
        return self

    @property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(self._stages)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self._stages]

    def index(self, name: str) -> int:
        for i, s in enumerate(self._stages):
            if s.name == name:
                return i
        raise KeyError(name)

    def get(self, name: str) -> Stage:
        return self._stages[self.index(name)]

    @property
    def every_line(self) -> bool:
        """Whether a stage needs every open line each day (then nothing is skipped)."""
        return any(s.every_line for s in self._stages)

    def run_partition(self, uow: UnitOfWork, day: date, *, after: str | None = None,
                      limit: int | None = None, line_ids: list[str] | None = None,
                      stats: dict[str, StageStats] | None = None,
                      alone: str | None = None) -> PartitionReport:
        """Close ``day`` for one partition, inside the caller's transaction.

        ``alone``: run only the stage of that name, over lines *already closed* for ``day``
        (their last closed day is ``day``), its predecessors' columns rebuilt from the store
        (``columns_from_store``); ``batch.run`` says when that is allowed."""
        started = time.perf_counter()
        frame_day = day if alone is None else day + timedelta(days=1)
        frame = uow.eod_columns.lines(frame_day, after=after, limit=limit, line_ids=line_ids)
        ids = frame["line_id"]
        if not ids:
            return PartitionReport(0, None)
        part = Partition(day, frame, list(ids), line_ids)
        run = self._stages
        if alone is not None:
            at = self.index(alone)
            for s in self._stages[:at]:
                if s.columns_from_store is not None:
                    part.columns.update(s.columns_from_store(part))
            run = [self._stages[at]]
        t = started
        for stage in run:
            inputs = stage.read(uow, part) if stage.read is not None else None
            out = stage.compute(part, inputs)
            part.columns.update(out.columns)
            part.outputs[stage.name] = out
            counts = dict(out.counts)
            if stage.write is not None:
                for k, v in stage.write(uow, part, out).items():
                    counts[k] = counts.get(k, 0) + v
            now = time.perf_counter()
            if stats is not None:
                st = stats.get(stage.name)
                if st is None:
                    st = stats[stage.name] = StageStats()
                st.add(StageStats(now - t, len(ids), counts))
            t = now
        return PartitionReport(len(ids), ids[-1])
