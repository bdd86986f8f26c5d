"""End of day over the whole book (admins; normally a scheduler calls it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Day
from creditline.auth import Principal
from creditline.servicing.eod import DEFAULT_PARTITION, RunEod, run_eod

router = APIRouter(prefix="/v1/eod", tags=["end of day"])


class EodRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    business_date: Day = Field(description="close every pending day up to this one (YYYY-MM-DD)")
    partition_size: StrictInt = Field(DEFAULT_PARTITION, ge=1, le=1_000_000)


class EodDay(BaseModel):
    business_date: str
    lines: int = Field(description="lines closed for the day (visited plus skipped)")
    skipped: int = Field(description="lines with nothing due before their next event: only "
                                     "their closed day moved")
    changed: int
    statements: int
    postings: int


class EodPublic(BaseModel):
    through: str
    days: list[EodDay]
    seconds: float


@router.post("", response_model=EodPublic, summary="Run end of day up to a business date")
def eod(body: EodRequest, container: ContainerDep,
        actor: Annotated[Principal, Allowed("eod:run")]) -> EodPublic:
    """Accrue interest, fees and penalties, bill installments, cut statements and age every
    line, day by day up to ``business_date``.  A day already closed is not run again."""
    report = run_eod(RunEod(body.business_date, body.partition_size), container.uow(), actor)
    return EodPublic(through=report.through.isoformat(), seconds=round(report.seconds, 3), days=[
        EodDay(business_date=d.business_date.isoformat(), lines=d.lines, skipped=d.skipped,
               changed=d.changed,
               statements=d.statements, postings=d.postings) for d in report.days])
