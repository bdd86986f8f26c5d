"""Properties over random histories (hypothesis): any sequence of purchases, returns,
repayments and end-of-day runs keeps the trial balance at zero, every line's balances equal
its installments and its postings, statements reconcile, and available = limit - used -
held (a purchase a real-time trigger holds is reserved), never negative; a refused command changes nothing; and paying the payoff amount followed
by end of day leaves nothing owed.  Runs on SQLite, each example on a fresh copy of a
migrated database."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container, bootstrap
from creditline.clock import FixedClock
from creditline.errors import CreditlineError
from creditline.money import ZERO
from creditline.servicing import services as sv
from creditline.settings import Settings
from tests.conftest import SECRET
from tests.integration.servicing_support import add_customer, ledger_sound

D = Decimal
_n = itertools.count()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    c = bootstrap(Settings(database_url=f"sqlite:///{path}", secret_key=SECRET, data_dir=folder))
    c.dispose()
    yield path


def fresh(template: Path, clock: FixedClock) -> Container:
    path = template.parent / f"run-{next(_n)}.db"
    shutil.copy(template, path)
    return bootstrap(Settings(database_url=f"sqlite:///{path}", secret_key=SECRET,
                              data_dir=template.parent), clock=clock, migrate=False)


cents = st.integers(min_value=1, max_value=400_000)
step = st.one_of(
    st.tuples(st.just("purchase"), cents, st.sampled_from([1, 3, 6, 12, 24])),
    st.tuples(st.just("return"), st.integers(0, 5), st.sampled_from([D("0.25"), D("0.5"), D("1")])),
    st.tuples(st.just("repay"), cents, st.just(0)),
    st.tuples(st.just("eod"), st.integers(1, 40), st.just(0)),
)


def postings_count(c: Container) -> int:
    with c.engine.connect() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM postings")).scalar() or 0)


def check_invariants(c: Container, line_id: str) -> None:
    v = sv.get_line(line_id, c.uow())
    assert v.available == v.limit - v.used - v.held >= 0  # a trigger's hold is reserved
    assert v.total_owed >= 0 and v.credit_balance >= 0
    assert all(s.reconciles for s in sv.list_statements(line_id, c.uow()))
    ledger_sound(c)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(product=st.sampled_from(["consumer_bnpl", "sme_line"]),
       steps=st.lists(step, min_size=1, max_size=8))
def test_any_history_keeps_the_books_exact_and_a_payoff_leaves_nothing_owed(
        template: Path, product: str, steps: list[tuple[str, object, object]]) -> None:
    clock = FixedClock()
    today = date(2026, 1, 5)
    clock.set_date(today)
    c = fresh(template, clock)
    limit = "20000.00" if product == "consumer_bnpl" else "50000.00"
    line = sv.open_line(sv.OpenLine(add_customer(c), product, limit), c.uow(), SYSTEM)
    purchases: list[str] = []
    for kind, a, b in steps:
        before = postings_count(c)
        try:
            if kind == "purchase":
                n = 3 if product == "sme_line" and b == 1 else b
                p = sv.purchase(sv.Purchase(line.id, D(a) / 100, "M", "general", n), c.uow(), SYSTEM)  # type: ignore[arg-type]
                purchases.append(p.id)
            elif kind == "return" and purchases:
                p = sv.get_purchase(purchases[int(a) % len(purchases)], c.uow())  # type: ignore[call-overload]
                amount = (p.amount - p.returned) * b  # type: ignore[operator]
                amount = amount.quantize(D("0.01"))
                if amount > 0:
                    sv.return_goods(sv.ReturnGoods(p.id, amount), c.uow(), SYSTEM)
            elif kind == "repay":
                sv.repay(sv.Repay(line.id, D(a) / 100), c.uow(), SYSTEM)  # type: ignore[arg-type]
            elif kind == "eod":
                today += timedelta(days=int(a))  # type: ignore[call-overload]
                clock.set_date(today)
                run_eod(RunEod(today), c.uow(), SYSTEM)
        except CreditlineError:
            assert postings_count(c) == before  # a refused command posts nothing
        check_invariants(c, line.id)

    payoff = sv.get_line(line.id, c.uow()).payoff_amount
    if payoff > 0:
        sv.repay(sv.Repay(line.id, payoff), c.uow(), SYSTEM)
    today += timedelta(days=1)
    clock.set_date(today)
    run_eod(RunEod(today), c.uow(), SYSTEM)
    v = sv.get_line(line.id, c.uow())
    assert (v.total_owed, v.amount_due, v.past_due, v.days_past_due) == (ZERO, ZERO, ZERO, 0)
    assert v.payoff_amount == 0 and v.used == 0 and v.available == v.limit - v.held
    check_invariants(c, line.id)
    c.dispose()
