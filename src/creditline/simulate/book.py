"""The book as the demo reads it each morning: every credit line's state in one query, as
numpy columns of integer cents.

Why not ``servicing.services.get_line`` for each line: building 2,000 ``LineView``s costs
~0.2 s, which over 365 mornings is more than the whole time budget of the demo, while one
columnar read of the same fields costs ~10 ms.  The derived fields follow
``lines.line.Line`` exactly (``used``, ``available``, ``amount_due``, ``minimum_due``,
``total_owed``); ``tests/integration/test_demo.py`` pins them to ``LineView`` for every line
at the end of a short demo, so a change of meaning in servicing shows up there.

Only reads: every change to a line still goes through the servicing services.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import text

from creditline.simulate.behaviour import LineBook

_SQL = text(
    "SELECT id, customer_id, product, status, credit_limit, principal_unbilled, "
    "principal_billed, fee, interest_accrued, interest_billed, penalty, credit_balance, "
    "min_remaining, past_due, min_due_date, dpd, block_when_past_due, held "
    "FROM credit_lines ORDER BY id")

SME_PRODUCT = "sme_line"

# Days-past-due buckets of the month-end report: (label, lowest dpd, highest dpd).
DPD_BUCKETS: tuple[tuple[str, int, int], ...] = (
    ("current", 0, 0), ("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90),
    ("90+", 91, 1_000_000),
)


def _ordinal(value: Any) -> int:
    if value is None:
        return 0
    d = value if isinstance(value, date) else date.fromisoformat(str(value))
    return d.toordinal()


@dataclass(frozen=True)
class Book:
    """Every line (row i = ``line_id[i]``), money in integer cents."""

    line_id: list[str]
    customer_id: list[str]
    product: np.ndarray
    status: np.ndarray
    limit: np.ndarray
    principal_unbilled: np.ndarray
    principal_billed: np.ndarray
    fee: np.ndarray
    interest_accrued: np.ndarray
    interest_billed: np.ndarray
    penalty: np.ndarray
    credit_balance: np.ndarray
    min_remaining: np.ndarray
    past_due: np.ndarray
    due: np.ndarray  # min_due_date as a date ordinal; 0 = no statement yet
    dpd: np.ndarray
    block_when_past_due: np.ndarray
    held: np.ndarray  # purchases a real-time trigger holds for a reviewer (lines.triggers)

    def __len__(self) -> int:
        return len(self.line_id)

    @property
    def used(self) -> np.ndarray:
        return self.principal_unbilled + self.principal_billed

    @property
    def available(self) -> np.ndarray:
        return np.maximum(self.limit - self.used - self.held, 0)

    @property
    def total_owed(self) -> np.ndarray:
        return (self.principal_unbilled + self.principal_billed + self.fee
                + self.interest_accrued + self.interest_billed + self.penalty)

    @property
    def amount_due(self) -> np.ndarray:
        billed = self.principal_billed + self.fee + self.interest_billed + self.penalty
        return np.maximum(billed - self.credit_balance, 0)

    @property
    def minimum_due(self) -> np.ndarray:
        return self.past_due + self.min_remaining

    @property
    def open(self) -> np.ndarray:
        return self.status != "closed"

    @property
    def can_purchase(self) -> np.ndarray:
        """Active and not blocked for being past due (what the purchase service checks)."""
        return (self.status == "active") & ~(self.block_when_past_due & (self.past_due > 0))

    def consumer(self) -> Book:
        """The consumer lines only: the headline figures of the demo (an SME line's limit is
        ~100x a consumer line's, so a mixed book would show the firms alone; the
        enterprises have their own part, ``steps.sme``)."""
        keep = self.product != SME_PRODUCT
        if keep.all():
            return self
        pick = np.flatnonzero(keep).tolist()
        cols: dict[str, Any] = {f: getattr(self, f)[keep] for f in self.__dataclass_fields__
                                if f not in ("line_id", "customer_id")}
        return Book(line_id=[self.line_id[i] for i in pick],
                    customer_id=[self.customer_id[i] for i in pick], **cols)

    def rows(self, line_ids: Sequence[str]) -> np.ndarray:
        position = {lid: i for i, lid in enumerate(self.line_id)}
        return np.array([position[lid] for lid in line_ids], dtype=np.int64)

    def line_book(self, rows: np.ndarray) -> LineBook:
        """The behaviour model's view of the lines at ``rows`` (one per customer)."""
        return LineBook(limit=self.limit[rows], available=self.available[rows],
                        amount_due=self.amount_due[rows], minimum_due=self.minimum_due[rows],
                        due=self.due[rows], dpd=self.dpd[rows],
                        can_purchase=self.can_purchase[rows])

    def bucket(self) -> np.ndarray:
        """Index into ``DPD_BUCKETS`` for every line."""
        edges = np.array([lo for _, lo, _ in DPD_BUCKETS[1:]])
        return np.searchsorted(edges, self.dpd, side="right")


def read_book(uow: Any) -> Book:
    """One read of every line, inside a short read-only transaction."""
    with uow:
        rows = uow.session.execute(_SQL).all()
    cols = list(zip(*rows)) if rows else [()] * 18

    def ints(i: int) -> np.ndarray:
        return np.array(cols[i], dtype=np.int64)

    return Book(
        line_id=list(cols[0]), customer_id=list(cols[1]),
        product=np.array(cols[2], dtype=object), status=np.array(cols[3], dtype=object),
        limit=ints(4), principal_unbilled=ints(5), principal_billed=ints(6), fee=ints(7),
        interest_accrued=ints(8), interest_billed=ints(9), penalty=ints(10),
        credit_balance=ints(11), min_remaining=ints(12), past_due=ints(13),
        due=np.array([_ordinal(v) for v in cols[14]], dtype=np.int64), dpd=ints(15),
        block_when_past_due=np.array([bool(v) for v in cols[16]], dtype=bool), held=ints(17))
