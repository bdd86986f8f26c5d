"""End of day on two local worker processes (``creditline eod --workers 2``): the same
book closed in-process and by the workers comes out identical, line by line, installment by
installment, statement by statement and posting by posting; the day's audit entry and run
record still come with its last partition; bad worker counts are refused naming the rule."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.batch.workers import ProcessEngine
from creditline.bootstrap import Container, executor_container
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from tests.api.test_cli_foundation import run_cli
from tests.conftest import PG_URL
from tests.integration import eod_books
from tests.integration.servicing_support import assert_same_book, book_dump, ledger_sound

pytestmark = pytest.mark.postgres


@pytest.fixture
def twin_books(pg_database: str, tmp_path: Path, clock: FixedClock
               ) -> Iterator[tuple[Container, Container]]:
    with eod_books.twin_books(pg_database, tmp_path, clock, "cl_workers_") as books:
        yield books


def test_a_busy_week_closed_by_two_worker_processes_is_the_book_closed_in_process(
        twin_books: tuple[Container, Container], clock: FixedClock) -> None:
    local, other = twin_books
    through = date(2026, 4, 8)  # the 5th's statements, penalties accruing every day
    clock.set_date(through)
    here = run_eod(RunEod(through, partition_size=7), local.uow(), SYSTEM)
    engine = ProcessEngine(other.settings.model_dump(mode="json"), executor_container,
                           workers=2)
    try:
        there = run_eod(RunEod(through, partition_size=7), other.uow(), SYSTEM, engine=engine)
    finally:
        engine.stop()
    assert [(d.business_date, d.lines, d.skipped, d.statements, d.postings)
            for d in there.days] == [(d.business_date, d.lines, d.skipped, d.statements,
                                      d.postings) for d in here.days]
    busy = [d for d in there.days if d.lines - d.skipped > 7]
    assert busy and all(d.partitions > 2 for d in busy), "days with partitions to hand out"
    a, b = book_dump(local), book_dump(other)
    assert sum(r[13] > 0 for r in a["lines"]) > 10, "lines past due by then"
    assert_same_book(a, b)
    ledger_sound(other)
    with other.engine.connect() as c:  # one audit entry and one run-record day per day
        audited = c.execute(text("SELECT entity_id FROM audit_log WHERE action = 'eod.closed' "
                                 "AND entity_id >= '2026-04-01' ORDER BY entity_id"))
        assert audited.scalars().all() == [d.business_date.isoformat() for d in there.days]
        run = c.execute(text("SELECT days, finished_at FROM eod_runs WHERE id = :r"),
                        {"r": there.run_id}).one()
        assert run.days == len(there.days) and run.finished_at is not None


def test_workers_need_the_postgresql_store_and_a_count_from_1_to_64(sqlite_url: str) -> None:
    with pytest.raises(ValidationError) as err:
        ProcessEngine({"database_url": sqlite_url}, executor_container, workers=2)
    assert err.value.field == "workers" and "PostgreSQL" in err.value.rule
    for bad in (0, -1, 65):
        with pytest.raises(ValidationError) as err:
            ProcessEngine({"database_url": PG_URL}, executor_container, workers=bad)
        assert err.value.field == "workers" and "from 1 to 64" in err.value.rule


def test_the_cli_names_the_worker_count_it_refuses(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for args, rule in ((["--workers", "0"], "--workers: must be a whole number from 1 to 64"),
                       (["--workers", "2"], "--workers: more than one worker needs the "
                                            "PostgreSQL store"),
                       (["--workers", "2", "--engine", "spark"],
                        "--workers: more than one worker runs with --engine local only")):
        code, _, err = run_cli(["eod", *args, "--db", sqlite_url], monkeypatch, capsys)
        assert code == 2, err
        assert rule in " ".join(err.split()), err
