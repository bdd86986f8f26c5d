"""The losses domain as values: how a charge is carried, the write-off entry, a pool chosen
and priced, the rule family's cases, the payment rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditline.errors import ValidationError
from creditline.ledger import accounts as acc
from creditline.losses import charge_off as co
from creditline.losses import payments as pay
from creditline.losses import sale as sl
from creditline.losses.records import LossAccount, LossStatus
from creditline.losses.rules import WRITE_OFF_RULES, screen_dpd, verdict, write_off_rules

D = Decimal


def test_the_allowance_carries_the_loss_as_far_as_it_reaches_the_rest_is_expense() -> None:
    assert co.split_charge(D("1275.00"), D("500.00")) == co.Charge(D("1275.00"), D("500.00"),
                                                                   D("775.00"))
    assert co.split_charge(D("100.00"), D("500.00")).to_expense == D("0.00")
    assert co.split_charge(D("100.00"), D("-20.00")).from_allowance == D("0.00")
    # a contra-asset: its postings sum below zero while it holds a balance
    assert co.allowance_available(D("-500.00")) == D("500.00")
    assert co.allowance_available(D("20.00")) == D("0.00")


def test_a_credit_balance_is_spent_on_the_debt_before_it_is_written_off() -> None:
    owed = co.Outstanding(principal_billed=D("700.00"), fee=D("42.00"), penalty=D("33.00"),
                          credit_balance=D("10.00"))
    charge = co.split_charge(owed.net, D("0.00"))
    e = co.write_off_entry("e1", "l1", owed, charge, date(2026, 10, 7), "w1", "test")
    assert sorted((p.account, p.amount) for p in e.postings) == sorted([
        (acc.PRINCIPAL_BILLED, D("-700.00")), (acc.FEE_RECEIVABLE, D("-42.00")),
        (acc.PENALTY_RECEIVABLE, D("-33.00")), (acc.CUSTOMER_CREDIT, D("10.00")),
        (acc.IMPAIRMENT_EXPENSE, D("765.00"))])
    with pytest.raises(ValueError, match="net balance"):
        co.write_off_entry("e2", "l1", owed, co.split_charge(D("1.00"), D(0)),
                           date(2026, 10, 7), "w1", "test")


def _c(line: str, face: str, *, off: bool = False, bucket: int = 3, dpd: int = 75,
       product: str = "consumer_bnpl") -> sl.Candidate:
    owed = None if off else co.Outstanding(principal_billed=D(face))
    return sl.Candidate(line, "c-" + line, product, dpd, bucket, off, D(face), owed)


def test_a_pool_is_chosen_by_bucket_face_product_and_kind_then_priced_per_unit_of_face() -> None:
    cands = [_c("a", "1000.00"), _c("b", "50.00"), _c("c", "800.00", bucket=2),
             _c("d", "400.00", off=True, dpd=0), _c("e", "900.00", product="sme_line")]
    pool = sl.select(cands, sl.PoolFilter(min_bucket=3, min_face=D("100.00"),
                                          products=("consumer_bnpl",)))
    assert [c.line_id for c in pool] == ["a", "d"]
    p = sl.preview(pool, D("0.085"))
    assert (p.count, p.face, p.price, p.loss_on_sale, p.recovery_income) == (
        2, D("1400.00"), D("119.00"), D("915.00"), D("34.00"))
    assert [c.line_id for c in sl.select(cands, sl.PoolFilter(written_off=False,
                                                              min_bucket=2))] == [
        "a", "b", "c", "e"]
    with pytest.raises(ValidationError, match="rate: must be a price per unit"):
        sl.check_rate(D("1.01"))


def test_the_expected_recovery_price_is_the_rate_seen_less_the_discount() -> None:
    assert sl.expected_recovery_rate(D("10000.00"), D("800.00"), D("0.25")) == D("0.060000")
    with pytest.raises(ValidationError, match="nothing has been written off yet"):
        sl.expected_recovery_rate(D("0.00"), D("0.00"), D("0.25"))


def test_a_payment_on_a_written_off_line_is_a_recovery_on_a_sold_one_the_buyers() -> None:
    off = LossAccount("l1", "c1", LossStatus.WRITTEN_OFF, written_off=D("1275.00"),
                      recovered=D("300.00"))
    e = pay.payment_entry("e1", off, D("975.00"), date(2026, 11, 2), "r1")
    assert (e.kind, sorted((p.account, p.amount) for p in e.postings)) == (
        "recovery", [(acc.CASH_CLEARING, D("975.00")), (acc.RECOVERY_INCOME, D("-975.00"))])
    with pytest.raises(ValidationError, match=r"amount: must not exceed .*\(975.00\)"):
        pay.check_amount(off, D("975.01"))
    sold = LossAccount("l2", "c2", LossStatus.SOLD, buyer="Cinda", sold_face=D("500.00"))
    e = pay.payment_entry("e2", sold, D("100.00"), date(2026, 11, 2), "r2")
    assert (e.kind, sorted((p.account, p.amount) for p in e.postings)) == (
        "debt_buyer_remit", [(acc.CASH_CLEARING, D("100.00")),
                             (acc.DEBT_BUYER_PAYABLE, D("-100.00"))])
    assert pay.applied(sold, D("100.00")).owed_to_buyer == D("400.00")


def test_the_write_off_rules_pass_their_cases_and_name_the_threshold() -> None:
    rules = write_off_rules()
    assert all(r.ok for r in WRITE_OFF_RULES.run_cases(rules))
    assert (verdict("bnpl", 179).write_off, verdict("bnpl", 180).write_off) == (False, True)
    assert verdict("sme", 10).threshold_dpd == 180
    with pytest.raises(ValidationError, match="no write-off row"):
        verdict("mortgage", 400)


def test_end_of_day_screens_lines_by_the_smallest_threshold_the_table_names() -> None:
    assert screen_dpd() == 180
