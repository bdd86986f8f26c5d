"""The forty-line book the end-of-day engine tests close twice (Spark, worker processes, a
run killed and rerun) and compare: one definition, so the three compare the same book."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from creditline.store.scratch import create_database, drop_database
from tests.conftest import PG_URL, make_container
from tests.integration.servicing_support import open_line


def busy_book(c: Container, clock: FixedClock) -> list[str]:
    """Forty lines: consumer plans of 1, 3, 6 and 12 installments billed on the 5th or the
    20th (busy days: more than one partition), SME draws that accrue daily (fewer than a
    partition: those days stay in-process), idle lines; a first repayment on a third of the
    buyers on 20 March, the rest pay nothing and go past due; March closed in-process.
    Returns the ids of the lines that bought."""
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
    clock.set_date(date(2026, 3, 20))
    for i, lid in enumerate(ids[::3]):
        sv.repay(sv.Repay(lid, f"{50 + i}.00"), c.uow(), SYSTEM)
    clock.set_date(date(2026, 3, 31))  # both books start April with lines past due
    run_eod(RunEod(date(2026, 3, 31)), c.uow(), SYSTEM)
    return ids


@contextmanager
def twin_books(pg_database: str, folder: Path, clock: FixedClock, prefix: str
               ) -> Iterator[tuple[Container, Container]]:
    """The busy book twice: built once in ``pg_database``, then copied file for file by
    PostgreSQL (``CREATE DATABASE ... TEMPLATE``) into a database named ``prefix...``."""
    a = make_container(pg_database, folder, clock)
    busy_book(a, clock)
    a.dispose()
    copy = create_database(PG_URL, prefix, template=pg_database)
    b = make_container(copy, folder / "b", clock)
    a = make_container(pg_database, folder, clock)
    try:
        yield a, b
    finally:
        a.dispose()
        b.dispose()
        drop_database(copy, PG_URL)
