"""End of day's column I/O in SQL (``servicing.ports.EodColumns``): the bulk reads and
writes of a partition of lines, as columns (money in cents, dates as day numbers), and the
cached balances the ledger check compares.

Locking: end of day locks the lines of each partition it loads, in id order
(``lines(..., lock=True)``: ``FOR UPDATE`` on PostgreSQL; SQLite serialises writers).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from creditline.store.tables.servicing import credit_lines, installments
from creditline.store.types import from_cents

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

# (line id, permanent limit, temporary amount, start, end) of a lapsed temporary limit
LapsedLimit = tuple[str, Decimal, Decimal, date, date]
_HOLD_NEXT = (update(credit_lines).where(credit_lines.c.id == bindparam("k_id"))
              .values(next_eod=bindparam("next")))

_TEXT_COLUMNS = ("line_id", "status", "penalty_rate", "min_share", "waterfall", "purchase_id",
                 "interest_rate")


def _csv_columns(data: bytes) -> dict[str, Any]:
    """PostgreSQL CSV (with a header) to columns: text as Python lists, the rest numpy."""
    table = pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(
        column_types={c: pa.string() for c in _TEXT_COLUMNS},
        true_values=["t"], false_values=["f"]))
    out: dict[str, Any] = {}
    for name in table.column_names:
        col = table.column(name)
        if name in _TEXT_COLUMNS:
            out[name] = col.to_pylist()
        else:
            out[name] = col.to_numpy()
    return out


class SqlEodColumns:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    @property
    def dialect(self) -> str:
        return str(self.s.get_bind().dialect.name)

    # ----- end of day, in bulk
    def _day(self, col: str) -> str:
        if self.dialect == "postgresql":
            return f"COALESCE(({col} - DATE '1970-01-01'), -1)"
        return f"COALESCE(CAST(julianday({col}) - 2440587.5 AS INTEGER), -1)"

    def oldest_pending(self, through: date) -> date | None:
        """The earliest ``last_eod`` among open lines still behind ``through``."""
        row = self.s.execute(text(
            "SELECT MIN(last_eod) FROM credit_lines WHERE status <> 'closed' AND last_eod < :d"),
            {"d": through}).first()
        if row is None or row[0] is None:
            return None
        v = row[0]
        return v if isinstance(v, date) else date.fromisoformat(str(v))

    def _p(self, name: str) -> str:
        """A named placeholder in the driver's own style."""
        return f"%({name})s" if self.dialect == "postgresql" else f":{name}"

    def _in(self, column: str, values: Sequence[str], params: dict[str, Any]) -> str:
        names = [f"in{i}" for i in range(len(values))]
        params.update(zip(names, values))
        return f"{column} IN ({', '.join(self._p(n) for n in names)})"

    def skip(self, day: date) -> int:
        """Close ``day`` in one statement for the open lines with nothing due before their
        next visit (``next_eod`` after ``day``): their state cannot change today, so only
        ``last_eod`` moves.  Returns how many lines it closed."""
        res = self.s.execute(text(
            "UPDATE credit_lines SET last_eod = :d WHERE status <> 'closed' AND last_eod = :prev "
            "AND next_eod IS NOT NULL AND next_eod > :d"),
            {"d": self._date(day), "prev": self._date(day - timedelta(days=1))})
        return int(res.rowcount or 0)  # type: ignore[attr-defined]  # SQLAlchemy types Session.execute() as Result; rowcount is on the CursorResult it returns

    def lines(self, day: date, *, after: str | None = None, limit: int | None = None,
                  line_ids: Sequence[str] | None = None, lock: bool = True) -> dict[str, list[Any]]:
        """The lines whose last closed day is ``day - 1``, as columns (money in cents, dates
        as day numbers, -1 for none), in id order."""
        d, p = self._day, self._p
        cols = (f"id AS line_id, status, statement_day AS stmt_day, grace_days AS grace, "
                f"penalty_rate, min_share, min_floor, waterfall, {d('opened_on')} AS opened, "
                f"credit_balance AS credit, min_remaining, {d('min_due_date')} AS min_due, "
                f"past_due, {d('past_due_since')} AS past_due_since, dpd, "
                f"{d('last_statement_date')} AS last_stmt, stmt_opening, cyc_purchases, "
                f"cyc_returns, cyc_repayments, cyc_fees, cyc_interest, cyc_penalties, "
                f"{d('last_eod')} AS last_eod, {d('next_eod')} AS next, "
                f"{d('temp_limit_end')} AS temp_end, "
                f"principal_unbilled, principal_billed, fee, "
                f"interest_accrued, interest_billed, penalty")
        params: dict[str, Any] = {"prev": self._date(day - timedelta(days=1))}
        where = f"status <> 'closed' AND last_eod = {p('prev')}"
        if after is not None:
            where += f" AND id > {p('after')}"
            params["after"] = after
        if line_ids is not None:
            where += " AND " + self._in("id", line_ids, params)
        sql = f"SELECT {cols} FROM credit_lines WHERE {where} ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if lock and self.dialect == "postgresql":
            sql += " FOR UPDATE"
        return self._columns(sql, params)

    def pending_ids(self, day: date) -> list[str]:
        """The ids of the lines whose last closed day is ``day - 1``, in id order."""
        rows = self.s.execute(text(
            "SELECT id FROM credit_lines WHERE status <> 'closed' AND last_eod = :prev "
            "ORDER BY id"), {"prev": self._date(day - timedelta(days=1))})
        return [r[0] for r in rows]

    def installments(self, first_id: str, last_id: str,
                         line_ids: Sequence[str] | None = None,
                         day: date | None = None) -> dict[str, list[Any]]:
        """Unsettled installments of the lines with ids in [first_id, last_id], with their
        purchase's daily interest rate, as columns.  With ``day``, only those of lines still
        to close that day (``last_eod`` the day before): once quiet lines are skipped, the
        lines visited are sparse in the id range and the rest would be read for nothing."""
        d, p = self._day, self._p
        params: dict[str, Any] = {"lo": first_id, "hi": last_id}
        sql = (f"SELECT i.purchase_id, i.seq, i.line_id, {d('i.bill_date')} AS bill, "
               f"{d('i.due_date')} AS due, i.billed, p.interest_rate AS interest_rate, "
               f"i.p_sched, i.p_paid, i.f_sched, i.f_paid, i.i_amt, i.i_paid, i.i_carry, "
               f"i.pen_amt, i.pen_paid, i.pen_carry "
               f"FROM installments i JOIN purchases p ON p.id = i.purchase_id "
               f"WHERE NOT i.settled AND i.line_id >= {p('lo')} AND i.line_id <= {p('hi')}")
        if line_ids is not None:
            sql += " AND " + self._in("i.line_id", line_ids, params)
        if day is not None:
            params["prev"] = self._date(day - timedelta(days=1))
            sql += (f" AND i.line_id IN (SELECT id FROM credit_lines WHERE id >= {p('lo')} "
                    f"AND id <= {p('hi')} AND last_eod = {p('prev')} AND status <> 'closed')")
        return self._columns(sql, params)

    def _date(self, d: date) -> Any:
        return d if self.dialect == "postgresql" else d.isoformat()

    def _columns(self, sql: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run a read and hand back columns.  PostgreSQL streams it with ``COPY ... TO
        STDOUT`` and Arrow parses the CSV (no Python object per value); SQLite fetches
        tuples on the driver's own cursor (no SQLAlchemy Row objects)."""
        cur = self._cursor()
        try:
            if self.dialect == "postgresql":
                with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true)",
                              params) as cp:
                    data = b"".join(bytes(chunk) for chunk in cp)
                return _csv_columns(data)
            cur.execute(sql, params)
            names = [d[0] for d in cur.description]
            rows = cur.fetchall()
        finally:
            cur.close()
        if not rows:
            return {n: [] for n in names}
        return dict(zip(names, map(list, zip(*rows))))

    def _cursor(self) -> Any:
        """A cursor of this session's own DBAPI connection, inside its transaction."""
        return self.s.connection().connection.cursor()

    def write(self, day: date, *, lines: dict[str, list[Any]], advanced: list[str],
                  inst: dict[str, list[Any]], statement_rows: dict[str, list[Any]]) -> None:
        """Write back one partition's end of day (postings go through the ledger).  Columns
        carry database column names, money in cents and dates as ISO text (None = null).
        PostgreSQL: COPY into temporary tables and one ``UPDATE ... FROM`` per table;
        SQLite: one ``executemany`` per table."""
        pg = self.dialect == "postgresql"
        if lines["id"]:
            self._update_many("credit_lines", lines, ("id",), "version = version + 1", pg)
        if advanced:
            cur = self._cursor()
            try:
                if pg:
                    cur.execute("UPDATE credit_lines SET last_eod = %s WHERE id = ANY(%s)",
                                (day, advanced))
                elif len(advanced) <= 500:
                    cur.execute(f"UPDATE credit_lines SET last_eod = ? WHERE id IN "
                                f"({', '.join('?' * len(advanced))})", [day.isoformat(), *advanced])
                else:
                    # SQLite serialises writers, so the lines of the partition's id range still
                    # at the day before are exactly the ones loaded and left unchanged.
                    cur.execute("UPDATE credit_lines SET last_eod = ? WHERE id >= ? AND id <= ? "
                                "AND last_eod = ? AND status <> 'closed'",
                                (day.isoformat(), advanced[0], advanced[-1],
                                 (day - timedelta(days=1)).isoformat()))
            finally:
                cur.close()
        if inst["purchase_id"]:
            self._update_many("installments", inst, ("purchase_id", "seq"), "", pg)
        if statement_rows["line_id"]:
            cols = list(statement_rows)
            if pg:
                self._copy("statements", cols, statement_rows)
            else:
                cur = self._cursor()
                try:
                    cur.executemany(f"INSERT INTO statements ({', '.join(cols)}) VALUES "
                                    f"({', '.join('?' * len(cols))})",
                                    list(zip(*(statement_rows[c] for c in cols))))
                finally:
                    cur.close()

    def _update_many(self, table: str, data: dict[str, list[Any]], keys: tuple[str, ...],
                     extra: str, pg: bool) -> None:
        cols = [c for c in data if c not in keys]
        cur = self._cursor()
        try:
            if pg:
                types = {c.name: c.type.compile(dialect=self.s.get_bind().dialect)
                         for c in (credit_lines if table == "credit_lines" else installments).columns}
                temp = f"_eod_{table}"
                cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {temp} "
                            f"({', '.join(f'{c} {types[c]}' for c in (*keys, *cols))}) "
                            f"ON COMMIT DELETE ROWS")
                cur.execute(f"TRUNCATE {temp}")
                self._copy(temp, [*keys, *cols], data)
                sets = ", ".join(f"{c} = u.{c}" for c in cols)
                where = " AND ".join(f"t.{k} = u.{k}" for k in keys)
                cur.execute(f"UPDATE {table} t SET {sets}{', ' + extra if extra else ''} "
                            f"FROM {temp} u WHERE {where}")
            else:
                sets = ", ".join(f"{c} = ?" for c in cols) + (f", {extra}" if extra else "")
                where = " AND ".join(f"{k} = ?" for k in keys)
                cur.executemany(f"UPDATE {table} SET {sets} WHERE {where}",
                                list(zip(*(data[c] for c in (*cols, *keys)))))
        finally:
            cur.close()

    def _copy(self, table: str, cols: list[str], data: dict[str, list[Any]]) -> None:
        """PostgreSQL COPY of columns (text format; None is NULL, booleans t/f)."""
        def text_of(v: Any) -> str:
            if v is None:
                return "\\N"
            if isinstance(v, bool):
                return "t" if v else "f"
            return str(v)

        def column_text(values: list[Any]) -> Any:
            # most columns hold neither NULLs nor booleans: str in C, not a call per value
            if any(v is None or isinstance(v, bool) for v in values):
                return map(text_of, values)
            return map(str, values)

        n = len(data[cols[0]]) if cols else 0
        buf = "\n".join(map("\t".join, zip(*(column_text(data[c]) for c in cols)))) + \
            ("\n" if n else "")
        cur = self._cursor()
        try:
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                cp.write(buf)
        finally:
            cur.close()

    # ----- temporary limits (the lapse stage, ``batch.temporary_limits``)
    def lapse_temporary_limits(self, line_ids: Sequence[str]) -> list[LapsedLimit]:
        """Clear the temporary limit of these lines (in one UPDATE, bumping ``version`` as
        any change of the line does) and hand back what each had: (line id, permanent
        limit, temporary amount, start, end).  Lines without one are left alone."""
        c = credit_lines.c
        out: list[LapsedLimit] = []
        for k in range(0, len(line_ids), 10_000):  # within SQLite's bound-parameter limit
            chunk = list(line_ids[k:k + 10_000])
            rows = self.s.execute(
                select(c.id, c.credit_limit, c.temp_limit, c.temp_limit_start, c.temp_limit_end)
                .where(c.id.in_(chunk), c.temp_limit.is_not(None)).order_by(c.id)).all()
            if rows:
                self.s.execute(update(credit_lines).where(c.id.in_([r[0] for r in rows]))
                               .values(temp_limit=None, temp_limit_start=None,
                                       temp_limit_end=None, version=c.version + 1))
            out.extend((r[0], r[1], r[2], r[3], r[4]) for r in rows)
        return out

    def hold_next_visit(self, line_ids: Sequence[str], days: Sequence[date]) -> None:
        """Bring these lines' next visit (``next_eod``) forward to the given days: end of
        day must not skip a line on the day its temporary limit lapses."""
        if not line_ids:
            return
        if self.dialect == "postgresql":  # one statement: a busy day holds most of a partition
            cur = self._cursor()
            try:
                cur.execute("UPDATE credit_lines SET next_eod = u.d FROM unnest(%s::text[], "
                            "%s::date[]) AS u(id, d) WHERE credit_lines.id = u.id",
                            (list(line_ids), list(days)))
            finally:
                cur.close()
            return
        self.s.execute(_HOLD_NEXT, [{"k_id": i, "next": d} for i, d in zip(line_ids, days)])

    # ----- reconciliation (ledger check)
    def cached_balances(self) -> dict[str, dict[str, Decimal]]:
        names = ("principal_unbilled", "principal_billed", "fee", "interest_accrued",
                 "interest_billed", "penalty", "credit_balance")
        rows = self.s.execute(select(credit_lines.c.id, *(credit_lines.c[n] for n in names)))
        return {r[0]: dict(zip(names, r[1:])) for r in rows}

    def installment_balances(self) -> dict[str, dict[str, Decimal]]:
        """Per line, the balances its open installments add up to (integer cents in SQL)."""
        sql = text(
            "SELECT line_id, "
            "SUM(CASE WHEN billed THEN 0 ELSE p_sched - p_paid END), "
            "SUM(CASE WHEN billed THEN p_sched - p_paid ELSE 0 END), "
            "SUM(CASE WHEN billed THEN f_sched - f_paid ELSE 0 END), "
            "SUM(CASE WHEN billed THEN 0 ELSE i_amt - i_paid END), "
            "SUM(CASE WHEN billed THEN i_amt - i_paid ELSE 0 END), "
            "SUM(pen_amt - pen_paid) "
            "FROM installments WHERE settled = :f GROUP BY line_id")
        names = ("principal_unbilled", "principal_billed", "fee", "interest_accrued",
                 "interest_billed", "penalty")
        return {r[0]: {n: from_cents(v) for n, v in zip(names, r[1:])}
                for r in self.s.execute(sql, {"f": False})}
