"""The behaviour model: what simulated customers intend to do, day by day.

A tiny test ledger (``toy_book``) moves available credit and amounts due so customers
can be followed for months; the real demo feeds the same intents to the services."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from creditline.simulate.behaviour import (
    INSTALLMENT_TENORS,
    RETURN_WINDOW_DAYS,
    Customers,
    Intent,
    LineBook,
    LineState,
    OpenPurchase,
    Purchase,
    PurchaseMemory,
    RecentPurchases,
    Repay,
    Return,
    decide,
    plan_day,
)
from creditline.simulate.merchants import CATEGORY_CODES
from creditline.simulate.population import Population, generate_population
from tests.unit.simulate.toy_book import run

START = date(2026, 1, 1)


@pytest.fixture(scope="module")
def pop() -> Population:
    return generate_population(1500, seed=21, fraud_share=0.03)


@pytest.fixture(scope="module")
def customers(pop: Population) -> Customers:
    return Customers.from_population(pop)


@pytest.fixture(scope="module")
def year(customers: Customers) -> tuple[list[tuple[date, Intent]], object]:
    """Every customer with a line of twice their monthly income, for a year."""
    limits = np.clip(customers.income * 2, 100_000, 3_000_000).astype(np.int64)
    return run(customers, limits, START, 365)


def _by_type(log: list[tuple[date, Intent]], kind: type) -> list[tuple[date, Intent]]:
    return [(d, it) for d, it in log if isinstance(it.action, kind)]


def test_purchases_never_exceed_the_available_credit(customers: Customers) -> None:
    # The toy ledger asserts on every purchase; here the limits are tight on purpose.
    limits = np.full(len(customers), 30_000, dtype=np.int64)  # 300 yuan each
    log, book = run(customers, limits, START, 60)
    buys = _by_type(log, Purchase)
    assert len(buys) > 500
    assert (book.balance <= book.limit).all()


def test_a_purchase_is_sized_against_the_morning_available_credit(customers: Customers) -> None:
    rng = np.random.default_rng(0)
    n = len(customers)
    available = rng.integers(0, 200_000, n)
    book = LineBook(np.full(n, 200_000), available, np.zeros(n, np.int64), np.zeros(n, np.int64),
                    np.zeros(n, np.int64), np.zeros(n, np.int64), np.ones(n, dtype=bool))
    for step in range(30):
        for it in plan_day(customers, book, START + timedelta(days=step)):
            if isinstance(it.action, Purchase):
                assert it.action.amount * 100 <= int(available[it.customer])
                assert it.action.amount >= Decimal("5.00")


def test_frozen_lines_and_accounts_30_days_late_do_not_buy(customers: Customers) -> None:
    n = len(customers)
    frozen = LineBook(np.full(n, 500_000), np.full(n, 500_000), np.zeros(n, np.int64),
                      np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64),
                      np.zeros(n, dtype=bool))
    late = LineBook(np.full(n, 500_000), np.full(n, 500_000), np.zeros(n, np.int64),
                    np.zeros(n, np.int64), np.zeros(n, np.int64), np.full(n, 30),
                    np.ones(n, dtype=bool))
    for step in range(20):
        day = START + timedelta(days=step)
        assert not plan_day(customers, frozen, day)
        assert not [i for i in plan_day(customers, late, day) if isinstance(i.action, Purchase)]


def test_bust_outs_max_out_fast_and_never_repay_or_return(pop: Population, customers: Customers,
                                                          year: tuple) -> None:
    log, _ = year
    busts = set(pop.truth.filter(pl.col("bust_out"))["person_id"])
    assert len(busts) > 20
    mine = [it for _, it in log if it.person_id in busts]
    assert not [it for it in mine if isinstance(it.action, Repay | Return)]
    # Within two weeks of getting a line each has used at least 80% of it.
    limits = np.clip(customers.income * 2, 100_000, 3_000_000).astype(np.int64)
    spent: Counter[str] = Counter()
    for day, it in log:
        if it.person_id in busts and day < START + timedelta(days=14):
            spent[it.person_id] += int(it.action.amount * 100)
    for pid in busts:
        row = customers.row_of(pid)
        assert spent[pid] >= 0.8 * limits[row], pid
    bought = Counter(it.action.merchant_category for it in mine)
    assert set(bought) <= {"electronics", "luxury", "home_appliances"}


def test_defaulters_stop_paying_from_their_default_month(customers: Customers, year: tuple) -> None:
    log, book = year
    last_payment: dict[int, date] = {}
    for day, it in _by_type(log, Repay):
        last_payment[it.customer] = day
    default_month = customers.default_month
    stopped = 0
    for row, month in enumerate(default_month):
        if month < 0 or customers.bust_out[row]:
            continue
        cutoff = date(2026 + month // 12, month % 12 + 1, 1)
        if row in last_payment:
            assert last_payment[row] < cutoff
        stopped += 1
    assert stopped > 20
    # The ones who defaulted early in the year with money owed end it 90+ days past due.
    view = book.view(date(2026, 12, 31))
    early = (default_month >= 0) & (default_month <= 6) & (view.amount_due > 0)
    assert (view.dpd[early] >= 90).mean() > 0.9


def test_good_customers_mostly_pay_on_time(customers: Customers, year: tuple) -> None:
    _, book = year
    view = book.view(date(2026, 12, 31))
    never_default = customers.default_month < 0
    assert (view.dpd[never_default] >= 30).mean() < 0.03
    repayments = len(_by_type(year[0], Repay))
    assert repayments > 5 * len(customers)  # monthly bills get paid


def test_repayments_never_exceed_what_is_due(customers: Customers) -> None:
    n = len(customers)
    due_day = START + timedelta(days=5)
    amount_due = np.full(n, 80_000)
    minimum = np.full(n, 10_000)
    book = LineBook(np.full(n, 500_000), np.full(n, 420_000), amount_due, minimum,
                    np.full(n, due_day.toordinal()), np.zeros(n, np.int64), np.ones(n, dtype=bool))
    paid = 0
    for step in range(5):
        for it in plan_day(customers, book, START + timedelta(days=step)):
            if isinstance(it.action, Repay):
                assert Decimal("1.00") <= it.action.amount <= Decimal("800.00")
                paid += 1
    assert paid > n // 4


def test_returns_name_a_recent_purchase_and_never_return_more_than_was_bought(
        year: tuple) -> None:
    log, _ = year
    bought = {it.action.ref: (day, it.action) for day, it in _by_type(log, Purchase)}
    returns = _by_type(log, Return)
    assert 0.02 < len(returns) / len(bought) < 0.25
    for day, it in returns:
        when, purchase = bought[it.action.purchase_ref]
        assert 1 <= (day - when).days <= RETURN_WINDOW_DAYS
        assert Decimal("0.01") <= it.action.amount <= purchase.amount
    assert len({it.action.purchase_ref for _, it in returns}) == len(returns)  # once each
    # Apparel comes back far more often than groceries.
    by_cat = Counter(bought[it.action.purchase_ref][1].merchant_category for _, it in returns)
    all_cat = Counter(p.merchant_category for _, p in bought.values())
    assert by_cat["apparel"] / all_cat["apparel"] > 3 * by_cat["groceries"] / all_cat["groceries"]


def test_purchases_fit_the_customer(pop: Population, customers: Customers, year: tuple) -> None:
    log, _ = year
    buys = _by_type(log, Purchase)
    assert {it.action.merchant_category for _, it in buys} <= set(CATEGORY_CODES)
    assert {it.action.installments for _, it in buys} <= set(INSTALLMENT_TENORS)
    assert all(it.action.amount == it.action.amount.quantize(Decimal("0.01")) for _, it in buys)
    split = [it.action for _, it in buys if it.action.installments > 1]
    assert split and min(p.amount for p in split) >= Decimal("300.00")
    # Richer customers spend more; spending tracks the habit the population drew.
    spend = np.zeros(len(customers))
    for _, it in buys:
        spend[it.customer] += float(it.action.amount)
    legit = ~customers.bust_out
    income = customers.income[legit]
    rich, poor = income > np.quantile(income, 0.8), income < np.quantile(income, 0.2)
    assert spend[legit][rich].mean() > 2 * spend[legit][poor].mean()
    habit = pop.truth["monthly_spend"].cast(pl.Float64).to_numpy()[legit] * 12
    assert np.corrcoef(habit, spend[legit])[0, 1] > 0.5


def test_singles_day_brings_a_shopping_spike(customers: Customers) -> None:
    n = len(customers)
    book = LineBook(np.full(n, 5_000_000), np.full(n, 5_000_000), np.zeros(n, np.int64),
                    np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64),
                    np.ones(n, dtype=bool))
    ordinary = len(plan_day(customers, book, date(2026, 11, 4)))  # a Wednesday
    singles_day = len(plan_day(customers, book, date(2026, 11, 11)))
    # an empty line leaves these customers far below their appetite for credit, so they shop
    # more than their habit every day (simulate.appetite) and the spike saturates a little
    assert singles_day > 1.8 * ordinary


def test_the_scalar_view_matches_the_vectorised_view(customers: Customers) -> None:
    limits = np.clip(customers.income * 2, 100_000, 3_000_000).astype(np.int64)
    log, book = run(customers, limits, START, 45)  # some history: balances, statements
    memory = PurchaseMemory()
    for day, it in log:
        if isinstance(it.action, Purchase):
            memory.record(it.customer, it.action, day)
        elif isinstance(it.action, Return):
            memory.forget(it.action.purchase_ref)
    day = START + timedelta(days=45)
    book.morning(day)
    view = book.view(day)
    recent = memory.recent(day)
    batch = plan_day(customers, view, day, recent)
    expected: dict[int, list] = {}
    for it in batch:
        expected.setdefault(it.customer, []).append(it.action)
    money = lambda cents: Decimal(int(cents)).scaleb(-2)  # noqa: E731
    rows = list(range(0, len(customers), 7)) + list(expected)[:50]
    for row in rows:
        line = LineState(money(view.limit[row]), money(view.available[row]),
                         money(view.amount_due[row]), money(view.minimum_due[row]),
                         date.fromordinal(int(view.due[row])) if view.due[row] else None,
                         int(view.dpd[row]), bool(view.can_purchase[row]))
        mine = [OpenPurchase(recent.ref[j], date.fromordinal(int(recent.day[j])),
                             money(recent.amount[j]), CATEGORY_CODES[recent.category[j]])
                for j in np.flatnonzero(recent.customer == row)]
        got = decide(customers, str(customers.person_id[row]), line, day, mine)
        assert got == expected.get(row, []), row


def test_decisions_do_not_depend_on_who_else_is_simulated(customers: Customers) -> None:
    n = len(customers)
    book = LineBook(np.full(n, 900_000), np.full(n, 900_000), np.zeros(n, np.int64),
                    np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64),
                    np.ones(n, dtype=bool))
    day = date(2026, 3, 7)
    everyone = {(it.person_id, it.action) for it in plan_day(customers, book, day)}
    rows = np.arange(n)[::-3]  # a third of them, in reverse order
    sub = customers.take(rows)
    sub_book = LineBook(*(np.asarray(getattr(book, f))[rows] for f in book.__dataclass_fields__))
    some = {(it.person_id, it.action) for it in plan_day(sub, sub_book, day)}
    assert some and some == {x for x in everyone if x[0] in set(sub.person_id)}


def test_the_same_seed_replays_the_same_year_and_another_seed_does_not(
        pop: Population, customers: Customers, year: tuple) -> None:
    limits = np.clip(customers.income * 2, 100_000, 3_000_000).astype(np.int64)
    again, _ = run(Customers.from_population(pop), limits, START, 40)
    first = [(d, it) for d, it in year[0] if d < START + timedelta(days=40)]
    assert again == first
    other, _ = run(Customers.from_population(pop, seed=999), limits, START, 40)
    assert other != first


def test_memory_forgets_purchases_after_the_return_window() -> None:
    memory = PurchaseMemory()
    memory.record(0, Purchase("P1-a", Decimal("10.00"), "m", "apparel", 1), START)
    memory.record(1, Purchase("P2-b", Decimal("20.00"), "m", "groceries", 1),
                  START + timedelta(days=10))
    assert memory.recent(START + timedelta(days=RETURN_WINDOW_DAYS)).ref == ["P1-a", "P2-b"]
    recent = memory.recent(START + timedelta(days=RETURN_WINDOW_DAYS + 1))
    assert isinstance(recent, RecentPurchases)
    assert recent.ref == ["P2-b"] and len(recent) == 1
    assert list(recent.customer) == [1] and list(recent.amount) == [2000]
    memory.forget("P2-b")
    assert len(memory) == 0


def test_customers_can_be_built_for_chosen_people_only(pop: Population) -> None:
    wanted = ["P0000007", "P0000003"]
    some = Customers.from_population(pop, wanted)
    assert list(some.person_id) == wanted
    every = Customers.from_population(pop)
    assert some.key[0] == every.key[every.row_of("P0000007")]
    with pytest.raises(KeyError):
        Customers.from_population(pop, ["P9999999"])
