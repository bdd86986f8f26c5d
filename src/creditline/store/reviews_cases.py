"""Periodic review cases of enterprise lines in SQL
(``lines.trigger_ports.ReviewCaseRepository``; origination's application reviews are
``store.reviews``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import ARRAY, ColumnElement, String, any_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.lines.reviews import Proposal, ReviewCase, ReviewStatus
from creditline.paging import Page, PageRequest
from creditline.store import browse
from creditline.store.tables.servicing import credit_lines
from creditline.store.tables.triggers import review_cases as rc
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_OPEN = (ReviewStatus.AWAITING_STATEMENTS.value, ReviewStatus.PROPOSED.value)


def _case(r: Any) -> ReviewCase:
    created = aware(r.created_at)
    assert created is not None
    return ReviewCase(
        id=r.id, line_id=r.line_id, customer_id=r.customer_id, industry=r.industry,
        frequency=r.frequency, due_on=r.due_on, opened_on=r.opened_on, created_at=created,
        status=ReviewStatus(r.status), statements=r.statements, ratios=r.ratios,
        capacity=r.capacity, proposal=None if r.proposal is None else Proposal(r.proposal),
        proposed_limit=r.proposed_limit, proposed_by=r.proposed_by, decided_by=r.decided_by,
        decided_at=aware(r.decided_at), decided_on=r.decided_on, note=r.note)


def _values(c: ReviewCase) -> dict[str, Any]:
    return {"status": c.status.value, "statements": c.statements, "ratios": c.ratios,
            "capacity": c.capacity, "proposal": None if c.proposal is None else c.proposal.value,
            "proposed_limit": c.proposed_limit, "proposed_by": c.proposed_by,
            "decided_by": c.decided_by, "decided_at": c.decided_at, "decided_on": c.decided_on,
            "note": c.note}


class SqlReviewCaseRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, case: ReviewCase) -> None:
        self.s.execute(insert(rc).values(
            id=case.id, line_id=case.line_id, customer_id=case.customer_id,
            industry=case.industry, frequency=case.frequency, due_on=case.due_on,
            opened_on=case.opened_on, created_at=case.created_at, **_values(case)))

    def get(self, case_id: str, *, lock: bool = False) -> ReviewCase | None:
        q = select(rc).where(rc.c.id == case_id)
        row = self.s.execute(q.with_for_update() if lock else q).first()
        return None if row is None else _case(row)

    def save(self, case: ReviewCase) -> None:
        done = self.s.execute(update(rc).where(rc.c.id == case.id, rc.c.status.in_(_OPEN))
                              .values(**_values(case)))
        if done.rowcount != 1:  # type: ignore[attr-defined]  # CursorResult of an UPDATE has rowcount
            raise ConcurrencyError(f"review case {case.id} was decided meanwhile")

    def open_cases(self) -> list[ReviewCase]:
        q = select(rc).where(rc.c.status.in_(_OPEN)).order_by(rc.c.due_on, rc.c.id)
        return [_case(r) for r in self.s.execute(q)]

    def last_decided(self) -> dict[str, date]:
        q = (select(rc.c.line_id, func.max(rc.c.decided_on))
             .where(rc.c.decided_on.is_not(None)).group_by(rc.c.line_id))
        return {r[0]: r[1] for r in self.s.execute(q)}

    def open_due(self, line_ids: Sequence[str]) -> dict[str, tuple[str, date]]:
        out: dict[str, tuple[str, date]] = {}
        if not line_ids:
            return out
        base = select(rc.c.line_id, rc.c.id, rc.c.due_on).where(rc.c.status.in_(_OPEN))
        if self.s.get_bind().dialect.name == "postgresql":
            # one array parameter: end of day asks for a whole partition (20,000 ids), and an
            # IN list of that many parameters costs seconds to render and bind
            q = base.where(rc.c.line_id == any_(
                bindparam("ids", list(line_ids), type_=ARRAY(String)))).order_by(
                rc.c.due_on.desc())
            out.update({r[0]: (r[1], r[2]) for r in self.s.execute(q)})  # earliest wins
            return out
        for k in range(0, len(line_ids), 10_000):  # within SQLite's bound-parameter limit
            q = (base.where(rc.c.line_id.in_(list(line_ids[k:k + 10_000])))
                 .order_by(rc.c.due_on.desc()))
            out.update({r[0]: (r[1], r[2]) for r in self.s.execute(q)})  # earliest wins
        return out

    def freeze(self, line_ids: Sequence[str]) -> list[str]:
        c = credit_lines.c
        if not line_ids:
            return []
        ids = list(line_ids)
        frozen = [r[0] for r in self.s.execute(
            select(c.id).where(c.id.in_(ids), c.status == "active").order_by(c.id))]
        if frozen:
            self.s.execute(update(credit_lines).where(c.id.in_(frozen))
                           .values(status="frozen", version=c.version + 1, next_eod=None))
        return frozen

    def page(self, status: str | None, due_by: date | None, req: PageRequest
             ) -> Page[ReviewCase]:
        where: list[ColumnElement[bool]] = []
        if status is not None:
            where.append(rc.c.status == status)
        if due_by is not None:
            where.append(rc.c.due_on <= due_by)
        return browse.page(self.s, select(rc), rc.c.created_at, rc.c.id, req,
                           lambda rows: [_case(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)


