"""Purchases: the installment schedule of one purchase, and returns of goods."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Amount
from creditline.auth import Principal
from creditline.money import money_str
from creditline.servicing import services
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

    @classmethod
    def of(cls, v: PurchaseView) -> PurchasePublic:
        return cls(
            id=v.id, line_id=v.line_id, amount=money_str(v.amount), merchant=v.merchant,
            merchant_category=v.merchant_category, installments=v.installments, method=v.method,
            fee_rate=str(v.fee_rate), interest_daily_rate=str(v.interest_daily_rate),
            made_on=v.made_on.isoformat(), returned=money_str(v.returned), status=v.status,
            total_fees=money_str(v.total_fees), replayed=v.replayed,
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
    """Return goods, in part or in full: unbilled installments are reversed first (last
    first), then billed amounts are credited back; fees on the returned part are reversed
    as the product says; available credit comes back."""
    cmd = services.ReturnGoods(purchase_id, body.amount, idempotency_key=idempotency_key)
    return ReturnPublic.of(services.return_goods(cmd, container.uow(), actor))
