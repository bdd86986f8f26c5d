"""Purchases: the installment schedule of one purchase, and returns of goods."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.api.schemas_common import Amount, Day
from creditline.auth import Principal
from creditline.errors import ValidationError
from creditline.money import money_str
from creditline.servicing import browse, services
from creditline.servicing.views import PurchaseView, ReturnView

router = APIRouter(prefix="/v1/purchases", tags=["purchases"])

AMOUNT_HELP = "A positive decimal string with at most two decimals, e.g. \"100.00\"."
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", description="Retry-safe key: a retry with the same key and "
                                         "body returns the first answer and posts nothing.")]


class InstallmentPublic(BaseModel):
    seq: int
    bill_date: str
    due_date: str
    status: str = Field(description="scheduled, billed, paid, prepaid or cancelled")
    principal: str
    fee: str
    interest: str
    penalty: str
    principal_paid: str
    fee_paid: str
    interest_paid: str
    penalty_paid: str
    outstanding: str


class PurchasePublic(BaseModel):
    id: str
    line_id: str
    amount: str
    merchant: str
    merchant_category: str
    installments: int
    method: str
    fee_rate: str
    interest_daily_rate: str
    made_on: str
    returned: str
    status: str
    total_fees: str
    schedule: list[InstallmentPublic]
    replayed: bool
    hold: dict[str, Any] | None = Field(
        None, description="a purchase a real-time trigger held (status held, released or "
                          "refused): triggers, reason_en, reason_zh, rules_version")

    @classmethod
    def of(cls, v: PurchaseView) -> PurchasePublic:
        return cls(
            id=v.id, line_id=v.line_id, amount=money_str(v.amount), merchant=v.merchant,
            merchant_category=v.merchant_category, installments=v.installments, method=v.method,
            fee_rate=str(v.fee_rate), interest_daily_rate=str(v.interest_daily_rate),
            made_on=v.made_on.isoformat(), returned=money_str(v.returned), status=v.status,
            total_fees=money_str(v.total_fees), replayed=v.replayed, hold=v.hold,
            schedule=[InstallmentPublic(
                seq=i.seq, bill_date=i.bill_date.isoformat(), due_date=i.due_date.isoformat(),
                status=i.status, principal=money_str(i.principal), fee=money_str(i.fee),
                interest=money_str(i.interest), penalty=money_str(i.penalty),
                principal_paid=money_str(i.principal_paid), fee_paid=money_str(i.fee_paid),
                interest_paid=money_str(i.interest_paid), penalty_paid=money_str(i.penalty_paid),
                outstanding=money_str(i.outstanding)) for i in v.schedule])


class ReturnCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: Amount = Field(description=AMOUNT_HELP)


class ReturnPublic(BaseModel):
    id: str
    purchase_id: str
    line_id: str
    amount: str
    business_date: str
    effect: dict[str, str]
    replayed: bool

    @classmethod
    def of(cls, v: ReturnView) -> ReturnPublic:
        return cls(id=v.id, purchase_id=v.purchase_id, line_id=v.line_id,
                   amount=money_str(v.amount), business_date=v.business_date.isoformat(),
                   effect={k: money_str(x) for k, x in v.effect.items()}, replayed=v.replayed)


@router.get("", response_model=ListPage[PurchasePublic], summary="List purchases",
            responses={422: {"description": "a filter broke a rule, a bad cursor, or limit "
                                            "outside 1-200"}})
def list_purchases(
    container: ContainerDep, actor: Annotated[Principal, Allowed("purchases:read")],
    page: PageParams,
    line_id: Annotated[str | None, Query(max_length=36)] = None,
    customer_id: Annotated[str | None, Query(max_length=36)] = None,
    merchant: Annotated[str | None, Query(max_length=200)] = None,
    made_from: Annotated[Day | None, Query(description="made on or after")] = None,
    made_to: Annotated[Day | None, Query(description="made on or before")] = None,
    status: Literal["active", "paid", "returned"] | None = None,
) -> ListPage[PurchasePublic]:
    """List purchases with their schedules, oldest first.  A ``service`` user sees only its
    own merchants' purchases."""
    cmd = browse.ListPurchases(line_id=line_id, customer_id=customer_id, merchant=merchant,
                               made_from=made_from, made_to=made_to, status=status, page=page)
    return list_page(browse.list_purchases(cmd, container.uow(), actor), PurchasePublic.of)


@router.get("/{purchase_id}", response_model=PurchasePublic,
            summary="Read a purchase with its installment schedule")
def get_purchase(purchase_id: str, container: ContainerDep,
                 actor: Annotated[Principal, Allowed("purchases:read")]) -> PurchasePublic:
    """A purchase with its installment schedule and what has been paid on each part (a
    service user: only its merchants' purchases; another's answers 404)."""
    return PurchasePublic.of(services.get_purchase(purchase_id, container.uow(), actor))


@router.post("/{purchase_id}/returns", response_model=ReturnPublic, status_code=201,
             summary="Return goods of a purchase, in part or in full")
def create_return(purchase_id: str, body: ReturnCreate, container: ContainerDep,
                  actor: Annotated[Principal, Allowed("returns:create")],
                  idempotency_key: IdempotencyKey = None) -> ReturnPublic:
    """Return goods, in part or in full (needs an Idempotency-Key, as purchases and
    repayments do: a retry with the same key and body answers the first return and books
    nothing; the same key with another amount is 409): unbilled installments are reversed
    first (last first), then billed amounts are credited back; fees on the returned part
    are reversed as the product says; available credit comes back."""
    if not idempotency_key:
        raise ValidationError("Idempotency-Key", "header is required for returns")
    cmd = services.ReturnGoods(purchase_id, body.amount, idempotency_key=idempotency_key)
    return ReturnPublic.of(services.return_goods(cmd, container.uow(), actor))
