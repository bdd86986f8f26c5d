"""Concurrency on PostgreSQL, over real connections: simultaneous purchases never overdraw
a line (the line's row lock serialises them), an Idempotency-Key retried in parallel posts
once, and the database itself refuses an unbalanced or edited journal."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import BusinessRuleViolation
from creditline.servicing import services as sv
from tests.conftest import make_container
from tests.integration.servicing_support import ledger_sound, open_line

D = Decimal


@pytest.fixture
def pg(pg_database: str, tmp_path: Path, clock: FixedClock) -> Iterator[Container]:
    clock.set_date(date(2026, 3, 2))
    c = make_container(pg_database, tmp_path, clock)
    yield c
    c.dispose()


def hammer(n: int, fn: object) -> list[object]:
    """Run ``fn(i)`` on ``n`` threads released together; collect results or errors."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)  # type: ignore[operator]
        except Exception as e:
            results[i] = e

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_fifty_simultaneous_purchases_of_100_on_a_1000_line_give_exactly_ten(pg: Container) -> None:
    line = open_line(pg, "1000.00")
    results = hammer(50, lambda i: sv.purchase(
        sv.Purchase(line.id, "100.00", "JD", "snacks", idempotency_key=f"k{i}"), pg.uow(), SYSTEM))
    ok = [r for r in results if isinstance(r, sv.PurchaseView)]
    refused = [r for r in results if isinstance(r, BusinessRuleViolation)]
    assert len(ok) == 10 and len(refused) == 40, [r for r in results if not isinstance(
        r, (sv.PurchaseView, BusinessRuleViolation))]
    assert all(r.reason == "insufficient_available_credit" for r in refused)
    v = sv.get_line(line.id, pg.uow())
    assert (v.used, v.available) == (D("1000.00"), 0)
    with pg.uow() as uow:
        assert len(uow.purchases.of_line(line.id)) == 10
    ledger_sound(pg)


def test_one_idempotency_key_retried_in_parallel_posts_once(pg: Container) -> None:
    line = open_line(pg, "1000.00")
    results = hammer(12, lambda i: sv.purchase(
        sv.Purchase(line.id, "250.00", "JD", "shoes", idempotency_key="same"), pg.uow(), SYSTEM))
    assert all(isinstance(r, sv.PurchaseView) for r in results), results
    assert len({r.id for r in results}) == 1  # type: ignore[union-attr]
    assert sum(not r.replayed for r in results) == 1  # type: ignore[union-attr]
    assert sv.get_line(line.id, pg.uow()).used == D("250.00")
    ledger_sound(pg)


def test_purchases_and_repayments_racing_keep_the_ledger_sound(pg: Container) -> None:
    line = open_line(pg, "2000.00")
    sv.purchase(sv.Purchase(line.id, "1000.00", "JD", "tv"), pg.uow(), SYSTEM)

    def step(i: int) -> object:
        if i % 2:
            return sv.repay(sv.Repay(line.id, "25.00"), pg.uow(), SYSTEM)
        return sv.purchase(sv.Purchase(line.id, "40.00", "JD", "tea"), pg.uow(), SYSTEM)

    results = hammer(30, step)
    assert not [r for r in results if isinstance(r, Exception)]
    v = sv.get_line(line.id, pg.uow())
    assert v.used == D("1000.00") + 15 * D("40.00") - 15 * D("25.00")
    ledger_sound(pg)


def test_the_database_refuses_unbalanced_late_or_edited_journal_entries(pg: Container) -> None:
    line = open_line(pg, "1000.00")
    sv.purchase(sv.Purchase(line.id, "100.00", "JD", "tea"), pg.uow(), SYSTEM)
    with pg.engine.connect() as c:
        entry_id = c.execute(text("SELECT id FROM journal_entries LIMIT 1")).scalar()
    insert_entry = ("INSERT INTO journal_entries (id, business_date, kind, memo, created_at) "
                    "VALUES ('x1', '2026-03-02', 'test', '', now())")
    cases = [
        [insert_entry, "INSERT INTO postings (entry_id, account, amount, currency, memo) "
                       "VALUES ('x1', 'cash:repayment_clearing', 100, 'CNY', '')"],
        [insert_entry],
        [f"INSERT INTO postings (entry_id, account, amount, currency, memo) "
         f"VALUES ('{entry_id}', 'cash:repayment_clearing', 1, 'CNY', '')"],
        ["UPDATE postings SET amount = amount + 1"],
        ["DELETE FROM journal_entries"],
    ]
    for statements in cases:
        with pytest.raises(DBAPIError), pg.engine.begin() as c:
            for s in statements:
                c.execute(text(s))
    ledger_sound(pg)
