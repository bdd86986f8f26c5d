"""Credit-bureau reporting (issue 16): the monthly runs and their files, a line's reported
history, disputes and corrections."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import iso_utc
from creditline.auth import Principal
from creditline.bureau import services as bs
from creditline.bureau.ports import Correction, Dispute, Reported, Run
from creditline.money import money_str

router = APIRouter(prefix="/v1/bureau", tags=["bureau"])

MonthText = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", examples=["2026-04"],
                                 description="a month as YYYY-MM")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class RunPublic(BaseModel):
    id: str
    month: str
    format: str
    as_of: str
    created_at: str
    created_by: str
    text_sha256: str
    json_sha256: str
    counts: dict[str, int]
    held: list[dict[str, Any]] = Field(description="lines held back, with the rule and why")
    expired: list[str] = Field(description="lines no longer reported (art. 16: five years)")
    created: bool | None = Field(default=None, description="false: the month had been "
                                 "reported; this is that run, unchanged")

    @classmethod
    def of(cls, r: Run, created: bool | None = None) -> RunPublic:
        return cls(id=r.id, month=r.month, format=r.format, as_of=r.as_of.isoformat(),
                   created_at=iso_utc(r.created_at), created_by=r.created_by,
                   text_sha256=r.text_sha256, json_sha256=r.json_sha256, counts=r.counts,
                   held=r.held, expired=r.expired, created=created)


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: MonthText
    notice_days: int | None = Field(default=None, ge=0, le=365,
                                    description="default: the format's notice period")


@router.post("/runs", response_model=RunPublic, status_code=201,
             summary="Report a month to the credit bureau")
def post_run(body: RunBody, response: Response, container: ContainerDep,
             actor: Annotated[Principal, Allowed("bureau:run")]) -> RunPublic:
    """Report ``month`` from the book at its month end (after that day's end of day and
    before the next).  A month already reported answers 200 with its first run: the same
    files and checksums (idempotent)."""
    result = bs.run_month(bs.RunMonth(body.month, body.notice_days), container.uow(), actor)
    if not result.created:
        response.status_code = 200
    return RunPublic.of(result.run, result.created)


@router.get("/runs", response_model=list[RunPublic], summary="List the bureau runs")
def get_runs(container: ContainerDep, actor: Annotated[Principal, Allowed("bureau:read")],
             limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[RunPublic]:
    """The months reported, newest first, with their counts and checksums."""
    return [RunPublic.of(r) for r in bs.list_runs(container.uow(), limit)]


@router.get("/runs/{run_id}", response_model=RunPublic, summary="Read a bureau run")
def get_run(run_id: str, container: ContainerDep,
            actor: Annotated[Principal, Allowed("bureau:read")]) -> RunPublic:
    """One run: its counts, checksums, the lines it held back (rule and reason) and those
    no longer reported after five years."""
    return RunPublic.of(bs.get_run(run_id, container.uow()))


@router.get("/runs/{run_id}/file", summary="Download a run's file", response_class=Response,
            responses={200: {"description": "the file's bytes",
                             "content": {"text/plain": {}, "application/json": {}}}})
def get_run_file(run_id: str, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("bureau:file")],
                 format: Annotated[Literal["text", "json"], Query()] = "text") -> Response:
    """The delimited text file or the JSON form (they carry identity numbers), checked
    against the checksum recorded with the run."""
    f = bs.run_file(run_id, format, container.uow())
    return Response(f.content, media_type=f.media_type, headers={
        "Content-Disposition": f'attachment; filename="{f.name}"', "ETag": f'"{f.sha256}"',
        "Cache-Control": "private, no-store"})


class RecordPublic(BaseModel):
    run_id: str
    reported_in: str
    as_of: str
    record_type: str
    month: str
    account_type: str
    credit_limit: str
    balance: str
    past_due: str
    days_past_due: int
    account_status: str
    month_status: str
    history: str
    negative: bool
    disputed: bool
    correction_id: str | None

    @classmethod
    def of(cls, x: Reported) -> RecordPublic:
        r = x.record
        return cls(run_id=x.run_id, reported_in=x.reported_in, as_of=x.as_of.isoformat(),
                   record_type=r.record_type, month=r.month, account_type=r.account_type,
                   credit_limit=money_str(r.credit_limit), balance=money_str(r.balance),
                   past_due=money_str(r.past_due), days_past_due=r.days_past_due,
                   account_status=r.account_status, month_status=r.month_status,
                   history=r.history, negative=r.negative, disputed=r.disputed,
                   correction_id=r.correction_id)


class DisputePublic(BaseModel):
    id: str
    line_id: str
    month: str
    reason: str
    raised_on: str
    raised_by: str
    status: str
    resolved_on: str | None
    resolved_by: str | None
    resolution: str | None

    @classmethod
    def of(cls, d: Dispute) -> DisputePublic:
        return cls(id=d.id, line_id=d.line_id, month=d.month, reason=d.reason,
                   raised_on=d.raised_on.isoformat(), raised_by=d.raised_by, status=d.status,
                   resolved_on=d.resolved_on.isoformat() if d.resolved_on else None,
                   resolved_by=d.resolved_by, resolution=d.resolution)


class CorrectionPublic(BaseModel):
    id: str
    line_id: str
    month: str
    status: str
    reason: str
    made_on: str
    made_by: str
    dispute_id: str | None
    reported_in: str | None = Field(description="the run that carried the update record")

    @classmethod
    def of(cls, c: Correction) -> CorrectionPublic:
        return cls(id=c.id, line_id=c.line_id, month=c.month, status=c.status, reason=c.reason,
                   made_on=c.made_on.isoformat(), made_by=c.made_by, dispute_id=c.dispute_id,
                   reported_in=c.reported_in)


class HistoryPublic(BaseModel):
    line_id: str
    records: list[RecordPublic]
    disputes: list[DisputePublic]
    corrections: list[CorrectionPublic]


@router.get("/lines/{line_id}/history", response_model=HistoryPublic,
            summary="What was reported for a line, and when")
def get_history(line_id: str, container: ContainerDep,
                actor: Annotated[Principal, Allowed("bureau:read")]) -> HistoryPublic:
    """Every record reported for the line (append-only: which run, as of when), with its
    disputes and corrections."""
    h = bs.line_history(line_id, container.uow())
    return HistoryPublic(line_id=h.line_id, records=[RecordPublic.of(r) for r in h.records],
                         disputes=[DisputePublic.of(d) for d in h.disputes],
                         corrections=[CorrectionPublic.of(c) for c in h.corrections])


class DisputeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_id: Annotated[str, Field(min_length=1, max_length=36)]
    month: MonthText
    reason: Text


@router.post("/disputes", response_model=DisputePublic, status_code=201,
             summary="Flag a reported record as disputed")
def post_dispute(body: DisputeBody, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("bureau:dispute")]) -> DisputePublic:
    """The customer objects to the record of ``month``: the line's records carry the
    objection flag from the next run until the dispute is corrected or rejected."""
    return DisputePublic.of(bs.raise_dispute(bs.RaiseDispute(body.line_id, body.month,
                                                             body.reason),
                                             container.uow(), actor))


@router.get("/disputes", response_model=list[DisputePublic], summary="List disputes")
def get_disputes(container: ContainerDep, actor: Annotated[Principal, Allowed("bureau:read")],
                 status: Annotated[Literal["open", "corrected", "rejected"] | None,
                                   Query()] = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 200) -> list[DisputePublic]:
    """Disputes of reported records, newest first, optionally by status."""
    return [DisputePublic.of(d) for d in bs.list_disputes(container.uow(), status, limit)]


class RejectBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: Text


@router.post("/disputes/{dispute_id}/reject", response_model=DisputePublic,
             summary="Close a dispute: the record was right")
def post_reject(dispute_id: str, body: RejectBody, container: ContainerDep,
                actor: Annotated[Principal, Allowed("bureau:correct")]) -> DisputePublic:
    """The record stands: the dispute is closed and the flag goes from the next run."""
    return DisputePublic.of(bs.reject_dispute(bs.RejectDispute(dispute_id, body.resolution),
                                              container.uow(), actor))


class CorrectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_id: Annotated[str, Field(min_length=1, max_length=36)]
    month: MonthText
    status: Annotated[str, Field(min_length=1, max_length=1,
                                 description="the code the month should carry")]
    reason: Text
    dispute_id: Annotated[str, Field(max_length=36)] | None = None


@router.post("/corrections", response_model=CorrectionPublic, status_code=201,
             summary="Correct a reported month")
def post_correction(body: CorrectionBody, container: ContainerDep,
                    actor: Annotated[Principal, Allowed("bureau:correct")]) -> CorrectionPublic:
    """The next run carries an update record (type U) for the month; every later string
    shows the corrected code.  With ``dispute_id`` that dispute is resolved as corrected."""
    return CorrectionPublic.of(bs.correct(bs.Correct(body.line_id, body.month, body.status,
                                                     body.reason, body.dispute_id),
                                          container.uow(), actor))
