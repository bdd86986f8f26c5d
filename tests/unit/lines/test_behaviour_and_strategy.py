"""Behaviour features and the limit strategy's pure parts, on hand-made columns: how each
feature is counted, the money of a move, a line whose rules break is set aside while the
others are decided, and a table that fails its example cases is refused at load."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from creditline.batch.limit_strategy import decide_rows
from creditline.errors import ValidationError
from creditline.lines.behaviour import (
    BehaviourInputs,
    PurchaseRows,
    StatementRows,
    behaviour_features,
)
from creditline.lines.behaviour_ports import StrategyRow
from creditline.lines.strategy import RULES_DIR, STRATEGY, LimitTerms, Outcome, limit_move

DAY = 20_600  # a day number


def _inputs() -> BehaviourInputs:
    """Two lines.  Line 0: 10,000.00 limit, 2,500.00 used (was 10 % a month ago), bought
    1,000.00 of phones on 12 installments and 500.00 of groceries (returned in part) in the
    last 30 days, and 1,500.00 of groceries 60 days ago; three statements, the newest two
    paid in full, the oldest one late.  Line 1: new, nothing yet."""
    p = PurchaseRows(line=np.array([0, 0]), amount_90=np.array([100_000, 200_000]),
                     amount_30=np.array([100_000, 50_000]), count_90=np.array([1, 2]),
                     count_30=np.array([1, 1]), installment_amount_90=np.array([100_000, 0]),
                     returned_count_90=np.array([0, 1]))
    s = StatementRows(line=np.array([0, 0, 0, 0]), rank=np.array([0, 1, 2, 3]),
                      amount_due=np.array([150_000, 100_000, 80_000, 40_000]),
                      repayments=np.array([100_000, 80_000, 20_000, 0]),
                      past_due=np.array([0, 0, 60_000, 0]),
                      statement_day=np.array([DAY, DAY - 30, DAY - 61, DAY - 92]))
    return BehaviourInputs(
        day=DAY, limit=np.array([1_000_000, 500_000]), used=np.array([250_000, 0]),
        dpd=np.array([0, 0]), opened=np.array([DAY - 200, DAY - 3]),
        util_30d_ago=np.array([0.10, np.nan]), max_dpd_3m=np.array([12, -1]),
        max_dpd_6m=np.array([12, -1]), max_dpd_12m=np.array([40, -1]), purchases=p,
        statements=s)


def test_features_count_what_the_line_did() -> None:
    f = behaviour_features(_inputs())
    assert f["utilisation"].tolist() == [0.25, 0.0]
    assert f["utilisation_trend"].tolist() == pytest.approx([0.15, 0.0])
    # repaid during the 3 newest cycles, up to what the statement before asked:
    # min(1000, 1000) + min(800, 800) + min(200, 400) over 1000 + 800 + 400
    assert f["payment_ratio"].tolist() == pytest.approx([2000 / 2200, 1.0])
    assert f["max_dpd_3m"].tolist() == [12, 0] and f["max_dpd_12m"].tolist() == [40, 0]
    assert f["months_on_book"].tolist() == [6, 0]
    assert f["purchases_30d"].tolist() == [2, 0]
    assert f["purchase_velocity"].tolist() == pytest.approx([1500 / 1000, 0.0])
    assert f["return_frequency"].tolist() == pytest.approx([1 / 3, 0.0])
    assert f["installment_share"].tolist() == pytest.approx([1000 / 3000, 0.0])
    assert f["category_count_90d"].tolist() == [2, 0]
    assert f["top_category_share"].tolist() == pytest.approx([2000 / 3000, 0.0])
    assert f["clean_cycles"].tolist() == [2, 0]  # the third newest was late


def _terms(**kw: str | None) -> LimitTerms:
    base: dict[str, Decimal | None] = {
        "limit": Decimal("10000.00"), "used": Decimal("4000.00"),
        "capacity": Decimal("48000.00"), "product_min": Decimal("500.00"),
        "product_max": Decimal("50000.00"), "step": Decimal("100.00")}
    base.update({k: None if v is None else Decimal(v) for k, v in kw.items()})
    return LimitTerms(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("outcome", "terms", "want"), [
    (Outcome("A", "increase", Decimal("0.30"), False, "R"), {}, ("increase", "13000.00")),
    (Outcome("A", "increase", Decimal("0.30"), False, "R"), {"capacity": "11050.00"},
     ("increase", "11000.00")),
    (Outcome("A", "increase", Decimal("0.30"), False, "R"), {"capacity": None},
     ("none", "10000.00")),
    (Outcome("E", "decrease", Decimal("0.50"), False, "R"), {"used": "6001.00"},
     ("decrease", "6100.00")),
    (Outcome("E", "decrease", Decimal("0.90"), False, "R"), {"used": "0.00"},
     ("decrease", "1000.00")),
    (Outcome("E", "decrease", Decimal("0.99"), False, "R"), {"used": "0.00"},
     ("decrease", "500.00")),  # the product's minimum
    (Outcome("E", "decrease", Decimal("0.90"), True, "R"), {"used": "6000.00"},
     ("decrease", "1000.00")),  # a stated rule may cut below use
    (Outcome("E", "freeze", Decimal("0"), False, "R"), {}, ("freeze", "10000.00")),
])
def test_the_money_of_a_move(outcome: Outcome, terms: dict[str, str | None],
                             want: tuple[str, str]) -> None:
    move = limit_move(outcome, _terms(**terms))
    assert (move.action, str(move.new_limit)) == want


def _row(line_id: str, status: str = "active", kind: str = "person") -> StrategyRow:
    return StrategyRow(line_id=line_id, customer_kind=kind, product="consumer_bnpl",
                       status=status, limit=Decimal("10000.00"), used=Decimal("1000.00"),
                       monthly_income=Decimal("8000.00"), opted_out=False,
                       frozen_by_strategy=False, last_increase=None, last_decrease=None,
                       cycles_since_increase=7, product_min=Decimal("500.00"),
                       product_max=Decimal("50000.00"), opened_on=date(2026, 1, 2),
                       decided_today=False)


def test_a_line_whose_rules_break_is_reported_and_the_others_are_decided() -> None:
    """Three good payers in band A: one belongs to a customer kind the manifest gives no
    capacity for (so its increase cannot be sized); it is reported, the two others grow."""
    rows = [_row("a"), _row("b", kind="trust"), _row("c")]
    n = len(rows)
    features = {"b_pd": np.full(n, 0.005), "utilisation": np.full(n, 0.1),
                "clean_cycles": np.full(n, 6.0), "max_dpd_6m": np.zeros(n),
                "dpd": np.zeros(n)}
    out = decide_rows(rows, features, date(2026, 7, 1), STRATEGY.default())
    assert [(r.line_id, m.action, str(m.new_limit)) for r, m in out.moves] == [
        ("a", "increase", "13000.00"), ("c", "increase", "13000.00")]
    assert out.errors == [("b", "capacity_income_months: has no entry for 'trust'")]
    assert out.decided == 2


def test_a_table_that_fails_its_example_cases_is_refused_naming_the_case(
        tmp_path: Path) -> None:
    folder = tmp_path / "strategy"
    shutil.copytree(RULES_DIR, folder)
    table = folder / "limit_actions.json"
    doc = json.loads(table.read_text())
    node = next(n for n in doc["nodes"] if n["type"] == "decisionTableNode")
    raise_row = next(r for r in node["content"]["rules"] if r["reason"] == '"CLEAN_CYCLES_TOP_BAND"')
    raise_row["change"] = '"0.50"'  # +50 % instead of +30 %
    table.write_text(json.dumps(doc))
    with pytest.raises(ValidationError) as err:
        STRATEGY.load(folder)
    assert "band A, six clean cycles: +30 %" in str(err.value)
    assert STRATEGY.load(RULES_DIR).label == STRATEGY.default().label  # the shipped one loads


def test_psi_against_the_training_bands() -> None:
    from creditline.scoring.monitor import psi_against_training

    doc = json.dumps({"training": {"score_edges": [500.0, 600.0],
                                   "score_counts": [100, 800, 100]}})
    same = np.array([450.0] * 10 + [550.0] * 80 + [650.0] * 10)
    shifted = np.array([450.0] * 60 + [550.0] * 30 + [650.0] * 10)
    assert psi_against_training(doc, same) == pytest.approx(0.0, abs=1e-9)
    assert psi_against_training(doc, shifted) > 0.25
