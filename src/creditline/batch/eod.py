"""Stage one of the end-of-day pipeline: the servicing kernel.  For one partition of lines
(the pipeline's frame: their columns as the store read them) it reads their open
installments, runs the kernel (``servicing.kernel.close_day``) over the columns, and writes
the new state, the statements and the postings back in bulk.  No per-line queries: one
read of the lines, one of their open installments, bulk writes.

The same code serves the whole book (partitions of lines in id order) and the online
per-line path (the frame is one line), so both run the very same kernel.  A partition is
self-contained (lines never interact) and its columns map one to one onto Arrow arrays
(``to_arrow``), which is what lets this become a Spark ``mapInArrow`` over line-id
partitions without a rewrite.

Why plain numpy at the boundary rather than Polars frames: the per-call overhead of a
Polars expression (~1 ms) dominates the small partitions of the online path and of daily
runs over small books; numpy conversions cost microseconds and the kernel is numpy anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa

from creditline.batch.pipeline import Partition, Stage, StageOutput
from creditline.collections.relief import relief_columns
from creditline.ledger.accounts import ACCOUNT_CODES
from creditline.ledger.ids import new_entry_ids
from creditline.lines.status import CODE_STATUS, STATUS_CODE
from creditline.products.catalog import RATE_SCALE
from creditline.servicing import kernel as k
from creditline.servicing.calendar import day_number
from creditline.uow import UnitOfWork

STATUS_TO_CODE = {s.value: c for s, c in STATUS_CODE.items()}
CODE_TO_STATUS = {c: s.value for c, s in CODE_STATUS.items()}
LINE_OUT = {  # kernel column -> credit_lines column
    "status": "status", "credit": "credit_balance", "min_remaining": "min_remaining",
    "min_due": "min_due_date", "past_due": "past_due", "past_due_since": "past_due_since",
    "dpd": "dpd", "last_stmt": "last_statement_date", "stmt_opening": "stmt_opening",
    "cyc_purchases": "cyc_purchases", "cyc_returns": "cyc_returns",
    "cyc_repayments": "cyc_repayments", "cyc_fees": "cyc_fees", "cyc_interest": "cyc_interest",
    "cyc_penalties": "cyc_penalties", "last_eod": "last_eod", "next": "next_eod",
    **{b: b for b in k.BALANCES},
}
DATE_COLUMNS = {"min_due", "past_due_since", "last_stmt", "last_eod", "statement_date",
                "period_start", "due_date", "next"}
INST_OUT = ("billed", "p_sched", "p_paid", "f_sched", "f_paid", "i_amt", "i_paid", "i_carry",
            "pen_amt", "pen_paid", "pen_carry")
_INT_LINE = [c for c in (*k.LINE_INPUTS, *k.BALANCES)
             if c not in ("status", "pen_rate", "min_share", "wf")]
_INT_INST = ("seq", "bill", "due", "p_sched", "p_paid", "f_sched", "f_paid", "i_amt", "i_paid",
             "i_carry", "pen_amt", "pen_paid", "pen_carry")
_RATES: dict[str, int] = {}


@dataclass
class KernelInput:
    line_ids: list[str]
    lines: k.Columns
    inst: k.Columns
    purchase_ids: list[str]
    table: k.WaterfallTable


@dataclass
class PartitionOutput:
    lines: dict[str, list[Any]]  # changed lines: id + new state
    advanced: list[str]  # lines whose only change is the day closed
    inst: dict[str, list[Any]]  # changed installments
    statements: dict[str, list[Any]]
    entry_line_ids: list[str]
    entry_index: np.ndarray
    posting_line_ids: list[str]
    accounts: list[str]
    amounts: np.ndarray
    memos: list[str]


def rate_e8(text: str) -> int:
    """A rate as an integer count of hundred-millionths (cached: books use few rates)."""
    v = _RATES.get(text)
    if v is None:
        v = _RATES[text] = int(Decimal(text) * RATE_SCALE)
    return v


def _codes(values: Any, mapping: dict[str, int]) -> np.ndarray:
    """Map a text column through a small dictionary (few distinct values)."""
    arr = np.asarray(values, dtype=object)
    if not len(arr):
        return np.zeros(0, dtype=np.int64)
    uniq, inverse = np.unique(arr.astype(str), return_inverse=True)
    return np.array([mapping[u] for u in uniq.tolist()], dtype=np.int64)[inverse]


def prepare(lines: dict[str, Any], inst: dict[str, Any]) -> KernelInput:
    """Columns from the store to kernel columns.  Installments of lines outside the
    partition (the store reads an id range) are dropped.  Ids are matched and ranked as
    numpy unicode arrays (C comparisons; their order is Python's string order)."""
    codes = sorted(set(lines["waterfall"]))
    table = k.WaterfallTable.of(codes)
    line_cols = {c: np.asarray(lines[c], dtype=np.int64) for c in _INT_LINE}
    line_cols["status"] = _codes(lines["status"], STATUS_TO_CODE)
    line_cols["pen_rate"] = _codes(lines["penalty_rate"], {r: rate_e8(r) for r in set(lines["penalty_rate"])})
    line_cols["min_share"] = _codes(lines["min_share"], {r: rate_e8(r) for r in set(lines["min_share"])})
    line_cols["wf"] = _codes(lines["waterfall"], {c: i for i, c in enumerate(codes)})
    if "next" in lines:  # the day the line was due for a visit (-1: at once)
        line_cols["next"] = np.asarray(lines["next"], dtype=np.int64)
    line_ids = np.asarray(lines["line_id"], dtype=str)
    inst_lines = np.asarray(inst["line_id"], dtype=str)
    if len(inst_lines):
        by_id = np.argsort(line_ids)
        at = np.searchsorted(line_ids, inst_lines, sorter=by_id)
        at = np.minimum(at, len(line_ids) - 1)
        idx = by_id[at]
        keep = line_ids[idx] == inst_lines
    else:
        idx = np.zeros(0, dtype=np.int64)
        keep = np.zeros(0, dtype=bool)
    pids = np.asarray(inst["purchase_id"], dtype=str)[keep]
    inst_cols: k.Columns = {c: np.asarray(inst[c], dtype=np.int64)[keep] for c in _INT_INST}
    inst_cols["line_idx"] = idx[keep].astype(np.int64)
    inst_cols["billed"] = np.asarray(inst["billed"], dtype=bool)[keep]
    rates = inst["interest_rate"]
    inst_cols["i_rate"] = _codes(rates, {r: rate_e8(r) for r in set(rates)})[keep]
    inst_cols["rid"] = np.arange(len(pids), dtype=np.int64)
    if len(pids):
        _, prank = np.unique(pids, return_inverse=True)  # lexicographic, as the scalar path sorts
        inst_cols["prank"] = prank.astype(np.int64)
    else:
        inst_cols["prank"] = np.zeros(0, dtype=np.int64)
    return KernelInput(line_ids.tolist(), line_cols, inst_cols, pids.tolist(), table)


def iso_days(days: np.ndarray) -> list[str | None]:
    """Day numbers to ISO dates (vectorized); -1 means none."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D").astype(object)
    text[days < 0] = None
    return text.tolist()


def outputs(res: k.DayResult, kin: KernelInput) -> PartitionOutput:
    """Kernel results to the columns the store writes (money in cents, ISO dates)."""
    ids = np.asarray(kin.line_ids, dtype=object)
    # lines whose state moved, or whose next visit did, get their row written
    changed = res.line_changed | (res.lines["next"] != kin.lines.get("next", -1))
    lines: dict[str, list[Any]] = {"id": ids[changed].tolist()}
    for c, col in LINE_OUT.items():
        values = res.lines[c][changed]
        lines[col] = iso_days(values) if c in DATE_COLUMNS else values.tolist()
    lines["status"] = [CODE_TO_STATUS[v] for v in lines["status"]]
    advanced = ids[~changed].tolist()

    ic = res.inst_changed
    inst: dict[str, list[Any]] = {
        "purchase_id": np.asarray(kin.purchase_ids, dtype=object)[ic].tolist(),
        "seq": res.inst["seq"][ic].tolist()}
    for c in INST_OUT:
        inst[c] = res.inst[c][ic].tolist()
    inst["billed"] = [bool(b) for b in inst["billed"]]
    inst["settled"] = [bool(b) for b in res.settled[ic].tolist()]

    st = res.statements
    statements: dict[str, list[Any]] = {"line_id": ids[st["line_idx"]].tolist()}
    for c in k.STATEMENT_COLUMNS[1:]:
        statements[c] = iso_days(st[c]) if c in DATE_COLUMNS else st[c].tolist()

    p = res.postings
    entry_lines, entry_index = np.unique(p["line_idx"], return_inverse=True)
    return PartitionOutput(
        lines=lines, advanced=advanced, inst=inst, statements=statements,
        entry_line_ids=ids[entry_lines].tolist(), entry_index=entry_index.astype(np.int64),
        posting_line_ids=ids[p["line_idx"]].tolist(),
        accounts=np.asarray(ACCOUNT_CODES, dtype=object)[p["account"]].tolist(),
        amounts=p["amount"], memos=np.asarray(k.MEMOS, dtype=object)[p["memo"]].tolist())


def to_arrow(kin: KernelInput) -> tuple[pa.Table, pa.Table]:
    """A partition as two Arrow tables (lines, installments): the shape a Spark
    ``mapInArrow`` (or Polars, ``pl.from_arrow``) hands over and takes back."""
    lines = pa.table({"line_id": kin.line_ids, **kin.lines})  # type: ignore[dict-item]  # pyarrow-stubs omit numpy arrays, which pa.table takes
    inst = pa.table({"purchase_id": kin.purchase_ids, **kin.inst})  # type: ignore[dict-item]  # as above
    return lines, inst


KERNEL = "servicing"


def _read(uow: UnitOfWork, part: Partition) -> dict[str, Any]:
    ids = part.line_ids
    inst: dict[str, Any] = uow.eod_columns.installments(ids[0], ids[-1], line_ids=part.only,
                                                          day=part.day)
    # regional relief (collections.relief): the reliefs in force and the regions of the lines
    # they may cover -- one small read, and a second only when a relief is in force
    reliefs = uow.reliefs.in_force(part.day)
    if reliefs:
        inst[RELIEF] = (reliefs, uow.reliefs.line_regions(
            ids[0], ids[-1], part.only, sorted({k for r in reliefs for k in r.keys})))
    return inst


RELIEF = "_relief"  # the key the read hands the reliefs and line regions on under


def _relief_columns(part: Partition, kin: KernelInput, found: Any) -> None:
    reliefs, regions = found
    cols = relief_columns([regions.get(x) for x in kin.line_ids], reliefs, part.day,
                          day_number(part.day))
    kin.lines.update(relief_until=cols.relief_until, defer_from=cols.defer_from,
                     defer_to=cols.defer_to)


def _compute(part: Partition, inst: dict[str, Any]) -> StageOutput:
    kin = prepare(part.frame, inst)
    if RELIEF in inst:
        _relief_columns(part, kin, inst[RELIEF])
    res = k.close_day(kin.lines, kin.inst, part.day, kin.table)
    out = outputs(res, kin)
    return StageOutput(columns=res.lines, data=out, counts={
        "changed": int(res.line_changed.sum()), "statements": len(out.statements["line_id"])})


def _write(uow: UnitOfWork, part: Partition, result: StageOutput) -> dict[str, int]:
    out: PartitionOutput = result.data
    day = part.day
    uow.eod_columns.write(day, lines=out.lines, advanced=out.advanced, inst=out.inst,
                            statement_rows=out.statements)
    n_postings = 0
    if out.entry_line_ids:
        n_postings = uow.ledger.post_columns(
            entry_ids=new_entry_ids(len(out.entry_line_ids)), business_date=day, kind="eod",
            entry_line_ids=out.entry_line_ids, memo=f"end of day {day.isoformat()}",
            entry_index=out.entry_index, line_ids=out.posting_line_ids, accounts=out.accounts,
            amount_cents=out.amounts, memos=out.memos)
    return {"postings": int(n_postings)}


_NO_INSTALLMENTS: dict[str, Any] = {
    c: [] for c in ("line_id", "purchase_id", "billed", "interest_rate", *_INT_INST)}


def _stored_state(part: Partition) -> k.Columns:
    """The lines' state as the store holds it after the day, in the kernel's encoding: what
    this stage publishes, for a later stage that runs alone."""
    return prepare(part.frame, _NO_INSTALLMENTS).lines


SERVICING = Stage(
    KERNEL, compute=_compute, read=_read, write=_write, columns_from_store=_stored_state,
    description="accrue interest and penalties, bill installments, apply credit balances, "
                "age past due, cut statements, close paid-off closing lines; post to the "
                "ledger")
