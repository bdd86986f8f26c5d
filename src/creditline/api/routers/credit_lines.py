"""Credit lines: open, read, purchase, repay, statements, limit (permanent and temporary)
and status changes, and the limit history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import (
    ListPage,
    PageParams,
    SeqPageParams,
    list_page,
    list_seq_page,
)
from creditline.api.routers.limit_proposals import LimitProposalPublic
from creditline.api.routers.purchases import AMOUNT_HELP, IdempotencyKey, PurchasePublic
from creditline.api.schemas_common import Amount, Count, Day, iso_utc
from creditline.auth import Principal
from creditline.errors import ValidationError
from creditline.lines.limits import LimitEvent
from creditline.lines.proposals import LimitProposal
from creditline.money import money_str
from creditline.products.catalog import default_catalog
from creditline.servicing import browse, services
from creditline.servicing.statements import Statement
from creditline.servicing.views import LineView, RefundView, RepaymentView

router = APIRouter(prefix="/v1/credit-lines", tags=["credit lines"])
default_catalog()  # load and check the product catalogue when the API starts


class LineCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    customer_id: str
    product: str = Field(description="A product code from the catalogue (GET /v1/products), "
                                     "e.g. consumer_bnpl")
    limit: Amount = Field(description=AMOUNT_HELP)
    statement_day: Count | None = Field(None, ge=1, le=28)


class LinePublic(BaseModel):
    id: str
    customer_id: str
    product: str
    product_version: str
    status: str
    currency: str
    limit: str
    used: str
    available: str
    balances: dict[str, str]
    amount_due: str
    minimum_due: str
    past_due: str
    days_past_due: int
    due_date: str | None
    statement_day: int
    next_statement_date: str
    opened_on: str
    as_of: str = Field(description="the last business day closed by end of day")
    payoff_amount: str
    version: int
    effective_limit: str = Field(description="the limit in force today: a temporary limit "
                                             "while it runs, else the permanent limit")
    temporary_limit: dict[str, str] | None = Field(
        None, description="amount, start and end of a temporary limit, if the line has one")
    held: str = Field("0.00", description="purchases a real-time trigger held for a reviewer: "
                                          "reserved, counted against available")
    restructured: bool = Field(False, description="draws on the line were restructured")

    @classmethod
    def of(cls, v: LineView) -> LinePublic:
        return cls(
            id=v.id, customer_id=v.customer_id, product=v.product,
            product_version=v.product_version, status=v.status, currency=v.currency,
            limit=money_str(v.limit), used=money_str(v.used), available=money_str(v.available),
            balances={
                "principal_billed": money_str(v.principal_billed),
                "principal_unbilled": money_str(v.principal_unbilled),
                "fees": money_str(v.fees), "interest_accrued": money_str(v.interest_accrued),
                "interest_billed": money_str(v.interest_billed),
                "penalties": money_str(v.penalties), "credit_balance": money_str(v.credit_balance),
                "total_owed": money_str(v.total_owed)},
            amount_due=money_str(v.amount_due), minimum_due=money_str(v.minimum_due),
            past_due=money_str(v.past_due), days_past_due=v.days_past_due,
            due_date=v.due_date.isoformat() if v.due_date else None,
            statement_day=v.statement_day, next_statement_date=v.next_statement_date.isoformat(),
            opened_on=v.opened_on.isoformat(), as_of=v.as_of.isoformat(),
            payoff_amount=money_str(v.payoff_amount), version=v.version,
            effective_limit=money_str(v.effective_limit),
            temporary_limit=None if v.temporary_limit is None else {
                "amount": money_str(v.temporary_limit.amount),
                "start": v.temporary_limit.start.isoformat(),
                "end": v.temporary_limit.end.isoformat()},
            held=money_str(v.held), restructured=v.restructured)


class PurchaseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount = Field(description=AMOUNT_HELP)
    merchant: str = Field(min_length=1, max_length=200)
    merchant_category: str = Field(min_length=1, max_length=60)
    installments: Count = Field(1, description="1 = single payment; else a count the product "
                                               "offers (a JSON integer: true is not 1)")
    method: str | None = Field(None, description="sme_line: annuity (default) or interest_only")


class RepaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount = Field(description=AMOUNT_HELP)


class RepaymentPublic(BaseModel):
    id: str
    line_id: str
    amount: str
    business_date: str
    allocation: dict[str, str]
    items: list[dict[str, object]]
    replayed: bool

    @classmethod
    def of(cls, v: RepaymentView) -> RepaymentPublic:
        return cls(id=v.id, line_id=v.line_id, amount=money_str(v.amount),
                   business_date=v.business_date.isoformat(),
                   allocation={k: money_str(x) for k, x in v.allocation.items()},
                   items=[dict(i) for i in v.items], replayed=v.replayed)


class RefundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount | None = Field(None, description=AMOUNT_HELP + "; default: all of the "
                                                 "refundable credit balance")


class RefundPublic(BaseModel):
    id: str
    line_id: str
    amount: str
    business_date: str
    credit_balance: str = Field(description="the credit balance left on the line")
    replayed: bool

    @classmethod
    def of(cls, v: RefundView) -> RefundPublic:
        return cls(id=v.id, line_id=v.line_id, amount=money_str(v.amount),
                   business_date=v.business_date.isoformat(),
                   credit_balance=money_str(v.credit_balance), replayed=v.replayed)


class StatementPublic(BaseModel):
    statement_date: str
    period_start: str
    due_date: str
    opening_balance: str
    purchases: str
    returns: str
    repayments: str
    fees: str
    interest: str
    penalties: str
    closing_balance: str
    amount_due: str
    minimum_payment: str
    past_due: str

    @classmethod
    def of(cls, s: Statement) -> StatementPublic:
        return cls(statement_date=s.statement_date.isoformat(),
                   period_start=s.period_start.isoformat(), due_date=s.due_date.isoformat(),
                   opening_balance=money_str(s.opening), purchases=money_str(s.purchases),
                   returns=money_str(s.returns), repayments=money_str(s.repayments),
                   fees=money_str(s.fees), interest=money_str(s.interest),
                   penalties=money_str(s.penalties), closing_balance=money_str(s.closing),
                   amount_due=money_str(s.amount_due),
                   minimum_payment=money_str(s.minimum_payment), past_due=money_str(s.past_due))


class LimitChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: Amount = Field(description=AMOUNT_HELP)
    reason: str = Field(min_length=1, max_length=200)


class TemporaryLimitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount = Field(description=AMOUNT_HELP + "; above the permanent limit")
    end: str = Field(description="last day it applies, YYYY-MM-DD")
    start: str | None = Field(None, description="first day, YYYY-MM-DD; default today")
    reason: str = Field(min_length=1, max_length=200)
    reason_codes: list[str] = Field(default_factory=list, max_length=20)


class LimitEventPublic(BaseModel):
    at: str
    business_date: str
    old_limit: str
    new_limit: str
    kind: str = Field(description="permanent or temporary")
    source: str = Field(description="manual, review, strategy, trigger, sector_action, "
                                    "closure, origination or expiry (a temporary limit "
                                    "lapsed at end of day)")
    reason_codes: list[str]
    actor: str
    rules_version: str | None
    note: str
    starts_on: str | None
    ends_on: str | None

    @classmethod
    def of(cls, e: LimitEvent) -> LimitEventPublic:
        return cls(at=iso_utc(e.at), business_date=e.business_date.isoformat(),
                   old_limit=money_str(e.old_limit), new_limit=money_str(e.new_limit),
                   kind=e.kind.value, source=e.source.value, reason_codes=list(e.reason_codes),
                   actor=e.actor, rules_version=e.rules_version, note=e.note,
                   starts_on=e.starts_on.isoformat() if e.starts_on else None,
                   ends_on=e.ends_on.isoformat() if e.ends_on else None)


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str = Field(description="active, frozen, suspended, closing or closed")
    reason: str = Field(min_length=1, max_length=200)


def _required(key: str | None, what: str) -> str:
    if not key:
        raise ValidationError("Idempotency-Key", f"header is required for {what}")
    return key


@router.post("", response_model=LinePublic, status_code=201, summary="Open a credit line")
def open_line(body: LineCreate, container: ContainerDep,
              actor: Annotated[Principal, Allowed("lines:open")]) -> LinePublic:
    """Open a credit line for a customer (normally origination does this on approval);
    404 unknown customer, 409 if the customer already has an open line of the product."""
    cmd = services.OpenLine(body.customer_id, body.product, body.limit, body.statement_day)
    return LinePublic.of(services.open_line(cmd, container.uow(), actor))


@router.get("", response_model=ListPage[LinePublic], summary="List credit lines",
            responses={422: {"description": "a filter broke a rule, a bad cursor, or limit "
                                            "outside 1-200"}})
def list_lines(
    container: ContainerDep, actor: Annotated[Principal, Allowed("lines:read")],
    page: PageParams,
    status: Annotated[str | None, Query(max_length=20, description="active, frozen, "
                                        "closed, ...")] = None,
    product: Annotated[str | None, Query(max_length=40)] = None,
    min_dpd: Annotated[int | None, Query(ge=0, le=100_000,
                                         description="at least this many days past due")] = None,
    max_dpd: Annotated[int | None, Query(ge=0, le=100_000,
                                         description="at most this many days past due")] = None,
    customer_id: Annotated[str | None, Query(max_length=36)] = None,
    opened_from: Annotated[Day | None, Query(description="opened on or after")] = None,
    opened_to: Annotated[Day | None, Query(description="opened on or before")] = None,
) -> ListPage[LinePublic]:
    """List lines, oldest first, filtered (e.g. ``status=active&min_dpd=30`` for collections)."""
    cmd = browse.ListLines(status=status, product=product, min_dpd=min_dpd, max_dpd=max_dpd,
                           customer_id=customer_id, opened_from=opened_from,
                           opened_to=opened_to, page=page)
    return list_page(browse.list_lines(cmd, container.uow(), actor), LinePublic.of)


@router.get("/{line_id}", response_model=LinePublic, summary="Read a credit line")
def get_line(line_id: str, container: ContainerDep,
             _: Annotated[Principal, Allowed("lines:read")]) -> LinePublic:
    """Status, limit, used, available, balances by kind and days past due; 404 if there is
    no such line."""
    return LinePublic.of(services.get_line(line_id, container.uow()))


@router.post("/{line_id}/purchases", response_model=PurchasePublic, status_code=201,
             summary="Buy on a credit line",
             responses={202: {"model": PurchasePublic,
                              "description": "held by a real-time trigger for a reviewer "
                                             "(status held, the reason in hold)"}})
def purchase(line_id: str, body: PurchaseCreate, container: ContainerDep, response: Response,
             actor: Annotated[Principal, Allowed("purchases:create")],
             idempotency_key: IdempotencyKey = None) -> PurchasePublic:
    """Buy on the line (needs an Idempotency-Key).  Refused with a reason, posting nothing,
    beyond the available credit (422), on a line that is not active (409) or past due
    (422), for an installment count the product does not offer (422), or by the product's
    merchant-category caps (422 naming the cap).  A purchase a real-time trigger holds
    answers 202 with status ``held`` and the reason in English and Chinese."""
    cmd = services.Purchase(line_id, body.amount, body.merchant, body.merchant_category,
                            body.installments, body.method,
                            idempotency_key=_required(idempotency_key, "purchases"))
    view = services.purchase(cmd, container.uow(), actor)
    if view.hold is not None:
        response.status_code = 202
    return PurchasePublic.of(view)


@router.get("/{line_id}/purchases", response_model=ListPage[PurchasePublic],
            summary="List the purchases on a credit line")
def purchases(line_id: str, container: ContainerDep,
              actor: Annotated[Principal, Allowed("purchases:read")],
              page: PageParams) -> ListPage[PurchasePublic]:
    """The line's purchases with their schedules, oldest first, in the same order and
    cursor as ``GET /v1/purchases?line_id=``; 404 if there is no such line."""
    services.get_line(line_id, container.uow())
    cmd = browse.ListPurchases(line_id=line_id, page=page)
    return list_page(browse.list_purchases(cmd, container.uow(), actor), PurchasePublic.of)


@router.post("/{line_id}/repayments", response_model=RepaymentPublic, status_code=201,
             summary="Repay on a credit line")
def repay(line_id: str, body: RepaymentCreate, container: ContainerDep,
          actor: Annotated[Principal, Allowed("repayments:create")],
          idempotency_key: IdempotencyKey = None) -> RepaymentPublic:
    """Repay (needs an Idempotency-Key); the answer shows how the waterfall allocated it.
    At most the payoff amount plus ``CREDITLINE_OVERPAYMENT_TOLERANCE`` (422 naming
    ``amount`` and the maximum accepted); an overpayment within it stays as a credit
    balance."""
    cmd = services.Repay(line_id, body.amount,
                         idempotency_key=_required(idempotency_key, "repayments"),
                         tolerance=container.settings.overpayment_tolerance)
    return RepaymentPublic.of(services.repay(cmd, container.uow(), actor))


@router.post("/{line_id}/refunds", response_model=RefundPublic, status_code=201,
             summary="Refund a credit balance to the customer")
def refund(line_id: str, body: RefundCreate, container: ContainerDep,
           actor: Annotated[Principal, Allowed("refunds:create")],
           idempotency_key: IdempotencyKey = None) -> RefundPublic:
    """Pay (part of) the line's credit balance back to the customer (needs an
    Idempotency-Key): booked Dr customer credit / Cr customer refund payable, audited, with
    a ``refund.requested`` event for the payment rails.  More than the refundable credit
    balance (the credit beyond billed debts) is a 422 naming ``amount``."""
    cmd = services.Refund(line_id, body.amount,
                          idempotency_key=_required(idempotency_key, "refunds"))
    return RefundPublic.of(services.refund(cmd, container.uow(), actor))


@router.get("/{line_id}/statements", response_model=ListPage[StatementPublic],
            summary="List the statements of a credit line")
def statements(line_id: str, container: ContainerDep,
               _: Annotated[Principal, Allowed("statements:read")],
               page: SeqPageParams) -> ListPage[StatementPublic]:
    """The line's statements, oldest first."""
    return list_seq_page(services.statements_page(line_id, container.uow(), page),
                         StatementPublic.of)


@router.post("/{line_id}/limit", response_model=None, summary="Change a line's limit",
             responses={
    200: {"model": LinePublic, "description": "The limit changed: the line"},
    202: {"model": LimitProposalPublic,
          "description": "A raise above the approval threshold: a pending proposal"}})
def change_limit(line_id: str, body: LimitChange, container: ContainerDep, response: Response,
                 actor: Annotated[Principal, Allowed("lines:manage")],
                 ) -> LinePublic | LimitProposalPublic:
    """A new permanent limit within the product's minimum and maximum (422 naming ``limit``
    otherwise; below what is used is a cut: available 0).  A raise of more than
    ``CREDITLINE_LIMIT_APPROVAL_INCREASE`` only records a proposal (202) that a second
    person approves or rejects at ``/v1/limit-proposals/{id}``."""
    cmd = services.ChangeLimit(line_id, body.limit, body.reason,
                               approval_increase=container.settings.limit_approval_increase)
    result = services.change_limit(cmd, container.uow(), actor)
    if isinstance(result, LimitProposal):
        response.status_code = 202
        return LimitProposalPublic.of(result)
    return LinePublic.of(result)


@router.post("/{line_id}/temporary-limit", response_model=LinePublic,
             summary="Grant a temporary limit for a period")
def grant_temporary_limit(line_id: str, body: TemporaryLimitCreate, container: ContainerDep,
                          actor: Annotated[Principal, Allowed("lines:temporary_limit")],
                          ) -> LinePublic:
    """Raise the limit from ``start`` (default today) to ``end``, both included: above the
    permanent limit, within the product's cap (422 naming the field otherwise)."""
    cmd = services.GrantTemporaryLimit(line_id, body.amount, body.end, body.reason,
                                       body.start, tuple(body.reason_codes))
    return LinePublic.of(services.grant_temporary_limit(cmd, container.uow(), actor))


@router.get("/{line_id}/limit-history", response_model=ListPage[LimitEventPublic],
            summary="List a line's limit changes")
def limit_history(line_id: str, container: ContainerDep,
                  _: Annotated[Principal, Allowed("lines:limit_history")],
                  page: SeqPageParams) -> ListPage[LimitEventPublic]:
    """The line's limit changes, oldest first: who, when, why, from which source."""
    return list_seq_page(services.limit_history_page(line_id, container.uow(), page),
                         LimitEventPublic.of)


@router.post("/{line_id}/status", response_model=LinePublic,
             summary="Freeze, suspend, close or reactivate a line")
def set_status(line_id: str, body: StatusChange, container: ContainerDep,
               actor: Annotated[Principal, Allowed("lines:manage")]) -> LinePublic:
    """Move the line through its state machine, with the reason; a move the state machine
    does not allow is 409."""
    cmd = services.SetStatus(line_id, body.status, body.reason)
    return LinePublic.of(services.set_status(cmd, container.uow(), actor))
