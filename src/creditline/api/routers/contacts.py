"""Emergency contacts verified and approached as the rules allow, and regional relief.

The contact's own answers (confirm the code, withdraw) come through a service integration
(the SMS gateway's inbound hook, a web page): ``contacts:respond``, keyed by the reference
in the contact's SMS -- no customer or contact id is needed, nor shown."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.routers.collections import ContactPublic as ContactLogPublic
from creditline.api.routers.collections import VerdictPublic
from creditline.api.routers.customers import ContactPublic, contact_public
from creditline.api.schemas_common import Day, ErrorBody, iso_utc
from creditline.auth import Principal
from creditline.collections import contact_services as ct
from creditline.collections import relief_services as rs
from creditline.collections.contacts import ContactEvent
from creditline.collections.relief import Relief, ReliefPreview
from creditline.money import money_str

router = APIRouter(tags=["emergency contacts and relief"])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ----------------------------------------------------------------------------- verification
class CodeSentPublic(BaseModel):
    contact_id: str
    verification_id: str
    expires_at: str


@router.post("/v1/emergency-contacts/{contact_id}/verification", status_code=201,
             response_model=CodeSentPublic, summary="Send the contact a verification code",
             responses={404: {"description": "no such contact"},
                        409: {"description": "the contact is verified already"}})
def send_code(contact_id: str, container: ContainerDep,
              actor: Annotated[Principal, Allowed("contacts:verify")]) -> CodeSentPublic:
    """A one-time code (valid 15 minutes) and a reference to withdraw with go to the
    contact by SMS through the notify relay; only their keyed hashes are stored."""
    r = ct.send_code(ct.SendCode(contact_id), container.uow(), actor)
    return CodeSentPublic(contact_id=r.contact_id, verification_id=r.verification_id,
                          expires_at=iso_utc(r.expires_at))


class ConfirmBody(_Strict):
    reference: str = Field(max_length=20, description="the reference in the contact's SMS")
    code: str = Field(max_length=6, description="the six digits in the contact's SMS")
    repeat_agreed: bool = Field(False, description="the contact may be approached more "
                                                   "than once")


class ConfirmedPublic(BaseModel):
    verification: str


@router.post("/v1/contact-verification/confirm", response_model=ConfirmedPublic,
             summary="The contact confirms the code",
             responses={404: {"description": "unknown reference", "model": ErrorBody},
                        422: {"description": "wrong, expired or locked code (tries left "
                                               "in the message)"}})
def confirm(body: ConfirmBody, container: ContainerDep,
            actor: Annotated[Principal, Allowed("contacts:respond")]) -> ConfirmedPublic:
    """The reference and the code from the contact's SMS: right, the contact is verified;
    wrong, the try is counted (five lock the code); expired after 15 minutes."""
    r = ct.confirm_code(ct.ConfirmCode(body.reference, body.code, body.repeat_agreed),
                        container.uow(), actor)
    return ConfirmedPublic(verification=r.verification)


class WithdrawBody(_Strict):
    reference: str = Field(max_length=20, description="the reference in the contact's SMS")
    reason: str = Field("", max_length=2000)


class WithdrawnPublic(BaseModel):
    withdrawn: bool


@router.post("/v1/contact-verification/withdraw", response_model=WithdrawnPublic,
             summary="The contact withdraws",
             responses={404: {"description": "unknown reference", "model": ErrorBody},
                        409: {"description": "withdrawn or replaced already"}})
def withdraw(body: WithdrawBody, container: ContainerDep,
             actor: Annotated[Principal, Allowed("contacts:respond")]) -> WithdrawnPublic:
    """The contact's name and phone are erased; the withdrawal stays in the contact's
    events and the audit log."""
    ct.withdraw(ct.Withdraw(body.reference, body.reason), container.uow(), actor)
    return WithdrawnPublic(withdrawn=True)


class ReplaceBody(_Strict):
    name: str = Field(max_length=200)
    relation: str = Field(max_length=40)
    phone: str = Field(max_length=40)


@router.put("/v1/customers/{customer_id}/contacts/{contact_id}", response_model=ContactPublic,
            summary="Replace an emergency contact (the debtor names someone else)",
            responses={404: {"description": "no such customer or contact"},
                       409: {"description": "that phone is listed already"}})
def replace_contact(customer_id: str, contact_id: str, body: ReplaceBody,
                    container: ContainerDep,
                    actor: Annotated[Principal, Allowed("contacts:create")]) -> ContactPublic:
    """The new contact takes the old one's position, unverified; the old one's data is
    erased."""
    c = ct.replace_contact(ct.ReplaceContact(customer_id, contact_id, body.name,
                                             body.relation, body.phone), container.uow(), actor)
    return contact_public(c, actor)


class ContactEventPublic(BaseModel):
    contact_id: str
    at: str
    kind: str
    actor: str
    detail: dict[str, object]

    @classmethod
    def of(cls, e: ContactEvent) -> ContactEventPublic:
        return cls(contact_id=e.contact_id, at=iso_utc(e.at), kind=e.kind, actor=e.actor,
                   detail=e.detail)


@router.get("/v1/customers/{customer_id}/contact-events",
            response_model=list[ContactEventPublic],
            summary="The customer's emergency contacts' history")
def contact_events(customer_id: str, container: ContainerDep,
                   _: Annotated[Principal, Allowed("contacts:read")]) -> list[ContactEventPublic]:
    """Added, code sent, wrong code, verified, approached, withdrawn, replaced: oldest
    first, append-only."""
    return [ContactEventPublic.of(e) for e in ct.contact_events(customer_id, container.uow())]


# ----------------------------------------------------------------------------- approaching
class CaseContactPublic(BaseModel):
    id: str
    position: int
    name: str
    relation: str
    phone: str = Field(description="masked unless contacts:read_pii: the relay sends the SMS")
    verification: str
    approaches: int
    may_approach: VerdictPublic = Field(description="the approach rules now (the hours and "
                                                    "any relief are the gate's)")


@router.get("/v1/collections/cases/{case_id}/emergency-contacts",
            response_model=list[CaseContactPublic],
            summary="A case's emergency contacts and whether each may be approached")
def case_contacts(case_id: str, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("collections:read")]
                  ) -> list[CaseContactPublic]:
    """For the collector working the case (and supervisors): name, relation, phone masked,
    verification, approaches made, and whether the approach rules allow one now."""
    return [CaseContactPublic(id=c.id, position=c.position, name=c.name, relation=c.relation,
                              phone=c.phone, verification=c.verification,
                              approaches=c.approaches,
                              may_approach=VerdictPublic.of(c.may_approach))
            for c in ct.case_contacts(case_id, container.uow(), actor)]


@router.post("/v1/collections/cases/{case_id}/emergency-contacts/{contact_id}/approach",
             response_model=ContactLogPublic, status_code=201,
             summary="Approach an emergency contact of an unreachable debtor",
             responses={422: {"description": "refused by a rule (named), logged"}})
def approach(case_id: str, contact_id: str, container: ContainerDep,
             actor: Annotated[Principal, Allowed("collections:work")]) -> ContactLogPublic:
    """Only a verified contact, only when the debtor has been unreachable long enough, at
    most once unless the contact agreed to more, only within the gate's hours and outside
    any regional relief.  Allowed, an SMS asks the debtor to get in touch and says nothing
    else."""
    return ContactLogPublic.of(ct.approach(ct.Approach(case_id, contact_id), container.uow(),
                                           actor))


# ----------------------------------------------------------------------------- relief
class ReliefBody(_Strict):
    regions: list[str] = Field(min_length=1, max_length=50,
                               description="regions as on customers' addresses, e.g. Hubei")
    start: Day
    end: Day = Field(description="the last day of relief")
    reason: str = Field(max_length=500)
    defer_due_dates: bool = Field(False, description="a minimum falling due during the "
                                                     "relief is due the day after it")

    def command(self) -> rs.DeclareRelief:
        return rs.DeclareRelief(tuple(self.regions), self.start, self.end, self.reason,
                                self.defer_due_dates)


class ReliefPreviewPublic(BaseModel):
    regions: list[str]
    customers: int
    lines: int
    cases: int
    balance: str
    past_due: str
    customers_by_region: dict[str, int]

    @classmethod
    def of(cls, p: ReliefPreview) -> ReliefPreviewPublic:
        return cls(regions=list(p.regions), customers=p.customers, lines=p.lines,
                   cases=p.cases, balance=money_str(p.balance), past_due=money_str(p.past_due),
                   customers_by_region=p.by_region)


class ReliefPublic(BaseModel):
    id: str
    regions: list[str]
    start: str
    end: str
    last_day: str
    state: str = Field(description="scheduled, active or ended (on the business date)")
    reason: str
    defer_due_dates: bool
    declared_by: str
    declared_at: str
    cancelled_by: str | None
    preview: ReliefPreviewPublic | None = None

    @classmethod
    def of(cls, r: Relief, state: str, p: ReliefPreview | None = None) -> ReliefPublic:
        return cls(id=r.id, regions=list(r.regions), start=r.start.isoformat(),
                   end=r.end.isoformat(), last_day=r.last_day.isoformat(), state=state,
                   reason=r.reason, defer_due_dates=r.defer_due_dates,
                   declared_by=r.declared_by, declared_at=iso_utc(r.declared_at),
                   cancelled_by=r.cancelled_by,
                   preview=ReliefPreviewPublic.of(p) if p else None)


@router.post("/v1/reliefs/preview", response_model=ReliefPreviewPublic,
             summary="Preview a regional relief")
def preview(body: ReliefBody, container: ContainerDep,
            _: Annotated[Principal, Allowed("relief:declare")]) -> ReliefPreviewPublic:
    """Customers, open lines and active cases it would cover, and what they owe; changes
    nothing."""
    return ReliefPreviewPublic.of(rs.preview_relief(body.command(), container.uow()))


@router.post("/v1/reliefs", response_model=ReliefPublic, status_code=201,
             summary="Declare a regional relief")
def declare(body: ReliefBody, container: ContainerDep,
            actor: Annotated[Principal, Allowed("relief:declare")]) -> ReliefPublic:
    """Regions as on customers' addresses, a start (not before the business date), an end
    and a reason; audited with what it covers.  It starts and ends by itself."""
    d = rs.declare_relief(body.command(), container.uow(), actor)
    return ReliefPublic.of(d.relief, "declared", d.preview)


@router.get("/v1/reliefs", response_model=list[ReliefPublic], summary="List regional reliefs")
def list_reliefs(container: ContainerDep,
                 _: Annotated[Principal, Allowed("relief:read")]) -> list[ReliefPublic]:
    """Every relief, newest start first, with its state on the business date."""
    return [ReliefPublic.of(r, s) for r, s in rs.list_reliefs(container.uow())]


class HoldPublic(BaseModel):
    held: bool
    reason: str | None


@router.get("/v1/reliefs/holds", response_model=HoldPublic,
            summary="Whether a negative bureau report is held by a relief")
def relief_holds(container: ContainerDep, _: Annotated[Principal, Allowed("relief:read")],
                 on: Annotated[date, Query(description="the day of the report")],
                 customer_id: Annotated[str | None, Query(max_length=36)] = None,
                 line_id: Annotated[str | None, Query(max_length=36)] = None) -> HoldPublic:
    """What a bureau run asks before a negative report about a customer or a line (one of
    them): held, and why, while a relief covers the customer's region."""
    why = rs.relief_holds(container.uow(), on=on, customer_id=customer_id, line_id=line_id)
    return HoldPublic(held=why is not None, reason=why)


@router.get("/v1/reliefs/{relief_id}", response_model=ReliefPublic, summary="One relief")
def get_relief(relief_id: str, container: ContainerDep,
               _: Annotated[Principal, Allowed("relief:read")]) -> ReliefPublic:
    """The relief, its state on the business date and what it covers now."""
    r, state, p = rs.get_relief(relief_id, container.uow())
    return ReliefPublic.of(r, state, p)


class CancelBody(_Strict):
    reason: str = Field(max_length=500)


@router.post("/v1/reliefs/{relief_id}/cancel", response_model=ReliefPublic,
             summary="End a relief early (it ends on the business date)")
def cancel(relief_id: str, body: CancelBody, container: ContainerDep,
           actor: Annotated[Principal, Allowed("relief:declare")]) -> ReliefPublic:
    """Audited; the business date stays covered, the relief ends after it."""
    r = rs.cancel_relief(rs.CancelRelief(relief_id, body.reason), container.uow(), actor)
    return ReliefPublic.of(r, r.state_on(r.cancelled_on or r.start))
