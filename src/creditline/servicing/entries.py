"""The journal entry of each money event on a line (end of day has its own, built in
columns by the kernel).  Every entry balances by construction and is checked again by the
``JournalEntry`` constructor.

- purchase: Dr principal unbilled / Cr merchant settlement payable
- repayment: Dr repayment clearing (cash) / Cr each receivable paid, Cr customer credit
  for what is left over
- credit applied: Dr customer credit / Cr each receivable it paid
- return: Dr merchant settlement payable / Cr principal (unbilled, billed) and Cr customer
  credit for principal already paid; fees reversed: Dr fee income / Cr fee receivable, or
  Cr customer credit where the fee was already paid
- refund of a credit balance: Dr customer credit / Cr customer refund payable (paid out
  by the payment rails, outside this ledger)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditline.ledger import accounts as acc
from creditline.ledger.ids import new_entry_id
from creditline.ledger.journal import EntryBuilder, JournalEntry
from creditline.servicing.returns import ReturnEffect
from creditline.servicing.waterfall import AllocationResult


def purchase_entry(line_id: str, purchase_id: str, amount: Decimal, on: date,
                   merchant: str) -> JournalEntry:
    b = EntryBuilder(line_id).move(acc.PRINCIPAL_UNBILLED, acc.MERCHANT_PAYABLE, amount, "purchase")
    return b.build(new_entry_id(), on, "purchase", ref=purchase_id, memo=f"purchase at {merchant}")


def repayment_entry(line_id: str, repayment_id: str, result: AllocationResult,
                    on: date) -> JournalEntry:
    b = EntryBuilder(line_id).debit(acc.CASH_CLEARING, result.amount, "repayment")
    for kind, account in acc.BILLED_ACCOUNT.items():
        b.credit(account, result.billed(kind), kind)
    b.credit(acc.INTEREST_ACCRUED, result.ahead("interest"), "prepay")
    b.credit(acc.PRINCIPAL_UNBILLED, result.ahead("principal"), "prepay")
    b.credit(acc.CUSTOMER_CREDIT, result.to_credit, "overpayment")
    return b.build(new_entry_id(), on, "repayment", ref=repayment_id, memo="repayment")


def credit_applied_entry(line_id: str, result: AllocationResult, on: date) -> JournalEntry:
    """A credit balance spent on the line's debts: Dr customer credit / Cr receivables."""
    spent = result.amount - result.to_credit
    b = EntryBuilder(line_id).debit(acc.CUSTOMER_CREDIT, spent, "credit_applied")
    for kind, account in acc.BILLED_ACCOUNT.items():
        b.credit(account, result.billed(kind), kind)
    b.credit(acc.INTEREST_ACCRUED, result.ahead("interest"), "prepay")
    b.credit(acc.PRINCIPAL_UNBILLED, result.ahead("principal"), "prepay")
    return b.build(new_entry_id(), on, "credit_applied", memo="credit balance applied")


def return_entry(line_id: str, return_id: str, effect: ReturnEffect, on: date) -> JournalEntry:
    b = EntryBuilder(line_id).debit(acc.MERCHANT_PAYABLE, effect.amount, "return")
    b.credit(acc.PRINCIPAL_UNBILLED, effect.unbilled_principal, "return")
    b.credit(acc.PRINCIPAL_BILLED, effect.billed_principal, "return")
    b.credit(acc.CUSTOMER_CREDIT, effect.principal_refund, "return_refund")
    fees = effect.fee_reversed_unpaid + effect.fee_reversed_paid
    b.debit(acc.FEE_INCOME, fees, "fee_reversal")
    b.credit(acc.FEE_RECEIVABLE, effect.fee_reversed_unpaid, "fee_reversal")
    b.credit(acc.CUSTOMER_CREDIT, effect.fee_reversed_paid, "fee_refund")
    return b.build(new_entry_id(), on, "return", ref=return_id, memo="goods returned")


def refund_entry(line_id: str, refund_id: str, amount: Decimal, on: date) -> JournalEntry:
    """A credit balance paid back: Dr customer credit / Cr customer refund payable."""
    b = EntryBuilder(line_id).move(acc.CUSTOMER_CREDIT, acc.REFUND_PAYABLE, amount, "refund")
    return b.build(new_entry_id(), on, "refund", ref=refund_id, memo="credit balance refunded")
