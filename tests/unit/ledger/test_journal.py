"""Journal entries are balanced by construction; corrections are reversals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from creditline.ledger import accounts as acc
from creditline.ledger.journal import (
    EntryBuilder,
    JournalEntry,
    Posting,
    UnbalancedEntry,
    check_columns,
    reversal,
    trial_balance,
)

D = Decimal
DAY = date(2026, 3, 2)


def test_account_types_carry_their_sign() -> None:
    assert acc.account(acc.PRINCIPAL_BILLED).type.normal_sign == 1
    assert acc.account(acc.CUSTOMER_CREDIT).type.normal_sign == -1
    assert acc.account(acc.FEE_INCOME).type.normal_sign == -1
    assert acc.balance_in_own_terms(acc.CUSTOMER_CREDIT, D("-5.00")) == D("5.00")
    with pytest.raises(KeyError):
        acc.account("receivable:nonsense")


def test_a_purchase_entry_is_a_debit_and_a_credit_that_cancel() -> None:
    e = EntryBuilder("L1").move(acc.PRINCIPAL_UNBILLED, acc.MERCHANT_PAYABLE, D("100.00")).build(
        "e1", DAY, "purchase")
    assert [(p.account, p.debit, p.credit) for p in e.postings] == [
        (acc.PRINCIPAL_UNBILLED, D("100.00"), D("0")), (acc.MERCHANT_PAYABLE, D("0"), D("100.00"))]
    assert all(p.line_id == "L1" for p in e.postings)


@pytest.mark.parametrize(("postings", "rule"), [
    ((Posting(acc.CASH_CLEARING, D("1.00")),), "at least two"),
    ((Posting(acc.CASH_CLEARING, D("1.00")), Posting(acc.FEE_INCOME, D("-0.99"))), "sum to zero"),
    ((Posting(acc.CASH_CLEARING, D("0")), Posting(acc.FEE_INCOME, D("0"))), "zero"),
    ((Posting(acc.CASH_CLEARING, D("0.005")), Posting(acc.FEE_INCOME, D("-0.005"))), "fractions"),
    ((Posting("bank:mystery", D("1")), Posting(acc.FEE_INCOME, D("-1"))), "unknown accounts"),
    ((Posting(acc.CASH_CLEARING, D("1"), currency="USD"), Posting(acc.FEE_INCOME, D("-1"))), "sum to zero"),
])
def test_the_constructor_refuses_a_broken_entry(postings: tuple[Posting, ...], rule: str) -> None:
    with pytest.raises(UnbalancedEntry, match=rule):
        JournalEntry("bad", DAY, "test", postings)


def test_a_correction_is_a_reversal_that_nets_to_nothing() -> None:
    e = (EntryBuilder("L1").debit(acc.CASH_CLEARING, D("60.00"))
         .credit(acc.FEE_RECEIVABLE, D("6.00")).credit(acc.PRINCIPAL_BILLED, D("54.00"))
         .build("e1", DAY, "repayment"))
    r = reversal(e, "e2", DAY)
    assert r.reverses == "e1" and r.kind == "reversal"
    tb = trial_balance([*e.postings, *r.postings])
    assert all(v == 0 for v in tb.values())


def test_zero_legs_fall_away_and_negative_legs_are_refused() -> None:
    b = EntryBuilder().debit(acc.CASH_CLEARING, D("5")).credit(acc.FEE_RECEIVABLE, D("0"))
    assert len(b.postings) == 1
    with pytest.raises(ValueError):
        b.debit(acc.CASH_CLEARING, D("-1"))


def test_batches_are_checked_column_wise() -> None:
    assert check_columns(np.array([0, 0, 1, 1]), np.array([5, -5, 7, -7])) == []
    problems = check_columns(np.array([0, 0, 1, 2]), np.array([5, -4, 0, 3]))
    assert any("zero postings" in p for p in problems)
    assert any("fewer than two" in p for p in problems)
    assert any("do not sum to zero" in p for p in problems)
