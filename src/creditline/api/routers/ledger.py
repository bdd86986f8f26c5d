"""The ledger: chart of accounts, trial balance, journal entries and the reconciliation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from creditline.api.deps import Allowed, ContainerDep
from creditline.auth import Principal
from creditline.ledger.accounts import CHART
from creditline.ledger.trial_balance import read_trial_balance
from creditline.money import money_str
from creditline.servicing import services

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])


class AccountPublic(BaseModel):
    code: str
    name: str
    type: str
    normal_side: str


class TrialBalanceRow(BaseModel):
    account: str
    name: str
    type: str
    currency: str
    debit: str
    credit: str
    balance: str  # in the account's own sign (a liability's credit balance is positive)


class TrialBalance(BaseModel):
    accounts: list[TrialBalanceRow]
    total_debit: str
    total_credit: str
    total: str
    balanced: bool


class PostingPublic(BaseModel):
    account: str
    line_id: str | None
    debit: str
    credit: str
    currency: str
    memo: str


class EntryPublic(BaseModel):
    id: str
    business_date: str
    kind: str
    line_id: str | None
    ref: str | None
    memo: str
    reverses: str | None
    postings: list[PostingPublic]


class LedgerCheckPublic(BaseModel):
    ok: bool
    lines_checked: int
    trial_balance_total: str
    unbalanced_entries: list[str]
    mismatches: list[dict[str, str | None]]


@router.get("/accounts", response_model=list[AccountPublic], summary="The chart of accounts")
def accounts(_: Annotated[Principal, Allowed("ledger:read")]) -> list[AccountPublic]:
    """Every account with its type and normal side."""
    return [AccountPublic(code=a.code, name=a.name, type=a.type.value,
                          normal_side="debit" if a.type.normal_sign > 0 else "credit")
            for a in CHART.values()]


@router.get("/trial-balance", response_model=TrialBalance, summary="The trial balance")
def trial_balance(container: ContainerDep,
                  _: Annotated[Principal, Allowed("ledger:read")]) -> TrialBalance:
    """Signed sums per account; debits and credits are equal, so the total is zero."""
    tb = read_trial_balance(container.uow())
    return TrialBalance(
        accounts=[TrialBalanceRow(account=r.account, name=r.name, type=r.type.value,
                                  currency=r.currency, debit=money_str(r.debit),
                                  credit=money_str(r.credit), balance=money_str(r.balance))
                  for r in tb.rows],
        total_debit=money_str(tb.total_debit), total_credit=money_str(tb.total_credit),
        total=money_str(tb.total), balanced=tb.balanced)


@router.get("/entries", response_model=list[EntryPublic], summary="List journal entries")
def entries(container: ContainerDep, _: Annotated[Principal, Allowed("ledger:read")],
            line_id: str | None = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[EntryPublic]:
    """Journal entries, newest first; with ``line_id``, that line's sub-ledger."""
    with container.uow() as uow:
        rows = uow.ledger.entries(line_id=line_id, limit=limit)
    return [EntryPublic(
        id=e.id, business_date=e.business_date.isoformat(), kind=e.kind, line_id=e.line_id,
        ref=e.ref, memo=e.memo, reverses=e.reverses,
        postings=[PostingPublic(account=p.account, line_id=p.line_id, debit=money_str(p.debit),
                                credit=money_str(p.credit), currency=p.currency, memo=p.memo)
                  for p in e.postings]) for e in rows]


@router.get("/check", response_model=LedgerCheckPublic,
            summary="Reconcile lines, installments and the ledger")
def check(container: ContainerDep,
          _: Annotated[Principal, Allowed("ledger:read")]) -> LedgerCheckPublic:
    """Every line's balances equal its installments and its postings; the ledger balances."""
    r = services.check_ledger(container.uow())
    return LedgerCheckPublic(
        ok=r.ok, lines_checked=r.lines_checked, trial_balance_total=money_str(r.trial_balance_total),
        unbalanced_entries=r.unbalanced_entries,
        mismatches=[{"line_id": m.line_id, "balance": m.balance, "cached": money_str(m.cached),
                     "installments": None if m.installments is None else money_str(m.installments),
                     "postings": money_str(m.postings)} for m in r.mismatches[:100]])
