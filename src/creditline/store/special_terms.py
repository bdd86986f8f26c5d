"""Special terms (negotiated limits and terms for one customer) in SQL
(``origination.ports.SpecialTermsRepository``).

Locking: optimistic, ``WHERE version = :seen``; a decision reads the row ``FOR UPDATE`` on
PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.origination.special_terms import APPROVED, SpecialTerms
from creditline.paging import Page, PageRequest
from creditline.store import browse
from creditline.store.tables.origination import special_terms
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


def _terms(r: Any) -> SpecialTerms:
    proposed = aware(r.proposed_at)
    assert proposed is not None
    return SpecialTerms(
        id=r.id, customer_id=r.customer_id, product=r.product, limit=Decimal(r.limit_amount),
        terms=r.terms, valid_until=r.valid_until, status=r.status, proposed_by=r.proposed_by,
        proposed_by_name=r.proposed_by_name, proposed_at=proposed, decided_by=r.decided_by,
        decided_by_name=r.decided_by_name, decided_at=aware(r.decided_at), comment=r.comment,
        version=r.version)


class SqlSpecialTermsRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, st: SpecialTerms) -> None:
        self.s.execute(insert(special_terms).values(
            id=st.id, customer_id=st.customer_id, product=st.product, limit_amount=st.limit,
            terms=st.terms, valid_until=st.valid_until, status=st.status,
            proposed_by=st.proposed_by, proposed_by_name=st.proposed_by_name,
            proposed_at=st.proposed_at, version=st.version))

    def get(self, terms_id: str, *, for_update: bool = False) -> SpecialTerms | None:
        q = select(special_terms).where(special_terms.c.id == terms_id)
        if for_update:
            q = q.with_for_update()
        row = self.s.execute(q).first()
        return None if row is None else _terms(row)

    def update(self, st: SpecialTerms) -> SpecialTerms:
        result = self.s.execute(update(special_terms).where(
            special_terms.c.id == st.id, special_terms.c.version == st.version).values(
            status=st.status, decided_by=st.decided_by, decided_by_name=st.decided_by_name,
            decided_at=st.decided_at, comment=st.comment, version=st.version + 1))
        if result.rowcount != 1:  # type: ignore[attr-defined]  # SQLAlchemy types Session.execute() as Result; rowcount is on the CursorResult it returns
            raise ConcurrencyError(f"special terms {st.id} changed since they were read; retry")
        return replace(st, version=st.version + 1)

    def in_force(self, customer_id: str, product: str, on: date) -> SpecialTerms | None:
        rows = self.s.execute(select(special_terms).where(
            special_terms.c.customer_id == customer_id, special_terms.c.product == product,
            special_terms.c.status == APPROVED).order_by(special_terms.c.decided_at.desc()))
        for r in rows:
            st = _terms(r)
            if st.in_force(on):
                return st
        return None

    def page(self, customer_id: str | None, status: str | None, req: PageRequest
             ) -> Page[SpecialTerms]:
        """Newest proposal first, keyed on ``(proposed_at, id)``."""
        where: list[ColumnElement[bool]] = []
        if customer_id is not None:
            where.append(special_terms.c.customer_id == customer_id)
        if status is not None:
            where.append(special_terms.c.status == status)
        return browse.page(self.s, select(special_terms), special_terms.c.proposed_at,
                           special_terms.c.id, req, lambda rows: [_terms(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where, newest_first=True)
