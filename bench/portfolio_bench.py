"""The portfolio run on a synthetic book in PostgreSQL: the book as of a date read in bulk,
vintages, roll rates and the transition matrix, concentration (``creditline.portfolio``),
in lines per second; and the same vintage table computed inside PostgreSQL by one SQL query
(a month-end grid with a bucket and a balance looked up per line and month), to choose
between the two.

The book (bulk ``COPY``, no services): ``--lines`` lines opened evenly over the 12 months
before the report date, one customer each (persons, every fifth an enterprise with an
industry), an approved application per line (channel, A-score band), a statement on the 1st
of every month on the book, and ~18 % of lines late at some point (a collection case with one
to three bucket intervals, some cured, some rolling on).  Synthetic data for timing only.

    PYTHONPATH=src /work/venvs/main/bin/python bench/portfolio_bench.py --lines 1000000

(DuckDB is not installed here; it was not tried.)"""

from __future__ import annotations

import argparse
import io
import os
import time
from datetime import date

import numpy as np
import polars as pl
from sqlalchemy import create_engine, text

from creditline.bootstrap import bootstrap
from creditline.clock import FixedClock
from creditline.settings import Settings
from creditline.store.scratch import create_database, drop_database

SERVER = os.environ.get("CREDITLINE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AS_OF = date(2026, 10, 31)
FIRST = date(2025, 11, 1)


def _copy(raw: object, table: str, frame: pl.DataFrame) -> None:
    buf = io.BytesIO()
    frame.write_csv(buf, include_header=False, null_value="")
    cur = raw.cursor()  # type: ignore[attr-defined]
    with cur.copy(f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN (FORMAT csv)") as cp:
        cp.write(buf.getvalue())


def build(url: str, n: int, seed: int = 7) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    ids = np.array([f"{i:012d}-line" for i in range(n)], dtype=object)
    cids = np.array([f"{i:012d}-cust" for i in range(n)], dtype=object)
    month = rng.integers(0, 12, n)
    opened_on = _dates(month, rng.integers(0, 27, n))
    enterprise = (np.arange(n) % 5) == 0
    regions = np.array(["Shanghai", "Beijing", "Guangdong", "Zhejiang", "Jiangsu", "Sichuan",
                        "Hubei", "Shandong"], dtype=object)
    industries = np.array(list("CFGKMHE"), dtype=object)
    cust = pl.DataFrame({
        "id": cids, "kind": np.where(enterprise, "enterprise", "person"),
        "name": cids, "region": regions[rng.integers(0, len(regions), n)],
        "industry": np.where(enterprise, industries[rng.integers(0, len(industries), n)], None),
        "attributes": ["{}"] * n, "consents": ["{}"] * n,
        "created_at": ["2025-11-01T00:00:00+00:00"] * n, "version": [1] * n,
        "language": ["zh"] * n, "time_zone": ["Asia/Shanghai"] * n})
    limit = rng.integers(1000, 50000, n) * 100
    late = rng.random(n) < 0.18
    dpd = np.where(late, rng.integers(1, 150, n), 0)
    balance = (limit * rng.uniform(0.05, 0.9, n)).astype(np.int64)
    z = np.zeros(n, dtype=np.int64)
    lines = pl.DataFrame({
        "id": ids, "customer_id": cids, "product": np.where(enterprise, "sme_line", "consumer_bnpl"),
        "product_version": ["2026.11.3"] * n, "kind": np.where(enterprise, "sme", "bnpl"),
        "currency": ["CNY"] * n, "status": ["active"] * n, "credit_limit": limit,
        "statement_day": [1] * n, "grace_days": [9] * n, "penalty_rate": ["0.0005"] * n,
        "min_share": ["0.1"] * n, "min_floor": [5000] * n, "waterfall": ["default"] * n,
        "fee_refund": ["none"] * n, "block_when_past_due": [True] * n, "terms": ["{}"] * n,
        "opened_on": opened_on, "last_eod": [AS_OF] * n, "held": z,
        "principal_unbilled": balance // 2, "principal_billed": balance - balance // 2,
        "fee": z, "interest_accrued": z, "interest_billed": z, "penalty": z, "credit_balance": z,
        "min_remaining": z, "past_due": np.where(late, balance // 5, 0), "dpd": dpd,
        "stmt_opening": z, "cyc_purchases": z, "cyc_returns": z, "cyc_repayments": z,
        "cyc_fees": z, "cyc_interest": z, "cyc_penalties": z,
        "created_at": ["2025-11-01T00:00:00+00:00"] * n, "version": [1] * n,
        "restructured": [False] * n})
    apps = pl.DataFrame({
        "id": [f"{i:012d}-appl" for i in range(n)], "customer_id": cids,
        "kind": np.where(enterprise, "enterprise", "person"), "product": lines["product"],
        "channel": np.array(["app", "web", "partner"], dtype=object)[rng.integers(0, 3, n)],
        "status": ["approved"] * n, "policy_decision": ["approved"] * n, "granted_limit": limit,
        "band": np.array(list("ABCDE"), dtype=object)[rng.integers(0, 5, n)],
        "inputs": ["{}"] * n, "checks": ["{}"] * n, "features": ["{}"] * n, "facts": ["{}"] * n,
        "policy": ["{}"] * n, "reasons": ["[]"] * n, "rules_version": ["bench"] * n,
        "rules_hash": ["0" * 64] * n, "elapsed_ms": [1.0] * n, "line_id": ids,
        "created_at": ["2025-11-01T00:00:00+00:00"] * n, "version": [1] * n})
    # statements on the 1st of every month after opening, up to AS_OF
    first_stmt = (month + 1)  # months after FIRST
    reps = np.clip(12 - first_stmt, 0, None)
    line_idx = np.repeat(np.arange(n), reps)
    k = np.concatenate([np.arange(r) for r in reps]) if reps.sum() else np.zeros(0, int)
    m_abs = first_stmt[line_idx] + k
    sdate = _dates(m_abs, np.zeros(len(m_abs), dtype=np.int64))
    closing = (balance[line_idx] * rng.uniform(0.5, 1.2, len(line_idx))).astype(np.int64)
    zs = np.zeros(len(line_idx), dtype=np.int64)
    stmts = pl.DataFrame({"line_id": ids[line_idx], "statement_date": sdate,
                          "period_start": sdate, "due_date": sdate, "opening": zs,
                          "purchases": zs, "returns": zs, "repayments": zs, "fees": zs,
                          "interest": zs, "penalties": zs, "closing": closing, "amount_due": zs,
                          "minimum_payment": zs, "past_due": zs})
    # collection cases and bucket intervals for the late lines
    li = np.nonzero(late)[0]
    cases = pl.DataFrame({
        "id": [f"{i:012d}-case" for i in li], "line_id": ids[li], "customer_id": cids[li],
        "status": ["open"] * len(li), "bucket": np.minimum(dpd[li] // 30 + 1, 7),
        "opened_on": [AS_OF] * len(li), "updated_on": [AS_OF] * len(li),
        "past_due": balance[li] // 5, "balance": balance[li], "rules_version": ["bench"] * len(li),
        "profile": ["CN"] * len(li), "zone": ["Asia/Shanghai"] * len(li),
        "hours_agreed": [False] * len(li), "escalation": [0] * len(li),
        "disputed": [0] * len(li), "version": [1] * len(li)})
    start_m = month[li] + 1 + rng.integers(0, 4, len(li))
    start = _dates(np.minimum(start_m, 11), rng.integers(10, 20, len(li)))
    hist = []
    names = ["M1", "M2", "M3"]
    depth = rng.integers(1, 4, len(li))
    cured = rng.random(len(li)) < 0.4
    for j in range(3):
        on = depth > j
        e = start.to_numpy()[on] + np.timedelta64(30 * j, "D")
        leave = np.where((j + 1 < depth[on]) | cured[on], e + np.timedelta64(30, "D"),
                         np.datetime64("NaT"))
        hist.append(pl.DataFrame({"case_id": [f"{i:012d}-case" for i in li[on]],
                                  "line_id": ids[li[on]], "bucket": [names[j]] * int(on.sum()),
                                  "entered_on": e, "entered_past_due": balance[li[on]] // 5,
                                  "entered_balance": balance[li[on]], "left_on": leave}))
    buckets = pl.concat(hist).with_columns(pl.col("entered_on").cast(pl.Date),
                                           pl.col("left_on").cast(pl.Date))
    gen = time.perf_counter() - t0
    engine = create_engine(url)
    t1 = time.perf_counter()
    with engine.begin() as c:
        raw = c.connection.driver_connection
        for table, frame in (("customers", cust), ("credit_lines", lines),
                             ("applications", apps), ("statements", stmts),
                             ("collection_cases", cases), ("bucket_history", buckets)):
            t = time.perf_counter()
            _copy(raw, table, frame)
            print(f"  COPY {table}: {frame.height:,} rows in {time.perf_counter() - t:.1f} s",
                  flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        t = time.perf_counter()
        for table in ("customers", "credit_lines", "applications", "statements",
                      "collection_cases", "bucket_history"):
            c.execute(text(f"VACUUM ANALYZE {table}"))
        print(f"  VACUUM ANALYZE: {time.perf_counter() - t:.1f} s", flush=True)
    engine.dispose()
    return {"generate_s": gen, "copy_s": time.perf_counter() - t1,
            "statements": float(stmts.height), "bucket_rows": float(buckets.height)}


def _dates(months_after_first: np.ndarray, days: np.ndarray) -> pl.Series:
    m = np.asarray(months_after_first, dtype=np.int64) + (FIRST.year * 12 + FIRST.month - 1)
    first = (m // 12 - 1970) * 12 + m % 12
    base = np.asarray(first, dtype="datetime64[M]").astype("datetime64[D]")
    return pl.Series(base + np.asarray(days, dtype="timedelta64[D]")).cast(pl.Date)


SQL_VINTAGES = """
WITH ends AS (
  SELECT (date_trunc('month', d) + interval '1 month - 1 day')::date AS me
  FROM generate_series(date '2025-11-01', date '2026-10-01', interval '1 month') d),
grid AS (
  SELECT l.id, l.opened_on, e.me FROM credit_lines l
  JOIN ends e ON e.me >= date_trunc('month', l.opened_on)::date),
st AS (
  SELECT g.opened_on, g.me,
    COALESCE((SELECT max(substr(b.bucket, 2)::int) FROM bucket_history b
              WHERE b.line_id = g.id AND b.entered_on <= g.me
                AND (b.left_on IS NULL OR b.left_on > g.me)), 0) AS bucket,
    COALESCE((SELECT s.closing FROM statements s WHERE s.line_id = g.id
              AND s.statement_date <= g.me ORDER BY s.statement_date DESC LIMIT 1), 0) AS balance
  FROM grid g)
SELECT to_char(opened_on, 'YYYY-MM') AS vintage,
  (extract(year from me) * 12 + extract(month from me)
   - extract(year from opened_on) * 12 - extract(month from opened_on))::int AS mob,
  count(*) AS lines, sum((bucket >= 2)::int) AS lines_30, sum((bucket >= 4)::int) AS lines_90,
  sum(balance) AS balance, sum(CASE WHEN bucket >= 2 THEN balance ELSE 0 END) AS balance_30
FROM st WHERE me < date '2026-10-31' GROUP BY 1, 2 ORDER BY 1, 2"""


def run(url: str, n: int, sql: bool) -> dict[str, float]:
    from creditline.portfolio import views
    from creditline.portfolio.book import build_book
    from creditline.portfolio.concentration import concentration, default_limits
    from creditline.portfolio.rolls import roll_table
    from creditline.portfolio.vintages import vintage_table

    clock = FixedClock()
    clock.set_date(AS_OF)
    settings = Settings().model_copy(update={"database_url": url, "secret_key": "b" * 32})
    container = bootstrap(settings, clock=clock, migrate=False)
    out: dict[str, float] = {}
    t = time.perf_counter()
    with container.uow() as uow:
        inputs = uow.portfolio.book_inputs(AS_OF)
    out["read_s"] = time.perf_counter() - t
    t = time.perf_counter()
    book = build_book(inputs, AS_OF, views.states())
    out["book_s"] = time.perf_counter() - t
    t = time.perf_counter()
    vintage_table(book)
    out["vintages_s"] = time.perf_counter() - t
    t = time.perf_counter()
    roll_table(book)
    out["rolls_s"] = time.perf_counter() - t
    t = time.perf_counter()
    concentration(book.snapshot, book.categories, default_limits())
    out["concentration_s"] = time.perf_counter() - t
    out["total_s"] = sum(out[k] for k in ("read_s", "book_s", "vintages_s", "rolls_s",
                                          "concentration_s"))
    out["lines_per_s"] = n / out["total_s"]
    out["history_rows"] = float(book.history.height)
    if sql:
        t = time.perf_counter()
        with container.engine.connect() as c:
            rows = c.execute(text(SQL_VINTAGES)).all()
        out["sql_vintages_s"] = time.perf_counter() - t
        # the same answer both ways: lines and 30+ lines per vintage and month on book, at
        # the month ends before the report date (on that date the portfolio run reads the
        # lines' own days past due, which this synthetic book does not keep consistent with
        # its bucket history)
        h = (book.history.filter(pl.col("month_end") < AS_OF)
             .with_columns(pl.col("opened_on").dt.strftime("%Y-%m").alias("vintage"))
             .group_by("vintage", "mob")
             .agg(pl.len().alias("lines"), (pl.col("state") >= 2).sum().alias("lines_30")))
        ours = {(r["vintage"], r["mob"]): (r["lines"], r["lines_30"])
                for r in h.iter_rows(named=True)}
        theirs = {(r.vintage, r.mob): (int(r.lines), int(r.lines_30)) for r in rows}
        out["sql_agrees"] = float(ours == theirs)
    container.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--no-sql", action="store_true", help="skip the SQL-only variant")
    ap.add_argument("--keep", action="store_true", help="keep the scratch database")
    a = ap.parse_args()
    url = create_database(SERVER, "bench_portfolio_")
    try:
        bootstrap(Settings().model_copy(update={"database_url": url, "secret_key": "b" * 32}),
                  migrate=True).dispose()
        built = build(url, a.lines)
        print(f"book: {a.lines:,} lines, {int(built['statements']):,} statements, "
              f"{int(built['bucket_rows']):,} bucket intervals; generated in "
              f"{built['generate_s']:.1f} s, COPY {built['copy_s']:.1f} s")
        r = run(url, a.lines, not a.no_sql)
        for k, v in r.items():
            print(f"{k:>18}: {v:,.2f}")
    finally:
        if not a.keep:
            drop_database(url, SERVER)


if __name__ == "__main__":
    main()
