"""Lines that move with behaviour, on both stores (issue 13).

Three customers open a 10,000.00 consumer line on 2 January 2026 (statement day 1, due on the
10th).  Wang and Zhao each declare 8,000.00 a month; both buy 1,000.00 on the 5th of every
month and pay each statement in full on the 5th of the next, so by 1 July they have six
clean statement cycles.  Zhao opted out of automatic increases on the first day.  Sun buys
2,000.00 on 5 January and never pays.

End of day scores every visited line with the champion B-card (here a small card fitted in
this module on a made-up sample where lateness and a full line predict default) and runs the
shipped ``line_strategy`` tables:

- Wang's line goes from 10,000.00 to 13,000.00 on 1 July (+30 %, CLEAN_CYCLES_TOP_BAND;
  capacity 6 x 8,000.00 = 48,000.00 is not binding): a ``strategy`` limit event by
  ``system`` with the rules label, an audit entry and a notice in Chinese and English;
- Zhao's stays at 10,000.00: same behaviour, but opted out;
- Sun's statement of 1 February is not paid by the 10th: on 11 February, one day past due,
  the B-card puts the line in band E and the strategy halves the limit to 5,000.00
  (BSCORE_BAND_E, never below the 2,000.00 used); on 12 March, 30 days past due, it freezes
  the line (DPD_30_FREEZE); from 60 days past due the stated rule DPD_60_CUT_BELOW_USED
  halves it monthly, below the amount used (available stays 0.00, never negative).
"""

from __future__ import annotations

import json
import shutil
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from sqlalchemy import insert, select

from creditline.auth import SYSTEM
from creditline.batch.behaviour import B_CARD
from creditline.bootstrap import Container
from creditline.clock import FixedClock
from creditline.lines import strategy_services as strategy_svc
from creditline.lines.behaviour import FEATURES
from creditline.lines.limits import LimitSource
from creditline.lines.strategy import STRATEGY
from creditline.scoring import services as scoring
from creditline.scoring.scorecard import Scorecard
from creditline.servicing import services as sv
from creditline.store.tables.behaviour import behaviour_scores, strategy_snapshots
from creditline.store.tables.foundation import customers, outbox
from tests.integration.servicing_support import eod_through, ledger_sound

OPENED = date(2026, 1, 2)


def _test_card() -> str:
    """A B-card fitted on a made-up sample: days past due and a full line raise the odds
    of default; clean low-use lines rarely default."""
    rng = np.random.default_rng(7)
    n = 6000
    late = rng.random(n) < 0.25
    dpd = np.where(late, rng.integers(1, 60, n), 0)
    util = rng.random(n)
    cols = {f: rng.random(n) for f in FEATURES}
    cols.update({"max_dpd_3m": dpd.astype(float), "max_dpd_6m": dpd.astype(float),
                 "max_dpd_12m": dpd.astype(float), "utilisation": util})
    logit = -5.5 + 4.0 * (dpd > 0) + 0.1 * np.minimum(dpd, 30) + 1.5 * util
    bad = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    card = Scorecard(card_type="B").fit(pl.DataFrame(cols), bad)
    return card.to_json()


@pytest.fixture(scope="module")
def card_json() -> str:
    return _test_card()


def _install(container: Container, card_json: str) -> None:
    record = scoring.register_model(scoring.RegisterModel(
        name=B_CARD, model_json=card_json, data_fingerprint="0" * 64),
        container.uow(), SYSTEM)
    scoring.promote_model(scoring.ModelRef(model_id=record.id), container.uow(), SYSTEM)


def _customer(container: Container, name: str, income: str) -> str:
    cid = str(uuid.uuid4())
    with container.uow() as uow:
        uow.session.execute(insert(customers).values(
            id=cid, kind="person", name=name, monthly_income=Decimal(income), attributes={},
            consents={}, created_at=uow.now(), version=1))
        uow.commit()
    return cid


def _line(container: Container, name: str, income: str = "8000.00") -> str:
    cid = _customer(container, name, income)
    return sv.open_line(sv.OpenLine(cid, "consumer_bnpl", "10000.00"), container.uow(),
                        SYSTEM).id


def _history(container: Container, line_id: str) -> list[tuple[Any, ...]]:
    return [(e.business_date, e.source, e.actor, e.old_limit, e.new_limit, e.reason_codes,
             e.rules_version) for e in sv.limit_history(line_id, container.uow())]


def _notices(container: Container, line_id: str) -> list[dict[str, Any]]:
    with container.uow() as uow:
        rows = uow.session.execute(select(outbox.c.topic, outbox.c.payload)
                                   .order_by(outbox.c.id)).all()
    out = []
    for topic, payload in rows:
        p = payload if isinstance(payload, dict) else json.loads(payload)
        if p.get("line_id") == line_id and p.get("source") == "strategy":
            out.append({"topic": topic, **p})
    return out


def test_good_payers_grow_an_opt_out_does_not_and_a_falling_score_is_cut(
        container: Container, clock: FixedClock, card_json: str, tmp_path: Path) -> None:
    clock.set_date(OPENED)
    _install(container, card_json)
    wang, zhao, sun = (_line(container, n) for n in ("Wang Fang", "Zhao Lei", "Sun Li"))
    opted = strategy_svc.set_auto_increase(strategy_svc.SetAutoIncrease(zhao, True),
                                           container.uow(), SYSTEM)
    assert opted.auto_increase_opt_out and opted.changed_by == "system"

    clock.set_date(date(2026, 1, 5))
    sv.purchase(sv.Purchase(sun, "2000.00", "JD", "phones"), container.uow(), SYSTEM)
    for month in range(1, 7):  # January to June
        day = date(2026, month, 5)
        eod_through(container, clock, day - timedelta(days=1))  # the statement is cut
        clock.set_date(day)
        for line_id in (wang, zhao):
            due = sv.get_line(line_id, container.uow()).amount_due
            if due > 0:
                sv.repay(sv.Repay(line_id, due), container.uow(), SYSTEM)
            sv.purchase(sv.Purchase(line_id, "1000.00", "JD", "groceries"), container.uow(),
                        SYSTEM)
        if month == 2:  # Sun's first statement fell due on 10 February, unpaid
            eod_through(container, clock, date(2026, 2, 11))
            assert sv.get_line(sun, container.uow()).limit == Decimal("5000.00")
    eod_through(container, clock, date(2026, 7, 1))

    label = STRATEGY.default().label
    opening = (OPENED, LimitSource.ORIGINATION, "system", Decimal("0.00"),
               Decimal("10000.00"), (), None)
    assert _history(container, wang) == [
        opening, (date(2026, 7, 1), LimitSource.STRATEGY, "system", Decimal("10000.00"),
                  Decimal("13000.00"), ("CLEAN_CYCLES_TOP_BAND",), label)]
    assert _history(container, zhao) == [opening]
    def cut(day: date, old: str, new: str, reason: str) -> tuple[Any, ...]:
        return (day, LimitSource.STRATEGY, "system", Decimal(old), Decimal(new), (reason,),
                label)

    assert _history(container, sun) == [
        opening, cut(date(2026, 2, 11), "10000.00", "5000.00", "BSCORE_BAND_E"),
        # frozen at 30 days; from 60 days past due, halved monthly, below what is used
        cut(date(2026, 4, 11), "5000.00", "2500.00", "DPD_60_CUT_BELOW_USED"),
        cut(date(2026, 5, 11), "2500.00", "1200.00", "DPD_60_CUT_BELOW_USED"),
        cut(date(2026, 6, 10), "1200.00", "600.00", "DPD_60_CUT_BELOW_USED")]

    w, z, s = (sv.get_line(i, container.uow()) for i in (wang, zhao, sun))
    assert (w.limit, w.used, w.available) == (Decimal("13000.00"), Decimal("1000.00"),
                                              Decimal("12000.00"))
    assert (z.limit, z.used, z.available) == (Decimal("10000.00"), Decimal("1000.00"),
                                              Decimal("9000.00"))
    assert (s.limit, s.used, s.available, s.status) == (
        Decimal("600.00"), Decimal("2000.00"), Decimal("0.00"), "frozen")
    assert s.days_past_due == 141  # 11 February to 1 July

    # the customers were told, in both languages
    raised = _notices(container, wang)
    assert [n["topic"] for n in raised] == ["line.limit_changed"]
    assert raised[0]["message"]["en"].startswith("Good news: your credit limit is now 13000.00")
    assert "13000.00" in raised[0]["message"]["zh"]
    assert [(n["topic"], n["reason_codes"]) for n in _notices(container, sun)] == [
        ("line.limit_changed", ["BSCORE_BAND_E"]),
        ("line.status_changed", ["DPD_30_FREEZE"]),
        *[("line.limit_changed", ["DPD_60_CUT_BELOW_USED"])] * 3]

    # the decisions, as the strategy recorded them
    got = strategy_svc.list_decisions(strategy_svc.ListDecisions(OPENED, date(2026, 7, 1)),
                                      container.uow(), SYSTEM)
    assert [(d.line_id, d.business_date, d.action) for d in got] == [
        (sun, date(2026, 2, 11), "decrease"), (sun, date(2026, 3, 12), "freeze"),
        (sun, date(2026, 4, 11), "decrease"), (sun, date(2026, 5, 11), "decrease"),
        (sun, date(2026, 6, 10), "decrease"), (wang, date(2026, 7, 1), "increase")]
    assert got[0].band == "E"
    assert got[-1].band in ("A", "B")

    # the B-card's history: one row per visited line and day, with its features
    with container.uow() as uow:
        t = behaviour_scores
        row = uow.session.execute(select(t).where(t.c.line_id == wang,
                                                  t.c.business_date == date(2026, 7, 1))).one()
        days = uow.session.execute(select(t.c.business_date).where(t.c.line_id == sun)).all()
    assert row.clean_cycles == 6 and row.payment_ratio == pytest.approx(1.0)
    assert row.utilisation == pytest.approx(0.1) and row.max_dpd_6m == 0
    assert row.months_on_book == 5 and row.model == f"{B_CARD} v1" and row.score is not None
    assert {d for (d,) in days} >= {date(2026, 2, 11) + timedelta(days=k) for k in range(30)}
    ledger_sound(container)

    # each line's facts were kept on its statement days (the 1st) and on the days it
    # moved: the shipped tables re-decide them exactly as they were decided
    whole = strategy_svc.ReplayStrategy(OPENED, date(2026, 7, 1))
    same = strategy_svc.replay_strategy(whole, container.uow(), SYSTEM)
    with container.uow() as uow:
        kept = set(uow.session.execute(select(strategy_snapshots.c.line_id,
                                              strategy_snapshots.c.business_date)).all())
    firsts = {date(2026, m, 1) for m in range(2, 8)}
    assert {d for lid, d in kept if lid == wang} == firsts
    assert {d for lid, d in kept if lid == sun} == firsts | {
        date(2026, 2, 11), date(2026, 3, 12), date(2026, 4, 11), date(2026, 5, 11),
        date(2026, 6, 10)}
    assert (same.total, same.changed, same.limit_changed, same.errors) == (len(kept), 0, 0, [])
    assert dict(same.rules_before) == {label: len(kept)}

    # a folder asking five clean cycles instead of six would have raised Wang (only Wang:
    # Zhao opted out) a month earlier, on 1 June, by 3,000.00; on 1 July his kept facts
    # (six clean cycles) raise him under either folder
    five = tmp_path / "five_cycles"
    shutil.copytree(STRATEGY.rules_dir, five, ignore=shutil.ignore_patterns("cases"))
    actions = five / "limit_actions.json"
    assert actions.read_text().count('"clean_cycles": ">= 6"') == 1
    actions.write_text(actions.read_text().replace('"clean_cycles": ">= 6"',
                                                   '"clean_cycles": ">= 5"'))
    trial = STRATEGY.load(five, verify=False)
    changed = strategy_svc.replay_strategy(
        strategy_svc.ReplayStrategy(OPENED, date(2026, 7, 1), trial), container.uow(), SYSTEM)
    assert [(c.line_id, c.business_date, c.before, c.after, c.limit_before, c.limit_after)
            for c in changed.changes] == [
        (wang, date(2026, 6, 1), "none", "increase", Decimal("10000.00"), Decimal("13000.00"))]
    assert (changed.changed, changed.limit_delta) == (1, Decimal("3000.00"))
    assert dict(changed.transitions) == {("none", "increase"): 1}

