"""End of day as a pipeline of stages: a stage registered after the servicing kernel runs
after it, on the columns it left, over the book and on a line caught up online, with its
time recorded; a stage that needs every line turns skipping off and the book comes out the
same; one stage runs alone only where it can neither run a line-day twice nor miss one;
and a run that dies after two of four days leaves an audit entry for each day it closed."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from creditline.auth import SYSTEM
from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.batch.run import RunEod, catch_up, default_pipeline, run_eod
from creditline.bootstrap import Container
from creditline.cli import _register, app
from creditline.clock import FixedClock
from creditline.errors import BusinessRuleViolation, ValidationError
from creditline.servicing import kernel as k
from creditline.servicing import services as sv
from creditline.servicing.calendar import day_number
from tests.conftest import SECRET, make_container
from tests.integration.servicing_support import (
    assert_same_book,
    book_dump,
    ledger_sound,
    open_line,
)

_register()  # the command groups (the console script does this in main)

# the default stages after the temporary limits (issue 13: behaviour, limit strategy)
LATER = default_pipeline().names[2:]


@dataclass
class Watcher:
    """A trivial stage: remembers, per call, the day, the lines and what the kernel left."""

    seen: list[tuple[date, list[str]]] = field(default_factory=list)
    after_kernel: list[bool] = field(default_factory=list)
    written: dict[tuple[str, date], int] = field(default_factory=dict)  # (line, day) -> dpd
    columns: dict[tuple[str, date], dict[str, int]] = field(default_factory=dict)

    def compute(self, part: Partition, _: Any) -> StageOutput:
        self.seen.append((part.day, list(part.line_ids)))
        d = day_number(part.day)
        self.after_kernel.append(bool((part.columns["last_eod"] == d).all()))
        for i, lid in enumerate(part.line_ids):
            self.columns[(lid, part.day)] = {c: int(part.columns[c][i]) for c in k.LINE_STATE}
        return StageOutput(columns={"watched": np.ones(len(part.line_ids), dtype=np.int64)},
                           data=part.columns["dpd"].tolist(), counts={"watched": len(part.line_ids)})

    def write(self, uow: Any, part: Partition, out: StageOutput) -> dict[str, int]:
        for lid, dpd in zip(part.line_ids, out.data):  # keyed by line and day: replaces
            self.written[(lid, part.day)] = dpd
        return {}

    def stage(self, name: str = "watch", **kw: Any) -> Stage:
        return Stage(name, compute=self.compute, write=self.write,
                     description="remembers what it saw", **kw)


def _book(container: Container, clock: FixedClock) -> list[str]:
    """An SME draw (accrues daily: visited every day), a consumer plan, an idle line."""
    clock.set_date(date(2026, 3, 2))
    sme = open_line(container, "200000.00", product="sme_line")
    plan = open_line(container, "5000.00")
    idle = open_line(container, "2000.00", statement_day=28)
    sv.purchase(sv.Purchase(sme.id, "30000.00", "Steel Co", "supplies", 6), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(plan.id, "1200.00", "JD", "phones", 12), container.uow(), SYSTEM)
    return [sme.id, plan.id, idle.id]


def _stage_rows(container: Container, run_id: str) -> list[dict[str, Any]]:
    with container.uow() as uow:
        return uow.eod_runs.stage_runs(run_id)  # type: ignore[no-any-return]


def test_a_stage_registered_after_the_kernel_runs_after_it_in_batch_and_on_the_per_line_path(
        container: Container, clock: FixedClock) -> None:
    sme, plan, idle = _book(container, clock)
    w = Watcher()
    container.pipeline.register(w.stage(), after="servicing")
    assert container.pipeline.names == ["servicing", "watch", "temporary_limits", *LATER]

    # the batch: 3 to 5 March, every stage in order on each day's partitions
    clock.set_date(date(2026, 3, 5))
    report = run_eod(RunEod(date(2026, 3, 5)), container.uow(), SYSTEM)
    days = [date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)]
    assert [d for d, _ in w.seen] == days
    assert all(w.after_kernel)  # it saw the lines' new state, the day already closed
    assert sme in w.seen[-1][1] and idle not in w.seen[-1][1]  # quiet lines are skipped
    assert [s.name for s in report.stages] == ["servicing", "watch", "temporary_limits", *LATER]
    rows = _stage_rows(container, report.run_id or "")
    assert [(r["business_date"], r["position"], r["stage"]) for r in rows] == [
        (d, pos, name) for d in days
        for pos, name in enumerate(["servicing", "watch", "temporary_limits", *LATER])]
    assert all(r["seconds"] >= 0 and r["lines"] >= 1 for r in rows)
    assert [r["lines"] for r in rows if r["stage"] == "watch"] == [len(ids) for _, ids in w.seen]

    # the online path: a purchase on a line three days behind closes its days first,
    # through the same pipeline, for that line alone
    w.seen.clear()
    clock.set_date(date(2026, 3, 9))
    sv.purchase(sv.Purchase(plan, "100.00", "JD", "books"), container.uow(), SYSTEM)
    assert w.seen == [(date(2026, 3, 6), [plan]), (date(2026, 3, 7), [plan]),
                      (date(2026, 3, 8), [plan])]
    assert all(w.after_kernel)

    # the per-line catch-up reports the stages' timings
    with container.uow() as uow:
        line = uow.lines.get(sme, lock=True)
        got = catch_up(uow, sme, line.last_eod, date(2026, 3, 8), container.pipeline)
        uow.commit()
    assert got.days == 3 and list(got.stages) == ["servicing", "watch", "temporary_limits", *LATER]
    assert got.stages["watch"].lines == 3 and got.stages["watch"].seconds >= 0
    assert got.stages["watch"].counts == {"watched": 3}
    ledger_sound(container)


def test_a_stage_that_needs_every_line_turns_skipping_off_and_the_book_is_the_same(
        sqlite_url: str, tmp_path: Path, clock: FixedClock) -> None:
    book = make_container(sqlite_url, tmp_path, clock)
    ids = _book(book, clock)
    book.dispose()
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), tmp_path / "every.db")
    skipping = make_container(sqlite_url, tmp_path, clock)
    every = make_container(f"sqlite:///{tmp_path / 'every.db'}", tmp_path, clock)
    w = Watcher()
    every.pipeline.register(w.stage(every_line=True))

    through = date(2026, 5, 20)
    clock.set_date(through)
    skipped = run_eod(RunEod(through), skipping.uow(), SYSTEM)
    visited = run_eod(RunEod(through), every.uow(), SYSTEM)
    assert sum(d.skipped for d in skipped.days) > 50
    assert sum(d.skipped for d in visited.days) == 0
    assert all(sorted(seen) == sorted(ids) for _, seen in w.seen)  # every line, every day
    assert len(w.seen) == (through - date(2026, 3, 1)).days
    assert_same_book(book_dump(skipping), book_dump(every))
    skipping.dispose()
    every.dispose()


def test_one_stage_runs_alone_only_where_it_cannot_run_a_day_twice_or_miss_one(
        container: Container, clock: FixedClock) -> None:
    ids = _book(container, clock)
    w = Watcher()
    container.pipeline.register(w.stage(rerunnable=True))
    day = date(2026, 4, 12)
    clock.set_date(day)
    run_eod(RunEod(day), container.uow(), SYSTEM)
    in_pipeline = {key: dpd for key, dpd in w.written.items() if key[1] == day}
    state_in_pipeline = {key: cols for key, cols in w.columns.items() if key[1] == day}
    assert in_pipeline and len(in_pipeline) < len(ids)  # the idle line was skipped that day

    # alone on the latest closed day: every open line, its state read back from the store
    # equal to what the kernel handed over in memory; what it writes is the same again
    w.seen.clear()
    alone = run_eod(RunEod(day, stage="watch"), container.uow(), SYSTEM)
    assert alone.stage == "watch" and [s.name for s in alone.stages] == ["watch"]
    assert w.seen == [(day, sorted(ids))]
    assert {key: w.columns[key] for key in state_in_pipeline} == state_in_pipeline
    assert {key: w.written[key] for key in in_pipeline} == in_pipeline
    with container.uow() as uow:
        run = uow.eod_runs.get(alone.run_id)
        actions = [e.action for e in uow.audit_log.page(entity="business_date", limit=1000)]
    assert run is not None and run["stage"] == "watch" and run["finished_at"] is not None
    assert actions[-1] == "eod.stage_ran"

    with pytest.raises(BusinessRuleViolation, match="latest closed day"):
        run_eod(RunEod(day - timedelta(days=1), stage="watch"), container.uow(), SYSTEM)
    with pytest.raises(ValidationError, match="stage"):
        run_eod(RunEod(day, stage="nope"), container.uow(), SYSTEM)
    # stage one alone closes exactly the next day, since every later stage can follow alone
    clock.set_date(day + timedelta(days=2))
    with pytest.raises(BusinessRuleViolation, match="exactly one day"):
        run_eod(RunEod(day + timedelta(days=2), stage="servicing"), container.uow(), SYSTEM)
    w.seen.clear()
    kernel = run_eod(RunEod(day + timedelta(days=1), stage="servicing"), container.uow(), SYSTEM)
    assert [d.business_date for d in kernel.days] == [day + timedelta(days=1)] and w.seen == []
    run_eod(RunEod(day + timedelta(days=1), stage="watch"), container.uow(), SYSTEM)
    assert w.seen == [(day + timedelta(days=1), sorted(ids))]

    # a stage that does not say it can run again may not run alone, nor may stage one
    # while such a stage follows it (that stage would miss the day for good)
    once = Watcher()
    container.pipeline.register(once.stage("once"))
    with pytest.raises(BusinessRuleViolation, match="rerunnable"):
        run_eod(RunEod(day + timedelta(days=1), stage="once"), container.uow(), SYSTEM)
    with pytest.raises(BusinessRuleViolation, match="once"):
        run_eod(RunEod(day + timedelta(days=2), stage="servicing"), container.uow(), SYSTEM)
    ledger_sound(container)


class Killed(Exception):
    pass


def test_a_run_killed_after_two_of_four_days_leaves_an_audit_entry_for_each_day_it_closed(
        container: Container, clock: FixedClock) -> None:
    ids = _book(container, clock)
    clock.set_date(date(2026, 3, 5))
    run_eod(RunEod(date(2026, 3, 5)), container.uow(), SYSTEM)
    armed = {"day": date(2026, 3, 8), "partitions": 0}

    def die(part: Partition, _: Any) -> StageOutput:
        if part.day == armed["day"]:
            armed["partitions"] += 1
            if armed["partitions"] == 2:  # the day's first partition has committed
                raise Killed
        return StageOutput()

    container.pipeline.register(Stage("die", compute=die, every_line=True))
    clock.set_date(date(2026, 3, 9))
    with pytest.raises(Killed):
        run_eod(RunEod(date(2026, 3, 9), partition_size=1), container.uow(), SYSTEM)

    def closed_days() -> dict[str, dict[str, Any]]:
        with container.uow() as uow:
            return {e.entity_id: e.details for e in uow.audit_log.page(limit=1000)
                    if e.action == "eod.closed"}

    def last_eod() -> list[str]:
        with container.engine.connect() as c:
            return [str(r[0]) for r in c.execute(text(
                "SELECT last_eod FROM credit_lines ORDER BY id"))]

    days = closed_days()
    assert {"2026-03-06", "2026-03-07"} <= set(days) and "2026-03-08" not in days
    assert days["2026-03-06"]["lines"] == days["2026-03-07"]["lines"] == 3
    assert sorted(last_eod()) == ["2026-03-07", "2026-03-07", "2026-03-08"]  # one partition in
    with container.engine.connect() as c:
        killed = c.execute(text("SELECT id, days, finished_at FROM eod_runs "
                                "ORDER BY started_at DESC, days DESC")).first()
    assert killed is not None and killed.days == 2 and killed.finished_at is None

    armed["day"] = date(2000, 1, 1)  # the next run resumes where the killed one stopped
    resumed = run_eod(RunEod(date(2026, 3, 9), partition_size=1), container.uow(), SYSTEM)
    assert [d.business_date for d in resumed.days] == [date(2026, 3, 8), date(2026, 3, 9)]
    days = closed_days()
    assert days["2026-03-08"]["lines"] == 2 and days["2026-03-09"]["lines"] == 3
    assert set(last_eod()) == {"2026-03-09"} and len(ids) == 3
    ledger_sound(container)


def test_the_cli_lists_the_stages_and_names_an_unknown_one(sqlite_url: str, tmp_path: Path) -> None:
    env = {"CREDITLINE_SECRET_KEY": SECRET, "CREDITLINE_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    listed = CliRunner().invoke(app, ["eod", "--stages", "--db", sqlite_url], env=env)
    assert listed.exit_code == 0 and "servicing" in listed.output
    bad = CliRunner().invoke(app, ["eod", "--date", "2020-01-01", "--stage", "nope",
                                   "--db", sqlite_url], env=env)
    assert isinstance(bad.exception, ValidationError) and bad.exception.field == "--stage"
