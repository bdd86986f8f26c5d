"""End of day against the stores: a day runs once, skipped days are caught up one by one,
the whole-book batch and the per-line path agree to the cent, SME draws accrue daily
interest, and a closing line closes once paid off."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, run_eod
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import Conflict, ValidationError
from creditline.servicing import services as sv
from tests.conftest import make_container
from tests.integration.servicing_support import (
    assert_same_book,
    book_dump,
    catch_up_lines,
    eod_through,
    ledger_sound,
    open_line,
)

D = Decimal
TABLES = ("credit_lines", "installments", "statements", "journal_entries", "postings")


def snapshot(container: Container) -> dict[str, Any]:
    with container.engine.connect() as c:
        out: dict[str, Any] = {t: c.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in TABLES}
        out["lines"] = [tuple(r) for r in c.execute(text(
            "SELECT id, last_eod, principal_billed, penalty, dpd, version FROM credit_lines ORDER BY id"))]
    return out


def busy_book(container: Container, clock: FixedClock) -> list[str]:
    """A few lines with purchases, a missed bill, a return and an SME draw."""
    clock.set_date(date(2026, 3, 2))
    a = open_line(container, "5000.00")
    b = open_line(container, "3000.00", statement_day=10)
    c = open_line(container, "200000.00", product="sme_line")
    pa = sv.purchase(sv.Purchase(a.id, "1200.00", "JD", "phones", 12), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(b.id, "99.99", "Mart", "groceries"), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(c.id, "50000.00", "Steel Co", "supplies", 6), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(c.id, "20000.00", "Steel Co", "supplies", 3, "interest_only"),
                container.uow(), SYSTEM)
    clock.set_date(date(2026, 3, 20))
    sv.return_goods(sv.ReturnGoods(pa.id, "250.00"), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(b.id, "450.00", "Mart", "furniture", 3), container.uow(), SYSTEM)
    return [a.id, b.id, c.id]


def test_running_a_day_twice_changes_nothing_and_skipped_days_are_caught_up(
        container: Container, clock: FixedClock) -> None:
    busy_book(container, clock)
    eod_through(container, clock, date(2026, 4, 20))  # 32 days in one call
    first = snapshot(container)
    assert {str(r[1]) for r in first["lines"]} == {"2026-04-20"}
    again = run_eod(RunEod(date(2026, 4, 20)), container.uow(), SYSTEM)
    assert again.days == [] and snapshot(container) == first
    earlier = run_eod(RunEod(date(2026, 4, 1)), container.uow(), SYSTEM)
    assert earlier.days == [] and snapshot(container) == first
    ledger_sound(container)


def test_end_of_day_refuses_a_day_that_has_not_happened(container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    with pytest.raises(ValidationError, match="business_date"):
        run_eod(RunEod(date(2026, 3, 3)), container.uow(), SYSTEM)


def test_the_whole_book_batch_and_the_per_line_path_agree_to_the_cent(
        sqlite_url: str, tmp_path: Path, clock: FixedClock) -> None:
    book = make_container(sqlite_url, tmp_path, clock)
    line_ids = busy_book(book, clock)
    book.dispose()
    copy_url = f"sqlite:///{tmp_path / 'copy.db'}"
    shutil.copy(sqlite_url.removeprefix("sqlite:///"), tmp_path / "copy.db")
    through = date(2026, 6, 12)
    clock.set_date(through)

    batch = make_container(sqlite_url, tmp_path, clock)
    run_eod(RunEod(through, partition_size=2), batch.uow(), SYSTEM)  # several partitions

    per_line = make_container(copy_url, tmp_path, clock)
    for closed, behind in catch_up_lines(per_line, line_ids, through):
        assert closed == behind
    assert_same_book(book_dump(batch), book_dump(per_line))
    ledger_sound(batch)
    ledger_sound(per_line)
    batch.dispose()
    per_line.dispose()


def test_an_sme_draw_accrues_daily_interest_billed_with_each_installment(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "200000.00", product="sme_line")
    draw = sv.purchase(sv.Purchase(line.id, "30000.00", "Steel Co", "supplies", 3, "interest_only"),
                       container.uow(), SYSTEM)
    assert [i.principal for i in draw.schedule] == [0, 0, D("30000.00")]
    eod_through(container, clock, date(2026, 3, 15))
    # 2..15 March = 14 days x 30,000.00 x 0.04 % = 168.00, billed on the 15th
    first = sv.get_purchase(draw.id, container.uow()).schedule[0]
    assert (first.status, first.interest) == ("billed", D("168.00"))
    v = sv.get_line(line.id, container.uow())
    assert (v.interest_billed, v.amount_due, v.minimum_due) == (D("168.00"), D("168.00"), D("168.00"))
    eod_through(container, clock, date(2026, 3, 19))
    assert sv.get_line(line.id, container.uow()).interest_accrued == D("48.00")  # 4 more days
    r = sv.repay(sv.Repay(line.id, "30216.00"), container.uow(), SYSTEM)  # today's payoff
    assert (r.allocation["interest"], r.allocation["prepaid_interest"],
            r.allocation["prepaid_principal"]) == (D("168.00"), D("48.00"), D("30000.00"))
    eod_through(container, clock, date(2026, 4, 20))
    v = sv.get_line(line.id, container.uow())
    assert v.total_owed == 0 and v.days_past_due == 0
    ledger_sound(container)


def test_a_closing_line_takes_no_purchases_and_closes_when_paid_off(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "1000.00")
    sv.purchase(sv.Purchase(line.id, "300.00", "JD", "books"), container.uow(), SYSTEM)
    sv.set_status(sv.SetStatus(line.id, "closing", "customer asked"), container.uow(), SYSTEM)
    with pytest.raises(Conflict, match="closing"):
        sv.purchase(sv.Purchase(line.id, "1.00", "JD", "books"), container.uow(), SYSTEM)
    with pytest.raises(Conflict, match="nothing is owed"):
        sv.set_status(sv.SetStatus(line.id, "closed", "too early"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 3))
    sv.repay(sv.Repay(line.id, "300.00"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 4))
    assert sv.get_line(line.id, container.uow()).status == "closed"
    eod_through(container, clock, date(2026, 5, 4))  # closed lines are left alone
    assert sv.get_line(line.id, container.uow()).as_of == date(2026, 4, 4)


def test_limit_changes_and_freezes_are_events_and_refuse_purchases(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    line = open_line(container, "1000.00")
    sv.purchase(sv.Purchase(line.id, "800.00", "JD", "tv"), container.uow(), SYSTEM)
    v = sv.change_limit(sv.ChangeLimit(line.id, "500.00", "behaviour score fell"), container.uow(), SYSTEM)
    assert (v.limit, v.used, v.available) == (D("500.00"), D("800.00"), 0)
    sv.set_status(sv.SetStatus(line.id, "frozen", "fraud check"), container.uow(), SYSTEM)
    with pytest.raises(Conflict, match="frozen"):
        sv.purchase(sv.Purchase(line.id, "1.00", "JD", "tv"), container.uow(), SYSTEM)
    with container.uow() as uow:
        actions = [e.action for e in uow.audit_log.page(entity_id=line.id)]
    assert actions == ["line.opened", "line.limit_changed", "line.status_changed"]
    assert clock.today() + timedelta(days=0) == date(2026, 3, 2)


def test_collections_can_page_through_the_lines_past_due(container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    late = open_line(container, "1000.00")
    open_line(container, "1000.00")
    sv.purchase(sv.Purchase(late.id, "200.00", "JD", "tv"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 25))  # due 10 April, unpaid
    [v] = sv.list_lines(container.uow(), min_dpd=1)
    assert (v.id, v.days_past_due, v.past_due) == (late.id, 15, D("50.00"))
    assert len(sv.list_lines(container.uow(), status="active")) == 2
    assert sv.list_lines(container.uow(), min_dpd=16) == []
    with pytest.raises(ValidationError):
        sv.list_lines(container.uow(), status="asleep")
