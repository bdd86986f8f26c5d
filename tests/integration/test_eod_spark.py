"""End of day on Apache Spark (``local[2]``): the same book closed in-process and by Spark
executors comes out identical, line by line, installment by installment, statement by
statement and posting by posting; the run record and the audit entry still come with the
day's last partition; SQLite is refused with the rule named."""

from __future__ import annotations

import os
import subprocess
import sys
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
from creditline.servicing import services as sv
from creditline.store.scratch import create_database, drop_database
from tests.conftest import AUDIT_KEY, PG_URL, SECRET, make_container
from tests.integration.servicing_support import assert_same_book, book_dump, ledger_sound, open_line

pytestmark = pytest.mark.postgres


def _busy_book(c: Container, clock: FixedClock) -> list[str]:
    """Forty lines: consumer plans of 1, 3, 6 and 12 installments billed on the 5th or the
    20th (busy days: more than one partition), SME draws that accrue daily (fewer than a
    partition: those days stay in-process), idle lines; the ids of those that bought."""
    clock.set_date(date(2026, 3, 2))
    ids = []
    for i in range(40):
        if i % 5 == 0:
            line = open_line(c, "200000.00", product="sme_line")
            sv.purchase(sv.Purchase(line.id, f"{20000 + 731 * i}.00", "Steel Co", "supplies",
                                    6), c.uow(), SYSTEM)
        else:
            line = open_line(c, "8000.00", statement_day=(5, 20)[i % 2])
            if not i % 7:
                continue  # an idle line: nothing to repay
            sv.purchase(sv.Purchase(line.id, f"{300 + 97 * i}.{i % 100:02d}", "JD",
                                    "phones", (1, 3, 6, 12)[i % 4]), c.uow(), SYSTEM)
        ids.append(line.id)
    return ids


@pytest.fixture
def twin_books(pg_database: str, tmp_path: Path, clock: FixedClock
               ) -> Iterator[tuple[Container, Container]]:
    """The same book twice: built once, then copied file for file by PostgreSQL."""
    a = make_container(pg_database, tmp_path, clock)
    ids = _busy_book(a, clock)
    clock.set_date(date(2026, 3, 20))
    for i, lid in enumerate(ids[::3]):  # a first repayment on a third of the buyers;
        # the rest pay nothing and go past due
        sv.repay(sv.Repay(lid, f"{50 + i}.00"), a.uow(), SYSTEM)
    clock.set_date(date(2026, 3, 31))  # March closed in-process before the copy: both books
    run_eod(RunEod(date(2026, 3, 31)), a.uow(), SYSTEM)  # start April with lines past due
    a.dispose()
    copy = create_database(PG_URL, "cl_spark_", template=pg_database)
    b = make_container(copy, tmp_path / "b", clock)
    a = make_container(pg_database, tmp_path, clock)
    try:
        yield a, b
    finally:
        a.dispose()
        b.dispose()
        drop_database(copy, PG_URL)


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


def test_the_cli_names_the_engine_it_refuses(sqlite_url: str, tmp_path: Path) -> None:
    env = {**os.environ, "CREDITLINE_DATA_DIR": str(tmp_path), "CREDITLINE_SECRET_KEY": SECRET,
           "CREDITLINE_AUDIT_KEY": AUDIT_KEY}
    for engine, rule in (("spark", "--engine: spark needs the PostgreSQL store"),
                         ("hadoop", "--engine: must be local or spark")):
        out = subprocess.run([sys.executable, "-m", "creditline", "eod", "--engine", engine,
                              "--db", sqlite_url], capture_output=True, text=True, env=env,
                             check=False)
        assert out.returncode == 2, out.stderr
        assert rule in out.stderr
