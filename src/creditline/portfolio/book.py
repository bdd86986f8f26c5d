"""The book as of a date, as columns: one row per line (the snapshot) and one row per line
and month end (the history every vintage and roll-rate table is computed from).

Why Polars, not per-line Python nor SQL aggregates: ``bench/portfolio_bench.py`` times the
three ways on a synthetic book in PostgreSQL (figures in ``bench/RESULTS.md``).  Reading the
five narrow inputs in bulk and doing the month-end grid, the interval join against the bucket
history and the as-of join against the statements in Polars is one pass over each table and
the same code on SQLite and PostgreSQL; doing the same in SQL needs a ``generate_series``
grid and a lateral join per line and month (dialect-specific, and slower at 1 M lines in the
bench), and DuckDB is not installed here (one more engine for one report is not worth it).

The inputs (``BookInputs``), each a Polars frame with money in integer cents:

- ``lines``: ``line_id, customer_id, product, kind, status, opened_on, limit, balance, used,
  past_due, dpd, last_eod, industry, region, channel, band``;
- ``intervals``: the collections bucket history, ``line_id, bucket, entered_on, left_on``
  (a line is in ``bucket`` from ``entered_on`` until the day before ``left_on``);
- ``statements``: ``line_id, statement_date, closing`` (the balance a month end had);
- ``writeoffs``: ``line_id, written_off_on, amount`` (the losses context's write-off journal
  entries and collection cases closed ``written_off``);
- ``categories``: ``category, outstanding`` (unpaid principal by merchant category).

States are the collection buckets in order (``M0`` current ... ``M7``) and one more,
``WO`` (charged off), which a line never leaves.  "30+" is bucket ``M2`` and worse (over 30
days past due), "90+" is ``M4`` and worse (over 90 days): the buckets the collections rules
define, so every report counts a line where collections has it.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from creditline.collections.ageing import bucket_codes
from creditline.collections.rules import Bucket

WO = "WO"
DPD30, DPD90 = 30, 90

LINE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "line_id": pl.String, "customer_id": pl.String, "product": pl.String, "kind": pl.String,
    "status": pl.String, "opened_on": pl.Date, "limit": pl.Int64, "balance": pl.Int64,
    "used": pl.Int64, "past_due": pl.Int64, "dpd": pl.Int64, "last_eod": pl.Date,
    "industry": pl.String, "region": pl.String, "channel": pl.String, "band": pl.String}
INTERVAL_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "line_id": pl.String, "bucket": pl.String, "entered_on": pl.Date, "left_on": pl.Date}
STATEMENT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "line_id": pl.String, "statement_date": pl.Date, "closing": pl.Int64}
WRITEOFF_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "line_id": pl.String, "written_off_on": pl.Date, "amount": pl.Int64}
CATEGORY_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "category": pl.String, "outstanding": pl.Int64}


def empty(schema: dict[str, pl.DataType | type[pl.DataType]]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


@dataclass(frozen=True)
class BookInputs:
    lines: pl.DataFrame
    intervals: pl.DataFrame
    statements: pl.DataFrame
    writeoffs: pl.DataFrame
    categories: pl.DataFrame


@dataclass(frozen=True)
class States:
    """The bucket names in order plus ``WO``, and where 30+ and 90+ start."""

    buckets: tuple[Bucket, ...]
    tolerance_cents: int

    @property
    def names(self) -> list[str]:
        return [b.name for b in self.buckets] + [WO]

    @property
    def wo(self) -> int:
        return len(self.buckets)

    def first_over(self, days: int) -> int:
        """Index of the first bucket that holds only lines more than ``days`` past due."""
        for i, b in enumerate(self.buckets):
            if b.from_dpd > days:
                return i
        return len(self.buckets) - 1

    @property
    def dpd30(self) -> int:
        return self.first_over(DPD30)

    @property
    def dpd90(self) -> int:
        return self.first_over(DPD90)


@dataclass(frozen=True)
class Book:
    """The book as of ``as_of``: ``snapshot`` (one row per line) and ``history`` (one row
    per line and month end, the last "month end" being ``as_of`` itself)."""

    as_of: date
    states: States
    month_ends: tuple[date, ...]
    snapshot: pl.DataFrame
    history: pl.DataFrame
    categories: pl.DataFrame
    live: bool  # the snapshot's balances and days past due are the lines' own (as_of is today)


def month_ends(first: date, last: date) -> list[date]:
    """Every month end from ``first``'s month up to ``last``, and ``last`` itself."""
    out: list[date] = []
    y, m = first.year, first.month
    while True:
        end = date(y, m, calendar.monthrange(y, m)[1])
        if end >= last:
            out.append(last)
            return out
        out.append(end)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _bucket_index(names: Sequence[str]) -> dict[str, int]:
    return {n: i for i, n in enumerate(names)}


def build_book(inputs: BookInputs, as_of: date, states: States) -> Book:
    """The snapshot and month-end history of every line opened on or before ``as_of``."""
    lines = inputs.lines.filter(pl.col("opened_on") <= as_of)
    if lines.height == 0:
        return Book(as_of, states, (), lines.with_columns(
            pl.lit(0, pl.Int64).alias("state"), pl.lit(False).alias("charged_off"),
            pl.lit(0, pl.Int64).alias("written_off")), _empty_history(),
            inputs.categories, True)
    last_eod = lines["last_eod"].max()
    live = isinstance(last_eod, date) and as_of >= last_eod
    ends = month_ends(lines["opened_on"].min(), as_of)  # type: ignore[arg-type]
    index = _bucket_index([b.name for b in states.buckets])
    wo = (inputs.writeoffs.filter(pl.col("written_off_on") <= as_of)
          .group_by("line_id").agg(pl.col("written_off_on").min(), pl.col("amount").max()))

    grid = (lines.select("line_id", "opened_on")
            .join(pl.DataFrame({"month_end": ends, "k": list(range(len(ends)))},
                               schema={"month_end": pl.Date, "k": pl.Int64}), how="cross")
            .filter(pl.col("month_end") >= pl.col("opened_on").dt.month_start())
            .with_columns(mob=(pl.col("month_end").dt.year() - pl.col("opened_on").dt.year()) * 12
                          + pl.col("month_end").dt.month().cast(pl.Int64)
                          - pl.col("opened_on").dt.month().cast(pl.Int64)))
    iv = (inputs.intervals.filter(pl.col("entered_on") <= as_of)
          .with_columns(b=pl.col("bucket").replace_strict(index, default=0, return_dtype=pl.Int64)))
    in_bucket = (grid.select("line_id", "month_end").join(iv, on="line_id")
                 .filter((pl.col("entered_on") <= pl.col("month_end"))
                         & (pl.col("left_on").is_null() | (pl.col("left_on") > pl.col("month_end"))))
                 .group_by("line_id", "month_end").agg(pl.col("b").max()))
    st = inputs.statements.filter(pl.col("statement_date") <= as_of).sort("statement_date")
    hist = (grid.join(in_bucket, on=["line_id", "month_end"], how="left")
            .with_columns(pl.col("b").fill_null(0))
            .sort("month_end")
            .join_asof(st, left_on="month_end", right_on="statement_date", by="line_id",
                       strategy="backward", check_sortedness=False)
            .with_columns(pl.col("closing").fill_null(0).alias("balance"))
            .join(wo, on="line_id", how="left"))
    if live:  # the last point is today: the lines' own balance and bucket
        now = _live_state(lines, states)
        hist = (hist.join(now.select("line_id", pl.col("balance").alias("live_balance"),
                                     pl.col("b").alias("live_b")), on="line_id", how="left")
                .with_columns(
                    balance=pl.when(pl.col("month_end") == as_of).then(pl.col("live_balance"))
                    .otherwise(pl.col("balance")),
                    b=pl.when(pl.col("month_end") == as_of).then(pl.col("live_b"))
                    .otherwise(pl.col("b"))))
    charged = pl.col("written_off_on").is_not_null() & (pl.col("written_off_on") <= pl.col("month_end"))
    history = (hist.with_columns(
        charged_off=charged,
        state=pl.when(charged).then(pl.lit(states.wo, pl.Int64)).otherwise(pl.col("b")),
        balance=pl.when(charged).then(pl.lit(0, pl.Int64)).otherwise(pl.col("balance")),
        written_off=pl.when(charged).then(pl.col("amount")).otherwise(pl.lit(0, pl.Int64)))
        .select("line_id", "k", "month_end", "opened_on", "mob", "state", "balance",
                "charged_off", "written_off")
        .sort("line_id", "k"))

    last = history.filter(pl.col("k") == len(ends) - 1).select(
        "line_id", "state", "charged_off", "written_off", pl.col("balance").alias("hist_balance"))
    snapshot = lines.join(last, on="line_id", how="left")
    if not live:  # as of a past date: balances and buckets from the history
        snapshot = snapshot.with_columns(balance=pl.col("hist_balance"), used=pl.lit(None, pl.Int64),
                                         dpd=pl.lit(None, pl.Int64))
    snapshot = snapshot.drop("hist_balance").with_columns(
        pl.when(pl.col("charged_off")).then(pl.lit(0, pl.Int64)).otherwise(pl.col("balance"))
        .alias("balance"),
        pl.col("opened_on").dt.strftime("%Y-%m").alias("vintage"),
        pl.col("state").replace_strict(dict(enumerate(states.names)), return_dtype=pl.String)
        .alias("bucket"))
    return Book(as_of, states, tuple(ends), snapshot, history, inputs.categories, live)


def _live_state(lines: pl.DataFrame, states: States) -> pl.DataFrame:
    b = bucket_codes(lines["dpd"].to_numpy(), lines["past_due"].to_numpy(), states.buckets,
                     states.tolerance_cents)
    return lines.select("line_id", "balance").with_columns(b=pl.Series(np.asarray(b, np.int64)))


def _empty_history() -> pl.DataFrame:
    return pl.DataFrame(schema={"line_id": pl.String, "k": pl.Int64, "month_end": pl.Date,
                                "opened_on": pl.Date, "mob": pl.Int64, "state": pl.Int64,
                                "balance": pl.Int64, "charged_off": pl.Boolean,
                                "written_off": pl.Int64})
