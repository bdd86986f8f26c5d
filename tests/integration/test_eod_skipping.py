"""End of day skips a line until its next event (``kernel.next_visit``) and only moves its
``last_eod``: the book comes out the same, to the cent and to the installment flag, as when
every line is closed day by day on the per-line path.

The book is one that mostly waits: a customer who repays each bill on time, one who paid
a plan off in advance (installments billed at nothing on their days), an idle line that
only sees statement days, a full return, an SME draw accruing daily, and one that falls
behind.  Both copies take the same actions on the same days; the batch copy runs end of
day every day in between, the per-line copy lets each action catch its line up."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from tests.conftest import make_container
from tests.integration.servicing_support import (
    assert_same_book,
    book_dump,
    catch_up_lines,
    ledger_sound,
    open_line,
)

Action = Callable[[Container, dict[str, str]], object]


def _actions() -> dict[date, list[Action]]:
    def buy(line: str, amount: str, n: int, key: str) -> Action:
        def act(c: Container, ids: dict[str, str]) -> object:
            p = sv.purchase(sv.Purchase(ids[line], amount, "Shop", "goods", n), c.uow(), SYSTEM)
            ids[key] = p.id
            return p
        return act

    def repay(line: str, amount: str) -> Action:
        return lambda c, ids: sv.repay(sv.Repay(ids[line], amount), c.uow(), SYSTEM)

    def give_back(key: str, amount: str) -> Action:
        return lambda c, ids: sv.return_goods(sv.ReturnGoods(ids[key], amount), c.uow(), SYSTEM)

    plan: dict[date, list[Action]] = {
        date(2026, 3, 3): [buy("punctual", "1200.00", 12, "p1"), buy("prepaid", "600.00", 6, "p2"),
                           buy("returner", "300.00", 3, "p3"), buy("late", "900.00", 3, "p4"),
                           buy("sme", "30000.00", 6, "p5")],
        date(2026, 3, 5): [repay("prepaid", "600.00")],  # the whole plan, paid ahead
        date(2026, 3, 9): [give_back("p3", "300.00")],
    }
    for month in (4, 5, 6):  # the punctual customer pays before each due date
        plan.setdefault(date(2026, month, 10), []).append(repay("punctual", "130.00"))
    plan.setdefault(date(2026, 5, 12), []).append(repay("sme", "6000.00"))
    return plan


def _named(dump: dict[str, list[tuple[object, ...]]],
           ids: dict[str, str]) -> dict[str, list[tuple[object, ...]]]:
    """Purchases get fresh ids in each copy: name installments by the plan's keys."""
    key_of = {v: k for k, v in ids.items()}
    dump["installments"] = sorted((key_of[str(r[0])], *r[1:]) for r in dump["installments"])
    return dump


def test_skipping_quiet_lines_leaves_the_book_as_closing_every_line_daily(
        sqlite_url: str, tmp_path: Path, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    book = make_container(sqlite_url, tmp_path, clock)
    ids = {"punctual": open_line(book, "5000.00").id,
           "prepaid": open_line(book, "5000.00", statement_day=15).id,
           "idle": open_line(book, "2000.00", statement_day=28).id,
           "returner": open_line(book, "3000.00", statement_day=5).id,
           "late": open_line(book, "3000.00").id,
           "sme": open_line(book, "200000.00", product="sme_line").id}
    book.dispose()
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), tmp_path / "per_line.db")
    batch = make_container(sqlite_url, tmp_path, clock)
    per_line = make_container(f"sqlite:///{tmp_path / 'per_line.db'}", tmp_path, clock)

    plan, through = _actions(), date(2026, 7, 20)
    batch_ids, per_line_ids = dict(ids), dict(ids)
    skipped = 0
    day = date(2026, 3, 2)
    while day <= through:
        clock.set_date(day)
        for act in plan.get(day, []):
            act(batch, batch_ids)
            act(per_line, per_line_ids)
        report = run_eod(RunEod(day), batch.uow(), SYSTEM)
        skipped += sum(d.skipped for d in report.days)
        day += timedelta(days=1)
    catch_up_lines(per_line, list(ids.values()), through)

    assert skipped > 300  # most line-days of this book were skipped, not visited
    assert_same_book(_named(book_dump(batch), batch_ids), _named(book_dump(per_line), per_line_ids))
    ledger_sound(batch)
    ledger_sound(per_line)
    batch.dispose()
    per_line.dispose()
