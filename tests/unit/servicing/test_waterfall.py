"""The repayment waterfall, worked by hand; and pinned to the vectorized kernel."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from creditline.money import ZERO
from creditline.products.catalog import KINDS, Waterfall
from creditline.servicing.kernel import KIND_INDEX, apply_credit
from creditline.servicing.model import Installment
from creditline.servicing.waterfall import allocate, apply_allocation
from tests.unit.servicing.factories import LineSpec, cents, columns, inst

D = Decimal
APR10, MAY10 = date(2026, 4, 10), date(2026, 5, 10)


def book() -> list[Installment]:
    return [
        inst("p1", 1, due=APR10, principal="46.00", penalty="0.92"),
        inst("p1", 2, due=MAY10, principal="100.00", fee="6.00", penalty="0.53"),
        inst("p1", 3, due=date(2026, 6, 10), principal="100.00", fee="6.00", billed=False),
    ]


def test_by_kind_pays_all_penalties_then_fees_then_principal_oldest_first() -> None:
    r = allocate(D("60.00"), book(), Waterfall())
    assert [(a.seq, a.kind, a.amount) for a in r.items] == [
        (1, "penalty", D("0.92")), (2, "penalty", D("0.53")), (2, "fee", D("6.00")),
        (1, "principal", D("46.00")), (2, "principal", D("6.55"))]
    assert r.to_credit == 0


def test_by_due_settles_the_oldest_installment_in_full_first() -> None:
    r = allocate(D("60.00"), book(), Waterfall(by="due"))
    assert [(a.seq, a.kind, a.amount) for a in r.items] == [
        (1, "penalty", D("0.92")), (1, "principal", D("46.00")), (2, "penalty", D("0.53")),
        (2, "fee", D("6.00")), (2, "principal", D("6.55"))]


def test_what_is_left_pays_ahead_and_waives_the_fee_of_what_was_prepaid() -> None:
    items = book()
    r = allocate(D("200.00"), items, Waterfall())
    assert r.ahead("principal") == D("46.55") and r.to_credit == 0
    apply_allocation(items, r)
    assert items[2].p_out == D("53.45")
    assert items[2].f_sched == D("3.21")  # 6.00 x 53.45 / 100.00, rounded
    assert items[0].settled and items[1].settled and not items[2].settled


def test_with_excess_to_credit_nothing_is_paid_ahead() -> None:
    r = allocate(D("200.00"), book(), Waterfall(excess="credit"))
    assert r.ahead("principal") == 0 and r.to_credit == D("46.55")


def test_beyond_everything_owed_the_rest_is_a_credit_balance() -> None:
    r = allocate(D("500.00"), book(), Waterfall())
    assert r.to_credit == D("500.00") - D("253.45")
    assert sum(a.amount for a in r.items) + r.to_credit == D("500.00")


money = st.integers(min_value=0, max_value=50_000).map(lambda c: D(c) / 100)


@st.composite
def billed_books(draw: st.DrawFn) -> list[Installment]:
    n = draw(st.integers(1, 8))
    out = []
    for k in range(n):
        out.append(inst(draw(st.sampled_from(["pa", "pb", "pc"])), k + 1,
                        due=date(2026, draw(st.integers(1, 6)), 10),
                        principal=str(draw(money)), fee=str(draw(money)),
                        interest=str(draw(money)), penalty=str(draw(money))))
    return out


@settings(max_examples=200, deadline=None)
@given(billed_books(), st.permutations(KINDS), st.sampled_from(["kind", "due"]), money)
def test_the_kernel_spends_a_credit_balance_exactly_as_the_scalar_waterfall(
        items: list[Installment], order: list[str], by: str, budget: Decimal) -> None:
    wf = Waterfall(tuple(order), by, "credit")
    scalar = allocate(budget, items, wf, billed_only=True)
    lines, cols, table = columns([LineSpec(installments=items, waterfall=wf, credit=budget)])
    sort = np.lexsort((cols["seq"], cols["prank"], cols["due"], cols["line_idx"]))
    sorted_cols = {k: v[sort] for k, v in cols.items()}
    paid, spent = apply_credit(lines["credit"], sorted_cols, lines["wf"], table)
    got: dict[tuple[str, int, str], int] = {}
    for row, i in enumerate(sort):
        for kind in KINDS:
            if paid[row, KIND_INDEX[kind]]:
                got[(items[i].purchase_id, items[i].seq, kind)] = int(paid[row, KIND_INDEX[kind]])
    want = {(a.purchase_id, a.seq, a.kind): cents(a.amount) for a in scalar.items}
    assert got == want
    assert int(spent[0]) == cents(budget - scalar.to_credit)


@given(billed_books(), money)
def test_an_allocation_never_pays_more_than_is_owed_nor_loses_a_cent(
        items: list[Installment], amount: Decimal) -> None:
    r = allocate(amount, items, Waterfall())
    assert sum((a.amount for a in r.items), ZERO) + r.to_credit == amount
    apply_allocation(items, r)
    assert all(i.p_out >= 0 and i.f_out >= 0 and i.i_out >= 0 and i.pen_out >= 0 for i in items)
