"""The losses repository (``uow.losses``): write-offs, loss accounts, payments on lines off
the books, debt sales; and the reads the pool, the write-off stage and the figures need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, func, insert, select, update
from sqlalchemy.orm import Session

from creditline.collections.cases import TERMINAL
from creditline.errors import ConcurrencyError
from creditline.ledger.accounts import LOSS_ALLOWANCE
from creditline.losses.charge_off import RECEIVABLES, Outstanding
from creditline.losses.ports import LossTotals
from creditline.losses.records import (
    DebtSale,
    Decision,
    LossAccount,
    LossPayment,
    LossStatus,
    PaymentKind,
    SaleLine,
    Source,
    WriteOff,
)
from creditline.losses.sale import Candidate
from creditline.money import ZERO
from creditline.store.tables.collections import collection_cases
from creditline.store.tables.losses import (
    debt_sale_lines,
    debt_sales,
    loss_accounts,
    loss_payments,
    write_offs,
)
from creditline.store.tables.servicing import credit_lines, postings
from creditline.store.types import aware, from_cents

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

W, A, P, S, SL = (write_offs.c, loss_accounts.c, loss_payments.c, debt_sales.c,
                  debt_sale_lines.c)
L, C = credit_lines.c, collection_cases.c
CHUNK = 5000


def _write_off(r: Any) -> WriteOff:
    return WriteOff(
        id=r.id, line_id=r.line_id, customer_id=r.customer_id, status=Decision(r.status),
        source=Source(r.source), reason=r.reason, dpd=int(r.dpd),
        threshold_dpd=int(r.threshold_dpd), rules_version=r.rules_version,
        proposed_by=r.proposed_by, proposed_at=aware(r.proposed_at),  # type: ignore[arg-type]
        decided_by=r.decided_by, decided_at=aware(r.decided_at), note=r.note,
        business_date=r.business_date,
        amounts={name: getattr(r, name) for name in RECEIVABLES},
        credit_applied=r.credit_applied, amount=r.amount, from_allowance=r.from_allowance,
        to_expense=r.to_expense, entry_id=r.entry_id, version=int(r.version))


def _write_off_values(w: WriteOff) -> dict[str, Any]:
    return {
        "id": w.id, "line_id": w.line_id, "customer_id": w.customer_id,
        "status": w.status.value, "source": w.source.value, "reason": w.reason, "dpd": w.dpd,
        "threshold_dpd": w.threshold_dpd, "rules_version": w.rules_version,
        "proposed_by": w.proposed_by, "proposed_at": w.proposed_at,
        "decided_by": w.decided_by, "decided_at": w.decided_at, "note": w.note,
        "business_date": w.business_date,
        **{name: w.amounts.get(name, ZERO) for name in RECEIVABLES},
        "credit_applied": w.credit_applied, "amount": w.amount,
        "from_allowance": w.from_allowance, "to_expense": w.to_expense,
        "entry_id": w.entry_id}


def _account(r: Any) -> LossAccount:
    return LossAccount(
        line_id=r.line_id, customer_id=r.customer_id, status=LossStatus(r.status),
        case_id=r.case_id, write_off_id=r.write_off_id, written_off=r.written_off,
        written_off_on=r.written_off_on, recovered=r.recovered, sale_id=r.sale_id,
        buyer=r.buyer, sold_on=r.sold_on, sold_face=r.sold_face, sale_price=r.sale_price,
        to_buyer=r.to_buyer, version=int(r.version))


def _account_values(a: LossAccount) -> dict[str, Any]:
    return {"customer_id": a.customer_id, "status": a.status.value, "case_id": a.case_id,
            "write_off_id": a.write_off_id, "written_off": a.written_off,
            "written_off_on": a.written_off_on, "recovered": a.recovered,
            "sale_id": a.sale_id, "buyer": a.buyer, "sold_on": a.sold_on,
            "sold_face": a.sold_face, "sale_price": a.sale_price, "to_buyer": a.to_buyer}


def _payment(r: Any) -> LossPayment:
    return LossPayment(id=r.id, line_id=r.line_id, kind=PaymentKind(r.kind), amount=r.amount,
                       business_date=r.business_date, entry_id=r.entry_id,
                       created_by=r.created_by,
                       created_at=aware(r.created_at),  # type: ignore[arg-type]
                       buyer=r.buyer, sale_id=r.sale_id)


def _sale_line(r: Any) -> SaleLine:
    return SaleLine(r.line_id, r.customer_id, r.product, r.face, r.price, bool(r.written_off),
                    int(r.dpd), int(r.bucket))


class SqlLossRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    # ----- write-offs
    def add_write_off(self, w: WriteOff) -> None:
        self.s.execute(insert(write_offs).values(**_write_off_values(w), version=w.version))

    def get_write_off(self, write_off_id: str, *, lock: bool = False) -> WriteOff | None:
        q = select(write_offs).where(W.id == write_off_id)
        if lock:
            q = q.with_for_update()
        row = self.s.execute(q).first()
        return None if row is None else _write_off(row)

    def save_write_off(self, w: WriteOff) -> WriteOff:
        values = _write_off_values(w)
        values.pop("id")
        done = self.s.execute(update(write_offs).where(
            W.id == w.id, W.version == w.version).values(**values, version=w.version + 1))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
            raise ConcurrencyError(f"write-off {w.id} was changed meanwhile; retry")
        return replace(w, version=w.version + 1)

    def write_offs(self, *, status: str | None = None, line_id: str | None = None,
                   limit: int = 500) -> list[WriteOff]:
        q = select(write_offs)
        if status is not None:
            q = q.where(W.status == status)
        if line_id is not None:
            q = q.where(W.line_id == line_id)
        q = q.order_by(W.proposed_at.desc(), W.id).limit(limit)
        return [_write_off(r) for r in self.s.execute(q)]

    # ----- loss accounts
    def account(self, line_id: str, *, lock: bool = False) -> LossAccount | None:
        q = select(loss_accounts).where(A.line_id == line_id)
        if lock:
            q = q.with_for_update()
        row = self.s.execute(q).first()
        return None if row is None else _account(row)

    def accounts(self, *, limit: int = 100_000) -> list[LossAccount]:
        return [_account(r) for r in self.s.execute(
            select(loss_accounts).order_by(A.line_id).limit(limit))]

    def add_account(self, a: LossAccount) -> None:
        self.s.execute(insert(loss_accounts).values(line_id=a.line_id, **_account_values(a),
                                                    version=a.version))

    def save_account(self, a: LossAccount) -> LossAccount:
        done = self.s.execute(update(loss_accounts).where(
            A.line_id == a.line_id, A.version == a.version).values(
            **_account_values(a), version=a.version + 1))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
            raise ConcurrencyError(f"loss account of line {a.line_id} was changed meanwhile")
        return replace(a, version=a.version + 1)

    # ----- payments
    def add_payment(self, p: LossPayment) -> None:
        self.s.execute(insert(loss_payments).values(
            id=p.id, line_id=p.line_id, kind=p.kind.value, amount=p.amount,
            business_date=p.business_date, entry_id=p.entry_id, buyer=p.buyer,
            sale_id=p.sale_id, created_by=p.created_by, created_at=p.created_at))

    def payments(self, *, line_id: str | None = None, buyer: str | None = None,
                 kind: str | None = None, limit: int = 500) -> list[LossPayment]:
        q = select(loss_payments)
        if line_id is not None:
            q = q.where(P.line_id == line_id)
        if buyer is not None:
            q = q.where(P.buyer == buyer)
        if kind is not None:
            q = q.where(P.kind == kind)
        q = q.order_by(P.business_date.desc(), P.created_at.desc(), P.id).limit(limit)
        return [_payment(r) for r in self.s.execute(q)]

    # ----- debt sales
    def add_sale(self, s: DebtSale) -> None:
        self.s.execute(insert(debt_sales).values(
            id=s.id, buyer=s.buyer, status=s.status.value, method=s.method, rate=s.rate,
            pool=s.pool, proposed_by=s.proposed_by, proposed_at=s.proposed_at,
            decided_by=s.decided_by, decided_at=s.decided_at, note=s.note,
            business_date=s.business_date, from_allowance=s.from_allowance,
            to_expense=s.to_expense, recovery_income=s.recovery_income, version=s.version))
        self._add_lines(s.id, s.lines)

    def _add_lines(self, sale_id: str, lines: Sequence[SaleLine]) -> None:
        rows = [{"sale_id": sale_id, "line_id": x.line_id, "customer_id": x.customer_id,
                 "product": x.product, "face": x.face, "price": x.price,
                 "written_off": x.written_off, "dpd": x.dpd, "bucket": x.bucket}
                for x in lines]
        for k in range(0, len(rows), CHUNK):
            self.s.execute(insert(debt_sale_lines), rows[k:k + CHUNK])

    def get_sale(self, sale_id: str, *, lock: bool = False) -> DebtSale | None:
        q = select(debt_sales).where(S.id == sale_id)
        if lock:
            q = q.with_for_update()
        row = self.s.execute(q).first()
        if row is None:
            return None
        lines = tuple(_sale_line(r) for r in self.s.execute(
            select(debt_sale_lines).where(SL.sale_id == sale_id).order_by(SL.line_id)))
        return self._sale(row, lines)

    @staticmethod
    def _sale(r: Any, lines: tuple[SaleLine, ...]) -> DebtSale:
        return DebtSale(
            id=r.id, buyer=r.buyer, status=Decision(r.status), method=r.method, rate=r.rate,
            pool=dict(r.pool), proposed_by=r.proposed_by,
            proposed_at=aware(r.proposed_at),  # type: ignore[arg-type]
            lines=lines, decided_by=r.decided_by, decided_at=aware(r.decided_at),
            note=r.note, business_date=r.business_date, from_allowance=r.from_allowance,
            to_expense=r.to_expense, recovery_income=r.recovery_income, version=int(r.version))

    def save_sale(self, s: DebtSale) -> DebtSale:
        done = self.s.execute(update(debt_sales).where(
            S.id == s.id, S.version == s.version).values(
            status=s.status.value, decided_by=s.decided_by, decided_at=s.decided_at,
            note=s.note, business_date=s.business_date, from_allowance=s.from_allowance,
            to_expense=s.to_expense, recovery_income=s.recovery_income,
            version=s.version + 1))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
            raise ConcurrencyError(f"debt sale {s.id} was changed meanwhile; retry")
        # the lines as sold replace the lines as proposed (some may have dropped out)
        self.s.execute(debt_sale_lines.delete().where(SL.sale_id == s.id))
        self._add_lines(s.id, s.lines)
        return replace(s, version=s.version + 1)

    def sales(self, *, status: str | None = None, limit: int = 200) -> list[DebtSale]:
        q = select(debt_sales)
        if status is not None:
            q = q.where(S.status == status)
        rows = self.s.execute(q.order_by(S.proposed_at.desc(), S.id).limit(limit)).all()
        by_sale: dict[str, list[SaleLine]] = {r.id: [] for r in rows}
        ids = list(by_sale)
        for k in range(0, len(ids), CHUNK):
            for r in self.s.execute(select(debt_sale_lines).where(
                    SL.sale_id.in_(ids[k:k + CHUNK])).order_by(SL.line_id)):
                by_sale[r.sale_id].append(_sale_line(r))
        return [self._sale(r, tuple(by_sale[r.id])) for r in rows]

    # ----- reads
    def candidates(self, *, min_bucket: int, line_ids: Sequence[str] = ()) -> list[Candidate]:
        out: list[Candidate] = []
        live = (select(L.id, L.customer_id, L.product, L.dpd, C.bucket,
                       *(getattr(L, n) for n in RECEIVABLES), L.credit_balance)
                .select_from(credit_lines.join(collection_cases, C.line_id == L.id))
                .where(C.status.not_in(TERMINAL), C.bucket >= min_bucket,
                       L.status != "closed"))
        off = (select(A.line_id, A.customer_id, L.product, A.written_off, A.recovered,
                      A.case_id)
               .select_from(loss_accounts.join(credit_lines, L.id == A.line_id))
               .where(A.status == LossStatus.WRITTEN_OFF.value))
        chunks: list[list[str] | None] = (
            [list(line_ids[k:k + CHUNK]) for k in range(0, len(line_ids), CHUNK)]
            if line_ids else [None])
        for chunk in chunks:
            q_live, q_off = live, off
            if chunk is not None:
                q_live = q_live.where(L.id.in_(chunk))
                q_off = q_off.where(A.line_id.in_(chunk))
            for r in self.s.execute(q_live):
                owed = Outstanding(**{n: getattr(r, n) for n in RECEIVABLES},
                                   credit_balance=r.credit_balance)
                out.append(Candidate(r.id, r.customer_id, r.product, int(r.dpd), int(r.bucket),
                                     False, owed.net, owed))
            for w in self.s.execute(q_off):
                out.append(Candidate(w.line_id, w.customer_id, w.product, 0, 0, True,
                                     w.written_off - w.recovered))
        return out

    def line_kinds(self, line_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for k in range(0, len(line_ids), CHUNK):
            out.update({r[0]: r[1] for r in self.s.execute(
                select(L.id, L.kind).where(L.id.in_(list(line_ids[k:k + CHUNK]))))})
        return out

    def allowance_balance(self) -> Decimal:
        total = self.s.execute(select(func.sum(postings.c.amount, type_=BigInteger)).where(
            postings.c.account == LOSS_ALLOWANCE)).scalar()
        return from_cents(int(total or 0))

    def totals(self) -> LossTotals:
        r = self.s.execute(select(
            func.count().filter(A.write_off_id.is_not(None)),
            func.coalesce(func.sum(A.written_off, type_=BigInteger), 0), func.coalesce(func.sum(A.recovered, type_=BigInteger), 0),
            func.count().filter(A.status == LossStatus.SOLD.value),
            func.coalesce(func.sum(A.sold_face, type_=BigInteger), 0), func.coalesce(func.sum(A.sale_price, type_=BigInteger), 0),
            func.coalesce(func.sum(A.to_buyer, type_=BigInteger), 0))).one()
        return LossTotals(int(r[0]), from_cents(r[1]), from_cents(r[2]), int(r[3]),
                          from_cents(r[4]), from_cents(r[5]), from_cents(r[6]))
