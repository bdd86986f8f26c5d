"""The trigger facts and the shipped trigger table, on hand-made activity (no store)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from creditline.errors import ValidationError
from creditline.lines.triggers import (
    TRIGGERS,
    Activity,
    Fired,
    PastPurchase,
    TriggerAction,
    cut_limit,
    decide,
    purchase_facts,
    return_facts,
    strongest,
)
from creditline.servicing.triggers import trigger_rules

D = Decimal
DAY = date(2026, 6, 15)


def history(*amounts: str, category: str = "groceries", days_ago: int = 10) -> Activity:
    return Activity(tuple(PastPurchase(DAY - timedelta(days=days_ago), D(a), category)
                          for a in amounts), ())


def test_a_purchase_far_above_the_usual_amount_is_held() -> None:
    rules = trigger_rules()
    facts = purchase_facts(amount=D("2000.00"), category="electronics", day=DAY,
                           opened_on=date(2025, 1, 1), limit=D("20000.00"),
                           committed=D("600.00"), activity=history("150.00", "200.00", "250.00"),
                           window=rules.window)
    assert (facts.prior_purchases, facts.usual_amount, facts.amount_ratio) == (3, 200.0, 10.0)
    [fired] = decide(rules.tables, facts)
    assert (fired.code, fired.action) == ("AMOUNT_FAR_ABOVE_USUAL", TriggerAction.HOLD)
    # the same amount against a usual 500.00 is only 4x: nothing fires
    usual = purchase_facts(amount=D("2000.00"), category="electronics", day=DAY,
                           opened_on=date(2025, 1, 1), limit=D("20000.00"),
                           committed=D("1500.00"), activity=history("500.00", "500.00", "500.00"),
                           window=rules.window)
    assert decide(rules.tables, usual) == []


def test_purchases_outside_the_windows_do_not_count() -> None:
    rules = trigger_rules()
    old = history("100.00", "100.00", "100.00", days_ago=200)
    facts = purchase_facts(amount=D("2000.00"), category="luxury", day=DAY,
                           opened_on=date(2025, 1, 1), limit=D("10000.00"), committed=D("0"),
                           activity=old, window=rules.window)
    assert (facts.prior_purchases, facts.risky_share, facts.burst_purchases) == (0, 0.2, 0)
    assert decide(rules.tables, facts) == []


def test_returns_are_counted_within_their_window_only() -> None:
    rules = trigger_rules()
    days = (DAY, DAY - timedelta(days=6), DAY - timedelta(days=7))
    facts = return_facts(amount=D("50.00"), category="apparel", day=DAY,
                         opened_on=date(2025, 1, 1), limit=D("5000.00"), committed=D("100.00"),
                         activity=Activity((), days), window=rules.window)
    assert facts.returns_in_window == 2
    assert decide(rules.tables, facts) == []


def test_a_cut_never_leaves_available_negative_nor_goes_below_the_minimum() -> None:
    assert cut_limit(D("10000.00"), D("600.00"), D("9400.00"), D("0.5"), D("500.00")) == D("5300.00")
    assert cut_limit(D("10000.00"), D("9000.00"), D("1000.00"), D("1"), D("500.00")) == D("9000.00")
    assert cut_limit(D("800.00"), D("0.00"), D("800.00"), D("1"), D("500.00")) == D("500.00")


def test_suspend_wins_over_freeze() -> None:
    def f(action: TriggerAction) -> Fired:
        return Fired("X", action, D(0), "en", "zh")
    assert strongest([f(TriggerAction.FREEZE), f(TriggerAction.SUSPEND)]) is TriggerAction.SUSPEND
    assert strongest([f(TriggerAction.HOLD), f(TriggerAction.CUT)]) is None


def test_a_trigger_table_that_fails_its_example_cases_is_refused_at_load_naming_the_case(
        tmp_path: Path) -> None:
    folder = Path(shutil.copytree(TRIGGERS.rules_dir, tmp_path / "rules"))
    table = folder / "triggers.json"
    table.write_text(table.read_text(encoding="utf-8").replace(
        "returns_in_window >= 3", "returns_in_window >= 4"), encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        TRIGGERS.load(folder)
    assert "three returns within the window cut half" in e.value.message
    assert TRIGGERS.load(TRIGGERS.rules_dir).label == trigger_rules().label
