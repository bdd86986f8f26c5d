"""The portfolio's worked example on both stores: the book of ``portfolio_support`` (three
lines, January to April 2026) read back as vintages, roll rates, the transition matrix and
concentration; then a write-off lights up the charged-off columns, whichever way the losses
context records it (a collection case closed ``written_off``, or a ``write_off`` journal
entry, until it is reversed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import update

from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.errors import ValidationError
from creditline.ledger import accounts as acc
from creditline.ledger.journal import EntryBuilder, reversal
from creditline.portfolio import services as ps
from creditline.store.tables.collections import collection_cases
from tests.integration.portfolio_support import AS_OF, four_months


def _vintage(rows: list[dict[str, object]]) -> dict[tuple[object, object], tuple[object, ...]]:
    return {(r["vintage"], r["mob"]): (r["lines"], r["share_30"], r["share_90"], r["share_co"])
            for r in rows}


def test_vintages_rolls_and_matrix_of_a_four_month_book(container: Container,
                                                        clock: FixedClock) -> None:
    ids = four_months(container, clock)
    q = ps.BookQuery(AS_OF)

    v = ps.vintages(q, container.uow())
    assert (v["dpd30_from"], v["dpd90_from"]) == ("M2", "M4")
    assert _vintage(v["rows"]) == {
        ("2026-01", 0): (2, 0.0, 0.0, 0.0),  # A and B current at 31 January
        ("2026-01", 1): (2, 0.0, 0.0, 0.0),  # B 1-30 days late at the end of February
        ("2026-01", 2): (2, 0.5, 0.0, 0.0),  # B 49 days late at the end of March
        ("2026-01", 3): (2, 0.5, 0.0, 0.0),  # B 79 days late at the end of April
        ("2026-02", 0): (1, 0.0, 0.0, 0.0),
        ("2026-02", 1): (1, 0.0, 0.0, 0.0),  # C 21 days late
        ("2026-02", 2): (1, 1.0, 0.0, 0.0),  # C 51 days late
    }

    r = ps.rolls(q, container.uow())
    assert [(p["from"], p["to"], p["lines"]) for p in r["periods"]] == [
        ("2026-01-31", "2026-02-28", 2), ("2026-02-28", "2026-03-31", 3),
        ("2026-03-31", "2026-04-30", 3)]
    assert [p["roll"]["M0"] for p in r["periods"]] == [0.5, 0.5, 0.0]
    assert [p["roll"]["M1"] for p in r["periods"]] == [None, 1.0, 1.0]
    assert [p["cure"]["M1"] for p in r["periods"]] == [None, 0.0, 0.0]
    # pooled: A stays current three times, B and C fall late once each and roll on
    counts = r["counts"]
    assert (counts[0][0], counts[0][1], counts[1][2], counts[2][3]) == (3, 2, 2, 1)
    assert sum(map(sum, counts)) == 8
    t = ps.transition(q, container.uow())
    assert t["matrix"][0][:2] == [0.6, 0.4]
    assert t["matrix"][1][2] == 1.0 and t["matrix"][2][3] == 1.0
    assert t["matrix"][4] == [None] * 9  # nobody started a month in M4

    c = ps.concentration_report(q, container.uow())
    region = {s["segment"]: (s["exposure"], s["share"]) for s in
              c["dimensions"]["region"]["segments"]}
    snap = ps.load_book(q, container.uow()).snapshot
    bal = {lid: int(b) for lid, b in snap.select("line_id", "balance").iter_rows()}
    sh = bal[ids["A"]] + bal[ids["B"]]
    total = sh + bal[ids["C"]]
    assert region["Shanghai"][0] == f"{Decimal(sh).scaleb(-2):.2f}"
    assert region["Beijing"][1] == round(bal[ids["C"]] / total, 4)
    assert c["dimensions"]["region"]["hhi"] == round((sh / total) ** 2 + (bal[ids["C"]] / total) ** 2, 6)
    # every borrower holds a fifth of the book or more: all three past the 5 % limit
    assert sorted(b["dimension"] for b in c["breaches"] if b["dimension"] == "borrower") == \
        ["borrower"] * 3


def test_write_offs_light_up_the_charged_off_columns(container: Container,
                                                     clock: FixedClock) -> None:
    ids = four_months(container, clock)
    with container.uow() as uow:  # the losses context closes B's case as written off ...
        uow.session.execute(update(collection_cases).where(
            collection_cases.c.line_id == ids["B"]).values(status="written_off",
                                                           closed_on=date(2026, 4, 20)))
        # ... and posts a write-off of 300.00 on C
        e = EntryBuilder(line_id=ids["C"]).move(acc.LOSS_ALLOWANCE, acc.PRINCIPAL_BILLED,
                                                Decimal("300.00"))
        uow.ledger.post([e.build("wo-c-1", date(2026, 4, 25), "write_off")])
        uow.commit()
    v = _vintage(ps.vintages(ps.BookQuery(AS_OF), container.uow())["rows"])
    assert v[("2026-01", 3)] == (2, 0.0, 0.0, 0.5)  # B charged off, no longer 30+
    assert v[("2026-01", 2)] == (2, 0.5, 0.0, 0.0)  # the month before is unchanged
    assert v[("2026-02", 2)] == (1, 0.0, 0.0, 1.0)
    rows = {(r["vintage"], r["mob"]): r for r in ps.vintages(ps.BookQuery(AS_OF),
                                                             container.uow())["rows"]}
    assert rows[("2026-02", 2)]["written_off"] == "300.00"
    assert rows[("2026-02", 2)]["balance_share_co"] == 1.0
    t = ps.transition(ps.BookQuery(AS_OF), container.uow())
    assert t["counts"][2][8] == 1 and t["counts"][1][8] == 1  # B from M2, C from M1 to WO

    # C's write-off reversed on 28 April: C is back on the book (21 + 30 = 51 days late, M2)
    with container.uow() as uow:
        [wo] = [x for x in uow.ledger.entries(line_id=ids["C"], limit=1000) if x.id == "wo-c-1"]
        uow.ledger.post([reversal(wo, "wo-c-1-rev", date(2026, 4, 28))])
        uow.commit()
    v = _vintage(ps.vintages(ps.BookQuery(AS_OF), container.uow())["rows"])
    assert v[("2026-02", 2)] == (1, 1.0, 0.0, 0.0)


def test_a_date_after_the_business_date_is_refused(container: Container,
                                                   clock: FixedClock) -> None:
    clock.set_date(date(2026, 1, 5))
    with pytest.raises(ValidationError) as e:
        ps.vintages(ps.BookQuery(date(2027, 1, 1)), container.uow())
    assert e.value.field == "as_of"
    with pytest.raises(ValidationError) as e:
        ps.vintages(ps.BookQuery(None, "colour"), container.uow())
    assert e.value.field == "by"


def test_alerts_are_append_only(container: Container, clock: FixedClock) -> None:
    """An alert once kept stays as it was: the database refuses to change or delete it."""
    from datetime import UTC, datetime

    from sqlalchemy import delete
    from sqlalchemy.exc import DatabaseError

    from creditline.store.tables.portfolio import portfolio_alerts

    with container.uow() as uow:
        uow.portfolio.add_alerts([{
            "id": "a1", "run_id": "r1", "business_date": date(2026, 4, 30),
            "indicator": "roll_jump", "segment": "M0", "level": "alert", "value": 2.0,
            "threshold": 1.5, "evidence": {"last": 0.04}, "proposal": None,
            "rules_version": "t", "created_at": datetime(2026, 4, 30, tzinfo=UTC),
            "created_by": "li.risk"}])
        uow.commit()
    for change in (update(portfolio_alerts).values(level="ok"), delete(portfolio_alerts)):
        with pytest.raises(DatabaseError), container.uow() as uow:
            uow.session.execute(change)
            uow.commit()
    [kept] = ps.list_alerts(ps.AlertQuery(date(2026, 4, 30)), container.uow())
    assert (kept["level"], kept["evidence"]) == ("alert", {"last": 0.04})
