"""The book read in bulk for the portfolio context (``portfolio.ports.PortfolioReader``):
five narrow SELECTs (lines with their customer and application, the bucket history,
statement balances, write-offs, unpaid principal by merchant category) handed back as Polars
frames with money in integer cents, plus the windows of scores and applications the early
warning compares and the alerts it keeps.

PostgreSQL streams each read with ``COPY (...) TO STDOUT`` as CSV, parsed by Polars (no
Python object per value); SQLite fetches tuples on the driver's own cursor.  Both run inside
the unit of work's transaction."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from creditline.portfolio.book import (
    CATEGORY_SCHEMA,
    INTERVAL_SCHEMA,
    LINE_SCHEMA,
    STATEMENT_SCHEMA,
    WRITEOFF_SCHEMA,
    BookInputs,
)
from creditline.store.tables.portfolio import portfolio_alerts as pa
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

Schema = dict[str, Any]

_LINES = """
SELECT l.id AS line_id, l.customer_id, l.product, c.kind, l.status, l.opened_on,
       l.credit_limit AS "limit",
       l.principal_unbilled + l.principal_billed + l.fee + l.interest_accrued
         + l.interest_billed + l.penalty AS balance,
       l.principal_unbilled + l.principal_billed AS used,
       l.past_due, l.dpd, l.last_eod, c.industry, c.region, a.channel, a.band
FROM credit_lines l
JOIN customers c ON c.id = l.customer_id
LEFT JOIN applications a ON a.line_id = l.id
WHERE l.opened_on <= {as_of}"""

_INTERVALS = """
SELECT line_id, bucket, entered_on, left_on FROM bucket_history WHERE entered_on <= {as_of}"""

_STATEMENTS = """
SELECT line_id, statement_date, closing FROM statements WHERE statement_date <= {as_of}"""

# the losses context's write-offs: journal entries of kind write_off (what they took off the
# book: the sum of their debits) not reversed by the date, and collection cases closed as
# written_off
_WRITEOFFS = """
SELECT e.line_id, e.business_date AS written_off_on, SUM(p.amount) AS amount
FROM journal_entries e JOIN postings p ON p.entry_id = e.id
WHERE e.kind = 'write_off' AND e.reverses IS NULL AND p.amount > 0
  AND e.line_id IS NOT NULL AND e.business_date <= {as_of}
  AND NOT EXISTS (SELECT 1 FROM journal_entries r
                  WHERE r.reverses = e.id AND r.business_date <= {as_of})
GROUP BY e.line_id, e.business_date
UNION ALL
SELECT line_id, closed_on AS written_off_on, balance AS amount
FROM collection_cases WHERE status = 'written_off' AND closed_on <= {as_of}"""

_CATEGORIES = """
SELECT p.merchant_category AS category, SUM(i.p_sched - i.p_paid) AS outstanding
FROM installments i JOIN purchases p ON p.id = i.purchase_id
WHERE NOT i.settled
GROUP BY p.merchant_category"""


class SqlPortfolioReader:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.pg = uow.is_postgres

    # ----- bulk reads
    def _frame(self, sql: str, schema: Schema, as_of: date | None = None) -> pl.DataFrame:
        """Run one read; dates are bound as a literal (``as_of`` is a ``date``, never text
        from outside)."""
        literal = "NULL" if as_of is None else f"DATE '{as_of.isoformat()}'"
        if not self.pg and as_of is not None:
            literal = f"'{as_of.isoformat()}'"
        query = sql.format(as_of=literal)
        cur = self.s.connection().connection.cursor()
        try:
            if self.pg:
                with cur.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)") as cp:
                    data = b"".join(bytes(chunk) for chunk in cp)
                if not data.strip():
                    return pl.DataFrame(schema=schema)
                return pl.read_csv(io.BytesIO(data), schema=schema)
            cur.execute(query)
            rows = cur.fetchall()
        finally:
            cur.close()
        text = {k: (pl.String if v == pl.Date else v) for k, v in schema.items()}
        f = pl.DataFrame(rows, schema=text, orient="row")
        return f.with_columns(pl.col(k).str.slice(0, 10).str.to_date("%Y-%m-%d")
                              for k, v in schema.items() if v == pl.Date)

    def book_inputs(self, as_of: date) -> BookInputs:
        lines = self._frame(_LINES, LINE_SCHEMA, as_of).unique("line_id", keep="first",
                                                               maintain_order=True)
        return BookInputs(
            lines=lines,
            intervals=self._frame(_INTERVALS, INTERVAL_SCHEMA, as_of),
            statements=self._frame(_STATEMENTS, STATEMENT_SCHEMA, as_of),
            writeoffs=self._frame(_WRITEOFFS, WRITEOFF_SCHEMA, as_of),
            categories=self._frame(_CATEGORIES, CATEGORY_SCHEMA))

    # ----- what the early warning compares
    def application_counts(self, first: date, last: date) -> tuple[int, int]:
        """(approved, decided) applications created on the UTC days ``first..last``."""
        from sqlalchemy import func

        from creditline.store.tables.origination import applications as ap
        lo, hi = _day_bounds(first, last)
        rows = self.s.execute(select(ap.c.status, func.count()).where(
            ap.c.created_at >= lo, ap.c.created_at < hi,
            ap.c.status.in_(("approved", "declined"))).group_by(ap.c.status)).all()
        n = {r[0]: int(r[1]) for r in rows}
        return n.get("approved", 0), n.get("approved", 0) + n.get("declined", 0)

    def a_scores(self, first: date, last: date) -> np.ndarray:
        from creditline.store.tables.origination import applications as ap
        lo, hi = _day_bounds(first, last)
        rows = self.s.execute(select(ap.c.score).where(
            ap.c.created_at >= lo, ap.c.created_at < hi, ap.c.score.is_not(None))).scalars()
        return np.fromiter((float(x) for x in rows), dtype=np.float64)

    def b_scores(self, first: date, last: date) -> np.ndarray:
        """Each line's latest B-score in the days ``first..last``."""
        from sqlalchemy import func

        from creditline.store.tables.behaviour import behaviour_scores as bs
        latest = (select(bs.c.line_id, func.max(bs.c.business_date).label("d"))
                  .where(bs.c.business_date >= first, bs.c.business_date <= last,
                         bs.c.score.is_not(None)).group_by(bs.c.line_id).subquery())
        rows = self.s.execute(select(bs.c.score).join(
            latest, (latest.c.line_id == bs.c.line_id) & (latest.c.d == bs.c.business_date))
        ).scalars()
        return np.fromiter((float(x) for x in rows), dtype=np.float64)

    # ----- alerts
    def add_alerts(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.s.execute(insert(pa), rows)

    def alerts(self, business_date: date | None = None, limit: int = 500) -> list[dict[str, Any]]:
        q = select(pa)
        if business_date is not None:
            q = q.where(pa.c.business_date == business_date)
        q = q.order_by(pa.c.business_date.desc(), pa.c.created_at.desc(), pa.c.id).limit(limit)
        out = []
        for r in self.s.execute(q):
            d = dict(r._mapping)
            d["created_at"] = aware(d["created_at"])
            out.append(d)
        return out


def _day_bounds(first: date, last: date) -> tuple[Any, Any]:
    from datetime import UTC, datetime, time, timedelta

    return (datetime.combine(first, time(0), tzinfo=UTC),
            datetime.combine(last + timedelta(days=1), time(0), tzinfo=UTC))
