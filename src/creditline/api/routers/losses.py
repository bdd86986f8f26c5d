"""Losses (issue 16): write-offs with maker-checker, payments received on written-off and
sold lines, and sales of non-performing debt (preview, propose, decide).  Thin: each route
builds a command and calls ``creditline.losses.services``."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from creditline.api.deps import Allowed, ContainerDep
from creditline.api.schemas_common import Amount, iso_utc
from creditline.auth import Principal
from creditline.losses import services as ls
from creditline.losses.records import DebtSale, LossAccount, LossPayment, SaleLine, WriteOff
from creditline.money import money_str

router = APIRouter(prefix="/v1/losses", tags=["losses"])
Reader = Annotated[Principal, Allowed("losses:read")]
Proposer = Annotated[Principal, Allowed("losses:propose")]
Approver = Annotated[Principal, Allowed("losses:approve")]


class WriteOffPublic(BaseModel):
    id: str
    line_id: str
    status: str = Field(description="pending (waiting for a second person), executed, rejected")
    source: str = Field(description="end_of_day (the write-off rules) or officer")
    reason: str
    dpd: int = Field(description="days past due when proposed")
    threshold_dpd: int = Field(description="the rules' threshold: below it, two people decide")
    rules_version: str
    proposed_by: str
    proposed_at: str
    decided_by: str | None
    decided_at: str | None
    note: str | None
    business_date: str | None
    amounts: dict[str, str] = Field(description="each balance written off")
    credit_applied: str
    amount: str = Field(description="net amount charged off")
    from_allowance: str
    to_expense: str

    @classmethod
    def of(cls, w: WriteOff) -> WriteOffPublic:
        return cls(id=w.id, line_id=w.line_id, status=w.status.value, source=w.source.value,
                   reason=w.reason, dpd=w.dpd, threshold_dpd=w.threshold_dpd,
                   rules_version=w.rules_version, proposed_by=w.proposed_by,
                   proposed_at=iso_utc(w.proposed_at), decided_by=w.decided_by,
                   decided_at=None if w.decided_at is None else iso_utc(w.decided_at),
                   note=w.note,
                   business_date=None if w.business_date is None else w.business_date.isoformat(),
                   amounts={k: money_str(v) for k, v in w.amounts.items()},
                   credit_applied=money_str(w.credit_applied), amount=money_str(w.amount),
                   from_allowance=money_str(w.from_allowance),
                   to_expense=money_str(w.to_expense))


class WriteOffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line_id: str = Field(min_length=1, max_length=36)
    reason: str = Field(min_length=1, max_length=500)


class DecisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: str = Field(min_length=1, max_length=500)


class PoolBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    method: Literal["per_face", "expected_recovery"] = "per_face"
    rate: str | None = Field(None, max_length=12,
                             description="per_face: price per unit of face value, 0 to 1")
    discount: str | None = Field(None, max_length=12, description="expected_recovery: taken "
                                 "off the recovery rate seen on written-off lines, 0 to <1")
    min_bucket: int = Field(3, ge=1, le=20, description="live lines: the collection bucket "
                                                        "(1 = M1) from which they are in")
    min_dpd: int = Field(0, ge=0, le=100_000)
    min_face: Amount | None = None
    max_face: Amount | None = None
    products: list[str] = Field(default_factory=list, max_length=20)
    live: bool = True
    written_off: bool = True
    line_ids: list[str] = Field(default_factory=list, max_length=10_000)

    def pool(self) -> ls.Pool:
        return ls.Pool(self.method, self.rate, self.discount, self.min_bucket, self.min_dpd,
                       self.min_face, self.max_face, tuple(self.products), self.live,
                       self.written_off, tuple(self.line_ids))


class SaleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    buyer: str = Field(min_length=1, max_length=200)
    pool: PoolBody


class SaleLinePublic(BaseModel):
    line_id: str
    product: str
    face: str
    price: str
    written_off: bool
    dpd: int
    bucket: int


class PreviewPublic(BaseModel):
    method: str
    rate: str
    count: int
    face: str
    price: str
    loss_on_sale: str = Field(description="live receivables given up below their face")
    recovery_income: str = Field(description="what written-off claims fetch")
    from_allowance: str
    to_expense: str
    lines: list[SaleLinePublic]


def _lines(lines: tuple[SaleLine, ...]) -> list[SaleLinePublic]:
    return [SaleLinePublic(line_id=x.line_id, product=x.product, face=money_str(x.face),
                           price=money_str(x.price), written_off=x.written_off, dpd=x.dpd,
                           bucket=x.bucket) for x in lines]


class SalePublic(BaseModel):
    id: str
    buyer: str
    status: str
    method: str
    rate: str
    pool: dict[str, object]
    count: int
    face: str
    price: str
    from_allowance: str
    to_expense: str
    recovery_income: str
    proposed_by: str
    proposed_at: str
    decided_by: str | None
    decided_at: str | None
    note: str | None
    business_date: str | None
    lines: list[SaleLinePublic]

    @classmethod
    def of(cls, s: DebtSale) -> SalePublic:
        return cls(id=s.id, buyer=s.buyer, status=s.status.value, method=s.method,
                   rate=str(s.rate), pool=s.pool, count=s.count, face=money_str(s.face),
                   price=money_str(s.price), from_allowance=money_str(s.from_allowance),
                   to_expense=money_str(s.to_expense),
                   recovery_income=money_str(s.recovery_income), proposed_by=s.proposed_by,
                   proposed_at=iso_utc(s.proposed_at), decided_by=s.decided_by,
                   decided_at=None if s.decided_at is None else iso_utc(s.decided_at),
                   note=s.note,
                   business_date=None if s.business_date is None else s.business_date.isoformat(),
                   lines=_lines(s.lines))


class PaymentPublic(BaseModel):
    id: str
    line_id: str
    kind: str = Field(description="recovery (written off) or to_buyer (sold)")
    amount: str
    business_date: str
    buyer: str | None
    sale_id: str | None
    created_by: str

    @classmethod
    def of(cls, p: LossPayment) -> PaymentPublic:
        return cls(id=p.id, line_id=p.line_id, kind=p.kind.value, amount=money_str(p.amount),
                   business_date=p.business_date.isoformat(), buyer=p.buyer,
                   sale_id=p.sale_id, created_by=p.created_by)


class AccountPublic(BaseModel):
    line_id: str
    status: str
    written_off: str
    written_off_on: str | None
    recovered: str
    claim: str = Field(description="written off less recovered")
    buyer: str | None
    sold_on: str | None
    sold_face: str
    sale_price: str
    to_buyer: str

    @classmethod
    def of(cls, a: LossAccount) -> AccountPublic:
        return cls(line_id=a.line_id, status=a.status.value, written_off=money_str(a.written_off),
                   written_off_on=None if a.written_off_on is None else a.written_off_on.isoformat(),
                   recovered=money_str(a.recovered), claim=money_str(a.claim), buyer=a.buyer,
                   sold_on=None if a.sold_on is None else a.sold_on.isoformat(),
                   sold_face=money_str(a.sold_face), sale_price=money_str(a.sale_price),
                   to_buyer=money_str(a.to_buyer))


@router.post("/write-offs", status_code=201, response_model=WriteOffPublic,
             summary="Propose a write-off")
def propose_write_off(body: WriteOffCreate, container: ContainerDep,
                      actor: Proposer) -> WriteOffPublic:
    """At or past the write-off rules' days past due it is carried out at once; below, it
    waits for a second person.  A line written off or sold already: 409."""
    return WriteOffPublic.of(ls.propose_write_off(
        ls.ProposeWriteOff(body.line_id, body.reason), container.uow(), actor))


@router.get("/write-offs", response_model=list[WriteOffPublic], summary="List write-offs")
def list_write_offs(container: ContainerDep, _: Reader,
                    status: Annotated[str | None, Query(max_length=12)] = None,
                    line_id: Annotated[str | None, Query(max_length=36)] = None,
                    ) -> list[WriteOffPublic]:
    """Newest first (at most 500); filter by status (pending, executed, rejected) or line."""
    return [WriteOffPublic.of(w) for w in ls.list_write_offs(container.uow(), status=status,
                                                             line_id=line_id)]


@router.get("/write-offs/{write_off_id}", response_model=WriteOffPublic,
            summary="Get a write-off")
def get_write_off(write_off_id: str, container: ContainerDep, _: Reader) -> WriteOffPublic:
    """The proposal, its decision and what was posted."""
    return WriteOffPublic.of(ls.get_write_off(write_off_id, container.uow()))


@router.post("/write-offs/{write_off_id}/decision", response_model=WriteOffPublic,
             summary="Approve or reject a write-off")
def decide_write_off(write_off_id: str, body: DecisionBody, container: ContainerDep,
                     actor: Approver) -> WriteOffPublic:
    """Its proposer: 403; decided already, or the line written off or sold meanwhile: 409."""
    return WriteOffPublic.of(ls.decide_write_off(
        ls.DecideWriteOff(write_off_id, body.approve, body.note), container.uow(), actor))


@router.post("/sales/preview", response_model=PreviewPublic,
             summary="Preview a pool of debt for sale")
def preview_sale(body: PoolBody, container: ContainerDep, _: Proposer) -> PreviewPublic:
    """Count, face value, price, the loss on sale and how it would be carried; changes
    nothing.  A sold line named in ``line_ids``: 409."""
    p = ls.preview_sale(body.pool(), container.uow())
    return PreviewPublic(method=p.method, rate=str(p.preview.rate), count=p.preview.count,
                         face=money_str(p.preview.face), price=money_str(p.preview.price),
                         loss_on_sale=money_str(p.preview.loss_on_sale),
                         recovery_income=money_str(p.preview.recovery_income),
                         from_allowance=money_str(p.from_allowance),
                         to_expense=money_str(p.to_expense), lines=_lines(p.lines))


@router.post("/sales", status_code=201, response_model=SalePublic,
             summary="Propose a sale of debt")
def propose_sale(body: SaleCreate, container: ContainerDep, actor: Proposer) -> SalePublic:
    """The pool as it stands, offered to a named buyer; nothing moves until a second person
    approves.  An empty pool: 422."""
    return SalePublic.of(ls.propose_sale(ls.ProposeSale(body.buyer, body.pool.pool()),
                                         container.uow(), actor))


@router.get("/sales", response_model=list[SalePublic], summary="List debt sales")
def list_sales(container: ContainerDep, _: Reader,
               status: Annotated[str | None, Query(max_length=12)] = None,
               ) -> list[SalePublic]:
    """Newest first (at most 200), with their lines."""
    return [SalePublic.of(s) for s in ls.list_sales(container.uow(), status=status)]


@router.get("/sales/{sale_id}", response_model=SalePublic, summary="Get a debt sale")
def get_sale(sale_id: str, container: ContainerDep, _: Reader) -> SalePublic:
    """The proposal, its decision and the lines as sold."""
    return SalePublic.of(ls.get_sale(sale_id, container.uow()))


@router.post("/sales/{sale_id}/decision", response_model=SalePublic,
             summary="Approve (and carry out) or reject a sale")
def decide_sale(sale_id: str, body: DecisionBody, container: ContainerDep,
                actor: Approver) -> SalePublic:
    """Its proposer: 403; decided already: 409.  An approval sells the proposed lines as
    they stand today (a line paid or sold meanwhile drops out)."""
    return SalePublic.of(ls.decide_sale(ls.DecideSale(sale_id, body.approve, body.note),
                                        container.uow(), actor))


@router.get("/recoveries", response_model=list[PaymentPublic],
            summary="List payments on written-off and sold lines")
def list_recoveries(container: ContainerDep, _: Reader,
                    line_id: Annotated[str | None, Query(max_length=36)] = None,
                    buyer: Annotated[str | None, Query(max_length=200)] = None,
                    kind: Annotated[str | None, Query(max_length=12)] = None,
                    ) -> list[PaymentPublic]:
    """Recoveries (written-off lines) and payments owed on to a buyer (sold lines), newest
    first, at most 500; filter by line, buyer or kind."""
    return [PaymentPublic.of(p) for p in ls.list_payments(container.uow(), line_id=line_id,
                                                          buyer=buyer, kind=kind)]


@router.get("/accounts/{line_id}", response_model=AccountPublic,
            summary="Get a line's loss account")
def get_account(line_id: str, container: ContainerDep, _: Reader) -> AccountPublic:
    """What was written off and recovered, and whether and to whom it was sold."""
    return AccountPublic.of(ls.get_account(line_id, container.uow()))
