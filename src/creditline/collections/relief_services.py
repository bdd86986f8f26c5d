"""Regional relief use cases (``collections.relief``): preview, declare, cancel, list, and
what a case or a bureau run asks -- ``relief_holds``.

Declared by one risk officer and audited, like a sector action (sector actions have no
maker-checker in this codebase, so neither does a relief: the preview is the check).  A
relief needs no end-of-day job to start or end: the gate, the relay and the servicing
kernel each ask whether one covers the customer on the day they act."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.collections.relief import (
    ACTIVE,
    CANCELLED,
    Relief,
    ReliefPreview,
    check_declaration,
    covering,
    holds,
    preview,
)
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class DeclareRelief:
    regions: tuple[str, ...]
    start: date
    end: date
    reason: str
    defer_due_dates: bool = False


def preview_relief(cmd: DeclareRelief, uow: UnitOfWork) -> ReliefPreview:
    """How many customers, lines and cases a relief would cover, and what they owe;
    changes nothing."""
    with uow:
        regions, _ = check_declaration(regions=list(cmd.regions), start=cmd.start,
                                       end=cmd.end, reason=cmd.reason or "preview",
                                       today=current_business_date(uow))
        return preview(regions, uow.reliefs.preview_rows(regions))


@dataclass(frozen=True)
class Declared:
    relief: Relief
    preview: ReliefPreview


def declare_relief(cmd: DeclareRelief, uow: UnitOfWork, actor: Principal) -> Declared:
    with uow:
        today = current_business_date(uow)
        regions, reason = check_declaration(regions=list(cmd.regions), start=cmd.start,
                                            end=cmd.end, reason=cmd.reason, today=today)
        seen = preview(regions, uow.reliefs.preview_rows(regions))
        relief = Relief(id=str(uuid.uuid4()), regions=regions, start=cmd.start, end=cmd.end,
                        reason=reason, defer_due_dates=cmd.defer_due_dates,
                        declared_by=actor.name, declared_at=uow.now())
        uow.reliefs.add(relief)
        uow.audit(actor, "collections.relief_declared", "relief", relief.id, {
            "regions": list(regions), "start": relief.start, "end": relief.end,
            "reason": reason, "defer_due_dates": relief.defer_due_dates,
            "customers": seen.customers, "lines": seen.lines, "cases": seen.cases,
            "balance": seen.balance, "past_due": seen.past_due})
        uow.commit()
    return Declared(relief, seen)


@dataclass(frozen=True)
class CancelRelief:
    relief_id: str
    reason: str


def cancel_relief(cmd: CancelRelief, uow: UnitOfWork, actor: Principal) -> Relief:
    """End a relief early: it ends on the business date (today stays covered)."""
    reason = cmd.reason.strip() if isinstance(cmd.reason, str) else ""
    if not reason or len(reason) > 500:
        raise ValidationError("reason", "must say why, in 1-500 characters")
    with uow:
        r = uow.reliefs.get(cmd.relief_id, lock=True)
        if r is None:
            raise NotFound(f"relief {cmd.relief_id} not found")
        today = current_business_date(uow)
        if r.status != ACTIVE or r.last_day < today:
            raise Conflict(f"relief {r.id} has already ended ({r.last_day.isoformat()})")
        done = replace(r, status=CANCELLED, cancelled_by=actor.name, cancelled_on=today)
        uow.reliefs.save(done)
        uow.audit(actor, "collections.relief_cancelled", "relief", r.id,
                  {"reason": reason, "ends_on": today})
        uow.commit()
    return done


def list_reliefs(uow: UnitOfWork) -> list[tuple[Relief, str]]:
    """Every relief with its state on the business date (scheduled, active, ended)."""
    with uow:
        today = current_business_date(uow)
        return [(r, r.state_on(today)) for r in uow.reliefs.all()]


def get_relief(relief_id: str, uow: UnitOfWork) -> tuple[Relief, str, ReliefPreview]:
    with uow:
        r = uow.reliefs.get(relief_id)
        if r is None:
            raise NotFound(f"relief {relief_id} not found")
        today = current_business_date(uow)
        return r, r.state_on(today), preview(r.regions, uow.reliefs.preview_rows(r.regions))


def relief_holds(uow: UnitOfWork, *, on: date, customer_id: str | None = None,
                 line_id: str | None = None) -> str | None:
    """For a bureau run: why a negative report about this customer (or the customer of
    this line) is held on ``on`` -- a regional relief covering them -- or None."""
    if (customer_id is None) == (line_id is None):
        raise ValidationError("customer_id", "name a customer or a line (one of them)")
    with uow:
        if line_id is not None:
            line = uow.lines.get(line_id)
            if line is None:
                raise NotFound(f"credit line {line_id} not found")
            customer_id = line.customer_id
        assert customer_id is not None
        reliefs = [r for r in uow.reliefs.all() if r.active_on(on)]
        if not reliefs:
            return None
        return holds(reliefs, uow.reliefs.region_of(customer_id), on)


def relief_for_case(uow: UnitOfWork, customer_id: str, day: date) -> Relief | None:
    """Inside the caller's ``with``: the relief covering a case's debtor on ``day``."""
    active = [r for r in uow.reliefs.all() if r.active_on(day)]
    return covering(active, uow.reliefs.region_of(customer_id), day) if active else None
