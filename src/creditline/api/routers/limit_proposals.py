"""Limit proposals: manual raises above the approval threshold, waiting for a second person
(maker-checker; ``lines.proposals``).  Listed for the checkers; decided once, never by
their proposer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import iso_utc
from creditline.auth import Principal
from creditline.lines.proposals import LimitProposal
from creditline.money import money_str
from creditline.servicing import services

router = APIRouter(prefix="/v1/limit-proposals", tags=["credit lines"])


class LimitProposalPublic(BaseModel):
    id: str
    line_id: str
    old_limit: str = Field(description="the permanent limit when it was proposed")
    new_limit: str
    reason: str
    proposed_by: str
    proposed_at: str
    status: str = Field(description="pending, approved or rejected")
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None

    @classmethod
    def of(cls, p: LimitProposal) -> LimitProposalPublic:
        return cls(id=p.id, line_id=p.line_id, old_limit=money_str(p.old_limit),
                   new_limit=money_str(p.new_limit), reason=p.reason,
                   proposed_by=p.proposed_by, proposed_at=iso_utc(p.proposed_at),
                   status=p.status.value, decided_by=p.decided_by,
                   decided_at=iso_utc(p.decided_at) if p.decided_at else None,
                   decision_note=p.decision_note)


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=200, description="why (kept with the decision)")


@router.get("", response_model=ListPage[LimitProposalPublic],
            summary="List limit proposals")
def list_proposals(container: ContainerDep,
                   _: Annotated[Principal, Allowed("lines:limit_proposals")],
                   page: PageParams,
                   status: Annotated[str | None, Query(
                       description="pending (default), approved or rejected")] = "pending",
                   line_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
                   ) -> ListPage[LimitProposalPublic]:
    """Limit proposals oldest first: by default those waiting for a decision."""
    return list_page(services.list_limit_proposals(
        container.uow(), status=status, line_id=line_id, req=page), LimitProposalPublic.of)


@router.get("/{proposal_id}", response_model=LimitProposalPublic,
            summary="Get a limit proposal")
def get_proposal(proposal_id: str, container: ContainerDep,
                 _: Annotated[Principal, Allowed("lines:limit_proposals")],
                 ) -> LimitProposalPublic:
    """One limit proposal and its decision, if any."""
    return LimitProposalPublic.of(services.get_limit_proposal(proposal_id, container.uow()))


@router.post("/{proposal_id}/approve", response_model=LimitProposalPublic,
             summary="Approve a limit proposal")
def approve(proposal_id: str, body: Decision, container: ContainerDep,
            actor: Annotated[Principal, Allowed("lines:limit_approve")]) -> LimitProposalPublic:
    """Approve another person's proposal: the limit moves (a ``manual`` limit event naming
    both).  Its proposer: 403; already decided: 409; out of the product's range now: 422."""
    cmd = services.DecideLimitProposal(proposal_id, True, body.note)
    return LimitProposalPublic.of(services.decide_limit_proposal(cmd, container.uow(), actor))


@router.post("/{proposal_id}/reject", response_model=LimitProposalPublic,
             summary="Reject a limit proposal")
def reject(proposal_id: str, body: Decision, container: ContainerDep,
           actor: Annotated[Principal, Allowed("lines:limit_approve")]) -> LimitProposalPublic:
    """Reject another person's proposal: the limit stays.  Its proposer: 403; already
    decided: 409."""
    cmd = services.DecideLimitProposal(proposal_id, False, body.note)
    return LimitProposalPublic.of(services.decide_limit_proposal(cmd, container.uow(), actor))
