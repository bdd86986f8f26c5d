"""Held purchases, triggers fired and the recent activity a trigger reads, in SQL
(``lines.trigger_ports``).

Locking: a hold is written only under its line's row lock (``store.lines``), which every
servicing command and every hold decision takes first; ``save`` also writes only a row
still ``held`` (a second guard against two reviewers deciding at once)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, bindparam, func, insert, literal, select, union_all, update
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.lines.holds import HeldPurchase, HoldStatus, TriggerRecord
from creditline.lines.triggers import Activity, PastPurchase
from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest
from creditline.store import browse
from creditline.store.tables.servicing import goods_returns, installments, purchases
from creditline.store.tables.triggers import held_purchases as h
from creditline.store.tables.triggers import trigger_events as te
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

# one round trip: the line's purchases (kind "p") and returns (kind "r") since a day
_RECENT = union_all(
    select(literal("p").label("kind"), purchases.c.made_on.label("day"),
           purchases.c.amount, purchases.c.merchant_category)
    .where(purchases.c.line_id == bindparam("line_id"),
           purchases.c.made_on >= bindparam("since")),
    select(literal("r").label("kind"), goods_returns.c.business_date.label("day"),
           goods_returns.c.amount, literal("").label("merchant_category"))
    .where(goods_returns.c.line_id == bindparam("line_id"),
           goods_returns.c.business_date >= bindparam("since")))
_ADD_EVENT = insert(te)


def _hold(r: Any) -> HeldPurchase:
    created = aware(r.created_at)
    assert created is not None
    return HeldPurchase(
        id=r.id, line_id=r.line_id, customer_id=r.customer_id, amount=r.amount,
        merchant=r.merchant, merchant_category=r.merchant_category, periods=r.periods,
        method=r.method, fee_rate=r.fee_rate, business_date=r.business_date,
        triggers=tuple(r.triggers), reason_en=r.reason_en, reason_zh=r.reason_zh,
        rules_version=r.rules_version, created_at=created, created_by=r.created_by,
        status=HoldStatus(r.status), decided_by=r.decided_by, decided_at=aware(r.decided_at),
        decided_on=r.decided_on, decision_note=r.decision_note)


class SqlHeldPurchaseRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, hold: HeldPurchase) -> None:
        self.s.execute(insert(h).values(
            id=hold.id, line_id=hold.line_id, customer_id=hold.customer_id, amount=hold.amount,
            merchant=hold.merchant, merchant_category=hold.merchant_category,
            periods=hold.periods, method=hold.method, fee_rate=hold.fee_rate,
            business_date=hold.business_date, status=hold.status.value,
            triggers=list(hold.triggers), reason_en=hold.reason_en, reason_zh=hold.reason_zh,
            rules_version=hold.rules_version, created_at=hold.created_at,
            created_by=hold.created_by))

    def get(self, hold_id: str, *, lock: bool = False) -> HeldPurchase | None:
        q = select(h).where(h.c.id == hold_id)
        row = self.s.execute(q.with_for_update() if lock else q).first()
        return None if row is None else _hold(row)

    def save(self, hold: HeldPurchase) -> None:
        done = self.s.execute(update(h).where(
            h.c.id == hold.id, h.c.status == HoldStatus.HELD.value).values(
            status=hold.status.value, decided_by=hold.decided_by, decided_at=hold.decided_at,
            decided_on=hold.decided_on, decision_note=hold.decision_note))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrencyError(f"held purchase {hold.id} was decided meanwhile")

    def waiting_since(self, made_on_or_before: date) -> list[HeldPurchase]:
        q = (select(h).where(h.c.status == HoldStatus.HELD.value,
                             h.c.business_date <= made_on_or_before)
             .order_by(h.c.created_at, h.c.id))
        return [_hold(r) for r in self.s.execute(q)]

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[HeldPurchase]:
        where: list[ColumnElement[bool]] = []
        if status is not None:
            where.append(h.c.status == status)
        if line_id is not None:
            where.append(h.c.line_id == line_id)
        return browse.page(self.s, select(h), h.c.created_at, h.c.id, req,
                           lambda rows: [_hold(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)


def _record(r: Any) -> TriggerRecord:
    at = aware(r.at)
    assert at is not None
    return TriggerRecord(line_id=r.line_id, customer_id=r.customer_id,
                         business_date=r.business_date, at=at, event=r.event, ref_id=r.ref_id,
                         code=r.code, action=r.action, rules_version=r.rules_version,
                         reason_en=r.reason_en, reason_zh=r.reason_zh, facts=dict(r.facts),
                         outcome=dict(r.outcome), seq=r.seq)


class SqlTriggerEventRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def add(self, record: TriggerRecord) -> None:
        self.s.execute(_ADD_EVENT, {
            "line_id": record.line_id, "customer_id": record.customer_id,
            "business_date": record.business_date, "at": record.at, "event": record.event,
            "ref_id": record.ref_id, "code": record.code, "action": record.action,
            "rules_version": record.rules_version, "reason_en": record.reason_en,
            "reason_zh": record.reason_zh, "facts": record.facts, "outcome": record.outcome})

    def page(self, line_id: str | None, code: str | None, req: SeqPageRequest
             ) -> SeqPage[TriggerRecord]:
        where: list[ColumnElement[bool]] = []
        if line_id is not None:
            where.append(te.c.line_id == line_id)
        if code is not None:
            where.append(te.c.code == code)
        return browse.seq_page(self.s, select(te), te.c.seq, req,
                               lambda rows: [_record(r) for r in rows], where)


    def counts(self) -> dict[str, int]:
        q = select(te.c.code, func.count()).group_by(te.c.code)
        return {code: int(n) for code, n in self.s.execute(q)}


class SqlLineActivity:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def recent(self, line_id: str, since: date) -> Activity:
        rows = self.s.execute(_RECENT, {"line_id": line_id, "since": since}).all()
        return Activity(tuple(PastPurchase(r.day, r.amount, r.merchant_category)
                              for r in rows if r.kind == "p"),
                        tuple(r.day for r in rows if r.kind == "r"))

    def owed_in_categories(self, line_id: str, categories: frozenset[str]) -> Decimal:
        i = installments.c
        q = (select(func.coalesce(func.sum(i.p_sched - i.p_paid), 0))
             .select_from(installments.join(purchases, purchases.c.id == i.purchase_id))
             .where(i.line_id == line_id, i.settled.is_(False),
                    purchases.c.merchant_category.in_(sorted(categories))))
        cents = int(self.s.execute(q).scalar_one())
        return Decimal(cents).scaleb(-2)
