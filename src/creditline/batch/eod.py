"""The end-of-day batch engine: load a partition of lines (by line id) as Polars frames,
run the kernel (``servicing.kernel.close_day``) over their columns, write the new state,
the statements and the postings back in bulk.  No per-line queries: one read of the
lines, one of their open installments, bulk writes.

The same function serves the whole book (partitions of ``limit`` lines in id order) and the
online per-line path (``line_ids=[one]``), so both run the very same code.  A partition is
self-contained (lines never interact), which is what lets this become a Spark
``mapInArrow`` over line-id partitions without a rewrite.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import polars as pl

from creditline.ledger.accounts import ACCOUNT_CODES
from creditline.lines.status import CODE_STATUS, STATUS_CODE
from creditline.servicing import kernel as k
from creditline.servicing.products import RATE_SCALE

STATUS_TO_CODE = {s.value: c for s, c in STATUS_CODE.items()}
CODE_TO_STATUS = {c: s.value for c, s in CODE_STATUS.items()}
LINE_OUT = {  # kernel column -> credit_lines column
    "status": "status", "credit": "credit_balance", "min_remaining": "min_remaining",
    "min_due": "min_due_date", "past_due": "past_due", "past_due_since": "past_due_since",
    "dpd": "dpd", "last_stmt": "last_statement_date", "stmt_opening": "stmt_opening",
    "cyc_purchases": "cyc_purchases", "cyc_returns": "cyc_returns",
    "cyc_repayments": "cyc_repayments", "cyc_fees": "cyc_fees", "cyc_interest": "cyc_interest",
    "cyc_penalties": "cyc_penalties", "last_eod": "last_eod",
    **{b: b for b in k.BALANCES},
}
DATE_COLUMNS = {"min_due_date", "past_due_since", "last_statement_date", "last_eod",
                "statement_date", "period_start", "due_date"}
INST_OUT = ("billed", "p_sched", "p_paid", "f_sched", "f_paid", "i_amt", "i_paid", "i_carry",
            "pen_amt", "pen_paid", "pen_carry")


@dataclass
class KernelInput:
    lines: k.Columns
    inst: k.Columns
    table: k.WaterfallTable


@dataclass
class PartitionOutput:
    line_updates: pl.DataFrame
    advanced: list[str]
    inst_updates: pl.DataFrame
    statements: pl.DataFrame
    entry_line_ids: list[str]
    entry_index: np.ndarray
    posting_line_ids: list[str]
    accounts: list[str]
    amounts: np.ndarray
    memos: list[str]


@dataclass(frozen=True)
class PartitionReport:
    lines: int
    changed: int
    statements: int
    postings: int
    last_line_id: str | None


def _rate_e8(series: pl.Series) -> pl.Series:
    mapping = {s: int(Decimal(s) * RATE_SCALE) for s in series.unique().to_list()}
    return series.replace_strict(mapping, return_dtype=pl.Int64)


def prepare(lines_df: pl.DataFrame, inst_df: pl.DataFrame) -> tuple[KernelInput, pl.DataFrame]:
    """Frames from the store to kernel columns.  Returns the installments actually used
    (those of the partition's lines), in kernel input order."""
    codes = sorted(set(lines_df["waterfall"].to_list()))
    table = k.WaterfallTable.of(codes)
    lines = lines_df.with_columns(
        pl.col("status").replace_strict(STATUS_TO_CODE, return_dtype=pl.Int64),
        _rate_e8(lines_df["penalty_rate"]).alias("pen_rate"),
        _rate_e8(lines_df["min_share"]).alias("min_share"),
        pl.col("waterfall").replace_strict({c: i for i, c in enumerate(codes)},
                                           return_dtype=pl.Int64).alias("wf"),
    )
    line_cols = {c: lines[c].cast(pl.Int64).to_numpy() for c in k.LINE_INPUTS}
    line_cols.update({b: lines[b].cast(pl.Int64).to_numpy() for b in k.BALANCES})
    index = lines.select("line_id").with_row_index("line_idx")
    inst = inst_df.join(index, on="line_id", how="inner") if inst_df.height else inst_df
    if inst.height:
        inst = inst.with_columns(
            pl.col("line_idx").cast(pl.Int64),
            (pl.col("purchase_id").rank("dense") - 1).cast(pl.Int64).alias("prank"),
            _rate_e8(inst["interest_rate"]).alias("i_rate"),
            pl.col("billed").cast(pl.Boolean),
        ).with_row_index("rid")
        inst_cols = {c: inst[c].to_numpy() if c == "billed" else inst[c].cast(pl.Int64).to_numpy()
                     for c in k.INST_INPUTS}
    else:
        inst_cols = {c: np.zeros(0, dtype=bool if c == "billed" else np.int64)
                     for c in k.INST_INPUTS}
        inst = pl.DataFrame({"purchase_id": [], "seq": []},
                            schema={"purchase_id": pl.Utf8, "seq": pl.Int64})
    return KernelInput(line_cols, inst_cols, table), inst


def _dates(frame: pl.DataFrame) -> pl.DataFrame:
    """Day numbers (-1 = none) to ``pl.Date``."""
    return frame.with_columns(
        pl.when(pl.col(c) < 0).then(None).otherwise(pl.col(c)).cast(pl.Int32).cast(pl.Date).alias(c)
        for c in frame.columns if c in DATE_COLUMNS)


def outputs(res: k.DayResult, lines_df: pl.DataFrame, inst: pl.DataFrame) -> PartitionOutput:
    """Kernel results to the frames and columns the store writes."""
    line_ids = lines_df["line_id"]
    changed = res.line_changed
    upd = pl.DataFrame({"line_id": line_ids.filter(pl.Series(changed)),
                        **{LINE_OUT[c]: res.lines[c][changed] for c in LINE_OUT}})
    upd = _dates(upd.with_columns(
        pl.col("status").replace_strict(CODE_TO_STATUS, return_dtype=pl.Utf8)))
    advanced = line_ids.filter(pl.Series(~changed)).to_list()

    ic = res.inst_changed
    inst_upd = pl.DataFrame({
        "purchase_id": inst["purchase_id"].filter(pl.Series(ic)),
        "seq": inst["seq"].filter(pl.Series(ic)),
        **{c: res.inst[c][ic] for c in INST_OUT},
        "settled": res.settled[ic]})

    st = res.statements
    statements = _dates(pl.DataFrame({
        "line_id": line_ids.gather(st["line_idx"]) if len(st["line_idx"]) else pl.Series([], dtype=pl.Utf8),
        **{c: st[c] for c in k.STATEMENT_COLUMNS if c != "line_idx"}}))

    p = res.postings
    entry_lines, entry_index = np.unique(p["line_idx"], return_inverse=True)
    return PartitionOutput(
        line_updates=upd, advanced=advanced, inst_updates=inst_upd, statements=statements,
        entry_line_ids=line_ids.gather(entry_lines).to_list() if len(entry_lines) else [],
        entry_index=entry_index.astype(np.int64),
        posting_line_ids=line_ids.gather(p["line_idx"]).to_list() if len(p["line_idx"]) else [],
        accounts=[ACCOUNT_CODES[a] for a in p["account"].tolist()],
        amounts=p["amount"], memos=[k.MEMOS[m] for m in p["memo"].tolist()])


def new_entry_ids(n: int) -> list[str]:
    raw = os.urandom(16 * n).hex()
    return [raw[i * 32:(i + 1) * 32] for i in range(n)]


def close_partition(uow: Any, day: date, *, after: str | None = None, limit: int | None = None,
                    line_ids: list[str] | None = None) -> PartitionReport:
    """Close ``day`` for one partition of lines, inside the caller's transaction."""
    lines_df = uow.servicing.eod_lines(day, after=after, limit=limit, line_ids=line_ids)
    if lines_df.height == 0:
        return PartitionReport(0, 0, 0, 0, None)
    ids = lines_df["line_id"]
    inst_df = uow.servicing.eod_installments(ids.min(), ids.max(), line_ids=line_ids)
    kin, inst = prepare(lines_df, inst_df)
    res = k.close_day(kin.lines, kin.inst, day, kin.table)
    out = outputs(res, lines_df, inst)
    uow.servicing.eod_write(day, line_updates=out.line_updates, advanced=out.advanced,
                            inst_updates=out.inst_updates, statement_rows=out.statements)
    n_postings = 0
    if len(out.entry_line_ids):
        n_postings = uow.ledger.post_columns(
            entry_ids=new_entry_ids(len(out.entry_line_ids)), business_date=day, kind="eod",
            entry_line_ids=out.entry_line_ids, memo=f"end of day {day.isoformat()}",
            entry_index=out.entry_index, line_ids=out.posting_line_ids, accounts=out.accounts,
            amount_cents=out.amounts, memos=out.memos)
    return PartitionReport(lines_df.height, int(res.line_changed.sum()), out.statements.height,
                           n_postings, str(ids[-1]))
