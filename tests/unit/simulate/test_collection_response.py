"""The simulated debtors' response to collection contacts: hidden traits from its own seeded
stream, the hidden truth's ability, and payments scheduled by what reached them."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np

from creditline.simulate.behaviour import Customers
from creditline.simulate.population import generate_population
from creditline.simulate.response import Responses

DAY = date(2026, 5, 4)


def customers() -> Customers:
    return Customers.from_population(generate_population(400, 11))


def test_traits_are_a_pure_function_of_seed_and_case() -> None:
    c = customers()
    a, b = Responses(5, c), Responses(5, c)
    for row in range(50):
        b.of(f"case-{row}", row, DAY)  # drawn in another order: the same traits
    assert [a.of(f"case-{row}", row, DAY) for row in reversed(range(50))] == [
        b.of(f"case-{row}", row, DAY) for row in reversed(range(50))]
    other = Responses(6, c)  # another seed: another draw for some of them
    assert any(other.of(f"case-{row}", row, DAY) != a.of(f"case-{row}", row, DAY)
               for row in range(50))


def test_some_pay_after_a_reminder_some_after_a_call_some_only_to_an_agency_some_never() -> None:
    c = customers()
    r = Responses(5, c)
    kinds = Counter(r.of(f"k{row}", row, DAY).kind for row in range(len(c)))
    assert set(kinds) == {"reminder", "call", "agency", "never"}
    reach = sum(r.of(f"k{row}", row, DAY).reachable for row in range(len(c)))
    assert 0 < reach < len(c)  # some are unreachable


def test_a_defaulted_customer_never_responds_to_a_reminder_or_a_call() -> None:
    c = customers()
    defaulted = [int(i) for i in np.flatnonzero((c.default_month >= 0) & (c.default_month <= 3))]
    assert defaulted
    r = Responses(5, c)
    late = date(2026, 5, 20)  # month index 4: past every default month <= 3
    for row in defaulted:
        assert r.of(f"d{row}", row, late).kind == "never"
        for ch in ("sms", "email", "inbox"):
            r.message(f"d{row}", f"line{row}", row, ch, late)
        r.call(f"d{row}", f"line{row}", row, late)
        r.agency(f"d{row}", f"line{row}", row, late)
    assert r.pending == {}


def test_a_reminder_debtor_who_reads_a_text_pays_within_three_days() -> None:
    c = customers()
    r = Responses(5, c)
    fine = [row for row in range(len(c)) if c.default_month[row] < 0
            and not c.stressed[row].any()]
    readers = []
    for row in fine:
        t = r.of(f"k{row}", row, DAY)
        if t.kind == "reminder" and t.reachable:
            r.message(f"k{row}", f"line{row}", row, "sms", DAY)
            readers.append(row)
    paid = {p.line_id: p for p in r.pending.values()}
    assert 0 < len(paid) <= len(readers)
    assert all(1 <= (p.on - DAY).days <= 3 and p.share == 1.0 for p in paid.values())
    assert r.due(DAY) == []
    assert len(r.due(date(2026, 5, 7))) == len(paid) and r.pending == {}
