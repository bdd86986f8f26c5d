"""Purchases, their installments, and the repayments and returns made on a line, in SQL
(``servicing.ports.PurchaseRepository``).

Locking: installments are written only under their line's row lock (``store.lines``), which
every servicing command takes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, insert, not_, select, update
from sqlalchemy.orm import Session

from creditline.paging import Page, PageRequest
from creditline.servicing.model import Installment, PurchaseRecord
from creditline.servicing.ports import PurchaseQuery
from creditline.store import browse
from creditline.store.tables.servicing import (
    credit_lines,
    goods_returns,
    installments,
    purchases,
    repayments,
)

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

INST_STATE = ("p_sched", "f_sched", "p_paid", "f_paid", "i_amt", "i_paid", "i_carry", "pen_amt",
              "pen_paid", "pen_carry", "billed", "settled")

_OPEN_INSTALLMENTS = select(installments).where(installments.c.line_id == bindparam("line_id"),
                                                installments.c.settled.is_(False))
_ADD_REPAYMENT = insert(repayments)
_ADD_RETURN = insert(goods_returns)
_ADD_PURCHASE = insert(purchases)
_ADD_INSTALLMENTS = insert(installments)
_SAVE_INSTALLMENTS = (update(installments)
                      .where(installments.c.purchase_id == bindparam("k_pid"),
                             installments.c.seq == bindparam("k_seq"))
                      .values({f: bindparam(f) for f in INST_STATE}))


def _installment(r: Any) -> Installment:
    return Installment(purchase_id=r.purchase_id, seq=r.seq, bill_date=r.bill_date,
                       due_date=r.due_date, p_orig=r.p_orig, f_orig=r.f_orig,
                       **{f: getattr(r, f) for f in INST_STATE})


def _purchase(r: Any) -> PurchaseRecord:
    return PurchaseRecord(id=r.id, line_id=r.line_id, amount=r.amount, merchant=r.merchant,
                    merchant_category=r.merchant_category, periods=r.periods, method=r.method,
                    fee_rate=r.fee_rate, interest_rate=r.interest_rate, made_on=r.made_on,
                    returned=r.returned)


class SqlPurchaseRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    # ----- purchases and installments
    def add(self, p: PurchaseRecord, created_by: str) -> None:
        self.s.execute(_ADD_PURCHASE, {
            "id": p.id, "line_id": p.line_id, "amount": p.amount, "merchant": p.merchant,
            "merchant_category": p.merchant_category, "periods": p.periods, "method": p.method,
            "fee_rate": p.fee_rate, "interest_rate": p.interest_rate, "made_on": p.made_on,
            "returned": p.returned, "created_at": self.uow.now(), "created_by": created_by})

    def get(self, purchase_id: str) -> PurchaseRecord | None:
        row = self.s.execute(select(purchases).where(purchases.c.id == purchase_id)).first()
        return None if row is None else _purchase(row)

    def save_returned(self, p: PurchaseRecord) -> None:
        self.s.execute(update(purchases).where(purchases.c.id == p.id).values(returned=p.returned))

    def of_line(self, line_id: str) -> list[PurchaseRecord]:
        rows = self.s.execute(select(purchases).where(purchases.c.line_id == line_id)
                              .order_by(purchases.c.made_on, purchases.c.created_at)).all()
        return [_purchase(r) for r in rows]

    def page(self, query: PurchaseQuery, req: PageRequest) -> Page[PurchaseRecord]:
        """Status is derived as ``PurchaseView`` derives it: ``returned`` when all of it was
        returned, else ``paid`` when no installment is unsettled, else ``active``."""
        c = purchases.c
        where: list[ColumnElement[bool]] = []
        if query.merchants is not None:
            where.append(c.merchant.in_(sorted(query.merchants)))
        if query.line_id is not None:
            where.append(c.line_id == query.line_id)
        if query.customer_id is not None:
            where.append(c.line_id.in_(select(credit_lines.c.id).where(
                credit_lines.c.customer_id == query.customer_id)))
        if query.merchant is not None:
            where.append(c.merchant == query.merchant)
        if query.made_from is not None:
            where.append(c.made_on >= query.made_from)
        if query.made_to is not None:
            where.append(c.made_on <= query.made_to)
        if query.status is not None:
            unsettled = exists().where(installments.c.purchase_id == c.id,
                                       installments.c.settled.is_(False))
            returned = c.returned == c.amount
            where.append({"returned": returned,
                          "paid": and_(not_(returned), not_(unsettled)),
                          "active": and_(not_(returned), unsettled)}[query.status])
        return browse.page(self.s, select(purchases), c.created_at, c.id, req,
                           lambda rows: [_purchase(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)

    def installments_of_many(self, purchase_ids: Sequence[str]) -> dict[str, list[Installment]]:
        out: dict[str, list[Installment]] = {pid: [] for pid in purchase_ids}
        if purchase_ids:
            for r in self.s.execute(select(installments).where(
                    installments.c.purchase_id.in_(list(purchase_ids)))
                    .order_by(installments.c.purchase_id, installments.c.seq)):
                out[r.purchase_id].append(_installment(r))
        return out

    def add_installments(self, line_id: str, items: Sequence[Installment]) -> None:
        self.s.execute(_ADD_INSTALLMENTS, [
            {"purchase_id": i.purchase_id, "seq": i.seq, "line_id": line_id,
             "bill_date": i.bill_date, "due_date": i.due_date, "p_orig": i.p_orig,
             "f_orig": i.f_orig, **{f: getattr(i, f) for f in INST_STATE}} for i in items])

    def open_installments(self, line_id: str) -> list[Installment]:
        """Every installment of the line with anything left to bill or pay."""
        rows = self.s.execute(_OPEN_INSTALLMENTS, {"line_id": line_id}).all()
        return [_installment(r) for r in rows]

    def installments_of(self, purchase_id: str) -> list[Installment]:
        rows = self.s.execute(select(installments).where(installments.c.purchase_id == purchase_id)
                              .order_by(installments.c.seq)).all()
        return [_installment(r) for r in rows]

    def save_installments(self, items: Sequence[Installment]) -> None:
        changed = [i for i in items if i.changed]
        if not changed:
            return
        self.s.execute(
            _SAVE_INSTALLMENTS,
            [{"k_pid": i.purchase_id, "k_seq": i.seq, **{f: getattr(i, f) for f in INST_STATE}}
             for i in changed])
        for i in changed:
            i.changed = False

    # ----- repayments and returns
    def add_repayment(self, repayment_id: str, line_id: str, amount: Decimal, on: date,
                      allocation: dict[str, Any], created_by: str) -> None:
        self.s.execute(_ADD_REPAYMENT, {
            "id": repayment_id, "line_id": line_id, "amount": amount, "business_date": on,
            "allocation": allocation, "created_at": self.uow.now(), "created_by": created_by})

    @staticmethod
    def _repayment(row: Any) -> dict[str, Any]:
        return {"id": row.id, "line_id": row.line_id, "amount": row.amount,
                "business_date": row.business_date, "allocation": dict(row.allocation)}

    def get_repayment(self, repayment_id: str) -> dict[str, Any] | None:
        row = self.s.execute(select(repayments).where(repayments.c.id == repayment_id)).first()
        return None if row is None else self._repayment(row)

    def repayments_of(self, line_id: str) -> list[dict[str, Any]]:
        rows = self.s.execute(select(repayments).where(repayments.c.line_id == line_id)
                              .order_by(repayments.c.business_date, repayments.c.created_at,
                                        repayments.c.id))
        return [self._repayment(r) for r in rows]

    def add_return(self, return_id: str, purchase_id: str, line_id: str, amount: Decimal,
                   on: date, effect: dict[str, Any], created_by: str) -> None:
        self.s.execute(_ADD_RETURN, {
            "id": return_id, "purchase_id": purchase_id, "line_id": line_id, "amount": amount,
            "business_date": on, "effect": effect, "created_at": self.uow.now(),
            "created_by": created_by})

    @staticmethod
    def _return(row: Any) -> dict[str, Any]:
        return {"id": row.id, "purchase_id": row.purchase_id, "line_id": row.line_id,
                "amount": row.amount, "business_date": row.business_date,
                "effect": dict(row.effect)}

    def get_return(self, return_id: str) -> dict[str, Any] | None:
        row = self.s.execute(select(goods_returns).where(goods_returns.c.id == return_id)).first()
        return None if row is None else self._return(row)

    def returns_of(self, line_id: str) -> list[dict[str, Any]]:
        rows = self.s.execute(select(goods_returns).where(goods_returns.c.line_id == line_id)
                              .order_by(goods_returns.c.business_date,
                                        goods_returns.c.created_at, goods_returns.c.id))
        return [self._return(r) for r in rows]
