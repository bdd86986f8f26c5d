"""The closure context in SQL (``closure.ports``): requests, plans, negotiations, and the
writes a plan makes to installments, draws and lines.

Locking: a decision takes the request's (plan's, case's) row lock, then the line's; a
request's ``save`` checks the version it read.  A second open request on a line fails on
the partial unique index (``uq_closure_requests_open_line``) even when two submissions race.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from creditline.closure.negotiation import Negotiation, negotiation_from_json, negotiation_json
from creditline.closure.plans import Plan
from creditline.closure.ports import RequestQuery
from creditline.closure.request import ClosureRequest, request_from_json, request_json
from creditline.errors import ConcurrencyError, Conflict
from creditline.paging import Page, PageRequest
from creditline.servicing.model import Installment
from creditline.servicing.statements import Statement
from creditline.store import browse
from creditline.store.purchases import INST_STATE
from creditline.store.tables.closure import (
    OPEN_REQUEST_PER_LINE,
    closure_plans,
    closure_requests,
    negotiations,
)
from creditline.store.tables.servicing import credit_lines, installments, purchases, statements

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_REWRITE = (update(installments)
            .where(installments.c.purchase_id == bindparam("k_pid"),
                   installments.c.seq == bindparam("k_seq"))
            .values(bill_date=bindparam("bill_date"), due_date=bindparam("due_date"),
                    **{f: bindparam(f) for f in INST_STATE}))
_CYCLE_RESET = (update(credit_lines).where(credit_lines.c.id == bindparam("k_id"))
                .values(stmt_opening=0, cyc_purchases=0, cyc_returns=0, cyc_repayments=0,
                        cyc_fees=0, cyc_interest=0, cyc_penalties=0,
                        last_statement_date=bindparam("day")))


class SqlClosureRequestRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, req: ClosureRequest) -> None:
        try:
            with self.s.begin_nested():
                self.s.execute(insert(closure_requests).values(
                    id=req.id, line_id=req.line_id, customer_id=req.customer_id,
                    status=req.status.value, created_at=req.submitted_at,
                    business_date=req.submitted_on, doc=request_json(req), version=req.version))
        except IntegrityError as exc:
            if OPEN_REQUEST_PER_LINE in str(exc.orig) or "UNIQUE" in str(exc.orig):
                raise Conflict(f"credit line {req.line_id} already has an open closure "
                               "request") from None
            raise

    def get(self, request_id: str, *, lock: bool = False) -> ClosureRequest | None:
        q = select(closure_requests.c.doc).where(closure_requests.c.id == request_id)
        row = self.s.execute(q.with_for_update() if lock else q).first()
        return None if row is None else request_from_json(dict(row.doc))

    def save(self, req: ClosureRequest) -> None:
        old = req.version
        req.version += 1
        try:
            with self.s.begin_nested():
                done = self.s.execute(update(closure_requests).where(
                    closure_requests.c.id == req.id, closure_requests.c.version == old).values(
                    status=req.status.value, doc=request_json(req), version=req.version))
        except IntegrityError:
            req.version = old
            raise Conflict(f"credit line {req.line_id} already has an open closure "
                           "request") from None
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
            req.version = old
            raise ConcurrencyError(f"closure request {req.id} changed meanwhile")

    def open_for_line(self, line_id: str) -> ClosureRequest | None:
        from creditline.closure.request import OPEN
        row = self.s.execute(select(closure_requests.c.doc).where(
            closure_requests.c.line_id == line_id,
            closure_requests.c.status.in_([s.value for s in OPEN]))).first()
        return None if row is None else request_from_json(dict(row.doc))

    def page(self, query: RequestQuery, req: PageRequest) -> Page[ClosureRequest]:
        c = closure_requests.c
        where: list[ColumnElement[bool]] = []
        if query.status is not None:
            where.append(c.status == query.status)
        if query.statuses is not None:
            where.append(c.status.in_(query.statuses))
        if query.line_id is not None:
            where.append(c.line_id == query.line_id)
        if query.customer_id is not None:
            where.append(c.customer_id == query.customer_id)
        return browse.page(self.s, select(closure_requests), c.created_at, c.id, req,
                           lambda rows: [request_from_json(dict(r.doc)) for r in rows],
                           postgres=self.uow.is_postgres, where=where)

    def closing_of_lines(self, line_ids: Sequence[str]) -> list[ClosureRequest]:
        if not line_ids:
            return []
        rows = self.s.execute(select(closure_requests.c.doc).where(
            closure_requests.c.line_id.in_(list(line_ids)),
            closure_requests.c.status == "closing")).all()
        return [request_from_json(dict(r.doc)) for r in rows]

    def final_statements(self, rows: Sequence[Statement]) -> None:
        if not rows:
            return
        self.s.execute(insert(statements), [dataclasses.asdict(r) for r in rows])
        self.s.execute(_CYCLE_RESET, [{"k_id": r.line_id, "day": r.statement_date}
                                      for r in rows])


class SqlPlanRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, plan: Plan) -> None:
        self.s.execute(insert(closure_plans).values(
            id=plan.id, line_id=plan.line_id, kind=plan.kind.value, status=plan.status.value,
            proposed_at=plan.proposed_at, doc=plan.as_json()))

    def get(self, plan_id: str, *, lock: bool = False) -> Plan | None:
        q = select(closure_plans.c.doc).where(closure_plans.c.id == plan_id)
        row = self.s.execute(q.with_for_update() if lock else q).first()
        return None if row is None else Plan.from_json(dict(row.doc))

    def save(self, plan: Plan) -> None:
        done = self.s.execute(update(closure_plans).where(
            closure_plans.c.id == plan.id, closure_plans.c.status == "pending").values(
            status=plan.status.value, doc=plan.as_json()))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE
            raise ConcurrencyError(f"plan {plan.id} was decided meanwhile")

    def page(self, status: str | None, line_id: str | None, req: PageRequest) -> Page[Plan]:
        c = closure_plans.c
        where: list[ColumnElement[bool]] = []
        if status is not None:
            where.append(c.status == status)
        if line_id is not None:
            where.append(c.line_id == line_id)
        return browse.page(self.s, select(closure_plans), c.proposed_at, c.id, req,
                           lambda rows: [Plan.from_json(dict(r.doc)) for r in rows],
                           postgres=self.uow.is_postgres, where=where)

    def rewrite_installments(self, items: Sequence[Installment]) -> None:
        changed = [i for i in items if i.changed]
        if not changed:
            return
        self.s.execute(_REWRITE, [
            {"k_pid": i.purchase_id, "k_seq": i.seq, "bill_date": i.bill_date,
             "due_date": i.due_date, **{f: getattr(i, f) for f in INST_STATE}} for i in changed])
        for i in changed:
            i.changed = False

    def mark_restructured(self, line_id: str, purchase_ids: Sequence[str],
                          rates: dict[str, tuple[Decimal, Decimal]]) -> None:
        self.s.execute(update(credit_lines).where(credit_lines.c.id == line_id)
                       .values(restructured=True))
        for pid in purchase_ids:
            rate, fee = rates[pid]
            self.s.execute(update(purchases).where(purchases.c.id == pid).values(
                restructured=True, interest_rate=rate, fee_rate=fee))


class SqlNegotiationRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, n: Negotiation) -> None:
        self.s.execute(insert(negotiations).values(
            id=n.id, line_id=n.line_id, customer_id=n.customer_id, status=n.status.value,
            manager=n.manager, created_at=n.opened_at, doc=negotiation_json(n)))

    def get(self, negotiation_id: str, *, lock: bool = False) -> Negotiation | None:
        q = select(negotiations.c.doc).where(negotiations.c.id == negotiation_id)
        row = self.s.execute(q.with_for_update() if lock else q).first()
        return None if row is None else negotiation_from_json(dict(row.doc))

    def save(self, n: Negotiation) -> None:
        self.s.execute(update(negotiations).where(negotiations.c.id == n.id).values(
            status=n.status.value, manager=n.manager, doc=negotiation_json(n)))

    def page(self, status: str | None, line_id: str | None, req: PageRequest
             ) -> Page[Negotiation]:
        c = negotiations.c
        where: list[ColumnElement[bool]] = []
        if status is not None:
            where.append(c.status == status)
        if line_id is not None:
            where.append(c.line_id == line_id)
        return browse.page(self.s, select(negotiations), c.created_at, c.id, req,
                           lambda rows: [negotiation_from_json(dict(r.doc)) for r in rows],
                           postgres=self.uow.is_postgres, where=where)


