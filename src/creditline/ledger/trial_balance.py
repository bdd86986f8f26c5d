"""The trial balance: signed posting sums per account and currency, split into debit and
credit columns and shown in each account's own sign.  Debits equal credits in a sound
ledger, so the total is zero.  ``trial_balance`` is pure (the caller gathers the sums);
``read_trial_balance`` is the query the API and the CLI both call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from creditline.ledger.accounts import AccountType, account
from creditline.money import ZERO
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class TrialBalanceRow:
    account: str
    name: str
    type: AccountType
    currency: str
    signed: Decimal  # debit positive, credit negative, as posted

    @property
    def debit(self) -> Decimal:
        return self.signed if self.signed >= 0 else ZERO

    @property
    def credit(self) -> Decimal:
        return -self.signed if self.signed < 0 else ZERO

    @property
    def balance(self) -> Decimal:
        """In the account's own sign: a liability's credit balance is positive."""
        return self.signed * self.type.normal_sign


@dataclass(frozen=True)
class TrialBalance:
    rows: tuple[TrialBalanceRow, ...]

    @property
    def total_debit(self) -> Decimal:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((r.credit for r in self.rows), ZERO)

    @property
    def total(self) -> Decimal:
        """Debits minus credits: zero when the ledger balances."""
        return self.total_debit - self.total_credit

    @property
    def balanced(self) -> bool:
        return self.total == 0


def trial_balance(sums: Iterable[tuple[str, str, Decimal]]) -> TrialBalance:
    """From ``(account, currency, signed sum)`` rows (as ``uow.ledger.trial_balance()``
    answers, in account order); an account outside the chart raises ``KeyError``."""
    rows = []
    for code, currency, signed in sums:
        a = account(code)
        rows.append(TrialBalanceRow(code, a.name, a.type, currency, signed))
    return TrialBalance(tuple(rows))


def read_trial_balance(uow: UnitOfWork) -> TrialBalance:
    """The trial balance of the whole ledger as it stands."""
    with uow:
        return trial_balance(uow.ledger.trial_balance())
