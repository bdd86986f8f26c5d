"""Watching the book (issue 17): vintages, roll rates, the transition matrix, concentration
and early-warning alerts as JSON, the same tables the risk report prints
(``portfolio.services``).  Every table is read as of a date (``as_of``; default the book's
business date; a later date is a 422)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Day, iso_utc
from creditline.auth import Principal

router = APIRouter(prefix="/v1/portfolio", tags=["portfolio"])

AsOf = Annotated[Day | None, Query(description="the date the book is read as of "
                                               "(default: the book's business date)")]


def _services() -> Any:
    from creditline.portfolio import services

    return services


class VintagesPublic(BaseModel):
    as_of: str
    by: str | None
    states: list[str]
    dpd30_from: str = Field(description="the first bucket counted as 30+ days past due")
    dpd90_from: str
    rows: list[dict[str, Any]] = Field(description="one per vintage (and segment) and month "
                                                   "on book; money as strings, shares 0-1")


class RollsPublic(BaseModel):
    as_of: str
    states: list[str]
    periods: list[dict[str, Any]]
    counts: list[list[int]]
    matrix: list[list[float | None]]


class TransitionPublic(BaseModel):
    as_of: str
    method: str
    states: list[str]
    counts: list[list[int]]
    matrix: list[list[float | None]]


class ConcentrationPublic(BaseModel):
    as_of: str
    limits_version: str
    total_exposure: str
    dimensions: dict[str, Any]
    borrowers: list[dict[str, Any]]
    borrower_hhi: float
    top_ten_share: float
    breaches: list[dict[str, Any]]


class AlertPublic(BaseModel):
    id: str
    run_id: str
    business_date: str
    indicator: str
    segment: str
    level: str = Field(description="warn or alert")
    value: float | None
    threshold: float | None
    evidence: dict[str, Any]
    proposal: dict[str, Any] | None
    rules_version: str
    created_at: str
    created_by: str

    @classmethod
    def of(cls, a: dict[str, Any]) -> AlertPublic:
        return cls(**{**a, "business_date": a["business_date"].isoformat(),
                      "created_at": iso_utc(a["created_at"])})


class AlertList(BaseModel):
    items: list[AlertPublic]


class WarningsRun(BaseModel):
    model_config = ConfigDict(extra="forbid")
    as_of: Day | None = Field(default=None, description="default: the book's business date")


class SignalPublic(BaseModel):
    indicator: str
    segment: str
    value: float | None
    warn: float | None
    alert: float | None
    level: str = Field(description="ok, warn, alert or not_computed")
    evidence: dict[str, Any]
    proposal: dict[str, Any] | None


class WarningsRunPublic(BaseModel):
    run_id: str
    business_date: str
    rules_version: str
    signals: list[SignalPublic]
    alerts: list[AlertPublic]


@router.get("/vintages", response_model=VintagesPublic, summary="Read the vintages")
def vintages(container: ContainerDep, _: Annotated[Principal, Allowed("portfolio:read")],
             as_of: AsOf = None,
             by: Annotated[str | None, Query(description="product, channel, band or kind",
                                             max_length=20)] = None) -> VintagesPublic:
    """Shares of lines and of balance 30+ and 90+ days past due and charged off, by
    origination month (and segment) and months on book."""
    ps = _services()
    return VintagesPublic(**ps.vintages(ps.BookQuery(as_of, by), container.uow()))


@router.get("/rolls", response_model=RollsPublic, summary="Read roll, cure and flow rates")
def rolls(container: ContainerDep, _: Annotated[Principal, Allowed("portfolio:read")],
          as_of: AsOf = None) -> RollsPublic:
    """Per month: roll rate (to a worse state), cure rate and flow rate (balance) by bucket;
    the pooled counts and transition matrix."""
    ps = _services()
    return RollsPublic(**ps.rolls(ps.BookQuery(as_of), container.uow()))


@router.get("/transition", response_model=TransitionPublic, summary="Read the transition matrix")
def transition(container: ContainerDep, _: Annotated[Principal, Allowed("portfolio:read")],
               as_of: AsOf = None) -> TransitionPublic:
    """The one-month transition matrix between buckets and charged off (cohort method)."""
    ps = _services()
    return TransitionPublic(**ps.transition(ps.BookQuery(as_of), container.uow()))


@router.get("/concentration", response_model=ConcentrationPublic, summary="Read the concentration")
def concentration(container: ContainerDep, _: Annotated[Principal, Allowed("portfolio:read")],
                  as_of: AsOf = None) -> ConcentrationPublic:
    """Exposure by industry, region, merchant category and borrower, HHI, breaches."""
    ps = _services()
    return ConcentrationPublic(**ps.concentration_report(ps.BookQuery(as_of), container.uow()))


@router.get("/alerts", response_model=AlertList, summary="List early-warning alerts")
def alerts(container: ContainerDep, _: Annotated[Principal, Allowed("portfolio:read")],
           as_of: Annotated[Day | None, Query(description="only this business date's")] = None,
           ) -> AlertList:
    """Warnings and alerts kept by the early-warning runs, newest first (at most 500)."""
    ps = _services()
    return AlertList(items=[AlertPublic.of(a) for a in
                            ps.list_alerts(ps.AlertQuery(as_of), container.uow())])


@router.post("/warnings/run", response_model=WarningsRunPublic, status_code=201,
             summary="Run the early warning")
def run_warnings(body: WarningsRun, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("portfolio:warnings")]) -> WarningsRunPublic:
    """Every indicator against its threshold; warnings and alerts are kept with their
    evidence and proposed action (a sector cut with its preview, a stricter cut-off to
    replay); the run is audited.  Nothing else changes."""
    ps = _services()
    run = ps.run_warnings(ps.RunWarnings(body.as_of), container.uow(), actor)
    return WarningsRunPublic(
        run_id=run.run_id, business_date=run.business_date.isoformat(),
        rules_version=run.rules_version,
        signals=[SignalPublic(**s.as_json()) for s in run.signals],
        alerts=[AlertPublic.of(a) for a in run.alerts])
