"""Review items of referred applications in SQL (``origination.ports.ReviewRepository``).

Locking: a review carries an integer ``version`` and is updated with
``WHERE version = :seen`` (optimistic; a lost race is ``ConcurrencyError``); a decision also
reads the row ``SELECT ... FOR UPDATE`` on PostgreSQL, so two reviewers queue rather than
race (SQLite writers are serialised by ``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from creditline.errors import ConcurrencyError
from creditline.origination.review import OPEN, Review, ReviewDecision
from creditline.paging import Page, PageRequest
from creditline.store import browse
from creditline.store.tables.origination import reviews
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


def _review(r: Any) -> Review:
    created = aware(r.created_at)
    assert created is not None
    return Review(id=r.id, application_id=r.application_id, status=r.status,
                  proposed_limit=r.proposed_limit, min_limit=r.min_limit, max_limit=r.max_limit,
                  second_review_above=r.second_review_above,
                  decisions=tuple(ReviewDecision.from_json(d) for d in r.decisions or ()),
                  created_at=created, version=r.version, due_at=aware(r.due_at))

_ADD = insert(reviews)


class SqlReviewRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, review: Review) -> None:
        self.s.execute(_ADD, {  # built once: no statement to build and key per referral
            "id": review.id, "application_id": review.application_id, "status": review.status,
            "proposed_limit": review.proposed_limit, "min_limit": review.min_limit,
            "max_limit": review.max_limit, "second_review_above": review.second_review_above,
            "decisions": [d.as_json() for d in review.decisions],
            "created_at": review.created_at, "version": review.version,
            "due_at": review.due_at})

    def get(self, review_id: str, *, for_update: bool = False) -> Review | None:
        q = select(reviews).where(reviews.c.id == review_id)
        if for_update:
            q = q.with_for_update()
        row = self.s.execute(q).first()
        return None if row is None else _review(row)

    def for_application(self, app_id: str) -> Review | None:
        row = self.s.execute(select(reviews).where(reviews.c.application_id == app_id)).first()
        return None if row is None else _review(row)

    def update(self, review: Review) -> Review:
        result = self.s.execute(update(reviews).where(
            reviews.c.id == review.id, reviews.c.version == review.version).values(
            status=review.status, decisions=[d.as_json() for d in review.decisions],
            decided_at=review.decisions[-1].at if review.status == "decided" else None,
            version=review.version + 1))
        if result.rowcount != 1:  # type: ignore[attr-defined]  # SQLAlchemy types Session.execute() as Result; rowcount is on the CursorResult it returns
            raise ConcurrencyError(f"review {review.id} changed since it was read; retry")
        return replace(review, version=review.version + 1)

    def overdue(self, now: datetime, req: PageRequest) -> Page[Review]:
        at = now.astimezone(UTC)
        bound = at if self.uow.is_postgres else at.replace(tzinfo=None)
        where = [reviews.c.status.in_(OPEN), reviews.c.due_at < bound]
        return browse.page(self.s, select(reviews), reviews.c.created_at, reviews.c.id, req,
                           lambda rows: [_review(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)

    def page(self, status: str | None, req: PageRequest) -> Page[Review]:
        where = [] if status is None else [reviews.c.status == status]
        return browse.page(self.s, select(reviews), reviews.c.created_at, reviews.c.id, req,
                           lambda rows: [_review(r) for r in rows],
                           postgres=self.uow.is_postgres, where=where)
