"""The product catalogue, read-only: what each product offers and on which terms, with the
catalogue version (``version+hash12``) every decision and line records.  Edits are made in
the packaged data folder by the risk team, never through the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from creditline.api.deps import Allowed
from creditline.auth import Principal
from creditline.money import money_str
from creditline.products import queries
from creditline.products.catalog import Catalog, Product, default_catalog

router = APIRouter(prefix="/v1/products", tags=["products"])


class LimitTerms(BaseModel):
    min: str = Field(description="the smallest limit a decision grants or a line opens with")
    max: str = Field(description="the largest limit a line may have")
    second_review_above: str | None = Field(
        description="a manual approval above this needs a second reviewer")


class PlanPublic(BaseModel):
    installments: int
    method: str = Field(description="the default way principal is split")
    methods: list[str]
    fee_rate: str = Field(description="fee per period, a share of the purchase")


class MinimumPayment(BaseModel):
    principal_share: str
    floor: str


class WaterfallPublic(BaseModel):
    order: list[str]
    by: str
    excess: str


class ProductPublic(BaseModel):
    code: str
    name: str
    kind: str
    customer_kind: str = Field(description="person or enterprise")
    currency: str
    statement_day: int
    grace_days: int
    limit: LimitTerms
    plans: list[PlanPublic]
    interest_daily_rate: str
    penalty_daily_rate: str
    minimum_payment: MinimumPayment
    waterfall: WaterfallPublic
    fee_refund: str
    block_purchases_when_past_due: bool
    catalog_version: str = Field(description="version+hash12 of the catalogue")

    @classmethod
    def of(cls, p: Product, catalog: Catalog) -> ProductPublic:
        return cls(
            code=p.code, name=p.name, kind=p.kind, customer_kind=p.customer_kind,
            currency=p.currency, statement_day=p.statement_day, grace_days=p.grace_days,
            limit=LimitTerms(min=money_str(p.limit_min), max=money_str(p.limit_max),
                             second_review_above=None if p.second_review_above is None
                             else money_str(p.second_review_above)),
            plans=[PlanPublic(installments=n, method=pl.method, methods=list(pl.methods),
                              fee_rate=str(pl.fee_rate)) for n, pl in sorted(p.plans.items())],
            interest_daily_rate=str(p.interest_daily_rate),
            penalty_daily_rate=str(p.penalty_daily_rate),
            minimum_payment=MinimumPayment(principal_share=str(p.min_principal_share),
                                           floor=money_str(p.min_floor)),
            waterfall=WaterfallPublic(order=list(p.waterfall.order), by=p.waterfall.by,
                                      excess=p.waterfall.excess),
            fee_refund=p.fee_refund, block_purchases_when_past_due=p.block_when_past_due,
            catalog_version=catalog.label)


class ProductList(BaseModel):
    catalog_version: str
    products: list[ProductPublic]


@router.get("", response_model=ProductList)
def list_products(_: Annotated[Principal, Allowed("products:read")]) -> ProductList:
    """Every product in the catalogue the service runs with."""
    cat = default_catalog()
    return ProductList(catalog_version=cat.label,
                       products=[ProductPublic.of(p, cat) for p in queries.list_products(cat)])


@router.get("/{code}", response_model=ProductPublic)
def get_product(code: str, _: Annotated[Principal, Allowed("products:read")]) -> ProductPublic:
    """One product's terms; 404 for a code the catalogue does not have."""
    cat = default_catalog()
    return ProductPublic.of(queries.get_product(code, cat), cat)
