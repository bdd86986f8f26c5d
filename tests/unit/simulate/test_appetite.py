"""Simulated customers respond to their limits (issue 13): below their hidden appetite for
credit they shop more and spend more per purchase, the more room a limit leaves; in the
three months before their hidden default they draw the line down."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from creditline.errors import ValidationError
from creditline.simulate import appetite
from creditline.simulate.behaviour import Customers, LineBook, Purchase, plan_day
from creditline.simulate.context import DemoConfig
from creditline.simulate.population import generate_population


def test_room_below_the_appetite_raises_frequency_and_ticket() -> None:
    want = np.array([0.3, 0.3, 0.3])
    gap = appetite.room(want, np.array([10_000, 10_000, 10_000]),
                        np.array([10_000, 7_000, 2_000]))  # 0 %, 30 %, 80 % used
    assert gap.tolist() == pytest.approx([0.3, 0.0, 0.0])
    none = np.zeros(3, dtype=bool)
    assert appetite.rate_factor(gap, none).tolist() == pytest.approx([1.375, 0.25, 0.25])
    assert appetite.ticket_factor(gap).tolist() == pytest.approx([1.6, 1.0, 1.0])


def test_those_heading_for_default_draw_down() -> None:
    base = np.array([0.2, 0.2, 0.2, 0.2])
    default_month = np.array([5, 6, 9, -1])  # month 4: 1 and 2 months ahead, 5 ahead, never
    want, near = appetite.drawdown_appetite(base, default_month, 4)
    assert want.tolist() == pytest.approx([0.95, 0.85, 0.2, 0.2])
    assert near.tolist() == [True, True, False, False]


def _spend(customers: Customers, limit: int, day: date) -> int:
    n = len(customers)
    book = LineBook(np.full(n, limit), np.full(n, limit), np.zeros(n, np.int64),
                    np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64),
                    np.ones(n, dtype=bool))
    return sum(int(i.action.amount * 100) for i in plan_day(customers, book, day)
               if isinstance(i.action, Purchase))


def test_a_bigger_limit_brings_more_spending_on_the_same_draws() -> None:
    pop = generate_population(800, seed=3)
    customers = Customers.from_population(pop)
    days = [date(2026, 3, d) for d in range(2, 30)]
    small = sum(_spend(customers, 200_000, d) for d in days)
    big = sum(_spend(customers, 2_000_000, d) for d in days)
    assert big > 1.2 * small


def test_the_demo_takes_static_or_dynamic_limits() -> None:
    assert DemoConfig().limits == "dynamic"
    with pytest.raises(ValidationError, match="limits"):
        DemoConfig(limits="sometimes")
