"""The chart of accounts.  Each account has a type, and the type carries its normal sign:
assets and expenses are debit-normal, liabilities, equity and income credit-normal.

Postings are signed amounts, debit positive and credit negative, so an account's balance in
its own terms is ``normal_sign x sum(amounts)``.  Per-line sub-ledgers are a ``line_id``
dimension on each posting, not one account per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class AccountType(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def normal_sign(self) -> int:
        """+1 for debit-normal types, -1 for credit-normal ones."""
        return 1 if self in (AccountType.ASSET, AccountType.EXPENSE) else -1


@dataclass(frozen=True)
class Account:
    code: str
    name: str
    type: AccountType


PRINCIPAL_UNBILLED = "receivable:principal:unbilled"
PRINCIPAL_BILLED = "receivable:principal:billed"
FEE_RECEIVABLE = "receivable:fee"
INTEREST_ACCRUED = "receivable:interest:accrued"
INTEREST_BILLED = "receivable:interest:billed"
PENALTY_RECEIVABLE = "receivable:penalty"
CASH_CLEARING = "cash:repayment_clearing"
MERCHANT_PAYABLE = "payable:merchant_settlement"
CUSTOMER_CREDIT = "liability:customer_credit"
FEE_INCOME = "income:installment_fee"
INTEREST_INCOME = "income:interest"
PENALTY_INCOME = "income:penalty"
# A refund of a credit balance is owed to the customer from the moment it is booked until
# the payment rails confirm the transfer: a payable of its own (not a credit to repayment
# clearing) keeps cash clearing equal to the bank's incoming payments and shows refunds
# booked but not yet paid out.  Last in the chart, so ACCOUNT_INDEX keeps earlier numbers.
REFUND_PAYABLE = "payable:customer_refund"
# Losses and provisions (IFRS 9), appended so ACCOUNT_INDEX keeps earlier numbers.  The loss
# allowance is a contra-asset: an ASSET account that normally carries a credit balance, so
# its balance in own terms is negative; gross receivables less the allowance is the net book.
# Provisions post impairment expense against it; a write-off uses it up against the
# receivables; a recovery after write-off is income of its own, never a repayment.
LOSS_ALLOWANCE = "allowance:credit_loss"
IMPAIRMENT_EXPENSE = "expense:impairment"
RECOVERY_INCOME = "income:recoveries"
# A sale of non-performing debt: the price is owed by the buyer until it is paid, and a
# payment that reaches the lender on a sold line is owed on to the buyer.
DEBT_SALE_RECEIVABLE = "receivable:debt_sale_proceeds"
DEBT_BUYER_PAYABLE = "payable:debt_buyer"

CHART: dict[str, Account] = {a.code: a for a in (
    Account(PRINCIPAL_UNBILLED, "Principal receivable, not yet billed", AccountType.ASSET),
    Account(PRINCIPAL_BILLED, "Principal receivable, billed", AccountType.ASSET),
    Account(FEE_RECEIVABLE, "Installment fees receivable", AccountType.ASSET),
    Account(INTEREST_ACCRUED, "Interest accrued, not yet billed", AccountType.ASSET),
    Account(INTEREST_BILLED, "Interest receivable, billed", AccountType.ASSET),
    Account(PENALTY_RECEIVABLE, "Late penalties receivable", AccountType.ASSET),
    Account(CASH_CLEARING, "Repayments received (bank clearing)", AccountType.ASSET),
    Account(MERCHANT_PAYABLE, "Settlement payable to merchants", AccountType.LIABILITY),
    Account(CUSTOMER_CREDIT, "Customer credit balances", AccountType.LIABILITY),
    Account(FEE_INCOME, "Installment fee income", AccountType.INCOME),
    Account(INTEREST_INCOME, "Interest income", AccountType.INCOME),
    Account(PENALTY_INCOME, "Penalty income", AccountType.INCOME),
    Account(REFUND_PAYABLE, "Refunds of credit balances payable to customers",
            AccountType.LIABILITY),
    Account(LOSS_ALLOWANCE, "Loss allowance for expected credit losses (contra-asset)",
            AccountType.ASSET),
    Account(IMPAIRMENT_EXPENSE, "Impairment losses on receivables", AccountType.EXPENSE),
    Account(RECOVERY_INCOME, "Recoveries of amounts written off", AccountType.INCOME),
    Account(DEBT_SALE_RECEIVABLE, "Price receivable from buyers of sold debt",
            AccountType.ASSET),
    Account(DEBT_BUYER_PAYABLE, "Collections on sold debt payable to its buyer",
            AccountType.LIABILITY),
)}

# receivable account of each amount kind, billed side (what a repayment pays)
BILLED_ACCOUNT: dict[str, str] = {
    "penalty": PENALTY_RECEIVABLE,
    "fee": FEE_RECEIVABLE,
    "interest": INTEREST_BILLED,
    "principal": PRINCIPAL_BILLED,
}

# the line balance each account carries, as the line row names it (ledger check)
LINE_BALANCE_ACCOUNT: dict[str, str] = {
    "principal_unbilled": PRINCIPAL_UNBILLED,
    "principal_billed": PRINCIPAL_BILLED,
    "fee": FEE_RECEIVABLE,
    "interest_accrued": INTEREST_ACCRUED,
    "interest_billed": INTEREST_BILLED,
    "penalty": PENALTY_RECEIVABLE,
    "credit_balance": CUSTOMER_CREDIT,
}

# a small, stable integer per account, used by the vectorized end-of-day kernel
ACCOUNT_INDEX: dict[str, int] = {code: i for i, code in enumerate(CHART)}
ACCOUNT_CODES: tuple[str, ...] = tuple(CHART)


def account(code: str) -> Account:
    try:
        return CHART[code]
    except KeyError:
        raise KeyError(f"unknown account {code!r}") from None


def balance_in_own_terms(code: str, signed_sum: Decimal) -> Decimal:
    """A signed posting sum turned into the account's own sign (a liability's credit
    balance as a positive number)."""
    return signed_sum * account(code).type.normal_sign
