"""A restructuring cannot fail to sum (issue 14): for any draw -- any mix of billed and
unbilled installments, partly paid, with interest, fees and penalties -- the new schedule
repays exactly what leaves the old one (to the cent), the journal entry balances, and the
receivables in total are what they were."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from creditline.closure.modification import Terms, restructure, restructure_entry
from creditline.ledger import accounts as acc
from creditline.money import ZERO
from creditline.servicing.model import Installment

CENTS = st.integers(min_value=0, max_value=5_000_000).map(lambda c: Decimal(c) / 100)


@st.composite
def draws(draw: st.DrawFn) -> list[Installment]:
    n = draw(st.integers(min_value=1, max_value=24))
    billed_count = draw(st.integers(min_value=0, max_value=n))
    out = []
    for k in range(n):
        p = draw(CENTS)
        f = draw(CENTS)
        billed = k < billed_count
        inst = Installment(purchase_id="d1", seq=k + 1, bill_date=date(2026, 1 + k % 12, 15),
                           due_date=date(2026, 1 + k % 12, 20), p_orig=p, f_orig=f,
                           p_sched=p, f_sched=f, billed=billed)
        inst.p_paid = draw(st.integers(0, int(p * 100)).map(lambda c: Decimal(c) / 100))
        inst.f_paid = draw(st.integers(0, int(f * 100)).map(lambda c: Decimal(c) / 100)) \
            if billed else ZERO
        inst.i_amt = draw(CENTS)
        inst.i_carry = draw(st.integers(0, 10**8 - 1))
        if billed:
            inst.pen_amt = draw(CENTS)
        out.append(inst)
    return out


def receivables(items: list[Installment]) -> Decimal:
    """What the draw owes in the ledger's terms: principal and interest and penalties, fees
    once billed."""
    return sum((i.p_out + i.i_out + i.pen_out + (i.f_out if i.billed else ZERO)
                for i in items if not i.settled), ZERO)


@settings(max_examples=150, deadline=None)
@given(draws(), st.integers(0, 36), st.booleans(),
       st.sampled_from(["annuity", "even", "interest_only", "single"]),
       st.sampled_from([Decimal("0"), Decimal("0.0004"), Decimal("0.0008")]))
def test_the_new_schedule_repays_exactly_what_left_the_old_one(
        items: list[Installment], extension: int, capitalise: bool, method: str,
        rate: Decimal) -> None:
    unbilled_p = sum((i.p_out for i in items if not i.billed), ZERO)
    arrears = sum((i.p_out + i.f_out + i.i_out + i.pen_out for i in items if i.billed), ZERO)
    expected = unbilled_p + (arrears if capitalise else ZERO)
    if expected <= 0 or max(1, sum(1 for i in items if not i.billed)) + extension > 120:
        return  # refused (422) by construction: nothing to reschedule / too long
    before = receivables(items)
    r = restructure("d1", items, method, Terms(extension, rate, Decimal("0"), capitalise),
                    day=date(2026, 5, 20), statement_day=15, grace_days=5)
    assert r.new_principal == expected
    assert sum((i.p_sched for i in r.opened), ZERO) == expected
    assert all(i.p_sched >= 0 for i in r.opened)
    assert [i.seq for i in r.opened] == list(range(len(items) + 1, len(items) + 1 + r.periods))
    after = receivables(items + r.opened)
    assert after == before  # nothing gained, nothing forgiven (new fees bill later)
    entry = restructure_entry("line-1", "plan-1", [r], date(2026, 5, 20))
    assert sum((p.amount for p in entry.postings), ZERO) == 0
    moved = {a: sum((p.amount for p in entry.postings if p.account == a), ZERO)
             for a in {p.account for p in entry.postings}}
    assert moved.get(acc.PRINCIPAL_UNBILLED, ZERO) == expected - unbilled_p
