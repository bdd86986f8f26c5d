"""End-of-day speed: lines per second over a book of ``--lines`` lines (default 100,000).

    python bench/eod_bench.py [--lines 100000] [--store sqlite|postgres|both]
                              [--partition 20000] [--kernel-lines 1000000]
                              [--mode pipeline|kernel|alternate|busy]
    python bench/eod_bench.py --mode busy --kernel-lines 100000 --busy-rounds 1 \
        --sides before,pipeline,workers,copy --workers 2 --before-src /tmp/old/src \
        [--template-db NAME]

1. ``kernel``: the pure kernel (``servicing.kernel.close_day``) on synthetic columns of
   ``--kernel-lines`` lines with 3 open installments each, in memory -- the ceiling.
2. For each store: a fresh database seeded in bulk with ``--lines`` lines (90 % consumer
   BNPL, 10 % SME; one purchase each on 10 Feb 2026, 1-12 installments; statement day 1)
   and their purchase postings, then ``creditline eod`` day by day:
   - 28 Feb, a quiet day (only SME interest accrues),
   - 1 Mar, statement day for every line (worst case: every line bills and gets a statement),
   - 2-10 Mar, quiet days,
   - 11 Mar, the first day past due for every line (penalties on all of them).
   Each day reports lines/s and seconds per phase (load, kernel, write, ledger, commit).
   The ledger is checked (``ledger check``) at the end.

``--mode alternate`` has the quiet days 2-10 March take turns (pipeline on even days,
kernel alone on odd ones) on the same book in the same process: the fairest comparison on
a shared machine.  ``--mode busy`` compares the two on the busy day, several times: it seeds one book, closes
28 February, keeps it as a template database, and then closes 1 March (every line bills
and gets a statement) on fresh copies of it (``CREATE DATABASE ... TEMPLATE``: identical
books), the modes taking turns in the order pipeline, kernel, kernel, pipeline, ...
(``--busy-rounds`` pairs), all in one process.  It reports each run, the ratio of the
averages, and the pipeline's lines/s per stage (every registered stage, the
temporary-limit lapse included).  ``--sides`` chooses what takes turns on the busy day's copies (default ``pipeline,kernel``;
each round runs every side once, in order, then reversed): ``pipeline`` (``run_eod``, every
registered stage, in this process), ``kernel`` (the servicing stage alone), ``workers`` (the
pipeline on ``--workers`` local processes, ``batch.workers.ProcessEngine``), ``before`` (the
pipeline of an older tree: a child process with ``PYTHONPATH=--before-src`` closes the copy
and prints its figures), ``copy`` (the ledger write alone: as many journal entries and
postings as the pipeline posted, through the ledger's own COPY path, committed -- the floor
of the day's posting).  ``--template-db`` reuses a database already seeded and closed
through 28 February (e.g. one a previous run kept) instead of seeding one.
``--mode kernel`` runs the servicing stage alone, without the pipeline around it (no
``Partition`` bookkeeping, no run records, no per-day audit entry or look-ahead): the
baseline for the pipeline's overhead.  The bench also runs against a tree from before the
pipeline (``PYTHONPATH=<old tree>/src``, where end of day lived in ``servicing.eod``), in
``--mode pipeline`` (there: the kernel alone, the only mode it has).  The last line it
prints is a ``RESULT`` line for scripts that compare runs.

Seeding writes rows directly (the bench's own bulk loader, built from the domain's
schedules) because opening 100k lines through the services would take minutes of
per-command overhead that is not what this measures.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from creditline.auth import SYSTEM
from creditline.bootstrap import Container, bootstrap
from creditline.clock import FixedClock
from creditline.ledger import accounts as acc
from creditline.products.catalog import default_catalog, product_terms
from creditline.servicing import services as sv
from creditline.servicing.calendar import day_number
from creditline.servicing.kernel import WaterfallTable, close_day
from creditline.servicing.schedule import build_schedule
from creditline.settings import Settings
from creditline.store.scratch import create_database, drop_database
from creditline.store.tables.foundation import customers
from creditline.store.tables.servicing import credit_lines, installments, purchases

try:
    from creditline.batch.run import RunEod, run_eod
except ImportError:  # a tree from before the pipeline (see the docstring)
    from creditline.servicing.eod import RunEod, run_eod  # type: ignore[import-not-found,no-redef]

PG_URL = os.environ.get("CREDITLINE_BENCH_PG_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "bench-secret-key-0123456789abcdef"
OPENED, BOUGHT = date(2026, 1, 5), date(2026, 2, 10)
NOW = datetime(2026, 2, 10, 2, 0, tzinfo=UTC)


# ----------------------------------------------------------------- kernel ceiling
def kernel_only(n_lines: int) -> None:
    rng = np.random.default_rng(1)
    per = 3
    n = n_lines * per
    d = day_number(date(2026, 3, 1))
    lines = {k: np.zeros(n_lines, dtype=np.int64) for k in (
        "status", "credit", "min_remaining", "past_due", "dpd", "stmt_opening", "cyc_purchases",
        "cyc_returns", "cyc_repayments", "cyc_fees", "cyc_interest", "cyc_penalties", "wf",
        "principal_unbilled", "principal_billed", "fee", "interest_accrued", "interest_billed",
        "penalty")}
    lines |= {"stmt_day": np.ones(n_lines, dtype=np.int64), "grace": np.full(n_lines, 9),
              "pen_rate": np.full(n_lines, 50_000), "min_share": np.full(n_lines, 10_000_000),
              "min_floor": np.full(n_lines, 5000), "opened": np.full(n_lines, d - 60),
              "min_due": np.full(n_lines, -1), "past_due_since": np.full(n_lines, -1),
              "last_stmt": np.full(n_lines, -1), "last_eod": np.full(n_lines, d - 1)}
    lines["cyc_purchases"] = rng.integers(10_000, 500_000, n_lines)
    p = np.repeat(rng.integers(3_000, 100_000, n_lines), per)
    inst = {"rid": np.arange(n), "line_idx": np.repeat(np.arange(n_lines), per),
            "prank": np.repeat(np.arange(n_lines), per), "seq": np.tile(np.arange(1, per + 1), n_lines),
            "bill": np.tile(d + 31 * np.arange(per), n_lines), "billed": np.zeros(n, dtype=bool),
            "i_rate": np.repeat(np.where(rng.random(n_lines) < 0.1, 40_000, 0), per)}
    inst["due"] = inst["bill"] + 9
    for col in ("p_paid", "f_paid", "i_amt", "i_paid", "i_carry", "pen_amt", "pen_paid", "pen_carry"):
        inst[col] = np.zeros(n, dtype=np.int64)
    inst["p_sched"], inst["f_sched"] = p, p // 200
    table = WaterfallTable.of([default_catalog().get("consumer_bnpl").waterfall.code()])
    t = time.perf_counter()
    res = close_day(lines, inst, date(2026, 3, 1), table)
    s = time.perf_counter() - t
    print(f"kernel    {n_lines:,} lines, {n:,} installments, statement day: {s:.2f} s = "
          f"{n_lines / s:,.0f} lines/s ({len(res.statements['line_idx']):,} statements, "
          f"{len(res.postings['amount']):,} postings)", flush=True)


# ----------------------------------------------------------------- seeding
def fresh(store: str, folder: Path, clock: FixedClock) -> tuple[Container, str | None]:
    """A container on an empty store, and the scratch database's URL (None for SQLite)."""
    if store == "sqlite":
        url, scratch = f"sqlite:///{folder / 'eod.db'}", None
    else:
        url = scratch = create_database(PG_URL, "bench_eod_")
    return bootstrap(Settings(database_url=url, secret_key=SECRET, data_dir=folder), clock=clock), scratch


def drop(url: str | None) -> None:
    if url is not None:
        drop_database(url, PG_URL)


def _bulk(c: Container, table: Any, rows: list[dict[str, Any]]) -> None:
    if c.engine.dialect.name == "postgresql":  # COPY, through the table's own types
        cols = list(rows[0])
        types = {col.name: col.type for col in table.columns}
        dialect = c.engine.dialect
        procs = {k: types[k].bind_processor(dialect) for k in cols}
        buf = io.StringIO()
        for r in rows:
            vals = []
            for k in cols:
                v = r[k]
                if isinstance(v, (dict, list)):
                    v = json.dumps(v)
                elif procs[k] is not None:
                    v = procs[k](v)
                vals.append("\\N" if v is None else (
                    v if isinstance(v, str) else (str(v).lower() if isinstance(v, bool) else str(v))))
            buf.write("\t".join(vals) + "\n")
        raw = c.engine.raw_connection()
        try:
            with raw.cursor() as cur, cur.copy(f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as cp:
                cp.write(buf.getvalue())
            raw.commit()
        finally:
            raw.close()
    else:
        with c.engine.begin() as conn:
            conn.execute(insert(table), rows)


def seed(c: Container, n: int) -> None:
    rng = random.Random(7)
    cat = default_catalog()
    bnpl, sme = cat.get("consumer_bnpl"), cat.get("sme_line")
    cust, lines, purch, inst = [], [], [], []
    entry_lines, amounts = [], []
    schedules: dict[tuple[str, Decimal, int, str], list[Any]] = {}
    for i in range(n):
        product = sme if i % 10 == 0 else bnpl
        cid, lid, pid = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
        periods = rng.choice([3, 6, 12]) if product is sme else rng.choice([1, 1, 3, 6, 12])
        plan = product.plan(periods)
        amount = Decimal(rng.randrange(100, 5000) * 10) if product is sme else Decimal(rng.randrange(1000, 500000)) / 100
        key = (product.code, amount, periods, plan.method)
        if key not in schedules:
            schedules[key] = build_schedule(
                amount, periods, plan.method, purchase_date=BOUGHT, statement_day=1,
                grace_days=product.grace_days, fee_rate=plan.fee_rate,
                daily_rate=product.interest_daily_rate)
        cust.append({"id": cid, "kind": "person", "name": f"bench {i}", "attributes": {},
                     "consents": {}, "created_at": NOW, "version": 1})
        zero = {f: Decimal(0) for f in ("principal_billed", "fee", "interest_accrued",
                                        "interest_billed", "penalty", "credit_balance",
                                        "min_remaining", "past_due", "stmt_opening",
                                        "cyc_returns", "cyc_repayments", "cyc_fees",
                                        "cyc_interest", "cyc_penalties")}
        lines.append({
            "id": lid, "customer_id": cid, "product": product.code, "product_version": cat.version,
            "kind": product.kind, "currency": "CNY", "status": "active",
            "credit_limit": product.limit_max, "statement_day": 1, "grace_days": product.grace_days,
            "penalty_rate": product.penalty_daily_rate, "min_share": product.min_principal_share,
            "min_floor": product.min_floor, "waterfall": product.waterfall.code(),
            "fee_refund": product.fee_refund, "block_when_past_due": True,
            "terms": product_terms(product), "opened_on": OPENED, "last_eod": date(2026, 2, 27),
            "last_statement_date": None, "min_due_date": None, "past_due_since": None, "dpd": 0,
            "principal_unbilled": amount, "cyc_purchases": amount, "created_at": NOW,
            "version": 1, **zero})
        purch.append({"id": pid, "line_id": lid, "amount": amount, "merchant": "bench",
                      "merchant_category": "general", "periods": periods, "method": plan.method,
                      "fee_rate": plan.fee_rate, "interest_rate": product.interest_daily_rate,
                      "made_on": BOUGHT, "returned": Decimal(0), "created_at": NOW,
                      "created_by": "bench"})
        for r in schedules[key]:
            inst.append({"purchase_id": pid, "seq": r.seq, "line_id": lid, "bill_date": r.bill_date,
                         "due_date": r.due_date, "p_orig": r.principal, "f_orig": r.fee,
                         "p_sched": r.principal, "f_sched": r.fee, "p_paid": Decimal(0),
                         "f_paid": Decimal(0), "i_amt": Decimal(0), "i_paid": Decimal(0),
                         "i_carry": 0, "pen_amt": Decimal(0), "pen_paid": Decimal(0),
                         "pen_carry": 0, "billed": False, "settled": False})
        entry_lines.append(lid)
        amounts.append(int(amount * 100))
    for table, rows in ((customers, cust), (credit_lines, lines), (purchases, purch),
                        (installments, inst)):
        for k in range(0, len(rows), 50_000):
            _bulk(c, table, rows[k:k + 50_000])
    with c.uow() as uow:  # the purchases' own postings, so the ledger reconciles
        a = np.array(amounts, dtype=np.int64)
        uow.ledger.post_columns(
            entry_ids=[uuid.uuid4().hex for _ in range(n)], business_date=BOUGHT, kind="purchase",
            entry_line_ids=entry_lines, memo="seed", entry_index=np.repeat(np.arange(n), 2),
            line_ids=[li for li in entry_lines for _ in range(2)],
            accounts=[acc.PRINCIPAL_UNBILLED, acc.MERCHANT_PAYABLE] * n,
            amount_cents=np.stack([a, -a], axis=1).reshape(-1), memos=["purchase"] * (2 * n))
        uow.commit()
    if c.engine.dialect.name == "postgresql":
        with c.engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    print(f"          seeded {n:,} lines, {len(inst):,} installments", flush=True)


def kernel_alone(c: Container, day: date, partition: int, timings: dict[str, float]) -> int:
    """The day closed by the servicing stage alone: skip, then partitions of read, kernel,
    write, one transaction each -- the pipeline's work without the pipeline."""
    from creditline.batch.eod import SERVICING
    from creditline.batch.pipeline import Partition

    uow = c.uow()
    with uow:
        lines = uow.eod_columns.skip(day)
        uow.commit()
    after: str | None = None
    while True:
        with uow:
            t = time.perf_counter()
            frame = uow.eod_columns.lines(day, after=after, limit=partition)
            ids = frame["line_id"]
            if not ids:
                break
            part = Partition(day, frame, list(ids))
            out = SERVICING.compute(part, SERVICING.read(uow, part))  # type: ignore[misc]
            SERVICING.write(uow, part, out)  # type: ignore[misc]
            timings["servicing"] = timings.get("servicing", 0.0) + time.perf_counter() - t
            t = time.perf_counter()
            uow.commit()
            timings["commit"] = timings.get("commit", 0.0) + time.perf_counter() - t
        lines += len(ids)
        after = ids[-1]
        if len(ids) < partition:
            break
    return lines


def one_day(c: Container, clock: FixedClock, day: date, partition: int, label: str,
            mode: str) -> float:
    clock.set_date(day)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    if mode == "kernel":
        lines = kernel_alone(c, day, partition, timings)
        s = time.perf_counter() - t
        detail = ""
    else:
        report = run_eod(RunEod(day, partition, timings), c.uow(), SYSTEM)
        s = time.perf_counter() - t
        d = report.days[-1]
        lines = d.lines
        detail = f"({d.changed:,} changed, {d.statements:,} statements, {d.postings:,} postings) "
    phases = "  ".join(f"{k} {v:.2f}" for k, v in timings.items())
    print(f"          {day} {label:14s} {lines:,} lines in {s:.2f} s = {lines / s:>9,.0f} lines/s "
          f"{detail}[{phases}]", flush=True)
    return lines / s


def copy_database(template_url: str) -> str:
    """A new database on the bench server, a file-level copy of ``template_url``'s (which
    must have no session open)."""
    name = f"bench_eod_busy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE '
                              f'"{make_url(template_url).database}"'))
    finally:
        admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


SIDES = ("pipeline", "kernel", "workers", "before", "copy")


def close_busy_day(url: str, folder: Path, partition: int, workers: int) -> dict[str, Any]:
    """Close 1 March on the book at ``url`` with the whole pipeline (``workers`` > 1: on a
    ``ProcessEngine``); seconds, lines, postings and per-stage seconds."""
    clock = FixedClock()
    day = date(2026, 3, 1)
    clock.set_date(day)
    book = bootstrap(Settings(database_url=url, secret_key=SECRET, data_dir=folder), clock=clock)
    engine: Any = None
    try:
        if workers > 1:
            from creditline.batch.workers import ProcessEngine
            from creditline.bootstrap import executor_container

            engine = ProcessEngine(book.settings.model_dump(mode="json"), executor_container,
                                   workers=workers)
        timings: dict[str, float] = {}
        t = time.perf_counter()
        if engine is None:
            report = run_eod(RunEod(day, partition, timings), book.uow(), SYSTEM)
        else:
            report = run_eod(RunEod(day, partition, timings), book.uow(), SYSTEM, engine=engine)
        s = time.perf_counter() - t
    finally:
        if engine is not None:
            engine.stop()
        book.dispose()
    d = report.days[-1]
    return {"seconds": s, "lines": d.lines, "statements": d.statements, "postings": d.postings,
            "commit": timings.get("commit", 0.0),
            "stages": {name: [st.seconds, st.lines] for name, st in d.stages.items()}}


def plain_copy(url: str, folder: Path, n_lines: int, n_postings: int) -> float:
    """The ledger write alone: ``n_lines`` journal entries and ``n_postings`` balanced
    postings through the ledger's own COPY path (``post_columns``), one transaction,
    committed (the deferred balance check included) -- the floor of the day's posting."""
    from creditline.ledger.ids import new_entry_ids

    clock = FixedClock()
    clock.set_date(date(2026, 3, 1))
    book = bootstrap(Settings(database_url=url, secret_key=SECRET, data_dir=folder), clock=clock)
    try:
        with book.engine.connect() as conn:
            ids = [r[0] for r in conn.execute(text(
                "SELECT id FROM credit_lines ORDER BY id LIMIT :n"), {"n": n_lines})]
        pairs = max(len(ids), n_postings // 2)  # balanced pairs, spread over the entries
        total = 2 * pairs
        entry_of = np.repeat(np.sort(np.arange(pairs) % len(ids)), 2)
        rng = np.random.default_rng(3)
        a = rng.integers(1, 100_000, pairs)
        amounts = np.stack([a, -a], axis=1).reshape(-1)
        t = time.perf_counter()
        with book.uow() as uow:
            uow.ledger.post_columns(
                entry_ids=new_entry_ids(len(ids)), business_date=date(2026, 3, 1), kind="eod",
                entry_line_ids=ids, memo="copy", entry_index=entry_of,
                line_ids=[ids[k] for k in entry_of.tolist()],
                accounts=[acc.PRINCIPAL_BILLED, acc.PRINCIPAL_UNBILLED] * (total // 2),
                amount_cents=amounts, memos=["copy"] * total)
            uow.commit()
        s = time.perf_counter() - t
        print(f"          copy: {len(ids):,} entries, {total:,} postings", flush=True)
        return s
    finally:
        book.dispose()


def busy(n: int, partition: int, rounds: int, sides: list[str], workers: int,
         before_src: str | None, template_db: str | None) -> None:
    """The statement day on identical copies of one book (PostgreSQL), the sides taking
    turns (in order, then reversed: P K K P ...); see the module docstring."""
    clock = FixedClock()
    clock.set_date(BOUGHT)
    busy_day = date(2026, 3, 1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        template: str | None
        if template_db is None:
            c, template = fresh("postgres", folder, clock)
            assert template is not None
        else:
            c, template = None, make_url(PG_URL).set(database=template_db).render_as_string(
                hide_password=False)
        try:
            if c is not None:
                t = time.perf_counter()
                seed(c, n)
                print(f"postgres  seeding took {time.perf_counter() - t:.1f} s", flush=True)
                one_day(c, clock, date(2026, 2, 28), partition, "quiet", "pipeline")
                c.dispose()
            rates: dict[str, list[float]] = {m: [] for m in sides}
            secs: dict[str, list[float]] = {m: [] for m in sides}
            stage_secs: dict[str, dict[str, list[float]]] = {}
            stage_lines: dict[str, int] = {}
            postings = 0
            order = [m for r in range(rounds) for m in (sides if r % 2 == 0 else sides[::-1])]
            for i, mode in enumerate(order):
                t = time.perf_counter()
                url = copy_database(template)
                copied = time.perf_counter() - t
                clock.set_date(busy_day)
                try:
                    if mode == "kernel":
                        book = bootstrap(Settings(database_url=url, secret_key=SECRET,
                                                  data_dir=folder), clock=clock)
                        try:
                            r = one_day(book, clock, busy_day, partition,
                                        f"busy #{i + 1} kernel", "kernel")
                        finally:
                            book.dispose()
                        rates[mode].append(r)
                        secs[mode].append(n / r)
                        continue
                    if mode == "copy":
                        s = plain_copy(url, folder, n, postings or 347_832)
                        secs[mode].append(s)
                        rates[mode].append(n / s)
                        print(f"          busy #{i + 1} copy: {n:,} entries and "
                              f"{postings or 347_832:,} postings written and committed in "
                              f"{s:.2f} s", flush=True)
                        continue
                    if mode == "before":
                        assert before_src is not None
                        out = subprocess.run(
                            [sys.executable, __file__, "--close-copy", url,
                             "--partition", str(partition), "--kernel-lines", "0"],
                            env={**os.environ, "PYTHONPATH": before_src}, check=True,
                            capture_output=True, text=True)
                        res = json.loads(out.stdout.strip().splitlines()[-1])
                    else:
                        res = close_busy_day(url, folder, partition,
                                             workers if mode == "workers" else 1)
                    s = res["seconds"]
                    postings = res["postings"]
                    secs[mode].append(s)
                    rates[mode].append(res["lines"] / s)
                    per = "  ".join(f"{name} {v[0]:.2f}" for name, v in res["stages"].items())
                    for name, (st_s, st_n) in res["stages"].items():
                        stage_secs.setdefault(mode, {}).setdefault(name, []).append(st_s)
                        stage_lines[name] = st_n
                    print(f"          {busy_day} busy #{i + 1} {mode} {res['lines']:,} lines in "
                          f"{s:.2f} s = {res['lines'] / s:>9,.0f} lines/s "
                          f"({res['statements']:,} statements, {res['postings']:,} postings) "
                          f"[{per}] [commit {res['commit']:.2f}]", flush=True)
                finally:
                    drop(url)
                    print(f"          (copy of the book: {copied:.1f} s)", flush=True)
            avg = {m: sum(v) / len(v) for m, v in secs.items() if v}
            for m in sides:
                print(f"RESULT busy {m}: {' '.join(f'{x:.1f}' for x in secs[m])} s; mean "
                      f"{avg[m]:.1f} s = {n / avg[m]:,.0f} lines/s; median "
                      f"{float(np.median(secs[m])):.1f} s", flush=True)
            for m in sides:
                for o in sides:
                    if o != m:
                        print(f"RESULT busy time {m}/{o} = {avg[m] / avg[o]:.3f}", flush=True)
            for mode, by_stage in stage_secs.items():
                for name, ss in by_stage.items():
                    mean = sum(ss) / len(ss)
                    print(f"RESULT busy {mode} stage {name}: {stage_lines[name]:,} lines, mean "
                          f"{mean:.2f} s = {stage_lines[name] / max(mean, 1e-9):,.0f} lines/s",
                          flush=True)
            print(f"RESULT busy lines={n} rounds={rounds} sides={','.join(sides)} "
                  f"workers={workers}", flush=True)
        finally:
            if c is not None:
                c.dispose()
                drop(template)


def run(store: str, n: int, partition: int, mode: str) -> None:
    clock = FixedClock()
    clock.set_date(BOUGHT)
    with tempfile.TemporaryDirectory() as tmp:
        c, name = fresh(store, Path(tmp), clock)
        try:
            t = time.perf_counter()
            seed(c, n)
            print(f"{store:9s} seeding took {time.perf_counter() - t:.1f} s", flush=True)
            whole = "pipeline" if mode == "alternate" else mode
            first = one_day(c, clock, date(2026, 2, 28), partition, "quiet", whole)
            busy = one_day(c, clock, date(2026, 3, 1), partition, "statement day", whole)
            modes = {k: mode for k in range(2, 11)}
            if mode == "alternate":  # quiet days take turns, so both modes share the session
                modes = {k: ("pipeline", "kernel")[k % 2] for k in range(2, 11)}
            quiet = [one_day(c, clock, date(2026, 3, k), partition, "quiet " + modes[k],
                             modes[k]) for k in range(2, 11)]
            late = one_day(c, clock, date(2026, 3, 11), partition, "first past due", whole)
            t = time.perf_counter()
            report = sv.check_ledger(c.uow())
            print(f"{store:9s} quiet days average {sum(quiet) / len(quiet):,.0f} lines/s; "
                  f"ledger check {'sound' if report.ok else 'NOT SOUND'} over "
                  f"{report.lines_checked:,} lines in {time.perf_counter() - t:.1f} s", flush=True)
            if mode == "alternate":
                for m in ("pipeline", "kernel"):
                    got = [q for k, q in zip(range(2, 11), quiet) if modes[k] == m]
                    print(f"RESULT store={store} quiet days by {m}: "
                          f"{' '.join(f'{q:.0f}' for q in got)} avg {sum(got) / len(got):.0f}",
                          flush=True)
            print(f"RESULT store={store} mode={mode} lines={n} first_day={first:.0f} "
                  f"statement_day={busy:.0f} quiet_avg={sum(quiet) / len(quiet):.0f} "
                  f"first_past_due={late:.0f}", flush=True)
        finally:
            c.dispose()
            drop(name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--partition", type=int, default=20_000)
    ap.add_argument("--kernel-lines", type=int, default=1_000_000)
    ap.add_argument("--mode", choices=["pipeline", "kernel", "alternate", "busy"],
                    default="pipeline",
                    help="pipeline: run_eod; kernel: the servicing stage alone, no pipeline; "
                         "alternate: the quiet days take turns (pipeline, kernel, ...); "
                         "busy: the statement day on copies of one book, taking turns "
                         "(PostgreSQL)")
    ap.add_argument("--busy-rounds", type=int, default=2,
                    help="--mode busy: rounds (each runs every side once)")
    ap.add_argument("--sides", default="pipeline,kernel",
                    help=f"--mode busy: what takes turns, from {', '.join(SIDES)}")
    ap.add_argument("--workers", type=int, default=2,
                    help="--mode busy, side 'workers': local worker processes (ProcessEngine)")
    ap.add_argument("--before-src",
                    help="--mode busy, side 'before': the src folder of an older tree")
    ap.add_argument("--template-db",
                    help="--mode busy: reuse this database (seeded, 28 February closed) as "
                         "the template instead of seeding one (it is not dropped)")
    ap.add_argument("--close-copy", help=argparse.SUPPRESS)  # the 'before' side's child
    a = ap.parse_args()
    if a.close_copy:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(close_busy_day(a.close_copy, Path(tmp), a.partition, 1)))
        return
    sides = [x.strip() for x in a.sides.split(",") if x.strip()]
    bad = [x for x in sides if x not in SIDES]
    if bad or not sides:
        ap.error(f"--sides: each must be one of {', '.join(SIDES)} (got {a.sides!r})")
    if "before" in sides and not a.before_src:
        ap.error("--sides before needs --before-src")
    if a.workers < 1:
        ap.error("--workers: must be at least 1")
    if a.kernel_lines:
        kernel_only(a.kernel_lines)
    if a.mode == "busy":
        busy(a.lines, a.partition, a.busy_rounds, sides, a.workers, a.before_src,
             a.template_db)
        return
    for store in (["sqlite", "postgres"] if a.store == "both" else [a.store]):
        run(store, a.lines, a.partition, a.mode)


if __name__ == "__main__":
    main()
