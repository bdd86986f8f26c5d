"""Keeping the loss allowance equal to the ECL: the provision entry of one run.

The allowance is kept per **(product, stage)** cell, not per line: a provision posting per
line would add two postings per line and month to the journal (two million a month on a
million-line book) for a number that is an estimate of the whole book, not a receivable the
customer owes; the per-line ECL stays queryable in ``ecl_results`` (by run), which the
movement table reads.  Each cell's allowance balance is read from the ledger (a provision
posting's memo names its cell; a write-off that uses the allowance on a line counts in that
line's product, stage 3, where a written-off line sits), and the entry moves each cell to
its ECL: debit impairment expense / credit loss allowance for an increase, the reverse for a
release.  After it, the allowance account's balance equals the ECL total to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import polars as pl

from creditline.ledger.accounts import IMPAIRMENT_EXPENSE, LOSS_ALLOWANCE
from creditline.ledger.journal import EntryBuilder, JournalEntry

PROVISION = "provision"
PROVISION_MEMO = "ecl:"

Cell = tuple[str, int]  # (product, stage)


def cell_memo(product: str, stage: int) -> str:
    """The memo of a provision posting: ``ecl:<stage>:<product>`` (20 characters at most)."""
    return f"{PROVISION_MEMO}{stage}:{product}"[:20]


def parse_cell(memo: str) -> Cell | None:
    if not memo.startswith(PROVISION_MEMO):
        return None
    _, stage, product = memo.split(":", 2)
    return product, int(stage)


def target_cells(results: pl.DataFrame) -> dict[Cell, int]:
    """ECL (cents) per (product, stage) of a run's lines."""
    return {(str(p), int(s)): int(v) for p, s, v in
            results.group_by("product", "stage").agg(pl.col("ecl").sum()).iter_rows()}


def deltas(target: Mapping[Cell, int], balance: Mapping[Cell, int]) -> dict[Cell, int]:
    """What to post per cell (cents; positive = a charge, negative = a release) so every
    cell's allowance equals its ECL (a cell no longer in the book is released to zero)."""
    out = {}
    for cell in sorted(set(target) | set(balance)):
        d = target.get(cell, 0) - balance.get(cell, 0)
        if d:
            out[cell] = d
    return out


def provision_entry(moves: Mapping[Cell, int], entry_id: str, business_date: date,
                    run_id: str) -> JournalEntry | None:
    """One ``provision`` entry for the moves (None when nothing moves)."""
    b = EntryBuilder()
    for (product, stage), cents in sorted(moves.items()):
        amount = Decimal(abs(cents)).scaleb(-2)
        memo = cell_memo(product, stage)
        if cents > 0:
            b.move(IMPAIRMENT_EXPENSE, LOSS_ALLOWANCE, amount, memo)
        else:
            b.move(LOSS_ALLOWANCE, IMPAIRMENT_EXPENSE, amount, memo)
    if b.empty:
        return None
    return b.build(entry_id, business_date, PROVISION, ref=run_id,
                   memo=f"ECL provision, run {run_id}")
