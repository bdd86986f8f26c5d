"""The manual review queue: referred applications with everything a reviewer needs — the
application, the checks that fired, the score with its reasons, and any ring — and the
decision (approve with a limit, or decline), four eyes above the product's threshold."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.routers.applications import ApplicationPublic, application_public, declared
from creditline.api.schemas_common import Amount, Timestamp
from creditline.auth import Principal
from creditline.money import money_str
from creditline.origination import reviews as services
from creditline.origination.review import outcome_name

router = APIRouter(prefix="/v1/reviews", tags=["reviews"])


class ReviewDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(description="approved or declined (the deprecated approve / decline "
                                      "are read until the next release)")
    limit: Amount | None = Field(default=None, description="approved only; default: the "
                                 "proposed limit (second reviewer: the first's)")
    comment: str


class ReviewerDecision(BaseModel):
    reviewer: str
    decision: Literal["approved", "declined"]
    limit: str | None
    comment: str
    at: Timestamp


class ReviewPublic(BaseModel):
    id: str
    status: str = Field(description="pending, second_review (an approval above the threshold "
                                    "waits for another reviewer) or decided")
    outcome: str | None
    proposed_limit: str
    second_review_above: str
    decisions: list[ReviewerDecision]
    created_at: Timestamp
    application: ApplicationPublic
    declared: dict[str, Any] = Field(description="what the applicant declared (assets, "
                                                 "statements, licence, mitigants...)")
    checks: dict[str, Any]
    score: dict[str, Any]
    ring: dict[str, Any] | None


def review_public(item: services.ReviewItem) -> ReviewPublic:
    r, app = item.review, item.application
    return ReviewPublic(
        id=r.id, status=r.status, outcome=r.outcome, proposed_limit=money_str(r.proposed_limit),
        second_review_above=money_str(r.second_review_above),
        decisions=[ReviewerDecision(reviewer=d.reviewer, decision=outcome_name(d.decision),
                                    limit=None if d.limit is None else money_str(d.limit),
                                    comment=d.comment, at=d.at) for d in r.decisions],
        created_at=r.created_at, application=application_public(app, r.id),
        declared=declared(app), checks=app.checks,
        score={"score": None if app.score is None else round(app.score, 2),
               "pd": None if app.pd is None else round(app.pd, 6), "band": app.band, "model_id": app.model_id,
               "model": app.model_name, "model_version": app.model_version,
               "reasons": [x for x in app.reasons if x.get("source") == "score"],
               "features": app.features},
        ring=app.ring)


@router.get("", response_model=ListPage[ReviewPublic], summary="List the review queue")
def list_reviews(container: ContainerDep, _: Annotated[Principal, Allowed("reviews:read")],
                 page: PageParams,
                 status: Annotated[str | None, Query(
                     description="pending, second_review or decided")] = "pending",
                 ) -> ListPage[ReviewPublic]:
    """Review items, oldest first."""
    return list_page(services.list_reviews(container.uow(), status, page), review_public)


@router.get("/{review_id}", response_model=ReviewPublic, summary="Read a review item")
def get_review(review_id: str, container: ContainerDep,
               _: Annotated[Principal, Allowed("reviews:read")]) -> ReviewPublic:
    """The referred application with everything a reviewer needs; 404 if there is no such
    review."""
    return review_public(services.get_review(container.uow(), review_id))


@router.post("/{review_id}/decision", response_model=ReviewPublic,
             summary="Approve or decline a referred application")
def decide(review_id: str, body: ReviewDecisionIn, container: ContainerDep,
           actor: Annotated[Principal, Allowed("reviews:decide")]) -> ReviewPublic:
    """Approve (opening the line) or decline; above the product's threshold an approval
    needs a second, different reviewer (403 if the same reviewer tries)."""
    item = services.decide_review(services.DecideReview(
        review_id=review_id, decision=body.decision, comment=body.comment, limit=body.limit),
        container.uow(), actor)
    return review_public(item)
