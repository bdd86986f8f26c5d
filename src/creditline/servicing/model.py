"""The installments and purchases of a line, as the use cases work on it (Decimal money);
the line itself is ``creditline.lines.line.Line``.

An installment carries what was scheduled (``*_orig``), what is scheduled now after returns
and prepayment waivers (``p_sched``, ``f_sched``), what has accrued (interest ``i_amt``,
penalty ``pen_amt``, with sub-cent remainders ``*_carry`` in hundred-millionths of a cent)
and what has been paid.  Outstanding = scheduled or accrued minus paid.  Until it is billed
an installment's principal and accrued interest are *unbilled*; its fee is recognised only
when it is billed.

The line row caches the sums over its open installments (``Balances.of``, refreshed by
every command and by end of day); ``ledger check`` proves the cache, the installments and
the postings agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from creditline.money import ZERO, quantize


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
    restructured: bool = False  # given a new schedule (closure.modification)

    @property
    def returnable(self) -> Decimal:
        return self.amount - self.returned
