"""The state of a line and its installments, as the use cases work on it (Decimal money).

An installment carries what was scheduled (``*_orig``), what is scheduled now after returns
and prepayment waivers (``p_sched``, ``f_sched``), what has accrued (interest ``i_amt``,
penalty ``pen_amt``, with sub-cent remainders ``*_carry`` in hundred-millionths of a cent)
and what has been paid.  Outstanding = scheduled or accrued minus paid.  Until it is billed
an installment's principal and accrued interest are *unbilled*; its fee is recognised only
when it is billed.

The line row caches the sums over its installments (``recompute_balances``); ``ledger check``
proves the cache, the installments and the postings agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from creditline.lines.status import LineStatus
from creditline.money import ZERO, quantize
from creditline.products.catalog import Waterfall


@dataclass
class Installment:
    purchase_id: str
    seq: int
    bill_date: date
    due_date: date
    p_orig: Decimal
    f_orig: Decimal
    p_sched: Decimal
    f_sched: Decimal
    p_paid: Decimal = ZERO
    f_paid: Decimal = ZERO
    i_amt: Decimal = ZERO
    i_paid: Decimal = ZERO
    i_carry: int = 0
    pen_amt: Decimal = ZERO
    pen_paid: Decimal = ZERO
    pen_carry: int = 0
    billed: bool = False
    settled: bool = False
    changed: bool = field(default=False, compare=False)

    @property
    def p_out(self) -> Decimal:
        return self.p_sched - self.p_paid

    @property
    def f_out(self) -> Decimal:
        return self.f_sched - self.f_paid

    @property
    def i_out(self) -> Decimal:
        return self.i_amt - self.i_paid

    @property
    def pen_out(self) -> Decimal:
        return self.pen_amt - self.pen_paid

    def outstanding(self, kind: str) -> Decimal:
        return {"principal": self.p_out, "fee": self.f_out, "interest": self.i_out,
                "penalty": self.pen_out}[kind]

    def pay(self, kind: str, amount: Decimal) -> None:
        if kind == "principal":
            self.p_paid += amount
        elif kind == "fee":
            self.f_paid += amount
        elif kind == "interest":
            self.i_paid += amount
        else:
            self.pen_paid += amount
        self.changed = True

    def owed(self) -> Decimal:
        """Everything still owed on it, fee only once billed."""
        return self.p_out + self.i_out + self.pen_out + (self.f_out if self.billed else ZERO)

    def unbilled_fee(self) -> Decimal:
        """The fee this unbilled installment will bill: the scheduled fee in proportion to the
        principal still outstanding on it (a return or a prepayment waives the rest)."""
        if self.p_orig == 0:
            return self.f_orig
        return quantize(self.f_orig * (self.p_sched - self.p_paid) / self.p_orig)

    def refresh_settled(self) -> None:
        self.settled = self.billed and self.owed() == 0

    @property
    def status(self) -> str:
        """cancelled (its principal was all returned), billed, paid, prepaid or scheduled.
        An interest-only period has no principal by design and is never "cancelled"."""
        if self.p_orig > 0 and self.p_sched == 0 and self.p_paid == 0:
            return "cancelled"
        if self.billed:
            return "paid" if self.owed() == 0 else "billed"
        if self.p_orig > 0 and self.p_out == 0 and self.i_out == 0:
            return "prepaid"
        return "scheduled"


@dataclass
class PurchaseRecord:
    id: str
    line_id: str
    amount: Decimal
    merchant: str
    merchant_category: str
    periods: int
    method: str
    fee_rate: Decimal
    interest_rate: Decimal
    made_on: date
    returned: Decimal = ZERO

    @property
    def returnable(self) -> Decimal:
        return self.amount - self.returned


@dataclass
class Balances:
    principal_unbilled: Decimal = ZERO
    principal_billed: Decimal = ZERO
    fee: Decimal = ZERO
    interest_accrued: Decimal = ZERO
    interest_billed: Decimal = ZERO
    penalty: Decimal = ZERO

    @classmethod
    def of(cls, installments: list[Installment]) -> Balances:
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

    @property
    def used(self) -> Decimal:
        """Credit in use: the principal still owed, billed or not."""
        return self.principal_unbilled + self.principal_billed

    @property
    def available(self) -> Decimal:
        """What may still be spent; zero (never negative) when a limit cut left it short."""
        return max(ZERO, self.limit - self.used)

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
