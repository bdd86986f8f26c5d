"""Collections: a collector's queue and cases, calls through the compliance gate, promises,
holds and disputes, agencies and placements, legal referrals, and the contact-log replay."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage
from creditline.api.schemas_common import Amount, Day, iso_utc
from creditline.auth import Principal
from creditline.collections import agencies as ag
from creditline.collections import legal
from creditline.collections import services as cs
from creditline.collections.cases import BucketSpell, Case, Promise
from creditline.collections.compliance import ReplayReport, Verdict
from creditline.collections.ports import Agency, ContactRecord, Placement, Referral
from creditline.collections.views import AgencyPerformance, CaseDetail, Debtor, QueueItem
from creditline.money import money_str

router = APIRouter(prefix="/v1/collections", tags=["collections"])

Id = Annotated[str, Field(min_length=1, max_length=36)]
Text = Annotated[str, Field(max_length=2000)]


class DebtorPublic(BaseModel):
    customer_id: str
    name: str
    phone: str | None = Field(description="unmasked for the collector working the case")
    id_number: str | None = Field(description="masked unless collections:read_pii")
    email: str | None

    @classmethod
    def of(cls, d: Debtor) -> DebtorPublic:
        return cls(customer_id=d.customer_id, name=d.name, phone=d.phone,
                   id_number=d.id_number, email=d.email)


class PromisePublic(BaseModel):
    id: str
    amount: str
    due_on: str
    made_on: str
    made_by: str
    status: str
    settled_on: str | None
    paid: str | None

    @classmethod
    def of(cls, p: Promise) -> PromisePublic:
        return cls(id=p.id, amount=money_str(p.amount), due_on=p.due_on.isoformat(),
                   made_on=p.made_on.isoformat(), made_by=p.made_by, status=p.status.value,
                   settled_on=p.settled_on.isoformat() if p.settled_on else None,
                   paid=money_str(p.paid) if p.paid is not None else None)


class CasePublic(BaseModel):
    id: str
    line_id: str
    customer_id: str
    status: str
    bucket: int
    opened_on: str
    updated_on: str
    closed_on: str | None
    past_due: str
    balance: str
    collectable: str
    disputed: str
    assigned_to: str | None
    escalation: int
    hold_kind: str | None
    hold_from: str | None
    hold_until: str | None
    agency_id: str | None
    profile: str
    zone: str
    hours_agreed: bool
    rules_version: str

    @classmethod
    def of(cls, c: Case) -> CasePublic:
        return cls(
            id=c.id, line_id=c.line_id, customer_id=c.customer_id, status=c.status,
            bucket=c.bucket, opened_on=c.opened_on.isoformat(),
            updated_on=c.updated_on.isoformat(),
            closed_on=c.closed_on.isoformat() if c.closed_on else None,
            past_due=money_str(c.past_due), balance=money_str(c.balance),
            collectable=money_str(c.collectable), disputed=money_str(c.disputed),
            assigned_to=c.assigned_to, escalation=c.escalation, hold_kind=c.hold_kind,
            hold_from=c.hold_from.isoformat() if c.hold_from else None,
            hold_until=c.hold_until.isoformat() if c.hold_until else None,
            agency_id=c.agency_id, profile=c.profile, zone=c.zone,
            hours_agreed=c.hours_agreed, rules_version=c.rules_version)


class QueueItemPublic(BaseModel):
    case: CasePublic
    bucket_name: str
    debtor: DebtorPublic
    collectable: str
    next_promise: PromisePublic | None

    @classmethod
    def of(cls, q: QueueItem) -> QueueItemPublic:
        return cls(case=CasePublic.of(q.case), bucket_name=q.bucket_name,
                   debtor=DebtorPublic.of(q.debtor), collectable=money_str(q.collectable),
                   next_promise=PromisePublic.of(q.next_promise) if q.next_promise else None)


class SpellPublic(BaseModel):
    bucket: str
    entered_on: str
    entered_past_due: str
    entered_balance: str
    left_on: str | None
    left_past_due: str | None
    left_balance: str | None
    left_to: str | None

    @classmethod
    def of(cls, s: BucketSpell) -> SpellPublic:
        return cls(bucket=s.bucket, entered_on=s.entered_on.isoformat(),
                   entered_past_due=money_str(s.entered_past_due),
                   entered_balance=money_str(s.entered_balance),
                   left_on=s.left_on.isoformat() if s.left_on else None,
                   left_past_due=money_str(s.left_past_due) if s.left_past_due is not None else None,
                   left_balance=money_str(s.left_balance) if s.left_balance is not None else None,
                   left_to=s.left_to)


class ContactPublic(BaseModel):
    id: str
    at: str
    local_time: str
    zone: str
    channel: str
    party: str
    actor: str
    agency_id: str | None
    outcome: str | None
    allowed: bool
    rule: str | None
    allowed_again_at: str | None
    profile: str
    rules_version: str
    contact_id: str | None = Field(None, description="the emergency contact approached")

    @classmethod
    def of(cls, r: ContactRecord) -> ContactPublic:
        return cls(id=r.id, at=iso_utc(r.at), local_time=r.local_time, zone=r.zone,
                   channel=r.channel.value, party=r.party.value, actor=r.actor,
                   agency_id=r.agency_id, outcome=r.outcome.value if r.outcome else None,
                   allowed=r.allowed, rule=r.rule,
                   allowed_again_at=iso_utc(r.allowed_again_at) if r.allowed_again_at else None,
                   profile=r.profile, rules_version=r.rules_version, contact_id=r.contact_id)


class CaseDetailPublic(BaseModel):
    case: CasePublic
    bucket_name: str
    debtor: DebtorPublic
    on_hold: bool
    placed_with: str | None
    bucket_history: list[SpellPublic]
    promises: list[PromisePublic]
    contacts: list[ContactPublic]
    relief: str | None = Field(None, description="the regional relief covering the debtor "
                                                 "today: no collection contact, no penalty")

    @classmethod
    def of(cls, d: CaseDetail) -> CaseDetailPublic:
        return cls(case=CasePublic.of(d.case), bucket_name=d.bucket_name,
                   debtor=DebtorPublic.of(d.debtor), on_hold=d.on_hold,
                   placed_with=d.placed_with, bucket_history=[SpellPublic.of(s) for s in d.spells],
                   promises=[PromisePublic.of(p) for p in d.promises],
                   contacts=[ContactPublic.of(c) for c in d.contacts], relief=d.relief)


class VerdictPublic(BaseModel):
    allowed: bool
    rule: str | None
    reason: str | None
    allowed_again_at: str | None

    @classmethod
    def of(cls, v: Verdict) -> VerdictPublic:
        return cls(allowed=v.allowed, rule=v.rule, reason=v.reason,
                   allowed_again_at=iso_utc(v.allowed_again_at) if v.allowed_again_at else None)


@router.get("/queue", response_model=ListPage[QueueItemPublic],
            summary="A collector's queue of cases by priority")
def get_queue(container: ContainerDep, actor: Annotated[Principal, Allowed("collections:queue")],
              collector: Annotated[str | None, Query(max_length=100, description=(
                  "whose queue (supervisors only); default: the caller's"))] = None,
              limit: Annotated[int, Query(ge=1, le=200)] = 50) -> ListPage[QueueItemPublic]:
    """The caller's assigned cases that can be worked today, most urgent first: a promise
    falling due today or earlier, then escalation (a broken promise), then the bucket, then
    the amount collectable.  Cases on hold, placed with an agency, or fully disputed are
    left out.  Not cursor-paged: the order changes as the queue is worked, so ``limit``
    takes the top of it (``total`` is null)."""
    items = cs.queue(cs.GetQueue(collector, limit), container.uow(), actor)
    return ListPage[QueueItemPublic](items=[QueueItemPublic.of(q) for q in items],
                                     next_cursor=None, total=None)


@router.get("/cases", response_model=ListPage[CasePublic], summary="List active cases")
def list_cases(container: ContainerDep,
               actor: Annotated[Principal, Allowed("collections:supervise")],
               assigned_to: Annotated[str | None, Query(max_length=100)] = None,
               agency_id: Annotated[str | None, Query(max_length=36)] = None,
               limit: Annotated[int, Query(ge=1, le=200)] = 50) -> ListPage[CasePublic]:
    """Active cases, oldest bucket first, optionally one collector's or one agency's (for
    supervisors assigning work).  The top ``limit``; not cursor-paged."""
    cases = cs.list_cases(cs.ListCases(assigned_to, agency_id, limit), container.uow())
    return ListPage[CasePublic](items=[CasePublic.of(c) for c in cases], next_cursor=None,
                                total=None)


@router.get("/cases/{case_id}", response_model=CaseDetailPublic,
            summary="Read a case with its history")
def get_case(case_id: str, container: ContainerDep,
             actor: Annotated[Principal, Allowed("collections:read")]) -> CaseDetailPublic:
    """A case with its bucket history, promises and every contact attempt (refused ones
    with the rule).  A collector sees only cases assigned to them."""
    return CaseDetailPublic.of(cs.get_case(case_id, container.uow(), actor))


class AssignBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_ids: list[Id] = Field(min_length=1, max_length=500)
    collector: Annotated[str, Field(max_length=100)] | None = Field(
        description="the user who works them; null unassigns")


@router.post("/cases/assign", response_model=list[CasePublic], summary="Assign cases to a collector")
def assign_cases(body: AssignBody, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("collections:supervise")]) -> list[CasePublic]:
    """Give cases to a collector (or take them back with ``collector: null``); audited."""
    cases = cs.assign(cs.Assign(tuple(body.case_ids), body.collector), container.uow(), actor)
    return [CasePublic.of(c) for c in cases]


class CallBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["no_answer", "wrong_number", "reached", "refused_to_pay", "dispute",
                     "promise_to_pay"]
    note: Text = ""
    promise_amount: Amount | None = Field(default=None, description="with promise_to_pay")
    promise_date: Day | None = Field(default=None, description="with promise_to_pay")
    disputed_amount: Amount | None = Field(default=None, description="with dispute")
    party: Literal["debtor", "unrelated"] = "debtor"


class CallPublic(BaseModel):
    contact: ContactPublic
    case: CasePublic
    promise: PromisePublic | None


@router.post("/cases/{case_id}/calls", response_model=CallPublic, status_code=201,
             summary="Log a call and its outcome")
def log_call(case_id: str, body: CallBody, container: ContainerDep,
             actor: Annotated[Principal, Allowed("collections:work")]) -> CallPublic:
    """Log a call made now, through the compliance gate: a call the rules refuse (outside
    the debtor's allowed hours, over a frequency limit, with an unrelated person) is logged
    with the rule and answered 422 with ``reason: contact_refused`` and when it is allowed
    again.  ``promise_to_pay`` records a promise (in the past or above what is owed: 422)
    and tells the customer; ``dispute`` pauses collection on the disputed amount."""
    r = cs.log_call(cs.LogCall(case_id, body.outcome, body.note, body.promise_amount,
                               body.promise_date, body.disputed_amount, body.party),
                    container.uow(), actor)
    return CallPublic(contact=ContactPublic.of(r.contact), case=CasePublic.of(r.case),
                      promise=PromisePublic.of(r.promise) if r.promise else None)


@router.get("/cases/{case_id}/contact-check", response_model=VerdictPublic,
            summary="Ask the compliance gate before contacting")
def contact_check(case_id: str, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("collections:work")],
                  channel: Literal["call", "sms", "email", "visit"] = "call") -> VerdictPublic:
    """What the gate would answer for a contact now (nothing is logged)."""
    return VerdictPublic.of(cs.check_contact(cs.CheckContact(case_id, channel), container.uow(),
                                             actor))


class HoldBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    until: Day = Field(description="the last day of the hold")
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class HardshipBody(HoldBody):
    start: Day | None = Field(default=None, description="earlier than today backdates it "
                                                         "(supervisors)")


@router.post("/cases/{case_id}/hardship", response_model=CasePublic,
             summary="Pause collection for hardship")
def hardship(case_id: str, body: HardshipBody, container: ContainerDep,
             actor: Annotated[Principal, Allowed("collections:work")]) -> CasePublic:
    """Hardship pauses collection contact until ``until``; it resumes by itself after.  A
    supervisor may backdate the start.  The customer is told."""
    return CasePublic.of(cs.hardship(cs.Hardship(case_id, body.until, body.reason, body.start),
                                     container.uow(), actor))


@router.post("/cases/{case_id}/pause", response_model=CasePublic, summary="Pause a case")
def pause(case_id: str, body: HoldBody, container: ContainerDep,
          actor: Annotated[Principal, Allowed("collections:work")]) -> CasePublic:
    """Pause collection contact on a case until ``until`` (it resumes by itself after)."""
    return CasePublic.of(cs.pause(cs.Pause(case_id, body.until, body.reason), container.uow(),
                                  actor))


class ResumeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text = ""


@router.post("/cases/{case_id}/resume", response_model=CasePublic, summary="Resume a paused case")
def resume(case_id: str, body: ResumeBody, container: ContainerDep,
           actor: Annotated[Principal, Allowed("collections:work")]) -> CasePublic:
    """End a hardship or a pause now."""
    return CasePublic.of(cs.resume(cs.Resume(case_id, body.reason), container.uow(), actor))


class DisputeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    upheld: bool
    note: Text = ""


@router.post("/cases/{case_id}/dispute/resolve", response_model=CasePublic,
             summary="Resolve a case's dispute")
def resolve_dispute(case_id: str, body: DisputeBody, container: ContainerDep,
                    actor: Annotated[Principal, Allowed("collections:supervise")]) -> CasePublic:
    """Close the dispute; collection resumes on the whole past-due amount."""
    return CasePublic.of(cs.resolve_dispute(cs.ResolveDispute(case_id, body.upheld, body.note),
                                            container.uow(), actor))


class TermsBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    profile: Annotated[str, Field(max_length=8)] | None = None
    zone: Annotated[str, Field(max_length=60)] | None = None
    hours_agreed: bool | None = None


@router.patch("/cases/{case_id}/contact-terms", response_model=CasePublic,
              summary="Set a case's compliance profile and zone")
def contact_terms(case_id: str, body: TermsBody, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("collections:supervise")]) -> CasePublic:
    """The compliance profile (CN, US), the debtor's time zone, and whether the debtor
    agreed to contact outside the usual hours (only where the profile allows it)."""
    return CasePublic.of(cs.set_contact_terms(cs.ContactTerms(
        case_id, body.profile, body.zone, body.hours_agreed), container.uow(), actor))


class PlaceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency_id: Id


class PlacementPublic(BaseModel):
    id: str
    case_id: str
    agency_id: str
    placed_on: str
    placed_by: str
    recalled_on: str | None
    recall_reason: str | None

    @classmethod
    def of(cls, p: Placement) -> PlacementPublic:
        return cls(id=p.id, case_id=p.case_id, agency_id=p.agency_id,
                   placed_on=p.placed_on.isoformat(), placed_by=p.placed_by,
                   recalled_on=p.recalled_on.isoformat() if p.recalled_on else None,
                   recall_reason=p.recall_reason)


@router.post("/cases/{case_id}/placement", response_model=PlacementPublic, status_code=201,
             summary="Place a case with an agency")
def place(case_id: str, body: PlaceBody, container: ContainerDep,
          actor: Annotated[Principal, Allowed("collections:agencies")]) -> PlacementPublic:
    """Place an active case with an agency (an unknown agency: 404).  The customer is told
    which agency will contact them."""
    return PlacementPublic.of(ag.place_case(ag.PlaceCase(case_id, body.agency_id),
                                            container.uow(), actor))


class RecallBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


@router.post("/cases/{case_id}/recall", response_model=PlacementPublic,
             summary="Recall a case from its agency")
def recall(case_id: str, body: RecallBody, container: ContainerDep,
           actor: Annotated[Principal, Allowed("collections:agencies")]) -> PlacementPublic:
    """Take a placed case back from its agency."""
    return PlacementPublic.of(ag.recall_case(ag.RecallCase(case_id, body.reason),
                                             container.uow(), actor))


class ReferralPublic(BaseModel):
    id: str
    case_id: str
    referred_on: str
    referred_by: str
    sha256: str
    package: dict[str, object]

    @classmethod
    def of(cls, r: Referral) -> ReferralPublic:
        return cls(id=r.id, case_id=r.case_id, referred_on=r.referred_on.isoformat(),
                   referred_by=r.referred_by, sha256=r.sha256, package=r.package)


@router.post("/cases/{case_id}/legal-referral", response_model=ReferralPublic, status_code=201,
             summary="Refer a case to legal")
def refer(case_id: str, container: ContainerDep,
          actor: Annotated[Principal, Allowed("collections:legal")]) -> ReferralPublic:
    """Assemble the legal package (contract terms, statements, bucket history, promises,
    contact history), store it with its SHA-256 and answer it."""
    return ReferralPublic.of(legal.refer_to_legal(legal.ReferToLegal(case_id), container.uow(),
                                                  actor))


@router.get("/cases/{case_id}/legal-referral", response_model=ReferralPublic,
            summary="Read a case's legal referral")
def get_referral(case_id: str, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("collections:legal")]) -> ReferralPublic:
    """The stored legal package as JSON."""
    return ReferralPublic.of(legal.get_referral(case_id, container.uow()))


@router.get("/cases/{case_id}/legal-referral.html", response_class=HTMLResponse,
            summary="Read a case's legal referral as HTML")
def get_referral_html(case_id: str, container: ContainerDep,
                      actor: Annotated[Principal, Allowed("collections:legal")]) -> HTMLResponse:
    """The stored legal package rendered as one self-contained HTML page."""
    return HTMLResponse(legal.referral_html(legal.get_referral(case_id, container.uow())))


class AgencyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=200)]
    commission_rate: Annotated[str, Field(max_length=20, description=(
        "a share of what is recovered, e.g. \"0.18\""))]


class AgencyPublic(BaseModel):
    id: str
    name: str
    commission_rate: str
    active: bool

    @classmethod
    def of(cls, a: Agency) -> AgencyPublic:
        return cls(id=a.id, name=a.name, commission_rate=str(a.commission_rate), active=a.active)


@router.post("/agencies", response_model=AgencyPublic, status_code=201,
             summary="Add a collection agency")
def create_agency(body: AgencyCreate, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("collections:agencies")]) -> AgencyPublic:
    """An agency with its commission rate (a share of what it recovers)."""
    return AgencyPublic.of(ag.create_agency(ag.CreateAgency(body.name, body.commission_rate),
                                            container.uow(), actor))


@router.get("/agencies", response_model=ListPage[AgencyPublic], summary="List collection agencies")
def list_agencies(container: ContainerDep,
                  actor: Annotated[Principal, Allowed("collections:agency_read")]
                  ) -> ListPage[AgencyPublic]:
    """Every agency, by name (a short list: not paged)."""
    rows = ag.list_agencies(container.uow())
    return ListPage[AgencyPublic](items=[AgencyPublic.of(a) for a in rows], next_cursor=None,
                                  total=len(rows))


class PerformancePublic(BaseModel):
    agency_id: str
    name: str
    commission_rate: str
    placements: int
    active: int
    recovered: str
    commission: str
    contacts: int
    as_of: str

    @classmethod
    def of(cls, p: AgencyPerformance) -> PerformancePublic:
        return cls(agency_id=p.agency_id, name=p.name, commission_rate=str(p.commission_rate),
                   placements=p.placements, active=p.active, recovered=money_str(p.recovered),
                   commission=money_str(p.commission), contacts=p.contacts,
                   as_of=p.as_of.isoformat())


@router.get("/agencies/performance", response_model=list[PerformancePublic],
            summary="Agency performance figures")
def agency_performance(container: ContainerDep,
                       actor: Annotated[Principal, Allowed("collections:agency_read")]
                       ) -> list[PerformancePublic]:
    """Per agency: cases placed and still placed, recovered (repayments on placed lines
    while placed), commission (recovered x rate) and contacts made."""
    return [PerformancePublic.of(p) for p in ag.performance(container.uow())]


class AgencyContactBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case_id: Id
    outcome: Literal["no_answer", "wrong_number", "reached", "refused_to_pay",
                     "promise_to_pay"]
    channel: Literal["call", "sms", "email", "visit"] = "call"
    note: Text = ""
    promise_amount: Amount | None = Field(default=None, description="with promise_to_pay")
    promise_date: Day | None = Field(default=None, description="with promise_to_pay")


@router.post("/agencies/{agency_id}/contacts", response_model=CallPublic, status_code=201,
             summary="Log an agency's contact on a placed case")
def agency_contact(agency_id: str, body: AgencyContactBody, container: ContainerDep,
                   actor: Annotated[Principal, Allowed("collections:agency_contact")]
                   ) -> CallPublic:
    """An agency's contact on a case placed with it, through the same compliance gate as
    the lender's own (refused: 422 with the rule, logged); unknown agency: 404."""
    r = ag.agency_contact(ag.AgencyContact(agency_id, body.case_id, body.outcome, body.channel,
                                           body.note, body.promise_amount, body.promise_date),
                          container.uow(), actor)
    return CallPublic(contact=ContactPublic.of(r.contact), case=CasePublic.of(r.case),
                      promise=PromisePublic.of(r.promise) if r.promise else None)


class ReplayPublic(BaseModel):
    contacts: int
    refused: int
    outside_hours: int
    over_limits: int
    unrelated_parties: int
    under_relief: int = 0
    emergency_approaches: int = 0
    emergency_violations: int = 0
    disclosures: int = Field(0, description="messages to emergency contacts with a "
                                            "forbidden word")
    violations: list[dict[str, str]]

    @classmethod
    def of(cls, r: ReplayReport) -> ReplayPublic:
        return cls(contacts=r.contacts, refused=r.refused, outside_hours=r.outside_hours,
                   over_limits=r.over_limits, unrelated_parties=r.unrelated_parties,
                   under_relief=r.under_relief, emergency_approaches=r.emergency_approaches,
                   emergency_violations=r.emergency_violations, disclosures=r.disclosures,
                   violations=[{"case_id": c.case_id, "at": iso_utc(c.at), "rule": rule}
                               for c, rule in r.violations[:1000]])


@router.get("/contact-log/replay", response_model=ReplayPublic,
            summary="Replay the contact log through the compliance rules")
def replay(container: ContainerDep,
           actor: Annotated[Principal, Allowed("collections:replay")]) -> ReplayPublic:
    """Every contact made, in time order, back through the gate under the profile it was
    made under: how many fall outside allowed hours, over a frequency limit or with an
    unrelated party (the first 1,000 violations listed)."""
    return ReplayPublic.of(cs.replay_contacts(container.uow()))
