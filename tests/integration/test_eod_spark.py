"""End of day on Apache Spark (``local[2]``): the same book closed in-process and by Spark
executors comes out identical, line by line, installment by installment, statement by
statement and posting by posting; the run record and the audit entry still come with the
day's last partition; SQLite is refused with the rule named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.batch.spark import SparkEngine
from creditline.bootstrap import Container, executor_container
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from tests.api.test_cli_foundation import run_cli
from tests.integration import eod_books
from tests.integration.servicing_support import assert_same_book, book_dump, ledger_sound

pytestmark = pytest.mark.postgres


@pytest.fixture
def twin_books(pg_database: str, tmp_path: Path, clock: FixedClock
               ) -> Iterator[tuple[Container, Container]]:
    with eod_books.twin_books(pg_database, tmp_path, clock, "cl_spark_") as books:
        yield books


def test_a_busy_month_closed_by_spark_executors_is_the_book_closed_in_process(
        twin_books: tuple[Container, Container], clock: FixedClock) -> None:
    local, spark_book = twin_books
    through = date(2026, 4, 8)  # the 5th's statements, penalties accruing every day
    clock.set_date(through)
    here = run_eod(RunEod(through, partition_size=10), local.uow(), SYSTEM)
    engine = SparkEngine(spark_book.settings.model_dump(mode="json"), executor_container,
                         master="local[2]")
    try:
        there = run_eod(RunEod(through, partition_size=10), spark_book.uow(), SYSTEM,
                        engine=engine)
    finally:
        engine.stop()
    assert [d.business_date for d in there.days] == [d.business_date for d in here.days]
    assert [(d.lines, d.skipped, d.statements, d.postings) for d in there.days] == \
        [(d.lines, d.skipped, d.statements, d.postings) for d in here.days]
    busy = [d for d in there.days if d.lines - d.skipped > 10]
    assert busy, "some day must have had more than one partition to hand out"
    assert all(d.partitions > 1 for d in busy)
    a, b = book_dump(local), book_dump(spark_book)
    assert sum(r[13] > 0 for r in a["lines"]) > 10, "lines past due by then"
    assert any(r[16] == date(2026, 4, 5) for r in a["lines"]), "statements cut on the 5th"
    assert_same_book(a, b)
    ledger_sound(spark_book)
    with spark_book.engine.connect() as c:  # one audit entry and one run-record day per day
        audited = c.execute(text("SELECT entity_id FROM audit_log WHERE action = 'eod.closed' "
                                 "AND entity_id >= '2026-04-01' ORDER BY entity_id"))
        assert audited.scalars().all() == [d.business_date.isoformat() for d in there.days]
        run = c.execute(text("SELECT days, finished_at FROM eod_runs WHERE id = :r"),
                        {"r": there.run_id}).one()
        assert run.days == len(there.days) and run.finished_at is not None


def test_spark_needs_the_postgresql_store(sqlite_url: str) -> None:
    with pytest.raises(ValidationError) as err:
        SparkEngine({"database_url": sqlite_url}, executor_container)
    assert err.value.field == "engine" and "PostgreSQL" in err.value.rule


def test_the_cli_names_the_engine_it_refuses(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for engine, rule in (("spark", "--engine: spark needs the PostgreSQL store"),
                         ("hadoop", "--engine: must be local or spark")):
        code, _, err = run_cli(["eod", "--engine", engine, "--db", sqlite_url], monkeypatch,
                               capsys)
        assert code == 2, err
        assert rule in " ".join(err.split()), err
