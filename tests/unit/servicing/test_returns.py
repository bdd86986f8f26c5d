"""Returning goods: unbilled installments go first (last first), then billed ones; paid
principal and fees come back as credit; fees follow the principal returned."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from creditline.servicing.model import Installment
from creditline.servicing.returns import apply_return
from tests.unit.servicing.factories import inst

D = Decimal


def plan(billed: int, paid_first: str = "0") -> list:
    return [inst("p", k, due=date(2026, 3 + k, 10), principal="100.00", fee="6.00",
                 billed=k <= billed, p_paid=paid_first if k == 1 else "0") for k in range(1, 7)]


def test_a_partial_return_reverses_the_last_unbilled_installments_and_their_fees() -> None:
    items = plan(billed=2)
    e = apply_return(items, D("250.00"), "pro_rata")
    assert [i.p_sched for i in items] == [D("100.00")] * 3 + [D("50.00"), D("0.00"), D("0.00")]
    assert [i.f_sched for i in items] == [D("6.00")] * 3 + [D("3.00"), D("0.00"), D("0.00")]
    assert (e.unbilled_principal, e.billed_principal, e.to_credit) == (D("250.00"), 0, 0)
    assert e.unbilled_fee_waived == D("15.00")


def test_a_full_return_credits_billed_principal_and_refunds_what_was_paid() -> None:
    items = plan(billed=2, paid_first="100.00")
    items[0].f_paid = D("6.00")
    e = apply_return(items, D("600.00"), "pro_rata")
    assert all(i.p_sched == 0 and i.f_sched == 0 for i in items)
    assert e.unbilled_principal == D("400.00")
    assert e.billed_principal == D("100.00")  # installment 2, still owed
    assert e.principal_refund == D("100.00")  # installment 1, already paid
    assert e.fee_reversed_unpaid == D("6.00") and e.fee_reversed_paid == D("6.00")
    assert e.to_credit == D("106.00")
    assert all(i.settled for i in items if i.billed)


def test_with_unbilled_only_the_billed_fees_stay() -> None:
    items = plan(billed=6)
    e = apply_return(items, D("150.00"), "unbilled_only")
    assert e.fee_reversed_unpaid == 0 and [i.f_sched for i in items][-2:] == [D("6.00")] * 2


def test_returning_more_than_the_purchase_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        apply_return(plan(billed=0), D("600.01"), "pro_rata")


def test_installment_status_reads_like_the_schedule() -> None:
    interest_only = Installment("d", 1, date(2026, 3, 15), date(2026, 3, 20), D("0"), D("0"),
                                D("0"), D("0"))
    assert interest_only.status == "scheduled"
    items = plan(billed=1)
    apply_return(items, D("100.00"), "pro_rata")
    assert items[-1].status == "cancelled" and items[0].status == "billed"
    items[1].p_paid = D("100.00")
    assert items[1].status == "prepaid"
