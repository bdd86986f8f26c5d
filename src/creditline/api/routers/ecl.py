"""Expected credit loss (issue 17): ECL runs by stage, product, industry and region, the
allowance movement between two dates, stress tests side by side and the 12-month cash-flow
projection.  Money as decimal strings; every table as JSON."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Day, ErrorBody, iso_utc
from creditline.auth import Principal
from creditline.money import money_str
from creditline.portfolio import ecl_services as svc
from creditline.portfolio.cashflow import Projection
from creditline.portfolio.ecl_ports import EclRunRecord
from creditline.portfolio.movement import ROWS, STAGES
from creditline.portfolio.stress import StressResult

router = APIRouter(tags=["portfolio: expected credit loss"])


def _m(cents: int) -> str:
    return money_str(svc.cents_to_money(cents))


class EclRunPublic(BaseModel):
    id: str
    as_of: str
    created_at: str
    actor: str
    source: str = Field(description="provisions (the month-end end-of-day stage) or manual")
    staging_rules: str = Field(description="version+hash12 of the staging decision table")
    parameters: str = Field(description="version+hash12 of portfolio/scenarios")
    lines: int
    ead: str
    ecl: str
    journal_entry: str | None = Field(description="the provision entry posted, if any")
    model: dict[str, Any] = Field(description="migration matrix, LGD per product, scenarios")

    @classmethod
    def of(cls, r: EclRunRecord) -> EclRunPublic:
        return cls(id=r.id, as_of=r.as_of.isoformat(), created_at=iso_utc(r.created_at),
                   actor=r.actor, source=r.source, staging_rules=r.staging_rules,
                   parameters=r.parameters, lines=r.lines, ead=money_str(r.ead),
                   ecl=money_str(r.ecl), journal_entry=r.journal_entry, model=r.model)


class SegmentRow(BaseModel):
    key: str = Field(description="the stage (1-3), product, industry or region ('-': none)")
    lines: int
    drawn: str
    ead: str
    ecl: str
    el_12m: str = Field(description="12-month expected loss whatever the stage")
    coverage: float = Field(description="ECL / EAD")


class EclPublic(BaseModel):
    run: EclRunPublic
    by_stage: list[SegmentRow]
    by_product: list[SegmentRow]
    by_industry: list[SegmentRow]
    by_region: list[SegmentRow]

    @classmethod
    def of(cls, v: svc.EclView) -> EclPublic:
        def rows(dim: str) -> list[SegmentRow]:
            return [SegmentRow(key=str(r[dim]), lines=int(r["lines"]), drawn=_m(r["drawn"]),
                               ead=_m(r["ead"]), ecl=_m(r["ecl"]), el_12m=_m(r["el_12m"]),
                               coverage=round(float(r["coverage"]), 6))
                    for r in v.summaries[dim]]
        return cls(run=EclRunPublic.of(v.run), by_stage=rows("stage"),
                   by_product=rows("product"), by_industry=rows("industry"),
                   by_region=rows("region"))


class RunList(BaseModel):
    items: list[EclRunPublic]


class MovementRow(BaseModel):
    row: str
    stage_1: str
    stage_2: str
    stage_3: str
    total: str
    lines: int


class MovementPublic(BaseModel):
    opening: EclRunPublic
    closing: EclRunPublic
    rows: list[MovementRow]
    reconciles: bool = Field(description="opening + every row = closing, per stage, to the cent")

    @classmethod
    def of(cls, v: svc.MovementView) -> MovementPublic:
        mv = v.movement
        rows = [MovementRow(row=r, stage_1=_m(mv.cells[r][1]), stage_2=_m(mv.cells[r][2]),
                            stage_3=_m(mv.cells[r][3]), total=_m(mv.total(r)),
                            lines=mv.lines.get(r, 0)) for r in ROWS]
        return cls(opening=EclRunPublic.of(v.opening), closing=EclRunPublic.of(v.closing),
                   rows=rows, reconciles=mv.reconciles)


class MonthRow(BaseModel):
    month: int = Field(description="1 = the month after the measurement date's")
    repayments_in: str
    draws_out: str
    losses: str
    net: str
    cumulative: str


class CashflowPublic(BaseModel):
    as_of: str
    months: list[MonthRow]
    funding_need: str = Field(description="the deepest the cumulative net goes below zero")

    @classmethod
    def of(cls, as_of: str, p: Projection) -> CashflowPublic:
        return cls(as_of=as_of, funding_need=_m(p.funding_need), months=[
            MonthRow(month=int(r["month"]), repayments_in=_m(r["repayments_in"]),
                     draws_out=_m(r["draws_out"]), losses=_m(r["losses"]), net=_m(r["net"]),
                     cumulative=_m(r["cumulative"])) for r in p.months.to_dicts()])


class ScenarioPublic(BaseModel):
    name: str
    title: str
    lines: int
    ecl: str
    ecl_by_stage: dict[str, str]
    ecl_change: str = Field(description="against the base scenario")
    el_12m: str
    el_12m_change: str
    lines_by_stage: dict[str, int]
    cashflow: list[MonthRow]
    cashflow_totals: dict[str, str]
    funding_need: str


class StressPublic(BaseModel):
    as_of: str
    parameters: str
    scenarios: list[ScenarioPublic]

    @classmethod
    def of(cls, v: svc.StressView) -> StressPublic:
        base = v.results[0]

        def one(r: StressResult) -> ScenarioPublic:
            cf = CashflowPublic.of(v.as_of.isoformat(), r.cashflow)
            counts = {str(s): 0 for s in STAGES}
            for s, n in r.results.group_by("stage").len().iter_rows():
                counts[str(s)] = int(n)
            return ScenarioPublic(
                name=r.scenario.name, title=r.scenario.title, lines=r.results.height,
                ecl=_m(r.ecl), ecl_by_stage={str(k): _m(x) for k, x in r.ecl_by_stage().items()},
                ecl_change=_m(r.ecl - base.ecl), el_12m=_m(r.el_12m),
                el_12m_change=_m(r.el_12m - base.el_12m), lines_by_stage=counts,
                cashflow=cf.months, funding_need=cf.funding_need,
                cashflow_totals={k: _m(x) for k, x in r.cashflow.totals().items()})
        return cls(as_of=v.as_of.isoformat(), parameters=v.parameters,
                   scenarios=[one(r) for r in v.results])


@router.get("/v1/portfolio/ecl", response_model=EclPublic,
            summary="Expected credit loss of a run, by stage, product, industry and region")
def get_ecl(container: ContainerDep, actor: Annotated[Principal, Allowed("ecl:read")],
            run_id: Annotated[str | None, Query(max_length=32)] = None,
            as_of: Annotated[Day | None, Query(description="the latest run measured on or "
                                                           "before this date")] = None,
            ) -> EclPublic:
    """The latest run (or the one named, or the latest on or before ``as_of``): the
    month-end provisions stage makes one each month end; ``POST /v1/portfolio/ecl/runs``
    measures now."""
    return EclPublic.of(svc.show_ecl(svc.ShowEcl(run_id, as_of), container.uow(), actor))


@router.get("/v1/portfolio/ecl/runs", response_model=RunList, summary="ECL runs, latest first")
def list_runs(container: ContainerDep, actor: Annotated[Principal, Allowed("ecl:read")],
              limit: Annotated[int, Query(ge=1, le=500)] = 50) -> RunList:
    """Each run with its date, source (month-end provisions or manual), labels and totals."""
    return RunList(items=[EclRunPublic.of(r) for r in svc.list_runs(container.uow(), actor,
                                                                     limit)])


@router.post("/v1/portfolio/ecl/runs", response_model=EclPublic, status_code=201,
             summary="Measure the book's ECL now (and post the provision)")
def run_now(container: ContainerDep, actor: Annotated[Principal, Allowed("ecl:run")],
            post: Annotated[bool, Query(description="post the provision entry so the loss "
                                                    "allowance equals this ECL")] = True,
            ) -> EclPublic:
    """Measured on the book's business date, on the lines as they stand."""
    return EclPublic.of(svc.run_ecl(svc.RunEcl(post=post), container.uow(), actor))


@router.get("/v1/portfolio/ecl/movement", response_model=MovementPublic,
            summary="Loss-allowance movement between two dates, by stage",
            responses={404: {"description": "no ECL run on or before one of the dates",
                       "model": ErrorBody}})
def get_movement(container: ContainerDep, actor: Annotated[Principal, Allowed("ecl:read")],
                 start: Annotated[Day, Query(alias="from", description="the run in force on "
                                                                       "this date opens")],
                 end: Annotated[Day, Query(alias="to", description="the run in force on this "
                                                                   "date closes")],
                 ) -> MovementPublic:
    """Opening allowance, new lines, derecognised, transfers between stages, write-offs,
    remeasurement, closing: reconciled to the cent."""
    return MovementPublic.of(svc.ecl_movement(svc.MovementQuery(start, end), container.uow(),
                                              actor))


@router.get("/v1/portfolio/stress", response_model=StressPublic,
            summary="Run stress scenarios: ECL, 12-month expected loss and cash flow, side by side")
def get_stress(container: ContainerDep, actor: Annotated[Principal, Allowed("stress:run")],
               scenarios: Annotated[str | None, Query(
                   max_length=400, description="scenario names, comma-separated (e.g. "
                                               "export_shock,severe); default: every shipped "
                                               "one")] = None,
               ) -> StressPublic:
    """Measures the book now under each scenario (base first); nothing is stored."""
    names = tuple(n.strip() for n in (scenarios or "").split(",") if n.strip())
    return StressPublic.of(svc.run_stress(svc.RunStress(names), container.uow(), actor))


@router.get("/v1/portfolio/cashflow", response_model=CashflowPublic,
            summary="12-month cash-flow and liquidity projection of the book")
def get_cashflow(container: ContainerDep,
                 actor: Annotated[Principal, Allowed("ecl:read")]) -> CashflowPublic:
    """Month by month from the business date: scheduled repayments in (less expected
    defaults), new draws out at the recent monthly pace, losses, net and cumulative."""
    as_of, p = svc.cash_flow(container.uow(), actor)
    return CashflowPublic.of(as_of.isoformat(), p)
