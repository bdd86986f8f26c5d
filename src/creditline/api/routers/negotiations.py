"""Enterprise negotiation cases (issue 14): an account manager, notes, proposals and
counter-proposals, ending in no change, a partial closure or a restructuring (the agreed
plan then waits for a second person, ``/v1/closure-plans``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.routers.closure_plans import PlanCreate
from creditline.auth import Principal
from creditline.closure import services as cs

router = APIRouter(prefix="/v1/negotiations", tags=["closure"])


class NegotiationPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    line_id: str
    customer_id: str
    manager: str
    subject: str
    status: str
    entries: list[dict[str, Any]]
    outcome: str | None
    plan_id: str | None

    @classmethod
    def of(cls, d: dict[str, Any]) -> NegotiationPublic:
        return cls(**d)


class NegotiationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_id: str = Field(min_length=1, max_length=36)
    manager: str = Field(min_length=1, max_length=100, description="the account manager")
    subject: str = Field(min_length=1, max_length=500)


class EntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["note", "proposal", "counter_proposal"]
    text: str = Field(min_length=1, max_length=2000)
    side: Literal["bank", "customer"] = "bank"
    terms: dict[str, str] = Field(default_factory=dict, max_length=20)


class Conclusion(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["no_change", "partial_closure", "restructuring"]
    text: str = Field(min_length=1, max_length=2000)
    plan: PlanCreate | None = None


@router.post("", status_code=201, response_model=NegotiationPublic,
             summary="Open a negotiation case on an SME line")
def open_case(body: NegotiationCreate, container: ContainerDep,
              actor: Annotated[Principal, Allowed("negotiations:manage")]) -> NegotiationPublic:
    """With its account manager; the customer is told.  Not an SME line: 422."""
    cmd = cs.OpenNegotiation(body.line_id, body.manager, body.subject)
    return NegotiationPublic.of(cs.open_negotiation(cmd, container.uow(), actor))


@router.get("", response_model=ListPage[NegotiationPublic], summary="List negotiation cases")
def list_cases(container: ContainerDep, _: Annotated[Principal, Allowed("negotiations:read")],
               page: PageParams,
               status: Annotated[str | None, Query(max_length=12)] = None,
               line_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
               ) -> ListPage[NegotiationPublic]:
    """Oldest first; ``status`` open or concluded."""
    return list_page(cs.list_negotiations(status, line_id, page, container.uow()),
                     NegotiationPublic.of)


@router.get("/{negotiation_id}", response_model=NegotiationPublic,
            summary="Get a negotiation case")
def get_case(negotiation_id: str, container: ContainerDep,
             _: Annotated[Principal, Allowed("negotiations:read")]) -> NegotiationPublic:
    """The case with every note, proposal and counter-proposal, in order."""
    return NegotiationPublic.of(cs.get_negotiation(negotiation_id, container.uow()))


@router.post("/{negotiation_id}/entries", response_model=NegotiationPublic,
             summary="Add a note, a proposal or a counter-proposal")
def add_entry(negotiation_id: str, body: EntryCreate, container: ContainerDep,
              actor: Annotated[Principal, Allowed("negotiations:manage")]) -> NegotiationPublic:
    """From the bank or the customer (``side``), with the terms in question.  A concluded
    case: 409."""
    cmd = cs.NegotiationEntry(negotiation_id, body.kind, body.text, body.side, body.terms)
    return NegotiationPublic.of(cs.add_negotiation_entry(cmd, container.uow(), actor))


@router.post("/{negotiation_id}/conclusion", response_model=NegotiationPublic,
             summary="Conclude: no change, or the agreed plan for a second person")
def conclude(negotiation_id: str, body: Conclusion, container: ContainerDep,
             actor: Annotated[Principal, Allowed("negotiations:manage")]) -> NegotiationPublic:
    """no_change ends the case; partial_closure and restructuring carry the agreed plan,
    which then waits for a second person (``/v1/closure-plans``)."""
    plan = None if body.plan is None else body.plan.command("")  # the case's line
    cmd = cs.ConcludeNegotiation(negotiation_id, body.outcome, body.text, plan)
    return NegotiationPublic.of(cs.conclude_negotiation(cmd, container.uow(), actor))
