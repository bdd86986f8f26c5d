"""Collection agencies: who they are (with a commission rate), cases placed with them and
recalled, their contacts (through the same compliance gate as the lender's own) and their
performance: recovered (repayments on a placed line while it is placed), commission
(recovered x rate) and contacts made."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.collections.cases import Case
from creditline.collections.ports import Agency, Placement
from creditline.collections.services import (
    CASE_PLACED,
    CASE_RECALLED,
    CallResult,
    LogCall,
    log_call,
)
from creditline.collections.views import AgencyPerformance
from creditline.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from creditline.money import quantize, to_rate
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class CreateAgency:
    name: str
    commission_rate: str  # a share of what is recovered, e.g. "0.18"


def create_agency(cmd: CreateAgency, uow: UnitOfWork, actor: Principal) -> Agency:
    name = cmd.name.strip() if isinstance(cmd.name, str) else ""
    if not 1 <= len(name) <= 200:
        raise ValidationError("name", "must be 1-200 characters")
    rate = to_rate(cmd.commission_rate, "commission_rate")
    if not 0 <= rate < 1:
        raise ValidationError("commission_rate", "must be at least 0 and below 1 (a share of "
                                                 "what is recovered)")
    with uow:
        if uow.agencies.name_taken(name):
            raise Conflict(f"an agency named {name!r} exists")
        agency = Agency(str(uuid.uuid4()), name, rate, uow.now(), actor.name)
        uow.agencies.add(agency)
        uow.audit(actor, "collections.agency_created", "agency", agency.id,
                  {"name": name, "commission_rate": str(rate)})
        uow.commit()
    return agency


def _agency(uow: UnitOfWork, agency_id: str) -> Agency:
    agency = uow.agencies.get(agency_id)
    if agency is None:
        raise NotFound(f"agency {agency_id} not found")
    return agency


def list_agencies(uow: UnitOfWork) -> list[Agency]:
    with uow:
        return uow.agencies.all()


@dataclass(frozen=True)
class PlaceCase:
    case_id: str
    agency_id: str


def place_case(cmd: PlaceCase, uow: UnitOfWork, actor: Principal) -> Placement:
    """Place an active case with an agency: it leaves the collectors' queues, and the
    customer is told who will contact them."""
    with uow:
        agency = _agency(uow, cmd.agency_id)
        if not agency.active:
            raise BusinessRuleViolation(f"agency {agency.name} is not active",
                                        reason="agency_inactive")
        case = uow.collection_cases.get(cmd.case_id, lock=True)
        if case is None:
            raise NotFound(f"collection case {cmd.case_id} not found")
        if not case.active:
            raise BusinessRuleViolation(f"case {case.id} is {case.status}", reason="case_closed")
        if case.agency_id is not None:
            raise Conflict(f"case {case.id} is already placed with agency {case.agency_id}")
        today = current_business_date(uow)
        placement = Placement(str(uuid.uuid4()), case.id, agency.id, case.line_id, today,
                              actor.name)
        uow.agencies.add_placement(placement)
        uow.collection_cases.save(replace(case, agency_id=agency.id, updated_on=today))
        uow.audit(actor, "collections.placed", "collection_case", case.id,
                  {"agency_id": agency.id, "placement_id": placement.id})
        uow.emit(CASE_PLACED, {"case_id": case.id, "line_id": case.line_id,
                               "customer_id": case.customer_id, "agency": agency.name,
                               "placed_on": today.isoformat()})
        uow.commit()
    return placement


@dataclass(frozen=True)
class RecallCase:
    case_id: str
    reason: str


def recall_case(cmd: RecallCase, uow: UnitOfWork, actor: Principal) -> Placement:
    reason = cmd.reason.strip() if isinstance(cmd.reason, str) else ""
    if not reason or len(reason) > 2000:
        raise ValidationError("reason", "must say why (at most 2000 characters)")
    with uow:
        case = uow.collection_cases.get(cmd.case_id, lock=True)
        if case is None:
            raise NotFound(f"collection case {cmd.case_id} not found")
        placed = uow.agencies.active_placement(case.id)
        if placed is None:
            raise BusinessRuleViolation(f"case {case.id} is not placed with an agency",
                                        reason="not_placed")
        today = current_business_date(uow)
        placed = replace(placed, recalled_on=today, recalled_by=actor.name, recall_reason=reason)
        uow.agencies.recall(placed)
        uow.collection_cases.save(replace(case, agency_id=None, updated_on=today))
        uow.audit(actor, "collections.recalled", "collection_case", case.id,
                  {"agency_id": placed.agency_id, "reason": reason})
        uow.emit(CASE_RECALLED, {"case_id": case.id, "line_id": case.line_id,
                                 "customer_id": case.customer_id,
                                 "recalled_on": today.isoformat()})
        uow.commit()
    return placed


@dataclass(frozen=True)
class AgencyContact:
    """A contact an agency made on a case placed with it (same gate, same log)."""

    agency_id: str
    case_id: str
    outcome: str
    channel: str = "call"
    note: str = ""
    promise_amount: str | None = None
    promise_date: date | None = None


def agency_contact(cmd: AgencyContact, uow: UnitOfWork, actor: Principal) -> CallResult:
    with uow:
        _agency(uow, cmd.agency_id)
    return log_call(LogCall(cmd.case_id, cmd.outcome, cmd.note, cmd.promise_amount,
                            cmd.promise_date, channel=cmd.channel), uow, actor,
                    agency_id=cmd.agency_id)


def performance(uow: UnitOfWork) -> list[AgencyPerformance]:
    with uow:
        today = current_business_date(uow)
        agencies = {a.id: a for a in uow.agencies.all()}
        out = []
        for f in uow.agencies.figures(today):
            a = agencies[f.agency_id]
            out.append(AgencyPerformance(a.id, a.name, a.commission_rate, f.placements,
                                         f.active, f.recovered,
                                         quantize(f.recovered * a.commission_rate),
                                         f.contacts, today))
    return out


def cases_of_agency(agency_id: str, uow: UnitOfWork) -> list[Case]:
    with uow:
        _agency(uow, agency_id)
        return uow.collection_cases.active(agency_id=agency_id)
