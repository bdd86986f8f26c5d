"""Checkout: what each plan would cost before the customer buys (a merchant checkout, the
``service`` role, asks it for the basket's amount and shows the answer)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.auth import Principal
from creditline.money import money_str
from creditline.servicing import offers as services

router = APIRouter(prefix="/v1/checkout", tags=["checkout"])


class OfferInstallment(BaseModel):
    seq: int
    bill_date: str
    due_date: str
    principal: str
    fee: str
    interest: str = Field(description="projected: interest accrues daily on what is unbilled")
    payment: str = Field(description="principal + fee + interest of this installment")


class PlanOfferPublic(BaseModel):
    installments: int
    method: str
    fee_rate: str = Field(description="fee per period, a share of the purchase")
    interest_daily_rate: str
    interest_free_days: int | None = Field(
        description="single payment only: days from today to its due date, interest-free")
    total_fee: str
    total_interest: str
    total_cost: str = Field(description="what the plan costs beyond the price: fees plus "
                                        "projected interest")
    total_repayable: str
    schedule: list[OfferInstallment]


class OffersPublic(BaseModel):
    line_id: str
    product: str
    currency: str
    amount: str
    business_date: str
    available: str
    late_fee: str = Field(description="flat fee per missed due date")
    penalty_daily_rate: str = Field(description="charged daily on the amount past due")
    plans: list[PlanOfferPublic]


def offers_public(o: services.Offers) -> OffersPublic:
    return OffersPublic(
        line_id=o.line_id, product=o.product, currency=o.currency, amount=money_str(o.amount),
        business_date=o.business_date.isoformat(), available=money_str(o.available),
        late_fee=money_str(o.late_fee), penalty_daily_rate=str(o.penalty_daily_rate),
        plans=[PlanOfferPublic(
            installments=p.installments, method=p.method, fee_rate=str(p.fee_rate),
            interest_daily_rate=str(p.interest_daily_rate),
            interest_free_days=p.interest_free_days, total_fee=money_str(p.total_fee),
            total_interest=money_str(p.total_interest), total_cost=money_str(p.total_cost),
            total_repayable=money_str(p.total_repayable),
            schedule=[OfferInstallment(
                seq=r.seq, bill_date=r.bill_date.isoformat(), due_date=r.due_date.isoformat(),
                principal=money_str(r.principal), fee=money_str(r.fee),
                interest=money_str(r.projected_interest),
                payment=money_str(r.principal + r.fee + r.projected_interest))
                for r in p.schedule]) for p in o.plans])


@router.get("/offers", response_model=OffersPublic, summary="The plans for an amount")
def offers(container: ContainerDep, actor: Annotated[Principal, Allowed("checkout:offers")],
           line_id: Annotated[str, Query(description="the customer's credit line")],
           amount: Annotated[str, Query(description="the basket, e.g. \"1200.00\"")],
           merchant_category: Annotated[str | None, Query(
               description="the merchant's category: its cap is checked and a green "
                           "category's lower fee shown")] = None,
           ) -> OffersPublic:
    """Every plan the line's product offers for the amount, with fees, projected interest,
    total cost and the full schedule (each sums to the cent); nothing is booked.  404 for
    an unknown line, 409 if it is not active, 422 past due or beyond the available credit."""
    return offers_public(services.checkout_offers(
        services.CheckoutOffers(line_id=line_id, amount=amount,
                                merchant_category=merchant_category), container.uow(), actor))
