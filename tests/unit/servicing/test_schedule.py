"""Installment schedules: the parts always add up to the whole, to the cent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from creditline.servicing.calendar import bill_dates, next_statement_date
from creditline.servicing.schedule import build_schedule, fee_parts, principal_parts

D = Decimal
amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000"), places=2)


def test_a_purchase_bills_on_the_first_statement_day_strictly_after_it() -> None:
    assert next_statement_date(date(2026, 3, 2), 1) == date(2026, 4, 1)
    assert next_statement_date(date(2026, 3, 1), 1) == date(2026, 4, 1)  # statement day itself
    assert next_statement_date(date(2026, 2, 28), 1) == date(2026, 3, 1)
    assert bill_dates(date(2026, 11, 20), 15, 3) == [date(2026, 12, 15), date(2027, 1, 15),
                                                     date(2027, 2, 15)]


def test_twelve_installments_of_1200_with_half_a_percent_fee_per_period() -> None:
    s = build_schedule(D("1200.00"), 12, "even", purchase_date=date(2026, 3, 2), statement_day=1,
                       grace_days=9, fee_rate=D("0.005"))
    assert [i.principal for i in s] == [D("100.00")] * 12
    assert [i.fee for i in s] == [D("6.00")] * 12
    assert (s[0].bill_date, s[0].due_date) == (date(2026, 4, 1), date(2026, 4, 10))
    assert (s[-1].bill_date, s[-1].due_date) == (date(2027, 3, 1), date(2027, 3, 10))


def test_an_uneven_amount_puts_the_remainder_on_the_last_period() -> None:
    assert principal_parts(D("100.00"), 3, "even") == [D("33.33"), D("33.33"), D("33.34")]
    assert fee_parts(D("100.00"), 3, D("0.005")) == [D("0.50"), D("0.50"), D("0.50")]
    assert fee_parts(D("99.99"), 3, D("0.005")) == [D("0.50"), D("0.50"), D("0.50")]


def test_an_annuity_repays_principal_in_rising_parts() -> None:
    parts = principal_parts(D("120000.00"), 12, "annuity", D("0.0004"))
    assert sum(parts) == D("120000.00")
    assert all(a < b for a, b in pairwise(parts[:-1]))


def test_interest_only_repays_all_principal_with_the_last_period() -> None:
    assert principal_parts(D("5000.00"), 3, "interest_only") == [D("0"), D("0"), D("5000.00")]


@given(amounts, st.sampled_from([1, 3, 6, 12, 24]),
       st.sampled_from(["even", "annuity", "interest_only"]),
       st.decimals(min_value=D("0"), max_value=D("0.001"), places=5),
       st.decimals(min_value=D("0"), max_value=D("0.02"), places=4))
def test_every_schedule_sums_to_its_principal_and_fees_to_the_cent(
        amount: Decimal, n: int, method: str, rate: Decimal, fee_rate: Decimal) -> None:
    if n == 1:
        method = "single"
    s = build_schedule(amount, n, method, purchase_date=date(2026, 1, 31), statement_day=28,
                       grace_days=5, fee_rate=fee_rate, daily_rate=rate)
    assert sum(i.principal for i in s) == amount
    assert all(i.principal >= 0 and i.fee >= 0 for i in s)
    assert sum(i.fee for i in s) == (amount * fee_rate * n).quantize(D("0.01"), "ROUND_HALF_UP")
    assert all(i.principal.as_tuple().exponent >= -2 for i in s)
    assert [i.seq for i in s] == list(range(1, n + 1))
    assert all(a.bill_date < b.bill_date for a, b in pairwise(s))
