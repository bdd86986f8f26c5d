"""Helpers for servicing integration tests: a customer row, a line, end of day, and the
line's journal in a comparable form."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, text

from creditline.auth import SYSTEM
from creditline.batch.run import RunEod, catch_up, run_eod
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.servicing import services as sv
from creditline.servicing.views import LineView
from creditline.store.tables.foundation import customers


def add_customer(container: Container, name: str = "Li Lei") -> str:
    """A bare customer row (the parties context owns registration; servicing only needs
    the id to exist)."""
    cid = str(uuid.uuid4())
    with container.uow() as uow:
        uow.session.execute(insert(customers).values(
            id=cid, kind="person", name=name, attributes={}, consents={},
            created_at=uow.now(), version=1))
        uow.commit()
    return cid


def open_line(container: Container, limit: str = "10000.00", product: str = "consumer_bnpl",
              **kw: object) -> LineView:
    cid = add_customer(container)
    return sv.open_line(sv.OpenLine(cid, product, limit, **kw), container.uow(), SYSTEM)  # type: ignore[arg-type]


def eod_through(container: Container, clock: FixedClock, day: date) -> None:
    """Move the clock to ``day`` and close every day up to it."""
    clock.set_date(day)
    run_eod(RunEod(day), container.uow(), SYSTEM)


def journal(container: Container, line_id: str) -> list[tuple[str, str, tuple[tuple[str, Decimal], ...]]]:
    """(business date, kind, ((account, signed amount), ...)) for each entry, oldest first."""
    with container.uow() as uow:
        entries = uow.ledger.entries(line_id=line_id, limit=10_000)
    rows = [(e.business_date.isoformat(), e.kind,
             tuple(sorted((p.account, p.amount) for p in e.postings))) for e in entries]
    return sorted(rows, key=lambda r: (r[0], r[1]))


def ledger_sound(container: Container) -> None:
    report = sv.check_ledger(container.uow())
    assert report.ok, report


def book_dump(container: Container) -> dict[str, list[tuple[Any, ...]]]:
    """Lines, installments, statements and postings (summed per line, day and account),
    in a form two books can be compared by."""
    with container.engine.connect() as c:
        return {
            "lines": [tuple(r) for r in c.execute(text(
                "SELECT id, status, last_eod, next_eod, principal_unbilled, principal_billed, fee, "
                "interest_accrued, interest_billed, penalty, credit_balance, min_remaining, "
                "min_due_date, past_due, past_due_since, dpd, last_statement_date, stmt_opening, "
                "cyc_purchases, cyc_returns, cyc_repayments, cyc_fees, cyc_interest, cyc_penalties "
                "FROM credit_lines ORDER BY id"))],
            "installments": [tuple(r) for r in c.execute(text(
                "SELECT purchase_id, seq, billed, settled, p_sched, p_paid, f_sched, f_paid, i_amt, "
                "i_paid, i_carry, pen_amt, pen_paid, pen_carry FROM installments "
                "ORDER BY purchase_id, seq"))],
            "statements": [tuple(r) for r in c.execute(text(
                "SELECT line_id, statement_date, period_start, due_date, opening, purchases, returns, "
                "repayments, fees, interest, penalties, closing, amount_due, minimum_payment, past_due "
                "FROM statements ORDER BY line_id, statement_date"))],
            "postings": [tuple(r) for r in c.execute(text(
                "SELECT p.line_id, e.business_date, p.account, SUM(p.amount) FROM postings p "
                "JOIN journal_entries e ON e.id = p.entry_id "
                # issue 17: the month-end provision is the whole book's, made by the batch
                # only (a line's catch-up does not measure the book): not a line's posting
                "WHERE e.kind <> 'provision' "
                "GROUP BY p.line_id, e.business_date, p.account "
                "ORDER BY p.line_id, e.business_date, p.account"))],
        }


def catch_up_lines(container: Container, line_ids: list[str],
                   through: date) -> list[tuple[int, int]]:
    """Close every line through ``through`` on the per-line path, one transaction a line:
    (days closed, days the line was behind) for each."""
    out = []
    for line_id in line_ids:
        with container.uow() as uow:
            line = uow.lines.get(line_id, lock=True)
            assert line is not None
            out.append((catch_up(uow, line_id, line.last_eod, through, container.pipeline).days,
                        (through - line.last_eod).days))
            uow.commit()
    return out


def assert_same_book(a: dict[str, list[tuple[Any, ...]]],
                     b: dict[str, list[tuple[Any, ...]]]) -> None:
    """Two dumps agree part by part (and the first has statements and postings to agree on)."""
    assert a["statements"] and a["postings"]
    for part in a:
        assert a[part] == b[part], part
