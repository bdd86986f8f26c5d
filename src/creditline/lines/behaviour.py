"""Behaviour features of credit lines, as columns: what the B-card scores every day.

One pure function, :func:`behaviour_features`, turns what end of day knows about a
partition of lines (the kernel's new balances and days past due, the line's limit, its
recent purchases by merchant category, its last statements and its own feature history)
into one row of features per line.  The end-of-day stage (``batch.behaviour``) reads the
inputs in bulk and writes the rows to ``behaviour_scores``, keyed by line and business date,
so a model monitor (and the B-card's training script) reads the same history the strategy
decided on.  A partition of one line is the scalar path: there is no second implementation.

Money arrives in integer cents, dates as day numbers (``servicing.calendar.day_number``);
features are floats (shares, ratios) or whole numbers (days, counts, months), never money
arithmetic: nothing here is posted.

Which lines: end of day visits a line only when something can change on it (``next_eod``),
so a line is scored on every visited day: at least on its statement day every month, every
day while it accrues interest or is past due, and the day after any purchase, return or
repayment.  The maximum days past due over a window is the maximum over the rows kept in
that window and today's (a late line is visited daily, so none of its days is missing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The features, in the order the B-card and the table keep them.
FEATURES: tuple[str, ...] = (
    "utilisation",            # used principal / limit today (0 when the limit is 0)
    "utilisation_trend",      # today's utilisation less the one ~30 days ago (0: no row then)
    "payment_ratio",          # repaid / due over the last 3 statement cycles (1: nothing due)
    "max_dpd_3m", "max_dpd_6m", "max_dpd_12m",
    "months_on_book",
    "purchases_30d",          # count
    "purchase_velocity",      # spend of the last 30 days / monthly average of the last 90
    "return_frequency",       # purchases of the last 90 days with a return / all of them
    "installment_share",      # share of the last 90 days' spend put on installments
    "category_count_90d",     # distinct merchant categories in the last 90 days
    "top_category_share",     # the largest category's share of the last 90 days' spend
    "clean_cycles",           # newest statements in a row with nothing past due (max 12)
)
WHOLE = frozenset({"max_dpd_3m", "max_dpd_6m", "max_dpd_12m", "months_on_book",
                   "purchases_30d", "category_count_90d", "clean_cycles"})
STATEMENTS_KEPT = 12  # statements read per line (clean cycles count up to this)
DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class PurchaseRows:
    """The last 90 days' purchases grouped by (line, merchant category), as columns:
    ``line`` is the row of the line in the partition."""

    line: np.ndarray
    amount_90: np.ndarray  # cents
    amount_30: np.ndarray  # cents
    count_90: np.ndarray
    count_30: np.ndarray
    installment_amount_90: np.ndarray  # cents on more than one period
    returned_count_90: np.ndarray  # purchases with something returned

    @classmethod
    def empty(cls) -> PurchaseRows:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, z, z)


@dataclass(frozen=True)
class StatementRows:
    """Each line's newest statements, newest first (``rank`` 0), as columns."""

    line: np.ndarray
    rank: np.ndarray
    amount_due: np.ndarray  # cents
    repayments: np.ndarray  # cents repaid during the cycle the statement closes
    past_due: np.ndarray  # cents past due at the statement date
    statement_day: np.ndarray  # day number

    @classmethod
    def empty(cls) -> StatementRows:
        z = np.zeros(0, dtype=np.int64)
        return cls(z, z, z, z, z, z)


@dataclass(frozen=True)
class BehaviourInputs:
    """What the features are built from, one entry per line of the partition."""

    day: int  # the business day closed, as a day number
    limit: np.ndarray  # cents (the permanent limit)
    used: np.ndarray  # cents of principal owed, billed or not
    dpd: np.ndarray  # days past due after today's close
    opened: np.ndarray  # day number
    util_30d_ago: np.ndarray  # utilisation kept ~30 days ago; NaN: no row
    max_dpd_3m: np.ndarray  # over the kept rows; -1: none
    max_dpd_6m: np.ndarray
    max_dpd_12m: np.ndarray
    purchases: PurchaseRows
    statements: StatementRows

    def __len__(self) -> int:
        return len(self.limit)


def _per_line(n: int, line: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(n, dtype=np.float64)
    if len(line):
        np.add.at(out, line, values.astype(np.float64))
    return out


def _ratio(num: np.ndarray, den: np.ndarray, empty: float) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)


def behaviour_features(inp: BehaviourInputs) -> dict[str, np.ndarray]:
    """The feature columns of every line (see ``FEATURES``)."""
    n = len(inp)
    limit = inp.limit.astype(np.float64)
    util = np.clip(_ratio(inp.used.astype(np.float64), limit, 0.0), 0.0, 5.0)
    prev = inp.util_30d_ago.astype(np.float64)
    trend = np.where(np.isnan(prev), 0.0, util - np.nan_to_num(prev))
    dpd = inp.dpd.astype(np.int64)
    p = inp.purchases
    amount_90 = _per_line(n, p.line, p.amount_90)
    amount_30 = _per_line(n, p.line, p.amount_30)
    count_90 = _per_line(n, p.line, p.count_90)
    top = np.zeros(n, dtype=np.float64)
    cats = np.zeros(n, dtype=np.float64)
    if len(p.line):
        np.maximum.at(top, p.line, p.amount_90.astype(np.float64))
        np.add.at(cats, p.line, (p.count_90 > 0).astype(np.float64))
    monthly = amount_90 / 3.0
    features = {
        "utilisation": util,
        "utilisation_trend": trend,
        "payment_ratio": _payment_ratio(n, inp.statements),
        "max_dpd_3m": np.maximum(inp.max_dpd_3m, dpd),
        "max_dpd_6m": np.maximum(inp.max_dpd_6m, dpd),
        "max_dpd_12m": np.maximum(inp.max_dpd_12m, dpd),
        "months_on_book": np.floor((inp.day - inp.opened) / DAYS_PER_MONTH).astype(np.int64),
        "purchases_30d": _per_line(n, p.line, p.count_30).astype(np.int64),
        "purchase_velocity": _ratio(amount_30, monthly, 0.0),
        "return_frequency": _ratio(_per_line(n, p.line, p.returned_count_90), count_90, 0.0),
        "installment_share": _ratio(_per_line(n, p.line, p.installment_amount_90), amount_90,
                                    0.0),
        "category_count_90d": cats.astype(np.int64),
        "top_category_share": _ratio(top, amount_90, 0.0),
        "clean_cycles": clean_cycles(n, inp.statements),
    }
    return {k: features[k] for k in FEATURES}


def _payment_ratio(n: int, s: StatementRows) -> np.ndarray:
    """Over the last three cycles: what was repaid during each cycle, up to what the
    statement before it asked, over what those statements asked (1.0 when nothing was due).
    A statement's ``repayments`` are those of the cycle it closes, which paid the previous
    statement's amount due."""
    due = np.zeros((n, 4), dtype=np.float64)
    paid = np.zeros((n, 4), dtype=np.float64)
    keep = s.rank < 4
    if keep.any():
        due[s.line[keep], s.rank[keep]] = s.amount_due[keep]
        paid[s.line[keep], s.rank[keep]] = s.repayments[keep]
    asked = due[:, 1:4]  # the statements before the three newest
    met = np.minimum(paid[:, 0:3], asked)
    return _ratio(met.sum(axis=1), asked.sum(axis=1), 1.0)


def clean_cycles(n: int, s: StatementRows) -> np.ndarray:
    """How many of the newest statements in a row had nothing past due (0 .. kept)."""
    dirty = np.full(n, STATEMENTS_KEPT, dtype=np.int64)
    count = np.zeros(n, dtype=np.int64)
    if len(s.line):
        np.add.at(count, s.line, 1)
        bad = s.past_due > 0
        if bad.any():
            np.minimum.at(dirty, s.line[bad], s.rank[bad])
    return np.minimum(dirty, count)


def feature_frame(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The features as float columns, the form a scorecard scores."""
    return {k: np.asarray(columns[k], dtype=np.float64) for k in FEATURES}
