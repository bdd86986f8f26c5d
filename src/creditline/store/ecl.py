"""Expected credit loss in SQL (``portfolio.ecl_ports.EclRepository``): bulk reads of the book
as Polars frames (PostgreSQL streams them with ``COPY ... TO STDOUT`` as CSV; SQLite fetches
tuples on the driver's cursor), and the runs with their per-line results written in bulk
(COPY on PostgreSQL, the driver's ``executemany`` on SQLite)."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import polars as pl
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from creditline.ledger.accounts import LOSS_ALLOWANCE
from creditline.portfolio.allowance import parse_cell
from creditline.portfolio.ecl_ports import EclRunRecord
from creditline.store.tables.ecl import ecl_results, ecl_runs
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

RESULT_COLUMNS: tuple[str, ...] = (
    "run_id", "line_id", "product", "kind", "industry", "region", "stage", "triggers", "dpd",
    "score_drop", "pd_12m", "pd_lifetime", "lgd", "ccf", "drawn", "undrawn", "ead", "ecl", "el_12m")
_GROSS = ("(l.principal_unbilled + l.principal_billed + l.fee + l.interest_accrued "
          "+ l.interest_billed + l.penalty - l.credit_balance)")


class SqlEclRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    @property
    def _pg(self) -> bool:
        return str(self.s.get_bind().dialect.name) == "postgresql"

    def _p(self, name: str) -> str:
        return f"%({name})s" if self._pg else f":{name}"

    def _d(self, d: date) -> Any:
        return d if self._pg else d.isoformat()

    def _frame(self, sql: str, params: dict[str, Any], schema: dict[str, Any]) -> pl.DataFrame:
        """Run a read on the session's own connection and hand back a frame with ``schema``
        (dates arrive as ISO text and are parsed here)."""
        raw_schema = {k: (pl.Utf8 if v == pl.Date else v) for k, v in schema.items()}
        cur = self.s.connection().connection.cursor()
        try:
            if self._pg:
                with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)",
                              params) as cp:
                    data = b"".join(bytes(chunk) for chunk in cp)
                frame = (pl.read_csv(io.BytesIO(data), schema=raw_schema)
                         if data.count(b"\n") > 1 else pl.DataFrame(schema=raw_schema))
            else:
                cur.execute(sql, params)
                frame = pl.DataFrame(cur.fetchall(), schema=raw_schema, orient="row")
        finally:
            cur.close()
        dates = [k for k, v in schema.items() if v == pl.Date]
        return frame.with_columns(pl.col(c).str.slice(0, 10).str.to_date() for c in dates) \
            if dates else frame

    # ----- the book
    def book(self, as_of: date) -> pl.DataFrame:
        p = self._p
        lines = self._frame(
            f"SELECT l.id AS line_id, l.product, c.kind, c.industry, c.region, l.status, "
            f"l.opened_on, l.dpd, {_GROSS} AS drawn, "
            f"(l.credit_limit - l.principal_unbilled - l.principal_billed) AS limit_unused, "
            f"CASE WHEN l.restructured THEN 1 ELSE 0 END AS restructured, "
            f"CASE WHEN l.status = 'frozen' THEN 1 ELSE 0 END AS frozen, "
            f"CASE WHEN sf.flagged THEN 1 ELSE 0 END AS sector_watch "
            f"FROM credit_lines l JOIN customers c ON c.id = l.customer_id "
            f"LEFT JOIN sector_flags sf ON sf.industry = c.industry AND c.kind = 'enterprise' "
            f"WHERE l.opened_on <= {p('d')} AND (l.status <> 'closed' OR {_GROSS} <> 0) "
            f"ORDER BY l.id", {"d": self._d(as_of)},
            {"line_id": pl.Utf8, "product": pl.Utf8, "kind": pl.Utf8, "industry": pl.Utf8,
             "region": pl.Utf8, "status": pl.Utf8, "opened_on": pl.Date, "dpd": pl.Int64,
             "drawn": pl.Int64, "limit_unused": pl.Int64, "restructured": pl.Int64,
             "frozen": pl.Int64, "sector_watch": pl.Int64})
        scores = self._frame(
            f"SELECT b.line_id, b.business_date, b.score, b.pd FROM behaviour_scores b "
            f"JOIN (SELECT line_id, MIN(business_date) AS lo, MAX(business_date) AS hi "
            f"FROM behaviour_scores WHERE business_date <= {p('d')} AND score IS NOT NULL "
            f"GROUP BY line_id) m ON m.line_id = b.line_id "
            f"AND (b.business_date = m.lo OR b.business_date = m.hi)",
            {"d": self._d(as_of)},
            {"line_id": pl.Utf8, "business_date": pl.Date, "score": pl.Float64,
             "pd": pl.Float64})
        ends = scores.group_by("line_id").agg(
            pl.col("score").sort_by("business_date").first().alias("score_first"),
            pl.col("score").sort_by("business_date").last().alias("score_last"),
            pl.col("pd").sort_by("business_date").last().alias("pd_bcard"))
        wo = self._frame(
            f"SELECT DISTINCT COALESCE(p.line_id, e.line_id) AS line_id FROM journal_entries e "
            f"JOIN postings p ON p.entry_id = e.id WHERE e.kind = 'write_off' "
            f"AND e.business_date <= {p('d')}", {"d": self._d(as_of)}, {"line_id": pl.Utf8})
        return (lines.join(ends, on="line_id", how="left", maintain_order="left")
                .join(wo.drop_nulls().unique().with_columns(pl.lit(True).alias("written_off")),
                      on="line_id", how="left", maintain_order="left")
                .with_columns(pl.col("written_off").fill_null(False),
                              *(pl.col(c).cast(pl.Boolean)
                                for c in ("restructured", "frozen", "sector_watch"))))

    def spells(self, as_of: date) -> pl.DataFrame:
        return self._frame(
            f"SELECT line_id, bucket, entered_on, left_on, entered_balance FROM bucket_history "
            f"WHERE entered_on <= {self._p('d')}", {"d": self._d(as_of)},
            {"line_id": pl.Utf8, "bucket": pl.Utf8, "entered_on": pl.Date, "left_on": pl.Date,
             "entered_balance": pl.Int64})

    def population(self) -> pl.DataFrame:
        return self._frame("SELECT id AS line_id, opened_on FROM credit_lines", {},
                           {"line_id": pl.Utf8, "opened_on": pl.Date})

    def _debits(self, kind: str, as_of: date) -> str:
        return (f"SELECT COALESCE(p.line_id, e.line_id) AS line_id, SUM(p.amount) AS amt "
                f"FROM journal_entries e JOIN postings p ON p.entry_id = e.id "
                f"WHERE e.kind = '{kind}' AND p.amount > 0 AND e.business_date <= "
                f"{self._p('d')} GROUP BY COALESCE(p.line_id, e.line_id)")

    def write_offs(self, as_of: date) -> pl.DataFrame:
        return self._frame(
            f"SELECT w.line_id, l.product, w.amt AS written_off, COALESCE(r.amt, 0) AS recovered "
            f"FROM ({self._debits('write_off', as_of)}) w "
            f"JOIN credit_lines l ON l.id = w.line_id "
            f"LEFT JOIN ({self._debits('recovery', as_of)}) r ON r.line_id = w.line_id",
            {"d": self._d(as_of)},
            {"line_id": pl.Utf8, "product": pl.Utf8, "written_off": pl.Int64,
             "recovered": pl.Int64})

    def written_off_between(self, after: date, through: date) -> list[str]:
        p = self._p
        f = self._frame(
            f"SELECT DISTINCT COALESCE(p.line_id, e.line_id) AS line_id FROM journal_entries e "
            f"JOIN postings p ON p.entry_id = e.id WHERE e.kind = 'write_off' "
            f"AND e.business_date > {p('a')} AND e.business_date <= {p('b')}",
            {"a": self._d(after), "b": self._d(through)}, {"line_id": pl.Utf8})
        return sorted(x for x in f["line_id"].to_list() if x is not None)

    def allowance_cells(self) -> dict[tuple[str, int], int]:
        rows = self._frame(
            f"SELECT p.memo, l.product, SUM(p.amount) AS amt FROM postings p "
            f"LEFT JOIN credit_lines l ON l.id = p.line_id "
            f"WHERE p.account = '{LOSS_ALLOWANCE}' GROUP BY p.memo, l.product", {},
            {"memo": pl.Utf8, "product": pl.Utf8, "amt": pl.Int64})
        out: dict[tuple[str, int], int] = defaultdict(int)
        for memo, product, amt in rows.iter_rows():
            cell = parse_cell(memo or "")
            key = cell if cell is not None else (product or "?", 3)
            out[key] += -int(amt)  # a contra-asset: a credit balance is the allowance
        return dict(out)

    def schedule(self, as_of: date, months: int) -> pl.DataFrame:
        p = self._p
        until = date(as_of.year + (as_of.month + months) // 12 + 1, 1, 1)
        f = self._frame(
            f"SELECT line_id, due_date, (p_sched - p_paid + f_sched - f_paid) AS amount "
            f"FROM installments WHERE NOT settled AND due_date > {p('d')} "
            f"AND due_date < {p('u')}", {"d": self._d(as_of), "u": self._d(until)},
            {"line_id": pl.Utf8, "due_date": pl.Date, "amount": pl.Int64})
        base = as_of.year * 12 + as_of.month
        return (f.with_columns((pl.col("due_date").dt.year().cast(pl.Int64) * 12
                                + pl.col("due_date").dt.month().cast(pl.Int64) - base)
                               .alias("month"))
                .filter((pl.col("month") >= 1) & (pl.col("month") <= months)
                        & (pl.col("amount") > 0))
                .select("line_id", "month", "amount"))

    def recent_draws(self, as_of: date, days: int) -> int:
        p = self._p
        f = self._frame(
            f"SELECT COALESCE(SUM(amount - returned), 0) AS v FROM purchases "
            f"WHERE made_on > {p('a')} AND made_on <= {p('b')}",
            {"a": self._d(as_of - timedelta(days=days)), "b": self._d(as_of)}, {"v": pl.Int64})
        return int(f["v"][0] or 0) if f.height else 0

    # ----- runs
    def save_run(self, run: EclRunRecord, results: pl.DataFrame) -> None:
        self.s.execute(insert(ecl_runs).values(
            id=run.id, as_of=run.as_of, created_at=run.created_at, actor=run.actor,
            source=run.source, staging_rules=run.staging_rules, parameters=run.parameters,
            lines=run.lines, ead=run.ead, ecl=run.ecl, model=run.model,
            journal_entry=run.journal_entry))
        if results.is_empty():
            return
        frame = results.with_columns(pl.lit(run.id).alias("run_id")).select(RESULT_COLUMNS)
        cur = self.s.connection().connection.cursor()
        try:
            if self._pg:
                buf = io.BytesIO()
                frame.write_csv(buf, include_header=False, null_value="\\N", separator="\t",
                                quote_style="never")
                with cur.copy(f"COPY ecl_results ({', '.join(RESULT_COLUMNS)}) FROM STDIN") as cp:
                    cp.write(buf.getvalue())
            else:
                cur.executemany(
                    f"INSERT INTO ecl_results ({', '.join(RESULT_COLUMNS)}) VALUES "
                    f"({', '.join('?' * len(RESULT_COLUMNS))})", frame.rows())
        finally:
            cur.close()

    def _record(self, r: Any) -> EclRunRecord:
        return EclRunRecord(id=r.id, as_of=r.as_of, created_at=aware(r.created_at) or r.created_at,
                            actor=r.actor, source=r.source, staging_rules=r.staging_rules,
                            parameters=r.parameters, lines=r.lines, ead=Decimal(r.ead),
                            ecl=Decimal(r.ecl), model=dict(r.model or {}),
                            journal_entry=r.journal_entry)

    def runs(self, limit: int = 50) -> list[EclRunRecord]:
        q = select(ecl_runs).order_by(ecl_runs.c.as_of.desc(), ecl_runs.c.created_at.desc(),
                                      ecl_runs.c.id.desc()).limit(limit)
        return [self._record(r) for r in self.s.execute(q)]

    def run(self, run_id: str) -> EclRunRecord | None:
        r = self.s.execute(select(ecl_runs).where(ecl_runs.c.id == run_id)).first()
        return None if r is None else self._record(r)

    def latest_run(self, on_or_before: date | None = None) -> EclRunRecord | None:
        q = select(ecl_runs)
        if on_or_before is not None:
            q = q.where(ecl_runs.c.as_of <= on_or_before)
        r = self.s.execute(q.order_by(ecl_runs.c.as_of.desc(), ecl_runs.c.created_at.desc(),
                                      ecl_runs.c.id.desc()).limit(1)).first()
        return None if r is None else self._record(r)

    def results(self, run_id: str) -> pl.DataFrame:
        cols = [c for c in RESULT_COLUMNS if c != "run_id"]
        types = {c: ecl_results.c[c].type for c in cols}
        schema = {c: (pl.Float64 if type(t).__name__ == "Float" else pl.Utf8
                      if type(t).__name__ == "String" else pl.Int64) for c, t in types.items()}
        return self._frame(
            f"SELECT {', '.join(cols)} FROM ecl_results WHERE run_id = {self._p('r')} "
            f"ORDER BY line_id", {"r": run_id}, schema)
