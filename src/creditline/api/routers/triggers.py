"""Issue 13's line controls: purchases held by a real-time trigger (release or refuse, once,
never by the person who made the purchase), the triggers fired (``lines.triggers``),
temporary-limit campaigns granted by rule (``lines.campaigns``), sector actions
(``lines.sectors``: the early warning, a cut previewed, applied and reversed) and periodic
reviews of enterprise lines (``lines.reviews``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import (
    ListPage,
    PageParams,
    SeqPageParams,
    list_page,
    list_seq_page,
)
from creditline.api.routers.purchases import PurchasePublic
from creditline.api.schemas_common import iso_utc
from creditline.auth import Principal
from creditline.lines.holds import HeldPurchase, TriggerRecord
from creditline.lines.reviews import ReviewCase
from creditline.lines.sectors import SectorAction, SectorFlag
from creditline.money import money_str
from creditline.servicing import campaigns, holds, line_reviews, sectors

router = APIRouter(prefix="/v1", tags=["triggers"])


class HeldPurchasePublic(BaseModel):
    id: str = Field(description="also the purchase's id once released")
    line_id: str
    customer_id: str
    amount: str
    merchant: str
    merchant_category: str
    installments: int
    business_date: str
    status: str = Field(description="held, released, refused or expired (nobody decided it in time)")
    triggers: list[str]
    reason_en: str
    reason_zh: str
    rules_version: str
    created_at: str
    created_by: str
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None

    @classmethod
    def of(cls, h: HeldPurchase) -> HeldPurchasePublic:
        return cls(id=h.id, line_id=h.line_id, customer_id=h.customer_id,
                   amount=money_str(h.amount), merchant=h.merchant,
                   merchant_category=h.merchant_category, installments=h.periods,
                   business_date=h.business_date.isoformat(), status=h.status.value,
                   triggers=list(h.triggers), reason_en=h.reason_en, reason_zh=h.reason_zh,
                   rules_version=h.rules_version, created_at=iso_utc(h.created_at),
                   created_by=h.created_by, decided_by=h.decided_by,
                   decided_at=iso_utc(h.decided_at) if h.decided_at else None,
                   decision_note=h.decision_note)


class TriggerPublic(BaseModel):
    seq: int
    line_id: str
    customer_id: str
    business_date: str
    at: str
    event: str = Field(description="purchase or return")
    ref_id: str = Field(description="the held purchase, the purchase or the return")
    code: str
    action: str = Field(description="cut, hold, freeze or suspend")
    rules_version: str
    reason_en: str
    reason_zh: str
    facts: dict[str, Any]
    outcome: dict[str, Any]

    @classmethod
    def of(cls, r: TriggerRecord) -> TriggerPublic:
        return cls(seq=r.seq or 0, line_id=r.line_id, customer_id=r.customer_id,
                   business_date=r.business_date.isoformat(), at=iso_utc(r.at), event=r.event,
                   ref_id=r.ref_id, code=r.code, action=r.action,
                   rules_version=r.rules_version, reason_en=r.reason_en,
                   reason_zh=r.reason_zh, facts=r.facts, outcome=r.outcome)


class HoldDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=200, description="why (kept with the decision)")


@router.get("/held-purchases", response_model=ListPage[HeldPurchasePublic],
            summary="List purchases held by a trigger")
def list_holds(container: ContainerDep, _: Annotated[Principal, Allowed("holds:read")],
               page: PageParams,
               status: Annotated[str | None, Query(
                   description="held (default), released, refused or expired")] = "held",
               line_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
               ) -> ListPage[HeldPurchasePublic]:
    """Held purchases oldest first: by default those waiting for a reviewer."""
    return list_page(holds.list_holds(container.uow(), status=status, line_id=line_id,
                                      req=page), HeldPurchasePublic.of)


@router.get("/held-purchases/{hold_id}", response_model=HeldPurchasePublic,
            summary="Get a held purchase")
def get_hold(hold_id: str, container: ContainerDep,
             _: Annotated[Principal, Allowed("holds:read")]) -> HeldPurchasePublic:
    """One held purchase: its triggers, the reason in both languages and any decision."""
    return HeldPurchasePublic.of(holds.get_hold(hold_id, container.uow()))


@router.post("/held-purchases/{hold_id}/release", response_model=PurchasePublic,
             summary="Release a held purchase: book it")
def release(hold_id: str, body: HoldDecision, container: ContainerDep,
            actor: Annotated[Principal, Allowed("holds:decide")]) -> PurchasePublic:
    """Book the held purchase (on today's business date) and answer it with its schedule.
    The user who made the purchase: 403; already decided: 409; the line not active: 409."""
    cmd = holds.DecideHold(hold_id, True, body.note)
    return PurchasePublic.of(holds.decide_hold(cmd, container.uow(), actor))


@router.post("/held-purchases/{hold_id}/refuse", response_model=PurchasePublic,
             summary="Refuse a held purchase")
def refuse(hold_id: str, body: HoldDecision, container: ContainerDep,
           actor: Annotated[Principal, Allowed("holds:decide")]) -> PurchasePublic:
    """Refuse the held purchase: its reservation on the line goes and the customer is told.
    The user who made the purchase: 403; already decided: 409."""
    cmd = holds.DecideHold(hold_id, False, body.note)
    return PurchasePublic.of(holds.decide_hold(cmd, container.uow(), actor))


@router.get("/triggers", response_model=ListPage[TriggerPublic], summary="List triggers fired")
def list_triggers(container: ContainerDep, _: Annotated[Principal, Allowed("triggers:read")],
                  page: SeqPageParams,
                  line_id: Annotated[str | None, Query(min_length=1, max_length=36)] = None,
                  code: Annotated[str | None, Query(min_length=1, max_length=60)] = None,
                  ) -> ListPage[TriggerPublic]:
    """Every trigger fired, oldest first, with the facts it read and what it did."""
    return list_seq_page(holds.list_triggers(container.uow(), line_id=line_id, code=code,
                                             req=page), TriggerPublic.of)


@router.get("/credit-lines/{line_id}/triggers", response_model=ListPage[TriggerPublic],
            summary="List the triggers fired on a credit line")
def line_triggers(line_id: str, container: ContainerDep,
                  _: Annotated[Principal, Allowed("triggers:read")],
                  page: SeqPageParams) -> ListPage[TriggerPublic]:
    """The line's triggers, oldest first; 404 if there is no such line."""
    return list_seq_page(holds.list_triggers(container.uow(), line_id=line_id, req=page),
                         TriggerPublic.of)


class CampaignPublic(BaseModel):
    code: str
    name_en: str
    name_zh: str
    start: str
    end: str
    products: list[str]
    raise_share: str
    eligible: dict[str, str]
    over_limit: str = Field(description="run_off: what is used above the permanent limit when "
                                        "the temporary limit lapses runs off through the "
                                        "scheduled installments, no new purchase meanwhile")
    rules_version: str


class CampaignGrant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = Field(False, description="count the eligible lines, grant nothing")


class CampaignRunPublic(BaseModel):
    campaign: str
    rules_version: str
    business_date: str
    dry_run: bool
    looked_at: int
    granted: int
    raised: str
    line_ids: list[str]


@router.get("/campaigns", response_model=list[CampaignPublic],
            summary="List temporary-limit campaigns")
def list_campaigns(_: Annotated[Principal, Allowed("lines:read")]) -> list[CampaignPublic]:
    """The shipped campaigns (a versioned folder), with their eligibility rule."""
    every = campaigns.list_campaigns()
    return [CampaignPublic(
        code=c.code, name_en=c.name_en, name_zh=c.name_zh, start=c.start.isoformat(),
        end=c.end.isoformat(), products=sorted(c.products), raise_share=str(c.raise_share),
        eligible={"max_dpd": str(c.max_dpd), "min_days_on_book": str(c.min_days_on_book),
                  "min_limit": money_str(c.min_limit)},
        over_limit=c.over_limit, rules_version=every.label) for c in every.campaigns.values()]


@router.post("/campaigns/{code}/grant", response_model=CampaignRunPublic,
             summary="Grant a campaign's temporary limits by its rule")
def grant_campaign(code: str, body: CampaignGrant, container: ContainerDep,
                   actor: Annotated[Principal, Allowed("lines:temporary_limit")],
                   ) -> CampaignRunPublic:
    """Every eligible line gets the campaign's temporary limit (a ``campaign`` limit event,
    the customer told); ``dry_run`` only counts.  Unknown campaign or one that has ended:
    422 naming ``campaign``."""
    run = campaigns.grant_campaign(campaigns.GrantCampaign(code, body.dry_run),
                                   container.uow(), actor)
    return CampaignRunPublic(campaign=run.campaign.code, rules_version=run.label,
                             business_date=run.business_date.isoformat(), dry_run=run.dry_run,
                             looked_at=run.looked_at, granted=run.granted,
                             raised=money_str(run.raised), line_ids=run.line_ids)


class SectorFlagPublic(BaseModel):
    industry: str
    flagged: bool
    checked_on: str
    flagged_on: str | None
    lines: int
    dpd30_rate: str
    default_rate: str
    why: list[str] = Field(description="the thresholds passed: DPD30_RATE, DEFAULT_RATE")
    rules_version: str

    @classmethod
    def of(cls, f: SectorFlag) -> SectorFlagPublic:
        return cls(industry=f.industry, flagged=f.flagged, checked_on=f.checked_on.isoformat(),
                   flagged_on=f.flagged_on.isoformat() if f.flagged_on else None,
                   lines=f.rate.lines, dpd30_rate=str(f.rate.dpd30_rate),
                   default_rate=str(f.rate.default_rate), why=list(f.rate.why),
                   rules_version=f.rules_version)


class SectorCutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    percent: str = Field(description="the cut, above 0 and at most 100, e.g. \"20\"")
    reason: str = Field("", max_length=200, description="why (required to apply)")


class SectorCutPublic(BaseModel):
    id: str | None = Field(description="the batch's id; None for a preview")
    industry: str
    percent: str
    status: str = Field(description="preview, applied or reversed")
    lines: int
    customers: int
    limit_removed: str
    items: list[dict[str, str]]
    left_alone: list[str] = Field(default_factory=list,
                                  description="lines a reversal did not touch (changed since)")

    @classmethod
    def of(cls, a: SectorAction | sectors.SectorPreview, left: list[str] | None = None,
           ) -> SectorCutPublic:
        return cls(id=a.id if isinstance(a, SectorAction) else None, industry=a.industry,
                   percent=f"{a.percent.normalize():f}",
                   status=a.status.value if isinstance(a, SectorAction) else "preview",
                   lines=len(a.lines), customers=a.customers,
                   limit_removed=money_str(a.limit_removed), left_alone=left or [],
                   items=[{"line_id": x.line_id, "customer_id": x.customer_id,
                           "old_limit": money_str(x.old_limit),
                           "new_limit": money_str(x.new_limit)} for x in a.lines])


@router.post("/sectors/watch", response_model=list[SectorFlagPublic],
             summary="Run the sector early warning now")
def watch(container: ContainerDep, actor: Annotated[Principal, Allowed("sectors:manage")],
          ) -> list[SectorFlagPublic]:
    """Every industry's 30+ DPD and default rates over its open enterprise lines, against
    the early-warning table; flags kept (and audited when they change)."""
    return [SectorFlagPublic.of(f) for f in sectors.watch_sectors(container.uow(), actor)]


@router.get("/sectors", response_model=list[SectorFlagPublic],
            summary="The sector early warning's last answer")
def list_sectors(container: ContainerDep, _: Annotated[Principal, Allowed("sectors:read")],
                 ) -> list[SectorFlagPublic]:
    """Every industry's rates and flag as the last watch left them."""
    return [SectorFlagPublic.of(f) for f in sectors.list_flags(container.uow())]


@router.post("/sectors/{industry}/cut-preview", response_model=SectorCutPublic,
             summary="Preview a cut of every line in an industry")
def preview_cut(industry: str, body: SectorCutCreate, container: ContainerDep,
                _: Annotated[Principal, Allowed("sectors:manage")]) -> SectorCutPublic:
    """The lines, customers and limit a cut would remove; changes nothing.  Unknown
    industry or a percent outside 0-100: 422 naming the field."""
    return SectorCutPublic.of(sectors.preview_sector_cut(
        sectors.SectorCut(industry, body.percent, body.reason), container.uow()))


@router.post("/sectors/{industry}/cut", response_model=SectorCutPublic, status_code=201,
             summary="Cut every line in a flagged industry")
def apply_cut(industry: str, body: SectorCutCreate, container: ContainerDep,
              actor: Annotated[Principal, Allowed("sectors:manage")]) -> SectorCutPublic:
    """One audited batch: every open line of the industry cut by the percentage (never
    below the product's minimum), every customer told.  Not flagged: 409."""
    return SectorCutPublic.of(sectors.apply_sector_cut(
        sectors.SectorCut(industry, body.percent, body.reason), container.uow(), actor))


@router.post("/sector-actions/{action_id}/reverse", response_model=SectorCutPublic,
             summary="Reverse a sector cut")
def reverse_cut(action_id: str, container: ContainerDep,
                actor: Annotated[Principal, Allowed("sectors:manage")]) -> SectorCutPublic:
    """Old limits back on every line still at the cut's limit; reversed already: 409."""
    action, left = sectors.reverse_sector_cut(action_id, container.uow(), actor)
    return SectorCutPublic.of(action, left)


@router.get("/sector-actions", response_model=ListPage[SectorCutPublic],
            summary="List sector cuts")
def list_actions(container: ContainerDep, _: Annotated[Principal, Allowed("sectors:read")],
                 page: PageParams,
                 industry: Annotated[str | None, Query(min_length=1, max_length=1)] = None,
                 ) -> ListPage[SectorCutPublic]:
    """Sector cuts oldest first, each with its lines before and after."""
    return list_page(sectors.list_sector_actions(container.uow(), industry, page),
                     SectorCutPublic.of)


class ReviewCasePublic(BaseModel):
    id: str
    line_id: str
    customer_id: str
    industry: str
    frequency: str = Field(description="yearly, or quarterly while the industry is flagged")
    due_on: str
    opened_on: str
    status: str = Field(description="awaiting_statements, proposed, approved or rejected")
    statements: dict[str, Any] | None
    ratios: dict[str, Any] | None
    capacity: str | None
    proposal: str | None = Field(description="keep, increase, reduce or close")
    proposed_limit: str | None
    proposed_by: str | None
    decided_by: str | None
    note: str | None

    @classmethod
    def of(cls, c: ReviewCase) -> ReviewCasePublic:
        return cls(id=c.id, line_id=c.line_id, customer_id=c.customer_id, industry=c.industry,
                   frequency=c.frequency, due_on=c.due_on.isoformat(),
                   opened_on=c.opened_on.isoformat(), status=c.status.value,
                   statements=c.statements, ratios=c.ratios,
                   capacity=None if c.capacity is None else money_str(c.capacity),
                   proposal=None if c.proposal is None else c.proposal.value,
                   proposed_limit=None if c.proposed_limit is None
                   else money_str(c.proposed_limit),
                   proposed_by=c.proposed_by, decided_by=c.decided_by, note=c.note)


class ScheduleRunPublic(BaseModel):
    opened: list[ReviewCasePublic]
    frozen: list[str] = Field(description="lines frozen for a long-overdue review")


class StatementsUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statements: dict[str, str] = Field(description="revenue, net_profit, current_assets, "
                                                   "current_liabilities, total_assets, "
                                                   "total_liabilities, operating_cash_flow, "
                                                   "debt_service (decimal strings, CNY)")


@router.post("/line-reviews/schedule", response_model=ScheduleRunPublic,
             summary="Open the reviews that are due; freeze long-overdue lines")
def schedule(container: ContainerDep,
             actor: Annotated[Principal, Allowed("line_reviews:manage")]) -> ScheduleRunPublic:
    """Open a case for every enterprise line due (yearly; quarterly while its industry is
    flagged) and freeze the active lines whose review is more than 60 days overdue."""
    run = line_reviews.schedule_reviews(container.uow(), actor)
    return ScheduleRunPublic(opened=[ReviewCasePublic.of(c) for c in run.opened],
                             frozen=run.frozen)


@router.get("/line-reviews", response_model=ListPage[ReviewCasePublic],
            summary="List review cases of enterprise lines")
def list_line_reviews(container: ContainerDep,
                      _: Annotated[Principal, Allowed("line_reviews:read")], page: PageParams,
                      status: Annotated[str | None, Query(max_length=20)] = None,
                      ) -> ListPage[ReviewCasePublic]:
    """Review cases oldest first, optionally in one status."""
    return list_page(line_reviews.list_reviews(container.uow(), status=status, req=page),
                     ReviewCasePublic.of)


@router.get("/line-reviews/overdue", response_model=list[ReviewCasePublic],
            summary="List overdue review cases")
def overdue(container: ContainerDep, _: Annotated[Principal, Allowed("line_reviews:read")],
            ) -> list[ReviewCasePublic]:
    """Open cases past their due date, most overdue first."""
    return [ReviewCasePublic.of(c) for c in line_reviews.overdue_reviews(container.uow())]


@router.post("/line-reviews/{case_id}/statements", response_model=ReviewCasePublic,
             summary="Upload the financial statements of a review")
def upload(case_id: str, body: StatementsUpload, container: ContainerDep,
           actor: Annotated[Principal, Allowed("line_reviews:manage")]) -> ReviewCasePublic:
    """The figures are checked (422 naming one), capacity recomputed with the enterprise
    policy and the proposal made in the uploader's name."""
    cmd = line_reviews.UploadStatements(case_id, body.statements)
    return ReviewCasePublic.of(line_reviews.upload_statements(cmd, container.uow(), actor))


@router.post("/line-reviews/{case_id}/approve", response_model=ReviewCasePublic,
             summary="Approve a review's proposal")
def approve_review(case_id: str, body: HoldDecision, container: ContainerDep,
                   actor: Annotated[Principal, Allowed("line_reviews:manage")],
                   ) -> ReviewCasePublic:
    """The proposal applies; its proposer: 403; not proposed yet or decided: 409."""
    cmd = line_reviews.DecideReview(case_id, True, body.note)
    return ReviewCasePublic.of(line_reviews.decide_review(cmd, container.uow(), actor))


@router.post("/line-reviews/{case_id}/reject", response_model=ReviewCasePublic,
             summary="Reject a review's proposal")
def reject_review(case_id: str, body: HoldDecision, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("line_reviews:manage")],
                  ) -> ReviewCasePublic:
    """The line stays as it is; its proposer: 403; not proposed yet or decided: 409."""
    cmd = line_reviews.DecideReview(case_id, False, body.note)
    return ReviewCasePublic.of(line_reviews.decide_review(cmd, container.uow(), actor))
