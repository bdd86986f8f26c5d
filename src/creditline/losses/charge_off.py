"""What a write-off (charge-off) does to a line's books, as values.

The whole outstanding balance leaves the receivable accounts -- principal billed and not
yet billed, installment fees billed, interest billed and accrued, penalties -- net of any
credit balance the customer holds (that is spent on the debt first).  The amount charged
off is debited to the loss allowance as far as the allowance's credit balance reaches and
the rest to impairment expense: a loss the provisions did not foresee is an expense of the
day, never a negative allowance.

Fees not yet billed were never booked (a fee is recognised when billed), so they are simply
cancelled with the schedule.  Each open installment is written down to what was paid on it
and marked settled, so the line's cached balances, its installments and its postings all
say zero afterwards and ``creditline ledger check`` still proves them equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from creditline.ledger import accounts as acc
from creditline.ledger.journal import EntryBuilder, JournalEntry
from creditline.money import ZERO

WRITE_OFF = "write_off"  # journal entry kind (the ecl lane reads it for LGD)

# balance name on the line row -> receivable account it is carried in
RECEIVABLES: dict[str, str] = {
    "principal_unbilled": acc.PRINCIPAL_UNBILLED,
    "principal_billed": acc.PRINCIPAL_BILLED,
    "fee": acc.FEE_RECEIVABLE,
    "interest_accrued": acc.INTEREST_ACCRUED,
    "interest_billed": acc.INTEREST_BILLED,
    "penalty": acc.PENALTY_RECEIVABLE,
}


class WrittenDown(Protocol):
    """What writing an installment down touches (``servicing.model.Installment``)."""

    p_sched: Decimal
    p_paid: Decimal
    f_sched: Decimal
    f_paid: Decimal
    i_amt: Decimal
    i_paid: Decimal
    pen_amt: Decimal
    pen_paid: Decimal
    settled: bool
    changed: bool


@dataclass(frozen=True)
class Outstanding:
    """A line's receivables by balance name, and the credit balance it holds."""

    principal_unbilled: Decimal = ZERO
    principal_billed: Decimal = ZERO
    fee: Decimal = ZERO
    interest_accrued: Decimal = ZERO
    interest_billed: Decimal = ZERO
    penalty: Decimal = ZERO
    credit_balance: Decimal = ZERO

    def by_balance(self) -> dict[str, Decimal]:
        return {name: getattr(self, name) for name in RECEIVABLES}

    @property
    def gross(self) -> Decimal:
        return sum(self.by_balance().values(), ZERO)

    @property
    def net(self) -> Decimal:
        """What the customer owes once their credit balance is spent on it."""
        return self.gross - self.credit_balance


@dataclass(frozen=True)
class Charge:
    """How a loss is carried: from the allowance, and the rest as impairment expense."""

    amount: Decimal
    from_allowance: Decimal
    to_expense: Decimal


def split_charge(amount: Decimal, allowance_available: Decimal) -> Charge:
    """The allowance first, as far as its credit balance reaches; the rest is expense."""
    if amount < 0:
        raise ValueError("a loss is not negative")
    used = min(amount, max(ZERO, allowance_available))
    return Charge(amount, used, amount - used)


def allowance_available(signed_sum: Decimal) -> Decimal:
    """The allowance's credit balance (it is a contra-asset: postings sum below zero)."""
    return max(ZERO, -signed_sum)


def write_off_entry(entry_id: str, line_id: str, owed: Outstanding, charge: Charge, on: date,
                    ref: str, memo: str) -> JournalEntry:
    """Cr every receivable / Dr customer credit spent, Dr allowance, Dr impairment expense."""
    if charge.amount != owed.net:
        raise ValueError("the charge must be the net balance written off")
    b = EntryBuilder(line_id)
    for name, account in RECEIVABLES.items():
        b.credit(account, owed.by_balance()[name], name)
    b.debit(acc.CUSTOMER_CREDIT, owed.credit_balance, "credit balance spent")
    b.debit(acc.LOSS_ALLOWANCE, charge.from_allowance, "allowance")
    b.debit(acc.IMPAIRMENT_EXPENSE, charge.to_expense, "impairment")
    return b.build(entry_id, on, WRITE_OFF, ref=ref, memo=memo)


def write_down(installments: Iterable[WrittenDown]) -> None:
    """Every open installment down to what was paid on it, settled: nothing left on the
    schedule to bill, accrue or collect as a live balance."""
    for i in installments:
        i.p_sched, i.f_sched = i.p_paid, i.f_paid
        i.i_amt, i.pen_amt = i.i_paid, i.pen_paid
        i.settled = True
        i.changed = True
