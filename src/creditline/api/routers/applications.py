"""Credit applications: apply and get a decision (approved / declined / referred) within
milliseconds, with the limit, PD and score, up to four ranked reasons in English and
Chinese, the model and ruleset versions that decided, and the time taken."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import Amount, Day, SignedAmount, Timestamp
from creditline.auth import Principal
from creditline.money import money_str
from creditline.origination import apply as services
from creditline.origination import browse
from creditline.origination.application import Application

router = APIRouter(prefix="/v1/applications", tags=["applications"])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BureauIn(_Strict):
    """The credit-bureau file pulled under the applicant's credit-check consent (persons)."""

    existing_debt_monthly: Amount | None = Field(default=None, description="decimal string, CNY")
    credit_history_months: StrictInt | None = None
    num_credit_accounts: StrictInt | None = None
    revolving_utilization: StrictFloat | None = Field(default=None, description="0-1 (1 = fully used)")
    inquiries_6m: StrictInt | None = None
    delinquencies_24m: StrictInt | None = None


class FinancialsIn(_Strict):
    """One year's statements (enterprises), decimal strings in CNY."""

    revenue: Amount
    net_profit: SignedAmount
    current_assets: Amount
    current_liabilities: Amount
    total_assets: Amount
    total_liabilities: Amount
    operating_cash_flow: SignedAmount
    debt_service: Amount = Field(description="principal and interest due on existing debt in a year")


class CollateralIn(_Strict):
    kind: str = Field(description="deposit, property, receivables, equipment, inventory or "
                                  "guarantee")
    appraised_value: Amount


class AssetIn(_Strict):
    """Something a person owns (issue 12): counted, after a haircut by kind, beside income."""

    kind: Literal["property", "vehicle", "deposit", "investment"]
    declared_value: Amount = Field(description="what the applicant says it is worth, CNY")
    verified_value: Amount | None = Field(default=None, description="what a check found")
    source: str | None = Field(default=None, max_length=100,
                               description="who or what verified it (required with "
                                           "verified_value), e.g. property registry")


class ObligationIn(_Strict):
    """An existing debt the applicant declares (issue 12)."""

    kind: Literal["mortgage", "car_loan", "credit_card", "consumer_loan", "business_loan",
                  "other"]
    monthly_payment: Amount
    outstanding: Amount | None = None
    lender: str | None = Field(default=None, max_length=100)


class YearStatementsIn(FinancialsIn):
    """One year of an enterprise's statements; assets must equal liabilities + equity."""

    year: StrictInt
    total_equity: SignedAmount


class BusinessModelIn(_Strict):
    category: Literal["manufacturer", "foreign_trade", "wholesale", "retail", "services",
                      "technology", "construction", "agriculture", "logistics", "other"]
    description: str = Field(max_length=500, description="what the business makes or does, "
                                                         "for whom")


class PurposeIn(_Strict):
    kind: Literal["working_capital", "equipment", "project", "trade_finance"]
    description: str = Field(max_length=500, description="the project or equipment the "
                                                         "money is for")
    amount: Amount | None = None


class MitigantIn(_Strict):
    """A risk mitigant beyond collateral, counted after its own haircut."""

    kind: Literal["guarantee_insurance", "receivables_pledge", "corporate_guarantee",
                  "personal_guarantee"]
    amount: Amount = Field(description="sum insured, pledged or guaranteed, CNY")
    provider: str = Field(max_length=200, description="insurer, pledged debtors or guarantor")


class ApplicationCreate(_Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "customer_id": "3f2c...", "product": "consumer_bnpl", "requested_limit": "10000.00",
        "channel": "app", "device_id": "dev-8c1f", "ip": "203.0.113.7",
        "bureau": {"existing_debt_monthly": "800.00", "credit_history_months": 48,
                   "inquiries_6m": 1, "delinquencies_24m": 0}}]})

    customer_id: str
    product: str = Field(description="consumer_bnpl (persons) or sme_line (enterprises)")
    channel: str = Field(description="where the application came from, e.g. app, web, checkout")
    requested_limit: Amount | None = None
    device_id: str | None = None
    ip: str | None = None
    bureau: BureauIn | None = None
    financials: FinancialsIn | None = None
    collateral: list[CollateralIn] | None = None
    # issue 12: persons
    assets: list[AssetIn] | None = Field(default=None, max_length=20)
    obligations: list[ObligationIn] | None = Field(default=None, max_length=20)
    # issue 12: enterprises
    statements: list[YearStatementsIn] | None = Field(
        default=None, max_length=10, description="2 or 3 consecutive years (instead of "
                                                 "financials); trend ratios are computed")
    business_model: BusinessModelIn | None = None
    purpose: PurposeIn | None = None
    order_book: Amount | None = Field(default=None, description="contracted orders not yet "
                                                                "invoiced, CNY")
    receivables: Amount | None = Field(default=None, description="trade receivables, CNY")
    mitigants: list[MitigantIn] | None = Field(default=None, max_length=20)
    business_licence_document_id: str | None = Field(
        default=None, max_length=64, description="the business licence uploaded with POST "
                                                 "/v1/documents (purpose business_licence)")


class Reason(BaseModel):
    code: str
    en: str
    zh: str
    source: str


class ModelRef(BaseModel):
    id: str | None
    name: str | None
    version: int | None


class RulesRef(BaseModel):
    version: str
    hash: str


class ApplicationPublic(BaseModel):
    id: str
    customer_id: str
    product: str
    channel: str
    decision: str = Field(description="approved, declined or referred (waiting for review)")
    policy_decision: str = Field(description="what the automated policy decided")
    limit: str = Field(description="granted; proposed while referred; 0.00 if declined")
    requested_limit: str | None
    score: float | None
    pd: float | None
    band: str | None
    reasons: list[Reason]
    model: ModelRef
    rules: RulesRef
    elapsed_ms: float
    review_id: str | None
    line_id: str | None
    created_at: Timestamp
    decided_at: Timestamp | None
    replayed: bool = Field(default=False, description="true when this answers a retry with an "
                                                      "Idempotency-Key already used")


def application_public(app: Application, review_id: str | None,
                       replayed: bool = False) -> ApplicationPublic:
    return ApplicationPublic(
        id=app.id, customer_id=app.customer_id, product=app.product, channel=app.channel,
        decision=app.status, policy_decision=app.policy_decision,
        limit=money_str(app.granted_limit),
        requested_limit=None if app.requested_limit is None else money_str(app.requested_limit),
        score=None if app.score is None else round(app.score, 2),
        pd=None if app.pd is None else round(app.pd, 6), band=app.band,
        reasons=[Reason(**r) for r in app.reasons],
        model=ModelRef(id=app.model_id, name=app.model_name, version=app.model_version),
        rules=RulesRef(version=app.rules_version, hash=app.rules_hash),
        elapsed_ms=app.elapsed_ms, review_id=review_id, line_id=app.line_id,
        created_at=app.created_at, decided_at=app.decided_at, replayed=replayed)


def _dumps(items: list[Any] | None) -> list[dict[str, Any]] | None:
    return None if items is None else [i.model_dump() for i in items]


# what an applicant declared, as reviewers read it (issue 12)
DECLARED = ("bureau", "assets", "obligations", "financials", "statements", "trends", "profile",
            "collateral", "mitigants")


def declared(app: Application) -> dict[str, Any]:
    return {k: app.inputs[k] for k in DECLARED if app.inputs.get(k) not in (None, [])}


class ApplicationDetail(ApplicationPublic):
    declared: dict[str, Any] = Field(description="what the applicant declared: bureau file, "
                                                 "assets and obligations (persons); statements "
                                                 "with trend ratios, business model, purpose, "
                                                 "order book, licence, collateral and "
                                                 "mitigants (enterprises)")
    checks: dict[str, Any]
    features: dict[str, Any]
    ring: dict[str, Any] | None
    shadow: dict[str, Any] | None
    policy: dict[str, Any]


@router.post("", status_code=201, response_model=ApplicationPublic,
             summary="Apply for a credit line and get the decision")
def apply(body: ApplicationCreate, container: ContainerDep,
          actor: Annotated[Principal, Allowed("applications:create")],
          idempotency_key: Annotated[str | None, Header(
              alias="Idempotency-Key",
              description="Retry-safe key (a checkout that timed out): a retry with the same "
                          "key and body answers with the same application, decided once; the "
                          "same key with another body is 409.")] = None) -> ApplicationPublic:
    """Screen, score and decide.  Approval opens the credit line; a referral puts the
    application in the reviewers' queue.  404 unknown customer, 422 missing consent or a
    product the customer's kind cannot take, 409 while another application is in review."""
    cmd = services.Apply(
        customer_id=body.customer_id, product=body.product, channel=body.channel,
        requested_limit=body.requested_limit, device_id=body.device_id, ip=body.ip,
        bureau=None if body.bureau is None else body.bureau.model_dump(exclude_none=True),
        financials=None if body.financials is None else body.financials.model_dump(),
        collateral=None if body.collateral is None else [c.model_dump() for c in body.collateral],
        idempotency_key=idempotency_key,
        assets=_dumps(body.assets), obligations=_dumps(body.obligations),
        statements=_dumps(body.statements),
        business_model=None if body.business_model is None else body.business_model.model_dump(),
        purpose=None if body.purpose is None else body.purpose.model_dump(),
        order_book=body.order_book, receivables=body.receivables,
        mitigants=_dumps(body.mitigants),
        business_licence_document_id=body.business_licence_document_id)
    outcome = services.apply(cmd, container.uow(), actor)
    return application_public(outcome.application, outcome.review_id, outcome.replayed)


@router.get("/{application_id}", response_model=ApplicationDetail,
            summary="Read an application with what decided it")
def get(application_id: str, container: ContainerDep,
        _: Annotated[Principal, Allowed("applications:read")]) -> ApplicationDetail:
    """The application with what decided it: checks, features, ring, policy answer.
    404 if there is no such application."""
    app, review = services.get_application(container.uow(), application_id)
    base = application_public(app, None if review is None else review.id)
    return ApplicationDetail(**base.model_dump(), declared=declared(app), checks=app.checks,
                             features=app.features,
                             ring=app.ring, shadow=app.shadow, policy=app.policy)


@router.get("", response_model=ListPage[ApplicationPublic], summary="List applications",
            responses={422: {"description": "a filter broke a rule, a bad cursor, or limit "
                                            "outside 1-200"}})
def list_applications(
    container: ContainerDep, actor: Annotated[Principal, Allowed("applications:read")],
    page: PageParams,
    status: Annotated[Literal["approved", "declined", "referred"] | None,
                      Query(description="the decision")] = None,
    product: Annotated[str | None, Query(max_length=40)] = None,
    customer_id: Annotated[str | None, Query(max_length=36, description="whose")] = None,
    created_from: Annotated[Day | None, Query(description="made on or after (UTC)")] = None,
    created_to: Annotated[Day | None, Query(description="made on or before (UTC)")] = None,
) -> ListPage[ApplicationPublic]:
    """List applications, oldest first, filtered by decision, product, customer and date."""
    cmd = browse.ListApplications(status=status, product=product, customer_id=customer_id,
                                  created_from=created_from, created_to=created_to, page=page)
    return list_page(browse.list_applications(cmd, container.uow(), actor),
                     lambda a: application_public(a, None))
