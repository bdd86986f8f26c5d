"""Plans that change a line's draws, with maker-checker (issue 14): partial closure,
restructuring (hardship or negotiated) and the emergency plan (cut the limit, call draws
back under the acceleration clause).  Proposed by one person, approved by another."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import Amount
from creditline.auth import Principal
from creditline.closure import services as cs

router = APIRouter(tags=["closure"])


class PlanPublic(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    line_id: str
    kind: str
    status: str = Field(description="pending, approved or rejected")
    new_limit: str | None
    call_back: list[str]
    due_date: str | None
    restructure: list[str]
    terms: dict[str, Any] | None
    reason: str
    proposed_by: str
    decided_by: str | None
    result: dict[str, Any]

    @classmethod
    def of(cls, d: dict[str, Any]) -> PlanPublic:
        return cls(**d)


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["partial_closure", "restructuring", "emergency"]
    reason: str = Field(min_length=1, max_length=500)
    new_limit: Amount | None = Field(None, description="a lower limit")
    call_back: list[str] = Field(default_factory=list, max_length=200,
                                 description="draws (purchase ids) called back early")
    due_date: str | None = Field(None, description="when the called amount is due: a "
                                                   "statement's due date (YYYY-MM-DD)")
    restructure: list[str] = Field(default_factory=list, max_length=200,
                                   description="draws given a new schedule")
    extension: int | None = Field(None, ge=0, le=120, description="months added")
    daily_rate: str | None = Field(None, max_length=12, description="new daily interest rate")
    fee_rate: str | None = Field(None, max_length=12, description="new fee rate per period")
    capitalise_arrears: bool = False

    def command(self, line_id: str, negotiation_id: str | None = None) -> cs.ProposePlan:
        return cs.ProposePlan(
            line_id, self.kind, self.reason, self.new_limit, tuple(self.call_back),
            self.due_date, tuple(self.restructure), self.extension, self.daily_rate,
            self.fee_rate, self.capitalise_arrears, negotiation_id)


class PlanDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: str = Field(min_length=1, max_length=500)


@router.post("/v1/credit-lines/{line_id}/plans", status_code=201, response_model=PlanPublic,
             summary="Propose a plan (partial closure, restructuring, emergency)")
def propose(line_id: str, body: PlanCreate, container: ContainerDep,
            actor: Annotated[Principal, Allowed("plans:propose")]) -> PlanPublic:
    """Nothing changes until a second person approves it."""
    return PlanPublic.of(cs.propose_plan(body.command(line_id), container.uow(), actor))


@router.get("/v1/closure-plans", response_model=ListPage[PlanPublic], summary="List plans")
def list_plans(container: ContainerDep, _: Annotated[Principal, Allowed("plans:read")],
               page: PageParams,
               status: Annotated[str | None, Query(max_length=12)] = "pending",
               line_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
               ) -> ListPage[PlanPublic]:
    """Oldest proposal first; by default those waiting for a second person."""
    return list_page(cs.list_plans(status, line_id, page, container.uow()), PlanPublic.of)


@router.get("/v1/closure-plans/{plan_id}", response_model=PlanPublic, summary="Get a plan")
def get_plan(plan_id: str, container: ContainerDep,
             _: Annotated[Principal, Allowed("plans:read")]) -> PlanPublic:
    """The plan, its decision and, once carried out, what it did (limit, calls, the old
    and new schedules)."""
    return PlanPublic.of(cs.get_plan(plan_id, container.uow()))


@router.post("/v1/closure-plans/{plan_id}/decision", response_model=PlanPublic,
             summary="Approve (and carry out) or reject a plan")
def decide(plan_id: str, body: PlanDecision, container: ContainerDep,
           actor: Annotated[Principal, Allowed("plans:approve")]) -> PlanPublic:
    """Its proposer: 403; decided already: 409."""
    return PlanPublic.of(cs.decide_plan(cs.DecidePlan(plan_id, body.approve, body.note),
                                        container.uow(), actor))
