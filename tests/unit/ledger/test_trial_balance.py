"""The trial balance, worked by hand: a 1,200.00 purchase in 3 installments with a 1 % fee,
the first bill paid.  Debits equal credits; each account shows its balance in its own sign."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from creditline.ledger import accounts as acc
from creditline.ledger.trial_balance import trial_balance

SUMS = [  # (account, currency, signed sum: debit positive), as the store answers
    (acc.CASH_CLEARING, "CNY", D("412.00")),
    (acc.FEE_RECEIVABLE, "CNY", D("24.00")),
    (acc.FEE_INCOME, "CNY", D("-36.00")),
    (acc.MERCHANT_PAYABLE, "CNY", D("-1200.00")),
    (acc.PRINCIPAL_UNBILLED, "CNY", D("800.00")),
]


def test_debits_equal_credits_and_balances_carry_the_account_sign() -> None:
    tb = trial_balance(SUMS)
    assert [(r.account, r.debit, r.credit) for r in tb.rows] == [
        (acc.CASH_CLEARING, D("412.00"), D("0")), (acc.FEE_RECEIVABLE, D("24.00"), D("0")),
        (acc.FEE_INCOME, D("0"), D("36.00")), (acc.MERCHANT_PAYABLE, D("0"), D("1200.00")),
        (acc.PRINCIPAL_UNBILLED, D("800.00"), D("0"))]
    payable = tb.rows[3]
    assert payable.balance == D("1200.00") and payable.name.startswith("Settlement payable")
    assert (tb.total_debit, tb.total_credit, tb.total) == (D("1236.00"), D("1236.00"), 0)
    assert tb.balanced


def test_an_unbalanced_ledger_shows_the_difference() -> None:
    tb = trial_balance([*SUMS, (acc.PENALTY_INCOME, "CNY", D("-0.01"))])
    assert tb.total == D("-0.01") and not tb.balanced


def test_an_empty_ledger_balances_and_an_unknown_account_is_named() -> None:
    assert trial_balance([]).balanced and trial_balance([]).rows == ()
    with pytest.raises(KeyError, match="no:such"):
        trial_balance([("no:such", "CNY", D("1.00"))])
