"""Bureau use cases: ``verb(cmd, uow, actor) -> result``.

``run_month`` reports a month once.  Its records come from the book as it stands at the
month end, so the run is made after that day's end of day and before the next one (the
book is then exactly at its month end); asked again for the same month, it returns the
first run (same id, same files, same checksums) and writes nothing -- idempotent by
design rather than by recomputation, because the notice rule depends on the day the run
was made.  Corrections reach the bureau as update records in the next month's run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from creditline.auth import Principal
from creditline.bureau.export import write_files
from creditline.bureau.format import DEFAULT_VERSION, BureauFormat, bureau_format
from creditline.bureau.history import LineFacts
from creditline.bureau.months import Month
from creditline.bureau.plan import MonthPlan, plan_month, update_record
from creditline.bureau.ports import Correction, Dispute, DisputeStatus, Reported, Run
from creditline.bureau.records import AccountRecord
from creditline.calendar.services import current_business_date
from creditline.collections.relief import covering
from creditline.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from creditline.money import money_str
from creditline.uow import UnitOfWork

NEGATIVE_NOTICE = "bureau.negative_notice"
# a run's id is derived from its month (one run a month), so a run draws no random id (the
# demo seeds ``uuid4`` for the services' records)
RUN_NS = uuid.UUID("3b0c61e4-5a0e-4f5c-9d8e-2f1b7f0c9a16")
MAX_TEXT = 2000
TEXT, JSON = "text", "json"


@dataclass(frozen=True)
class RunMonth:
    month: str
    notice_days: int | None = None  # default: the format's notice period
    format: str = DEFAULT_VERSION


@dataclass(frozen=True)
class RunResult:
    run: Run
    created: bool  # False: the month had been reported; this is that run


def _fmt(version: str) -> BureauFormat:
    return bureau_format(version)


def run_month(cmd: RunMonth, uow: UnitOfWork, actor: Principal) -> RunResult:
    month = Month.parse(cmd.month)
    fmt = _fmt(cmd.format)
    notice_days = fmt.notice_days if cmd.notice_days is None else cmd.notice_days
    if not isinstance(notice_days, int) or not 0 <= notice_days <= 365:
        raise ValidationError("notice_days", "must be a whole number of days from 0 to 365")
    with uow:
        existing = uow.bureau.run_for_month(str(month))
        if existing is not None:
            return RunResult(existing, created=False)
        today = current_business_date(uow)
        end = month.end
        if today < end:
            raise ValidationError("month", f"must have ended: the book's business date is "
                                           f"{today.isoformat()}")
        earliest, latest = uow.eod_runs.closed_range()
        if earliest is not None and (earliest != end or latest != end):
            raise BusinessRuleViolation(
                f"{month} is reported from the book at its month end: every open line must be "
                f"closed through {end.isoformat()} (they are closed from {earliest} to "
                f"{latest}); run it after that day's end of day and before the next",
                reason="not_at_month_end")
        repo = uow.bureau
        facts = repo.facts(month, month.shift(1 - fmt.history_months).start)
        prior = repo.prior([c for c in fmt.codes if fmt.report_once(c)])
        plan = plan_month(facts, month, fmt, prior_negative=prior.negative, ended=prior.ended,
                          notices=repo.notices(), disputed=repo.disputed_lines(),
                          notice_days=notice_days, today=today,
                          relieved=_relieved(uow, {f.customer_id for f in facts}, end))
        updates, carried = _updates(uow, fmt, {f.line_id: f for f in facts})
        records = plan.reported + updates
        subjects = repo.subjects(sorted({r.customer_id for r in records}))
        files = write_files(fmt, str(month), end.isoformat(), records, subjects)
        run = Run(id=str(uuid.uuid5(RUN_NS, str(month))), month=str(month), format=fmt.label,
                  as_of=today,
                  created_at=uow.now(), created_by=actor.name, text_sha256=files.text_sha256,
                  json_sha256=files.json_sha256, counts=_counts(plan, updates),
                  held=[{"line_id": r.line_id, "rule": h.rule, "reason": h.reason,
                         "until": h.until.isoformat() if h.until else None,
                         "month_status": r.month_status}
                        for r, h in sorted(plan.held, key=lambda x: x[0].line_id)],
                  expired=sorted(plan.expired))
        repo.add_run(run, files)
        repo.add_records(run.id, records)
        repo.mark_corrections_reported(carried, run.id)
        for r in plan.to_notify:
            _notify(uow, r, month, notice_days, today)
        uow.audit(actor, "bureau.month_reported", "bureau_run", run.id, {
            "month": run.month, "format": run.format, "as_of": today,
            "text_sha256": run.text_sha256, "json_sha256": run.json_sha256, **run.counts})
        uow.commit()
    return RunResult(run, created=True)


def _counts(plan: MonthPlan, updates: list[AccountRecord]) -> dict[str, int]:
    return {"reported": len(plan.reported), "negative": sum(r.negative for r in plan.reported),
            "held": len(plan.held), "notices": len(plan.to_notify),
            "expired": len(plan.expired), "ended": plan.ended, "updates": len(updates)}


def _updates(uow: UnitOfWork, fmt: BureauFormat, facts: dict[str, LineFacts]
             ) -> tuple[list[AccountRecord], list[str]]:
    """Update records for the corrections not reported yet (a correction of a month whose
    record was never sent changes the later strings only); the corrections carried."""
    out: list[AccountRecord] = []
    carried: list[str] = []
    for c in uow.bureau.corrections(pending=True):
        original = uow.bureau.record(c.line_id, c.month)
        f = facts.get(c.line_id)
        carried.append(c.id)
        if original is None or f is None:
            continue
        out.append(update_record(original.record, f, c.id, fmt))
    return out, carried


def _notify(uow: UnitOfWork, r: AccountRecord, month: Month, days: int, today: date) -> None:
    key = f"{NEGATIVE_NOTICE}:{r.line_id}"
    uow.bureau.add_notice(r.line_id, r.customer_id, str(month), key, today)
    uow.emit(NEGATIVE_NOTICE, {
        "line_id": r.line_id, "customer_id": r.customer_id, "month": str(month),
        "past_due": money_str(r.past_due), "days_past_due": r.days_past_due,
        "balance": money_str(r.balance), "notice_days": days, "dedupe_key": key})


# ----------------------------------------------------------------------------- reading
def list_runs(uow: UnitOfWork, limit: int = 100) -> list[Run]:
    with uow:
        return uow.bureau.runs(limit)


def get_run(run_id: str, uow: UnitOfWork) -> Run:
    with uow:
        run = uow.bureau.get_run(run_id)
    if run is None:
        raise NotFound(f"bureau run {run_id} not found")
    return run


@dataclass(frozen=True)
class RunFile:
    name: str
    media_type: str
    content: bytes
    sha256: str


def run_file(run_id: str, kind: str, uow: UnitOfWork) -> RunFile:
    """One of the run's files, checked against the checksum recorded with the run."""
    if kind not in (TEXT, JSON):
        raise ValidationError("format", f"must be {TEXT} or {JSON}")
    with uow:
        run = uow.bureau.get_run(run_id)
        files = uow.bureau.files(run_id) if run is not None else None
    if run is None or files is None:
        raise NotFound(f"bureau run {run_id} not found")
    content, sha = (files.text, run.text_sha256) if kind == TEXT else (files.json, run.json_sha256)
    if (files.text_sha256 if kind == TEXT else files.json_sha256) != sha:
        raise Conflict(f"the stored {kind} file of run {run_id} does not match its checksum")
    suffix = "txt" if kind == TEXT else "json"
    media = "text/plain; charset=utf-8" if kind == TEXT else "application/json"
    return RunFile(f"bureau-{run.month}.{suffix}", media, content, sha)


@dataclass(frozen=True)
class LineHistory:
    line_id: str
    records: list[Reported]
    disputes: list[Dispute]
    corrections: list[Correction]


def line_history(line_id: str, uow: UnitOfWork) -> LineHistory:
    """What was reported for a line, in which run and when, with its disputes and
    corrections."""
    with uow:
        if uow.lines.get(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return LineHistory(line_id, uow.bureau.line_records(line_id),
                           uow.bureau.disputes(line_id=line_id),
                           uow.bureau.corrections(line_id=line_id))


# ----------------------------------------------------------------------------- disputes
def _text(value: str, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise ValidationError(field, f"must be text of 1 to {MAX_TEXT} characters")
    return value.strip()


@dataclass(frozen=True)
class RaiseDispute:
    line_id: str
    month: str
    reason: str


def raise_dispute(cmd: RaiseDispute, uow: UnitOfWork, actor: Principal) -> Dispute:
    """The customer disputes a reported record: the line's records carry the objection
    flag (``disputed = Y``) from the next run until the dispute is resolved."""
    month = Month.parse(cmd.month)
    reason = _text(cmd.reason, "reason")
    with uow:
        if uow.bureau.record(cmd.line_id, str(month)) is None:
            raise NotFound(f"no record of line {cmd.line_id} was reported for {month}")
        if any(d.month == str(month) for d in uow.bureau.disputes(
                DisputeStatus.OPEN, line_id=cmd.line_id)):
            raise Conflict(f"the record of line {cmd.line_id} for {month} is already disputed")
        d = Dispute(id=str(uuid.uuid4()), line_id=cmd.line_id, month=str(month), reason=reason,
                    raised_on=current_business_date(uow), raised_by=actor.name)
        uow.bureau.add_dispute(d)
        uow.audit(actor, "bureau.dispute_raised", "credit_line", cmd.line_id,
                  {"dispute_id": d.id, "month": d.month, "reason": reason})
        uow.commit()
    return d


@dataclass(frozen=True)
class Correct:
    line_id: str
    month: str
    status: str  # the code the month should carry
    reason: str
    dispute_id: str | None = None
    format: str = DEFAULT_VERSION


def correct(cmd: Correct, uow: UnitOfWork, actor: Principal) -> Correction:
    """Correct the code of a reported month: the next run carries an update record (type
    U) for that month, and every later string shows the corrected code.  With
    ``dispute_id`` the dispute is resolved as corrected."""
    month = Month.parse(cmd.month)
    fmt = _fmt(cmd.format)
    if cmd.status not in fmt.codes:
        raise ValidationError("status", "must be a code of the alphabet: " + " ".join(fmt.codes))
    reason = _text(cmd.reason, "reason")
    with uow:
        original = uow.bureau.record(cmd.line_id, str(month))
        if original is None:
            raise NotFound(f"no record of line {cmd.line_id} was reported for {month}")
        if original.record.month_status == cmd.status and not any(
                c.month == str(month) for c in uow.bureau.corrections(line_id=cmd.line_id)):
            raise BusinessRuleViolation(f"{month} was reported as {cmd.status} already",
                                        reason="nothing_to_correct")
        today = current_business_date(uow)
        if cmd.dispute_id is not None:
            d = _open_dispute(uow, cmd.dispute_id)
            if (d.line_id, d.month) != (cmd.line_id, str(month)):
                raise ValidationError("dispute_id", f"dispute {d.id} is about line {d.line_id} "
                                                    f"for {d.month}")
            uow.bureau.save_dispute(replace(d, status=DisputeStatus.CORRECTED, resolved_on=today,
                                            resolved_by=actor.name, resolution=reason))
        c = Correction(id=str(uuid.uuid4()), line_id=cmd.line_id, month=str(month),
                       status=cmd.status, reason=reason, made_on=today, made_by=actor.name,
                       dispute_id=cmd.dispute_id)
        uow.bureau.add_correction(c)
        uow.audit(actor, "bureau.corrected", "credit_line", cmd.line_id, {
            "correction_id": c.id, "month": c.month, "from": original.record.month_status,
            "to": c.status, "reason": reason, "dispute_id": cmd.dispute_id})
        uow.commit()
    return c


def _open_dispute(uow: UnitOfWork, dispute_id: str) -> Dispute:
    d = uow.bureau.get_dispute(dispute_id, lock=True)
    if d is None:
        raise NotFound(f"dispute {dispute_id} not found")
    if d.status != DisputeStatus.OPEN:
        raise Conflict(f"dispute {dispute_id} is {d.status} already")
    return d


@dataclass(frozen=True)
class RejectDispute:
    dispute_id: str
    resolution: str


def reject_dispute(cmd: RejectDispute, uow: UnitOfWork, actor: Principal) -> Dispute:
    """The record was right: the dispute is closed and the flag goes from the next run."""
    resolution = _text(cmd.resolution, "resolution")
    with uow:
        d = _open_dispute(uow, cmd.dispute_id)
        d = uow.bureau.save_dispute(replace(
            d, status=DisputeStatus.REJECTED, resolved_on=current_business_date(uow),
            resolved_by=actor.name, resolution=resolution))
        uow.audit(actor, "bureau.dispute_rejected", "credit_line", d.line_id,
                  {"dispute_id": d.id, "month": d.month, "resolution": resolution})
        uow.commit()
    return d


def list_disputes(uow: UnitOfWork, status: str | None = None, limit: int = 200
                  ) -> list[Dispute]:
    if status is not None and status not in (DisputeStatus.OPEN, DisputeStatus.CORRECTED,
                                             DisputeStatus.REJECTED):
        raise ValidationError("status", "must be open, corrected or rejected")
    with uow:
        return uow.bureau.disputes(status, limit=limit)


def _relieved(uow: UnitOfWork, customers: set[str], day: date) -> dict[str, str]:
    """Customer id -> the regional relief covering them on ``day`` (collections, issue 15);
    no read per customer unless a relief is in force."""
    active = [r for r in uow.reliefs.all() if r.active_on(day)]
    if not active:
        return {}
    out = {}
    for customer_id in sorted(customers):
        relief = covering(active, uow.reliefs.region_of(customer_id), day)
        if relief is not None:
            out[customer_id] = relief.reason
    return out
