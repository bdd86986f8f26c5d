"""Month-end provisions, worked on a three-line book on SQLite and PostgreSQL: end of day
measures the book on each month end, posts the provision so the loss allowance equals the ECL
to the cent, keeps each line's ECL in ``ecl_results``, and the allowance movement between the
two month ends reconciles; ``creditline ledger check`` still passes.

The book (consumer_bnpl: statement on the 1st, due the 10th):
- Li Lei buys 1,200.00 in 12 installments on 2 March and pays each bill on the 5th;
- Han Meimei buys 3,000.00 in 6 installments on 2 March and never pays: past due from
  11 April (20 days on 30 April: stage 1), 51 days on 31 May (stage 2: DPD_30, and
  FROZEN -- the limit strategy freezes a line at 30 days);
- Wang Fang holds a 2,000.00 line she never uses (only the undrawn limit is exposed).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import text

from creditline.auth import SYSTEM
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.ledger.accounts import IMPAIRMENT_EXPENSE, LOSS_ALLOWANCE
from creditline.portfolio import ecl_services as es
from creditline.servicing import services as sv
from tests.integration.servicing_support import eod_through, ledger_sound, open_line


def _allowance(container: Container) -> Decimal:
    """The loss allowance in its own terms (a contra-asset: its credit balance)."""
    with container.uow() as uow:
        tb = {a: v for a, _, v in uow.ledger.trial_balance()}
    assert tb.get(LOSS_ALLOWANCE, Decimal(0)) == -tb.get(IMPAIRMENT_EXPENSE, Decimal(0))
    return -tb.get(LOSS_ALLOWANCE, Decimal("0.00"))


def _results(container: Container, run_id: str) -> pl.DataFrame:
    with container.uow() as uow:
        return uow.ecl.results(run_id)


def test_month_end_provisions_keep_the_allowance_equal_to_the_ecl(
        container: Container, clock: FixedClock) -> None:
    clock.set_date(date(2026, 3, 2))
    li, han, wang = (open_line(container, "10000.00"), open_line(container, "5000.00"),
                     open_line(container, "2000.00"))
    sv.purchase(sv.Purchase(li.id, "1200.00", "JD Mall", "electronics", 12,
                            idempotency_key="li-1"), container.uow(), SYSTEM)
    sv.purchase(sv.Purchase(han.id, "3000.00", "JD Mall", "electronics", 6,
                            idempotency_key="han-1"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 4, 5))
    sv.repay(sv.Repay(li.id, "106.00", idempotency_key="li-p1"), container.uow(), SYSTEM)

    # 31 March: no line is visited (nothing due, nothing late) -- no provision that day
    eod_through(container, clock, date(2026, 4, 30))
    with container.uow() as uow:
        runs = uow.ecl.runs()
    assert [(r.as_of, r.source, r.lines) for r in runs] == [(date(2026, 4, 30), "provisions", 3)]
    april = runs[0]
    res = _results(container, april.id).sort("line_id")
    by_line = {r["line_id"]: r for r in res.to_dicts()}
    assert by_line[han.id]["stage"] == 1 and by_line[han.id]["dpd"] == 20
    assert (by_line[wang.id]["drawn"], by_line[wang.id]["undrawn"]) == (0, 200_000)
    # Wang's exposure is the CCF (stage 1: 0.20) of her unused 2,000.00
    assert by_line[wang.id]["ead"] == 40_000
    assert by_line[li.id]["drawn"] == 110_000  # 1,100.00 of principal left
    assert april.ecl == Decimal(int(res["ecl"].sum())).scaleb(-2) > 0
    assert _allowance(container) == april.ecl
    with container.uow() as uow:
        [entry] = [e for e in uow.ledger.entries(limit=500) if e.kind == "provision"]
    assert entry.id == april.journal_entry and entry.ref == april.id
    assert {p.memo for p in entry.postings} == {"ecl:1:consumer_bnpl"}
    ledger_sound(container)

    # 31 May: Han is 51 days late -> stage 2; Li paid her May bill
    eod_through(container, clock, date(2026, 5, 5))
    sv.repay(sv.Repay(li.id, "106.00", idempotency_key="li-p2"), container.uow(), SYSTEM)
    eod_through(container, clock, date(2026, 5, 31))
    with container.uow() as uow:
        may = uow.ecl.latest_run()
    assert may is not None and may.as_of == date(2026, 5, 31) and may.id != april.id
    res_may = {r["line_id"]: r for r in _results(container, may.id).to_dicts()}
    # the limit strategy froze her line at 30 days late: a second stage-2 trigger
    assert (res_may[han.id]["stage"], res_may[han.id]["triggers"]) == (2, "DPD_30,FROZEN")
    assert res_may[han.id]["ecl"] > by_line[han.id]["ecl"]
    assert _allowance(container) == may.ecl
    ledger_sound(container)

    # the movement from April's allowance to May's, reconciled to the cent
    mv = es.ecl_movement(es.MovementQuery(date(2026, 4, 30), date(2026, 5, 31)),
                         container.uow(), SYSTEM)
    m = mv.movement
    assert m.reconciles
    assert Decimal(m.total("opening")).scaleb(-2) == april.ecl
    assert Decimal(m.total("closing")).scaleb(-2) == may.ecl
    assert m.cells["transfer to stage 2"][1] == -by_line[han.id]["ecl"]
    assert m.cells["transfer to stage 2"][2] == by_line[han.id]["ecl"]
    assert m.lines["transfer to stage 2"] == 1 and m.total("new") == 0

    # measuring again on the same day changes nothing: a run, no entry
    again = es.run_ecl(es.RunEcl(), container.uow(), SYSTEM)
    assert (again.run.ecl, again.run.journal_entry, again.run.source) == (may.ecl, None, "manual")
    assert _allowance(container) == may.ecl

    # Han repays everything: the next measurement releases her allowance
    clock.set_date(date(2026, 6, 1))
    eod_through(container, clock, date(2026, 6, 1))
    payoff = sv.get_line(han.id, container.uow()).payoff_amount
    sv.repay(sv.Repay(han.id, str(payoff), idempotency_key="han-p"), container.uow(), SYSTEM)
    june = es.run_ecl(es.RunEcl(), container.uow(), SYSTEM)
    assert june.run.ecl < may.ecl and _allowance(container) == june.run.ecl
    with container.engine.connect() as c:
        released = c.execute(text(
            "SELECT SUM(p.amount) FROM postings p JOIN journal_entries e ON e.id = p.entry_id "
            "WHERE e.id = :e AND p.account = :a"),
            {"e": june.run.journal_entry, "a": IMPAIRMENT_EXPENSE}).scalar()
    assert int(released) < 0  # a release: impairment expense credited
    ledger_sound(container)
