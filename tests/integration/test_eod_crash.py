"""Crash safety of end of day, with real kills: a process running end of day is killed
(SIGKILL, nothing flushed, its transaction left open on the server) at SQL statements picked
by a seeded draw, restarted on the same database each time, and finally let finish.  The
book comes out the same as the same book closed in one clean run -- every table, by
``creditline.store.fingerprint`` -- the ledger reconciles, the audit chain verifies, and
each day has one ``eod.closed`` entry and one set of stage rows.

The worked example: forty lines (consumer plans billed on the 5th or the 20th, SME draws
accruing daily, idle lines), a third of the buyers repaying once, March closed; then 1-12
April with partitions of 10 lines: the 5th's statements, lines going past due, ageing into
collections, penalties, reminders.  ``bench/eod_crash_bench.py`` does the same at 100k lines
with ``creditline eod`` in a subprocess."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.store.fingerprint import Fingerprint, differing, fingerprint
from creditline.store.scratch import create_database, drop_database
from tests.conftest import PG_URL, make_container
from tests.integration import eod_books
from tests.integration.servicing_support import ledger_sound

pytestmark = pytest.mark.postgres

THROUGH = date(2026, 4, 12)
PARTITION = 10
KILLS = 12


def _counting(c: Container, kill_at: int | None) -> list[int]:
    """Count the SQL statements ``c`` sends; at statement ``kill_at``, SIGKILL this process
    right after the server ran it (mid-transaction, or right after a commit)."""
    sent = [0]

    @event.listens_for(c.engine, "after_cursor_execute")
    def _after(*_: Any) -> None:
        sent[0] += 1
        if sent[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    return sent


def _run(url: str, folder: Path, kill_at: int | None) -> int:
    """End of day through ``THROUGH`` on ``url``, killed at statement ``kill_at``; the
    statements it sent (when it was not killed)."""
    clock = FixedClock()
    clock.set_date(THROUGH)
    c = make_container(url, folder, clock)
    try:
        sent = _counting(c, kill_at)
        run_eod(RunEod(THROUGH, PARTITION), c.uow(), SYSTEM, pipeline=c.pipeline)
        return sent[0]
    finally:
        c.dispose()


def _child(url: str, folder: str, kill_at: int) -> None:
    _run(url, Path(folder), kill_at)


def _book_of(url: str, folder: Path) -> tuple[Fingerprint, Container]:
    clock = FixedClock()
    clock.set_date(THROUGH)
    c = make_container(url, folder, clock)
    with c.engine.connect() as conn:
        return fingerprint(conn), c


@pytest.fixture
def template(pg_database: str, tmp_path: Path, clock: FixedClock) -> Iterator[str]:
    c = make_container(pg_database, tmp_path, clock)
    eod_books.busy_book(c, clock)
    c.dispose()
    yield pg_database


def test_end_of_day_killed_twelve_times_comes_out_the_same_as_a_clean_run(
        template: str, tmp_path: Path) -> None:
    clean_url = create_database(PG_URL, "cl_clean_", template=template)
    crash_url = create_database(PG_URL, "cl_crash_", template=template)
    try:
        statements = _run(clean_url, tmp_path / "clean", None)
        clean, c = _book_of(clean_url, tmp_path / "clean")
        c.dispose()
        assert clean["statements"][0] > 20 and clean["collection_cases"][0] > 0, \
            "the month billed statements and opened collection cases"

        rng = random.Random(64)
        # forked from a server that loaded this module and nothing else: a fork of the test
        # process itself can inherit a lock another of its threads holds, and hang
        fork = multiprocessing.get_context("forkserver")
        fork.set_forkserver_preload([__name__])
        killed = 0
        for _ in range(KILLS):  # each restart redoes less: draw from a sixth of a whole run
            child = fork.Process(target=_child, args=(
                crash_url, str(tmp_path / "crash"), rng.randint(1, statements // 6)))
            child.start()
            child.join(timeout=300)
            assert child.exitcode in (-signal.SIGKILL, 0), child.exitcode
            killed += child.exitcode == -signal.SIGKILL
        assert killed >= KILLS - 2, "most kills land on a running end of day"
        _run(crash_url, tmp_path / "crash", None)  # then let it finish

        crashed, c = _book_of(crash_url, tmp_path / "crash")
        try:
            assert differing(clean, crashed) == []
            ledger_sound(c)
            with c.uow() as uow:
                assert uow.audit_log.verify().ok
            with c.engine.connect() as conn:
                closed = conn.execute(text(
                    "SELECT entity_id FROM audit_log WHERE action = 'eod.closed' AND "
                    "entity_id > '2026-03-31' ORDER BY entity_id")).scalars().all()
                assert closed == [f"2026-04-{d:02d}" for d in range(1, 13)]
                runs = conn.execute(text(
                    "SELECT count(*), count(finished_at) FROM eod_runs "
                    "WHERE through = :d"), {"d": THROUGH}).one()
                assert runs[0] > 1 and runs[1] >= 1
                per_day = conn.execute(text(
                    "SELECT max(k) FROM (SELECT count(*) AS k FROM eod_stage_runs "
                    "GROUP BY business_date, stage) t")).scalar_one()
                assert per_day == 1
        finally:
            c.dispose()
    finally:
        drop_database(clean_url, PG_URL)
        drop_database(crash_url, PG_URL)
