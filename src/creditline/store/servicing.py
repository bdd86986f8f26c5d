"""Servicing repository: lines, purchases, installments, repayments, returns, statements,
and the bulk reads and writes of end of day.

Locking (documented choice): every command that changes a line takes that line's row lock
first (``get_line(..., lock=True)``: ``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite already
serialises writers with ``BEGIN IMMEDIATE``).  Installments, postings and the cached
balances of a line are written only under its lock, so checks such as "amount <= available"
cannot race.  ``save_line`` also checks the ``version`` it read, as a second guard.
End of day locks the lines of each partition it loads, in id order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.lines.status import LineStatus
from creditline.servicing.model import Installment, Line, PurchaseRecord
from creditline.servicing.products import Waterfall
from creditline.servicing.statements import Statement
from creditline.store.tables.foundation import customers
from creditline.store.tables.servicing import (
    credit_lines,
    goods_returns,
    installments,
    purchases,
    repayments,
    statements,
)
from creditline.store.types import from_cents

LINE_FIELDS = ("principal_unbilled", "principal_billed", "fee", "interest_accrued",
               "interest_billed", "penalty", "credit_balance", "min_remaining", "min_due_date",
               "past_due", "past_due_since", "dpd", "last_statement_date", "stmt_opening",
               "cyc_purchases", "cyc_returns", "cyc_repayments", "cyc_fees", "cyc_interest",
               "cyc_penalties", "last_eod")
INST_STATE = ("p_sched", "f_sched", "p_paid", "f_paid", "i_amt", "i_paid", "i_carry", "pen_amt",
              "pen_paid", "pen_carry", "billed", "settled")


def _line(r: Any) -> Line:
    return Line(
        id=r.id, customer_id=r.customer_id, product=r.product, product_version=r.product_version,
        kind=r.kind, currency=r.currency, status=LineStatus(r.status), limit=r.credit_limit,
        statement_day=r.statement_day, grace_days=r.grace_days, penalty_rate=r.penalty_rate,
        min_share=r.min_share, min_floor=r.min_floor, waterfall=Waterfall.parse(r.waterfall),
        fee_refund=r.fee_refund, block_when_past_due=r.block_when_past_due,
        opened_on=r.opened_on, terms=dict(r.terms), version=r.version,
        **{f: getattr(r, f) for f in LINE_FIELDS})


def _installment(r: Any) -> Installment:
    return Installment(purchase_id=r.purchase_id, seq=r.seq, bill_date=r.bill_date,
                       due_date=r.due_date, p_orig=r.p_orig, f_orig=r.f_orig,
                       **{f: getattr(r, f) for f in INST_STATE})


def _purchase(r: Any) -> PurchaseRecord:
    return PurchaseRecord(id=r.id, line_id=r.line_id, amount=r.amount, merchant=r.merchant,
                    merchant_category=r.merchant_category, periods=r.periods, method=r.method,
                    fee_rate=r.fee_rate, interest_rate=r.interest_rate, made_on=r.made_on,
                    returned=r.returned)


class SqlServicingRepository:
    def __init__(self, session: Session, uow: Any) -> None:
        self.s = session
        self.uow = uow

    @property
    def dialect(self) -> str:
        return str(self.s.get_bind().dialect.name)

    # ----- lines
    def customer_exists(self, customer_id: str) -> bool:
        return self.s.execute(select(customers.c.id).where(customers.c.id == customer_id)).first() is not None

    def add_line(self, line: Line) -> None:
        self.s.execute(insert(credit_lines).values(
            id=line.id, customer_id=line.customer_id, product=line.product,
            product_version=line.product_version, kind=line.kind, currency=line.currency,
            status=line.status.value, credit_limit=line.limit, statement_day=line.statement_day,
            grace_days=line.grace_days, penalty_rate=line.penalty_rate, min_share=line.min_share,
            min_floor=line.min_floor, waterfall=line.waterfall.code(), fee_refund=line.fee_refund,
            block_when_past_due=line.block_when_past_due, terms=line.terms,
            opened_on=line.opened_on, created_at=self.uow.now(), version=line.version,
            **{f: getattr(line, f) for f in LINE_FIELDS}))

    def get_line(self, line_id: str, *, lock: bool = False) -> Line | None:
        q = select(credit_lines).where(credit_lines.c.id == line_id)
        if lock:
            q = q.with_for_update()
        row = self.s.execute(q).first()
        return None if row is None else _line(row)

    def lines_of_customer(self, customer_id: str) -> list[Line]:
        rows = self.s.execute(select(credit_lines).where(credit_lines.c.customer_id == customer_id)
                              .order_by(credit_lines.c.opened_on, credit_lines.c.id)).all()
        return [_line(r) for r in rows]

    def save_line(self, line: Line) -> None:
        """Write the line back if nobody changed it since it was read (version check)."""
        res = self.s.execute(
            update(credit_lines)
            .where(credit_lines.c.id == line.id, credit_lines.c.version == line.version)
            .values(status=line.status.value, credit_limit=line.limit, version=line.version + 1,
                    **{f: getattr(line, f) for f in LINE_FIELDS}))
        if res.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrencyError(f"credit line {line.id} was changed by someone else; retry")
        line.version += 1

    # ----- purchases and installments
    def add_purchase(self, p: PurchaseRecord, created_by: str) -> None:
        self.s.execute(insert(purchases).values(
            id=p.id, line_id=p.line_id, amount=p.amount, merchant=p.merchant,
            merchant_category=p.merchant_category, periods=p.periods, method=p.method,
            fee_rate=p.fee_rate, interest_rate=p.interest_rate, made_on=p.made_on,
            returned=p.returned, created_at=self.uow.now(), created_by=created_by))

    def get_purchase(self, purchase_id: str) -> PurchaseRecord | None:
        row = self.s.execute(select(purchases).where(purchases.c.id == purchase_id)).first()
        return None if row is None else _purchase(row)

    def save_purchase_returned(self, p: PurchaseRecord) -> None:
        self.s.execute(update(purchases).where(purchases.c.id == p.id).values(returned=p.returned))

    def purchases_of_line(self, line_id: str) -> list[PurchaseRecord]:
        rows = self.s.execute(select(purchases).where(purchases.c.line_id == line_id)
                              .order_by(purchases.c.made_on, purchases.c.created_at)).all()
        return [_purchase(r) for r in rows]

    def add_installments(self, line_id: str, items: Sequence[Installment]) -> None:
        self.s.execute(insert(installments), [
            {"purchase_id": i.purchase_id, "seq": i.seq, "line_id": line_id,
             "bill_date": i.bill_date, "due_date": i.due_date, "p_orig": i.p_orig,
             "f_orig": i.f_orig, **{f: getattr(i, f) for f in INST_STATE}} for i in items])

    def open_installments(self, line_id: str) -> list[Installment]:
        """Every installment of the line with anything left to bill or pay."""
        rows = self.s.execute(select(installments).where(
            installments.c.line_id == line_id, installments.c.settled.is_(False))).all()
        return [_installment(r) for r in rows]

    def purchase_installments(self, purchase_id: str) -> list[Installment]:
        rows = self.s.execute(select(installments).where(installments.c.purchase_id == purchase_id)
                              .order_by(installments.c.seq)).all()
        return [_installment(r) for r in rows]

    def save_installments(self, items: Sequence[Installment]) -> None:
        changed = [i for i in items if i.changed]
        if not changed:
            return
        self.s.execute(
            update(installments).where(installments.c.purchase_id == bindparam("k_pid"),
                                       installments.c.seq == bindparam("k_seq"))
            .values({f: bindparam(f) for f in INST_STATE}),
            [{"k_pid": i.purchase_id, "k_seq": i.seq, **{f: getattr(i, f) for f in INST_STATE}}
             for i in changed])
        for i in changed:
            i.changed = False

    # ----- repayments, returns, statements
    def add_repayment(self, repayment_id: str, line_id: str, amount: Decimal, on: date,
                      allocation: dict[str, Any], created_by: str) -> None:
        self.s.execute(insert(repayments).values(
            id=repayment_id, line_id=line_id, amount=amount, business_date=on,
            allocation=allocation, created_at=self.uow.now(), created_by=created_by))

    def get_repayment(self, repayment_id: str) -> dict[str, Any] | None:
        row = self.s.execute(select(repayments).where(repayments.c.id == repayment_id)).first()
        if row is None:
            return None
        return {"id": row.id, "line_id": row.line_id, "amount": row.amount,
                "business_date": row.business_date, "allocation": dict(row.allocation)}

    def add_return(self, return_id: str, purchase_id: str, line_id: str, amount: Decimal,
                   on: date, effect: dict[str, Any], created_by: str) -> None:
        self.s.execute(insert(goods_returns).values(
            id=return_id, purchase_id=purchase_id, line_id=line_id, amount=amount,
            business_date=on, effect=effect, created_at=self.uow.now(), created_by=created_by))

    def get_return(self, return_id: str) -> dict[str, Any] | None:
        row = self.s.execute(select(goods_returns).where(goods_returns.c.id == return_id)).first()
        if row is None:
            return None
        return {"id": row.id, "purchase_id": row.purchase_id, "line_id": row.line_id,
                "amount": row.amount, "business_date": row.business_date,
                "effect": dict(row.effect)}

    def statements_of_line(self, line_id: str) -> list[Statement]:
        rows = self.s.execute(select(statements).where(statements.c.line_id == line_id)
                              .order_by(statements.c.statement_date)).all()
        return [Statement(**{k: getattr(r, k) for k in Statement.__dataclass_fields__})
                for r in rows]

    # ----- end of day, in bulk
    def _day(self, col: str) -> str:
        if self.dialect == "postgresql":
            return f"COALESCE(({col} - DATE '1970-01-01'), -1)"
        return f"COALESCE(CAST(julianday({col}) - 2440587.5 AS INTEGER), -1)"

    def eod_oldest_pending(self, through: date) -> date | None:
        """The earliest ``last_eod`` among open lines still behind ``through``."""
        row = self.s.execute(text(
            "SELECT MIN(last_eod) FROM credit_lines WHERE status <> 'closed' AND last_eod < :d"),
            {"d": through}).first()
        if row is None or row[0] is None:
            return None
        v = row[0]
        return v if isinstance(v, date) else date.fromisoformat(str(v))

    def eod_lines(self, day: date, *, after: str | None = None, limit: int | None = None,
                  line_ids: Sequence[str] | None = None, lock: bool = True) -> dict[str, list[Any]]:
        """The lines whose last closed day is ``day - 1``, as columns (money in cents, dates
        as day numbers, -1 for none), in id order."""
        d = self._day
        cols = (f"id AS line_id, status, statement_day AS stmt_day, grace_days AS grace, "
                f"penalty_rate, min_share, min_floor, waterfall, {d('opened_on')} AS opened, "
                f"credit_balance AS credit, min_remaining, {d('min_due_date')} AS min_due, "
                f"past_due, {d('past_due_since')} AS past_due_since, dpd, "
                f"{d('last_statement_date')} AS last_stmt, stmt_opening, cyc_purchases, "
                f"cyc_returns, cyc_repayments, cyc_fees, cyc_interest, cyc_penalties, "
                f"{d('last_eod')} AS last_eod, principal_unbilled, principal_billed, fee, "
                f"interest_accrued, interest_billed, penalty")
        where = "status <> 'closed' AND last_eod = :prev"
        params: dict[str, Any] = {"prev": day - timedelta(days=1)}
        if after is not None:
            where += " AND id > :after"
            params["after"] = after
        if line_ids is not None:
            where += " AND id IN :ids"
            params["ids"] = list(line_ids)
        sql = f"SELECT {cols} FROM credit_lines WHERE {where} ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        if lock and self.dialect == "postgresql":
            sql += " FOR UPDATE"
        stmt = text(sql)
        if line_ids is not None:
            stmt = stmt.bindparams(bindparam("ids", expanding=True))
        return self._columns(stmt, params)

    def eod_installments(self, first_id: str, last_id: str,
                         line_ids: Sequence[str] | None = None) -> dict[str, list[Any]]:
        """Unsettled installments of the lines with ids in [first_id, last_id], with their
        purchase's daily interest rate, as columns."""
        d = self._day
        sql = (f"SELECT i.purchase_id, i.seq, i.line_id, {d('i.bill_date')} AS bill, "
               f"{d('i.due_date')} AS due, i.billed, p.interest_rate AS interest_rate, "
               f"i.p_sched, i.p_paid, i.f_sched, i.f_paid, i.i_amt, i.i_paid, i.i_carry, "
               f"i.pen_amt, i.pen_paid, i.pen_carry "
               f"FROM installments i JOIN purchases p ON p.id = i.purchase_id "
               f"WHERE i.settled = :f AND i.line_id >= :lo AND i.line_id <= :hi")
        params: dict[str, Any] = {"f": False, "lo": first_id, "hi": last_id}
        stmt = text(sql)
        if line_ids is not None:
            stmt = text(sql + " AND i.line_id IN :ids").bindparams(bindparam("ids", expanding=True))
            params["ids"] = list(line_ids)
        return self._columns(stmt, params)

    def _columns(self, stmt: Any, params: dict[str, Any]) -> dict[str, list[Any]]:
        result = self.s.execute(stmt, params)
        names = list(result.keys())
        rows = result.fetchall()
        if not rows:
            return {n: [] for n in names}
        return dict(zip(names, map(list, zip(*rows))))

    def eod_write(self, day: date, *, line_updates: list[dict[str, Any]], advanced: list[str],
                  inst_updates: list[dict[str, Any]], statement_rows: list[dict[str, Any]]) -> None:
        """Write back one partition's end of day (postings go through the ledger).  Rows
        carry database column names, money in cents and dates as ``date``."""
        if line_updates:
            self._executemany("credit_lines", line_updates, ("line_id",), ("id",),
                              extra="version = version + 1")
        for k in range(0, len(advanced), 500):
            self.s.execute(update(credit_lines).where(credit_lines.c.id.in_(advanced[k:k + 500]))
                           .values(last_eod=day))
        if inst_updates:
            self._executemany("installments", inst_updates, ("purchase_id", "seq"),
                              ("purchase_id", "seq"))
        if statement_rows:
            rows = self._for_driver(statement_rows)
            cols = list(rows[0])
            self.s.execute(text(f"INSERT INTO statements ({', '.join(cols)}) VALUES "
                                f"({', '.join(':' + c for c in cols)})"), rows)

    def _for_driver(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """SQLite takes ISO text for dates (its default adapter is deprecated); psycopg
        takes ``date`` objects."""
        if self.dialect == "postgresql":
            return rows
        return [{k: v.isoformat() if isinstance(v, date) else v for k, v in r.items()}
                for r in rows]

    def _executemany(self, table: str, rows: list[dict[str, Any]], keys: tuple[str, ...],
                     key_columns: tuple[str, ...], extra: str = "") -> None:
        rows = self._for_driver(rows)
        cols = [c for c in rows[0] if c not in keys]
        sets = ", ".join(f"{c} = :{c}" for c in cols) + (f", {extra}" if extra else "")
        where = " AND ".join(f"{kc} = :{k}" for k, kc in zip(keys, key_columns))
        self.s.execute(text(f"UPDATE {table} SET {sets} WHERE {where}"), rows)

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
