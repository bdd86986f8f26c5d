"""Manual-review use cases: the queue, one review, and a reviewer's decision.

The four-eyes rules live in ``origination.review``; a final approval here opens the credit
line and tells the customer, in the reviewer's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from creditline.auth import Principal
from creditline.errors import NotFound, ValidationError
from creditline.money import ZERO, money_str
from creditline.origination import reasons as catalogue
from creditline.origination import review as rv
from creditline.origination.application import APPROVED, Application
from creditline.origination.apply import notify_decision, open_approved_line
from creditline.paging import Page, PageRequest
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ReviewItem:
    review: rv.Review
    application: Application
    age_hours: float = 0.0  # how long the applicant has waited (to the decision, if decided)
    breached: bool = False  # past the product's review SLA


def _item(review: rv.Review, uow: UnitOfWork, now: datetime) -> ReviewItem:
    app = uow.applications.get(review.application_id)
    assert app is not None
    return ReviewItem(review, app, round(review.age(now).total_seconds() / 3600, 2),
                      review.breached(now))


@dataclass(frozen=True)
class DecideReview:
    review_id: str
    decision: str  # approve | decline (checked by the domain)
    comment: str
    limit: str | Decimal | None = None


def list_reviews(uow: UnitOfWork, status: str | None, req: PageRequest | None = None
                 ) -> Page[ReviewItem]:
    """A page of the queue, oldest first, each item with its application."""
    if status is not None and status not in rv.STATUSES:
        raise ValidationError("status", f"must be one of: {', '.join(rv.STATUSES)}")
    with uow:
        page = uow.reviews.page(status, req or PageRequest())
        now = uow.now()
        return Page([_item(r, uow, now) for r in page.items], page.next, page.total)


def list_breaches(uow: UnitOfWork, req: PageRequest | None = None) -> Page[ReviewItem]:
    """The SLA breach list: open reviews past their due time, oldest first."""
    with uow:
        now = uow.now()
        page = uow.reviews.overdue(now, req or PageRequest())
        return Page([_item(r, uow, now) for r in page.items], page.next, page.total)


def get_review(uow: UnitOfWork, review_id: str) -> ReviewItem:
    with uow:
        r = uow.reviews.get(review_id)
        if r is None:
            raise NotFound(f"review {review_id} not found")
        return _item(r, uow, uow.now())


def decide_review(cmd: DecideReview, uow: UnitOfWork, actor: Principal) -> ReviewItem:
    """One reviewer's decision; the final one approves (opening the line) or declines."""
    decision, limit, comment = rv.parse_decision(cmd.decision, cmd.limit, cmd.comment)
    with uow:
        review = uow.reviews.get(cmd.review_id, for_update=True)
        if review is None:
            raise NotFound(f"review {cmd.review_id} not found")
        app = uow.applications.get(review.application_id, for_update=True)
        assert app is not None
        now = uow.now()
        updated = rv.decide(review, reviewer_id=actor.user_id, reviewer=actor.name,
                            decision=decision, limit=limit, comment=comment, at=now)
        updated = uow.reviews.update(updated)
        uow.audit(actor, f"review.{decision}", "review", review.id, {
            "application_id": app.id, "limit": None if limit is None else money_str(limit),
            "comment": comment, "status": updated.status})
        if updated.status == rv.DECIDED:
            outcome = updated.outcome
            assert outcome is not None
            limit_final = updated.final_limit or ZERO
            manual = catalogue.lookup("MANUAL_REVIEW").as_dict()
            kept = [r for r in app.reasons if r["code"] != "MANUAL_REVIEW"]
            app = replace(app, status=outcome, granted_limit=limit_final, decided_at=now,
                          reasons=[manual, *kept][:catalogue.MAX_REASONS])
            app = uow.applications.update(app)
            if outcome == APPROVED:
                line_id = open_approved_line(uow, app)
                app = uow.applications.update(replace(app, line_id=line_id))
            uow.audit(actor, f"application.{outcome}", "application", app.id, {
                "review_id": review.id, "limit": money_str(limit_final),
                "reviewers": [d.reviewer for d in updated.decisions], "line_id": app.line_id})
            notify_decision(uow, app)
        uow.commit()
    return ReviewItem(updated, app, round(updated.age(now).total_seconds() / 3600, 2),
                      updated.breached(now))
