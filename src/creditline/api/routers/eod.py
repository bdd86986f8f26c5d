"""End of day over the whole book (admins; normally a scheduler calls it), and the list of
its stages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Day
from creditline.auth import Principal
from creditline.batch.run import DEFAULT_PARTITION, RunEod, run_eod

router = APIRouter(prefix="/v1/eod", tags=["end of day"])


class EodRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    business_date: Day = Field(description="close every pending day up to this one (YYYY-MM-DD)")
    partition_size: StrictInt = Field(DEFAULT_PARTITION, ge=1, le=1_000_000)
    stage: str | None = Field(None, max_length=60, description=(
        "run this stage alone for business_date (see GET /v1/eod/stages): a later stage "
        "only on the book's latest closed day and only if rerunnable; the first stage only "
        "to close exactly that one day, and only if every later stage is rerunnable"))


class EodDay(BaseModel):
    business_date: str
    lines: int = Field(description="lines closed for the day (visited plus skipped)")
    skipped: int = Field(description="lines with nothing due before their next event: only "
                                     "their closed day moved")
    changed: int
    statements: int
    postings: int


class EodStageTiming(BaseModel):
    name: str
    seconds: float = Field(description="read, compute and write, summed over the run's days")
    lines: int = Field(description="lines the stage computed over, summed over the days")


class EodPublic(BaseModel):
    run_id: str | None = Field(description="the eod_runs record (none when nothing was due)")
    through: str
    stage: str | None = Field(description="the stage that ran alone, if one did")
    days: list[EodDay]
    stages: list[EodStageTiming]
    seconds: float


class EodStagePublic(BaseModel):
    position: int
    name: str
    description: str
    every_line: bool = Field(description="sees every open line each day (no skipping)")
    rerunnable: bool = Field(description="may run alone: running it again for a day changes "
                                         "nothing")


@router.post("", response_model=EodPublic, summary="Run end of day up to a business date")
def eod(body: EodRequest, container: ContainerDep,
        actor: Annotated[Principal, Allowed("eod:run")]) -> EodPublic:
    """Accrue interest, fees and penalties, bill installments, cut statements and age every
    line -- every stage of end of day, in order -- day by day up to ``business_date``.  A
    day already closed is not run again."""
    report = run_eod(RunEod(body.business_date, body.partition_size, stage=body.stage),
                     container.uow(), actor, pipeline=container.pipeline)
    return EodPublic(
        run_id=report.run_id, through=report.through.isoformat(), stage=report.stage,
        seconds=round(report.seconds, 3),
        stages=[EodStageTiming(name=s.name, seconds=round(s.seconds, 6), lines=s.lines)
                for s in report.stages],
        days=[EodDay(business_date=d.business_date.isoformat(), lines=d.lines,
                     skipped=d.skipped, changed=d.changed, statements=d.statements,
                     postings=d.postings) for d in report.days])


@router.get("/stages", response_model=list[EodStagePublic],
            summary="List the stages of end of day")
def stages(container: ContainerDep,
           actor: Annotated[Principal, Allowed("eod:read")]) -> list[EodStagePublic]:
    """The stages of end of day, in the order they run."""
    return [EodStagePublic(position=i, name=s.name, description=s.description,
                           every_line=s.every_line, rerunnable=s.rerunnable)
            for i, s in enumerate(container.pipeline.stages)]
