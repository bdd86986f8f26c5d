"""Ledger write speed: postings per second on SQLite and PostgreSQL.

    python bench/ledger_bench.py [--entries 20000] [--batch 5000] [--store sqlite|postgres|both]

Three paths, each into a fresh, migrated database with every ledger rule active (the
entry constructor's validators; on PostgreSQL the deferred balance trigger, the
same-transaction trigger and the immutability triggers):

- ``single``: one purchase-like entry (2 postings) per transaction, through
  ``uow.ledger.post`` -- what an online command pays;
- ``entries``: ``JournalEntry`` objects posted ``--batch`` at a time per transaction
  (executemany);
- ``columns``: the bulk path end of day uses (``uow.ledger.post_columns``): end-of-day-like
  entries of 6 postings given as columns, checked column-wise, written with ``COPY`` on
  PostgreSQL and executemany on SQLite, ``--batch`` entries per transaction.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np

from creditline.bootstrap import Container, bootstrap
from creditline.ledger import accounts as acc
from creditline.ledger.journal import EntryBuilder
from creditline.settings import Settings
from creditline.store.scratch import create_database, drop_database

PG_URL = os.environ.get("CREDITLINE_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-0123456789abcdef"
DAY = date(2026, 3, 2)


def fresh(store: str, folder: Path) -> tuple[Container, str | None]:
    """A container on an empty store, and the scratch database's URL (None for SQLite)."""
    if store == "sqlite":
        url, scratch = f"sqlite:///{folder / 'ledger.db'}", None
    else:
        url = scratch = create_database(PG_URL, "bench_ledger_")
    return bootstrap(Settings(database_url=url, secret_key=SECRET, data_dir=folder)), scratch


def drop(url: str | None) -> None:
    if url is not None:
        drop_database(url, PG_URL)


def line_ids(n: int) -> list[str]:
    return [str(uuid.uuid4()) for _ in range(n)]


def bench_single(c: Container, n: int, lines: list[str]) -> float:
    t = time.perf_counter()
    for i in range(n):
        e = (EntryBuilder(lines[i % len(lines)])
             .move(acc.PRINCIPAL_UNBILLED, acc.MERCHANT_PAYABLE, Decimal("100.00") + i % 97)
             .build(uuid.uuid4().hex, DAY, "purchase"))
        with c.uow() as uow:
            uow.ledger.post([e])
            uow.commit()
    return 2 * n / (time.perf_counter() - t)


def bench_entries(c: Container, n: int, batch: int, lines: list[str]) -> float:
    t = time.perf_counter()
    for start in range(0, n, batch):
        es = [EntryBuilder(lines[i % len(lines)])
              .move(acc.CASH_CLEARING, acc.PRINCIPAL_BILLED, Decimal("60.00"))
              .build(uuid.uuid4().hex, DAY, "repayment") for i in range(start, min(n, start + batch))]
        with c.uow() as uow:
            uow.ledger.post(es)
            uow.commit()
    return 2 * n / (time.perf_counter() - t)


PATTERN = [(acc.PRINCIPAL_BILLED, 10000), (acc.PRINCIPAL_UNBILLED, -10000), (acc.FEE_RECEIVABLE, 600),
           (acc.FEE_INCOME, -600), (acc.PENALTY_RECEIVABLE, 3), (acc.PENALTY_INCOME, -3)]


def bench_columns(c: Container, n: int, batch: int, lines: list[str]) -> float:
    per = len(PATTERN)
    t = time.perf_counter()
    for start in range(0, n, batch):
        k = min(n, start + batch) - start
        entry_lines = [lines[(start + i) % len(lines)] for i in range(k)]
        with c.uow() as uow:
            uow.ledger.post_columns(
                entry_ids=[uuid.uuid4().hex for _ in range(k)], business_date=DAY, kind="eod",
                entry_line_ids=entry_lines, memo="bench",
                entry_index=np.repeat(np.arange(k), per),
                line_ids=[li for li in entry_lines for _ in range(per)],
                accounts=[a for _ in range(k) for a, _ in PATTERN],
                amount_cents=np.tile(np.array([x for _, x in PATTERN], dtype=np.int64), k),
                memos=["billing"] * (k * per))
            uow.commit()
    return per * n / (time.perf_counter() - t)


def run(store: str, entries: int, batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        c, name = fresh(store, Path(tmp))
        try:
            lines = line_ids(1000)
            single_n = min(entries, 3000)
            print(f"{store:8s} single   ({single_n:>6} entries x 2, 1 per txn)     "
                  f"{bench_single(c, single_n, lines):>10,.0f} postings/s", flush=True)
            print(f"{store:8s} entries  ({entries:>6} entries x 2, {batch} per txn)  "
                  f"{bench_entries(c, entries, batch, lines):>10,.0f} postings/s", flush=True)
            print(f"{store:8s} columns  ({entries:>6} entries x 6, {batch} per txn)  "
                  f"{bench_columns(c, entries, batch, lines):>10,.0f} postings/s", flush=True)
            with c.uow() as uow:
                total = sum(t for _, _, t in uow.ledger.trial_balance())
                assert total == 0 and not uow.ledger.unbalanced_entries()
                print(f"{store:8s} {uow.ledger.count_postings():,} postings written; trial balance {total}")
        finally:
            c.dispose()
            drop(name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    a = ap.parse_args()
    for store in (["sqlite", "postgres"] if a.store == "both" else [a.store]):
        run(store, a.entries, a.batch)


if __name__ == "__main__":
    main()
