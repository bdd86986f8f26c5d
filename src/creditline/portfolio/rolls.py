"""Roll rates, flow rates, cure rates and the transition matrix between buckets, month end
to month end.

- Counts: for every pair of consecutive month ends, how many lines went from state ``i`` to
  state ``j`` (a line is counted in a pair only if it was on the book at both ends).
- Transition matrix (cohort method): the counts pooled over the periods, each row divided by
  its total -- the average one-month probability of moving from ``i`` to ``j`` weighted by
  how many lines started in ``i``.  Rows nobody started in are left empty (``None``).
- Roll rate of bucket ``k``: the share of lines in ``k`` that are in a worse state a month
  later.  Cure rate of a delinquent bucket: the share back to current (``M0``).
- Flow rate of bucket ``k`` (by balance, the collections manager's measure): the balance in
  ``k+1`` at a month end over the balance in ``k`` a month before, whoever it belongs to.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from creditline.portfolio.book import Book


def pairs(book: Book) -> pl.DataFrame:
    """One row per line and period: ``k`` (the period's first month end), ``src``, ``dst``."""
    h = book.history.select("line_id", "k", "state", "balance")
    nxt = h.select("line_id", (pl.col("k") - 1).alias("k"), pl.col("state").alias("dst"))
    return h.rename({"state": "src"}).join(nxt, on=["line_id", "k"])


def count_matrix(p: pl.DataFrame, n: int) -> np.ndarray:
    """``n x n`` transition counts pooled over every period in ``p``."""
    m = np.zeros((n, n), dtype=np.int64)
    if p.height:
        c = p.group_by("src", "dst").len()
        np.add.at(m, (c["src"].to_numpy(), c["dst"].to_numpy()), c["len"].to_numpy())
    return m


def transition_matrix(counts: np.ndarray) -> list[list[float | None]]:
    """Each row of the counts over its total (cohort method); empty rows stay ``None``."""
    out: list[list[float | None]] = []
    for row in counts:
        total = int(row.sum())
        out.append([round(float(x) / total, 6) for x in row] if total else [None] * len(row))
    return out


def roll_table(book: Book) -> dict[str, Any]:
    """Per period (``from`` month end -> ``to``): roll, cure and flow rates by bucket; and the
    pooled counts and transition matrix."""
    names = book.states.names
    n = len(names)
    wo = book.states.wo
    p = pairs(book)
    ends = book.month_ends
    bal = (book.history.group_by("k", "state").agg(pl.col("balance").sum()))
    bal_at = {(int(k), int(s)): int(b) for k, s, b in bal.iter_rows()}
    # every period's counts from one group-by (not one filter of the pairs per period)
    per = np.zeros((max(len(ends) - 1, 1), n, n), dtype=np.int64)
    if p.height:
        c = p.group_by("k", "src", "dst").len()
        np.add.at(per, (c["k"].to_numpy(), c["src"].to_numpy(), c["dst"].to_numpy()),
                  c["len"].to_numpy())
    periods = []
    for k in range(len(ends) - 1):
        m = per[k]
        roll, cure, flow = {}, {}, {}
        for i in range(wo):
            start = int(m[i].sum())
            roll[names[i]] = round(float(m[i, i + 1:].sum()) / start, 4) if start else None
            if i > 0:
                cure[names[i]] = round(float(m[i, 0]) / start, 4) if start else None
            before = bal_at.get((k, i), 0)
            after = bal_at.get((k + 1, i + 1), 0) if i + 1 < wo else None
            if after is not None:
                flow[f"{names[i]}->{names[i + 1]}"] = round(after / before, 4) if before else None
        periods.append({"from": ends[k].isoformat(), "to": ends[k + 1].isoformat(),
                        "lines": int(m.sum()), "roll": roll, "cure": cure, "flow": flow})
    counts = per.sum(axis=0)
    return {"states": names, "periods": periods, "counts": counts.tolist(),
            "matrix": transition_matrix(counts)}
