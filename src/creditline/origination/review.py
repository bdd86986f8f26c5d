"""Manual review of referred applications.

A reviewer approves (with a limit, by default the one the policy proposed) or declines,
always with a comment.  An approval above the product's ``second_review_above`` amount is
not final until a second, different reviewer confirms it (four eyes); the second reviewer
may confirm, lower the limit, or decline.  A decline by the first reviewer is final.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.money import money_str, to_money

PENDING, SECOND_REVIEW, DECIDED = "pending", "second_review", "decided"
STATUSES = (PENDING, SECOND_REVIEW, DECIDED)
OPEN = (PENDING, SECOND_REVIEW)  # waiting for a reviewer: what an SLA measures
APPROVE, DECLINE = "approve", "decline"  # as stored in a review's decisions
# What a reviewer sends and every answer says: the outcome, as applications name it.  The
# imperative forms are still read for one release (deprecated; see README "Decisions").
OUTCOMES = {"approved": APPROVE, "declined": DECLINE}
_DEPRECATED = {APPROVE: APPROVE, DECLINE: DECLINE}


def outcome_name(decision: str) -> Literal["approved", "declined"]:
    """``approve`` -> ``approved``: the name a stored decision is answered with."""
    return "approved" if decision == APPROVE else "declined"


@dataclass(frozen=True)
class ReviewDecision:
    reviewer_id: str
    reviewer: str
    decision: str  # approve | decline
    limit: Decimal | None
    comment: str
    at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"reviewer_id": self.reviewer_id, "reviewer": self.reviewer,
                "decision": self.decision,
                "limit": None if self.limit is None else money_str(self.limit),
                "comment": self.comment, "at": self.at.isoformat()}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReviewDecision:
        return cls(reviewer_id=d["reviewer_id"], reviewer=d["reviewer"], decision=d["decision"],
                   limit=None if d.get("limit") is None else Decimal(d["limit"]),
                   comment=d["comment"], at=datetime.fromisoformat(d["at"]))


@dataclass(frozen=True)
class Review:
    id: str
    application_id: str
    status: str
    proposed_limit: Decimal
    min_limit: Decimal
    max_limit: Decimal
    second_review_above: Decimal
    decisions: tuple[ReviewDecision, ...]
    created_at: datetime
    version: int = 1
    due_at: datetime | None = None  # the SLA: decided by then (None: opened before SLAs)

    def age(self, now: datetime) -> timedelta:
        """How long the applicant has waited (until the final decision once decided)."""
        end = self.decisions[-1].at if self.status == DECIDED and self.decisions else now
        return end - self.created_at

    def breached(self, now: datetime) -> bool:
        """Past its SLA: still open after ``due_at``, or decided after it."""
        if self.due_at is None:
            return False
        if self.status == DECIDED and self.decisions:
            return self.decisions[-1].at > self.due_at
        return now > self.due_at

    @property
    def outcome(self) -> str | None:
        """``approved`` / ``declined`` once decided."""
        if self.status != DECIDED:
            return None
        return "approved" if self.decisions[-1].decision == APPROVE else "declined"

    @property
    def final_limit(self) -> Decimal | None:
        if self.outcome != "approved":
            return None
        return self.decisions[-1].limit


def due_at(created_at: datetime, sla_hours: int | None) -> datetime | None:
    return None if sla_hours is None else created_at + timedelta(hours=sla_hours)


def parse_decision(decision: object, limit: object, comment: object) -> tuple[str, Decimal | None, str]:
    if not isinstance(decision, str) or decision not in {**OUTCOMES, **_DEPRECATED}:
        raise ValidationError("decision", "must be 'approved' or 'declined' (the deprecated "
                                          "'approve' / 'decline' are read until the next release)")
    decision = OUTCOMES.get(decision, decision)
    if not isinstance(comment, str) or not comment.strip():
        raise ValidationError("comment", "is required: say why")
    if len(comment) > 2000:
        raise ValidationError("comment", "must be at most 2000 characters")
    amount = None if limit is None else to_money(limit, "limit")
    if decision == DECLINE and amount is not None:
        raise ValidationError("limit", "is only given with 'approved'")
    return str(decision), amount, comment.strip()


def decide(review: Review, *, reviewer_id: str, reviewer: str, decision: str,
           limit: Decimal | None, comment: str, at: datetime) -> Review:
    """Record one reviewer's decision; returns the review in its new state."""
    if review.status == DECIDED:
        raise Conflict(f"review {review.id} is already decided ({review.outcome})")
    if review.status == SECOND_REVIEW:
        first = review.decisions[0]
        if first.reviewer_id == reviewer_id:
            raise Forbidden("four eyes: the second review must be done by another reviewer "
                            f"than {first.reviewer}")
        if decision == APPROVE:
            assert first.limit is not None
            limit = first.limit if limit is None else limit
            if limit > first.limit:
                raise ValidationError("limit", f"the second reviewer may confirm or lower the "
                                               f"limit, not raise it above {money_str(first.limit)}")
            _check_range(review, limit)
        entry = ReviewDecision(reviewer_id, reviewer, decision, limit, comment, at)
        return replace(review, status=DECIDED, decisions=(*review.decisions, entry))
    if decision == APPROVE:
        limit = review.proposed_limit if limit is None else limit
        _check_range(review, limit)
    entry = ReviewDecision(reviewer_id, reviewer, decision, limit, comment, at)
    needs_second = decision == APPROVE and limit is not None and limit > review.second_review_above
    return replace(review, status=SECOND_REVIEW if needs_second else DECIDED,
                   decisions=(entry,))


def _check_range(review: Review, limit: Decimal) -> None:
    if limit < review.min_limit or limit > review.max_limit:
        raise ValidationError("limit", f"must be between {money_str(review.min_limit)} and "
                                       f"{money_str(review.max_limit)} for this product")
