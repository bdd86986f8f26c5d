"""Special terms ("one enterprise, one policy"): a risk officer proposes a limit for one
enterprise outside the standard limits; a second person approves it (maker-checker: the
proposer never can, 403).  Approved terms in force set the limit of that enterprise's
``sme_line`` applications."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Amount, Day, Timestamp
from creditline.auth import Principal
from creditline.money import money_str
from creditline.origination import special_terms_services as services
from creditline.origination.special_terms import SpecialTerms

router = APIRouter(prefix="/v1/special-terms", tags=["special terms"])


class TermsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    customer_id: str
    product: str = "sme_line"
    limit: Amount = Field(description="decimal string, CNY")
    terms: str = Field(description="the conditions agreed: covenants, pricing, monitoring")
    valid_until: Day | None = None


class TermsDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = None


class TermsPublic(BaseModel):
    id: str
    customer_id: str
    product: str
    limit: str
    terms: str
    valid_until: date | None
    status: str
    proposed_by: str
    proposed_at: Timestamp
    decided_by: str | None
    decided_at: Timestamp | None
    comment: str | None


def _public(t: SpecialTerms) -> TermsPublic:
    return TermsPublic(id=t.id, customer_id=t.customer_id, product=t.product,
                       limit=money_str(t.limit), terms=t.terms, valid_until=t.valid_until,
                       status=t.status, proposed_by=t.proposed_by_name, proposed_at=t.proposed_at,
                       decided_by=t.decided_by_name, decided_at=t.decided_at, comment=t.comment)


@router.post("", status_code=201, response_model=TermsPublic,
             summary="Propose special terms for an enterprise")
def propose(body: TermsCreate, container: ContainerDep,
            actor: Annotated[Principal, Allowed("special_terms:propose")]) -> TermsPublic:
    """A limit outside the standard limits for one enterprise, waiting for a second
    officer's approval."""
    return _public(services.propose_terms(services.ProposeTerms(
        customer_id=body.customer_id, product=body.product, limit=body.limit, terms=body.terms,
        valid_until=body.valid_until), container.uow(), actor))


@router.post("/{terms_id}/approve", response_model=TermsPublic,
             summary="Approve proposed special terms")
def approve(terms_id: str, body: TermsDecision, container: ContainerDep,
            actor: Annotated[Principal, Allowed("special_terms:approve")]) -> TermsPublic:
    """The checker's approval; 403 for the user who proposed them."""
    return _public(services.decide_terms(services.DecideTerms(
        terms_id=terms_id, approve=True, comment=body.comment), container.uow(), actor))


@router.post("/{terms_id}/reject", response_model=TermsPublic,
             summary="Reject proposed special terms")
def reject(terms_id: str, body: TermsDecision, container: ContainerDep,
           actor: Annotated[Principal, Allowed("special_terms:approve")]) -> TermsPublic:
    """The checker's rejection, with an optional comment; 403 for the proposer."""
    return _public(services.decide_terms(services.DecideTerms(
        terms_id=terms_id, approve=False, comment=body.comment), container.uow(), actor))


@router.post("/{terms_id}/revoke", response_model=TermsPublic,
             summary="Revoke special terms in force")
def revoke(terms_id: str, body: TermsDecision, container: ContainerDep,
           actor: Annotated[Principal, Allowed("special_terms:approve")]) -> TermsPublic:
    """End approved terms early; later applications get the standard limits again."""
    return _public(services.revoke_terms(services.RevokeTerms(
        terms_id=terms_id, comment=body.comment), container.uow(), actor))


@router.get("", response_model=list[TermsPublic], summary="List special terms")
def list_terms(container: ContainerDep,
               _: Annotated[Principal, Allowed("special_terms:propose")],
               customer_id: str | None = None, status: str | None = None) -> list[TermsPublic]:
    """Special terms, optionally of one customer or in one status."""
    return [_public(t) for t in services.list_terms(container.uow(), customer_id, status)]


@router.get("/{terms_id}", response_model=TermsPublic, summary="Read special terms")
def get_terms(terms_id: str, container: ContainerDep,
              _: Annotated[Principal, Allowed("special_terms:propose")]) -> TermsPublic:
    """One proposal with its decision; 404 if there are no such terms."""
    return _public(services.get_terms(container.uow(), terms_id))
