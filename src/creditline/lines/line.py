"""The credit line aggregate: its terms (copied from the product version it was opened
under), its status (``lines.status``), its limit (permanent, plus an optional temporary one:
``lines.limits``) and the balances it caches from its installments.

The row is locked by every command that changes it and carries a ``version`` (see
``creditline.store.lines``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from creditline.lines.limits import TemporaryLimit, effective_limit
from creditline.lines.status import LineStatus
from creditline.lines.terms import Waterfall
from creditline.money import ZERO


class Outstanding(Protocol):
    """What ``Balances.of`` reads from an installment (``servicing.model.Installment``)."""

    @property
    def billed(self) -> bool: ...

    @property
    def p_out(self) -> Decimal: ...

    @property
    def f_out(self) -> Decimal: ...

    @property
    def i_out(self) -> Decimal: ...

    @property
    def pen_out(self) -> Decimal: ...


@dataclass
class Balances:
    principal_unbilled: Decimal = ZERO
    principal_billed: Decimal = ZERO
    fee: Decimal = ZERO
    interest_accrued: Decimal = ZERO
    interest_billed: Decimal = ZERO
    penalty: Decimal = ZERO

    @classmethod
    def of(cls, installments: Iterable[Outstanding]) -> Balances:
        b = cls()
        for i in installments:
            if i.billed:
                b.principal_billed += i.p_out
                b.fee += i.f_out
                b.interest_billed += i.i_out
            else:
                b.principal_unbilled += i.p_out
                b.interest_accrued += i.i_out
            b.penalty += i.pen_out
        return b


@dataclass
class Line:
    id: str
    customer_id: str
    product: str
    product_version: str
    kind: str
    currency: str
    status: LineStatus
    limit: Decimal
    statement_day: int
    grace_days: int
    penalty_rate: Decimal
    min_share: Decimal
    min_floor: Decimal
    waterfall: Waterfall
    fee_refund: str
    block_when_past_due: bool
    opened_on: date
    last_eod: date
    terms: dict[str, Any]
    principal_unbilled: Decimal = ZERO
    principal_billed: Decimal = ZERO
    fee: Decimal = ZERO
    interest_accrued: Decimal = ZERO
    interest_billed: Decimal = ZERO
    penalty: Decimal = ZERO
    credit_balance: Decimal = ZERO
    min_remaining: Decimal = ZERO
    min_due_date: date | None = None
    past_due: Decimal = ZERO
    past_due_since: date | None = None
    dpd: int = 0
    last_statement_date: date | None = None
    stmt_opening: Decimal = ZERO
    cyc_purchases: Decimal = ZERO
    cyc_returns: Decimal = ZERO
    cyc_repayments: Decimal = ZERO
    cyc_fees: Decimal = ZERO
    cyc_interest: Decimal = ZERO
    cyc_penalties: Decimal = ZERO
    version: int = 1
    temporary: TemporaryLimit | None = None
    # purchases held by a trigger for a reviewer (``lines.triggers``): reserved, not yet used
    held: Decimal = ZERO
    restructured: bool = False  # draws were restructured (closure.modification)

    @property
    def used(self) -> Decimal:
        """Credit in use: the principal still owed, billed or not."""
        return self.principal_unbilled + self.principal_billed

    @property
    def available(self) -> Decimal:
        """What may still be spent under the permanent limit; zero (never negative) when a
        limit cut left it short.  With a temporary limit use ``available_on``."""
        return max(ZERO, self.limit - self.used - self.held)

    def effective_limit(self, on: date) -> Decimal:
        """The limit in force on business date ``on`` (a temporary limit while it runs)."""
        return effective_limit(self.limit, self.temporary, on)

    def available_on(self, on: date) -> Decimal:
        """What may still be spent on ``on``: zero when the limit in force is below use
        (a held purchase counts as used until a reviewer releases or refuses it)."""
        return max(ZERO, self.effective_limit(on) - self.used - self.held)

    @property
    def total_owed(self) -> Decimal:
        return (self.principal_unbilled + self.principal_billed + self.fee
                + self.interest_accrued + self.interest_billed + self.penalty)

    @property
    def balance(self) -> Decimal:
        """Statement balance: all that is owed less the customer's credit balance."""
        return self.total_owed - self.credit_balance

    @property
    def billed_due(self) -> Decimal:
        return self.principal_billed + self.fee + self.interest_billed + self.penalty

    @property
    def amount_due(self) -> Decimal:
        """Billed and unpaid, net of any credit balance."""
        return max(ZERO, self.billed_due - self.credit_balance)

    @property
    def minimum_due(self) -> Decimal:
        return self.past_due + self.min_remaining

    @property
    def payoff_amount(self) -> Decimal:
        """What a repayment today must be to owe nothing after end of day."""
        return max(ZERO, self.total_owed - self.credit_balance)

    def set_balances(self, b: Balances) -> None:
        self.principal_unbilled = b.principal_unbilled
        self.principal_billed = b.principal_billed
        self.fee = b.fee
        self.interest_accrued = b.interest_accrued
        self.interest_billed = b.interest_billed
        self.penalty = b.penalty

    def record_payment(self, amount: Decimal) -> None:
        """A payment (or credit applied) counts first toward the past-due amount, then
        toward this statement's minimum; paying all that is past due cures delinquency."""
        to_past = min(amount, self.past_due)
        self.past_due -= to_past
        self.min_remaining = max(ZERO, self.min_remaining - (amount - to_past))
        if self.past_due == 0:
            self.past_due_since = None
            self.dpd = 0

    def clamp_past_due(self) -> None:
        """Past due can never exceed what is billed and unpaid (a return may shrink that)."""
        self.past_due = min(self.past_due, self.amount_due)
        if self.past_due == 0:
            self.past_due_since = None
            self.dpd = 0
