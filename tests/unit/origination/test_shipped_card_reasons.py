"""Every variable of every shipped card explains itself specifically, in English and Chinese:
no shipped model can give the generic "Risk factor: <variable>" fallback, and the reasons an
applicant reads are ranked by the points they actually lost against each variable's best bin.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from creditline.origination.feature_reasons import (
    ENTERPRISE_REASONS,
    PERSON_REASONS,
    feature_reasons,
)
from creditline.origination.features import ENTERPRISE_FEATURES, PERSON_FEATURES
from creditline.origination.scorer import MODELS_DIR
from creditline.scoring.model_file import load_model
from creditline.scoring.reasons import is_generic, reason_text

SHIPPED = sorted(MODELS_DIR.glob("*.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_package_ships_both_a_cards() -> None:
    assert [p.stem for p in SHIPPED] == ["bnpl_a_card", "sme_a_card"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_shipped_card_can_give_a_generic_reason(path: Path) -> None:
    card = load_model(path.read_text())
    texts = card.reason_texts or {}
    # the variables the card scores, and every feature it was offered (a retrain may pick
    # one it dropped this time)
    names = [*card.variables_, *card.feature_names_in_]
    for name in names:
        t = reason_text(name, texts, prefix=card.card_type)
        assert not is_generic(t.en, t.zh), f"{path.stem}: {name} has the generic reason"
        assert t.code == f"A_{name.upper()}"
        assert "_" not in t.en + t.zh  # customer words, not column names
        assert CJK.search(t.zh) and len(t.en) > 30
    for name, t in card.reason_catalogue().items():
        assert not is_generic(t.en, t.zh), name


def test_every_feature_an_application_supplies_has_a_text() -> None:
    assert set(PERSON_REASONS) == set(PERSON_FEATURES)
    assert set(ENTERPRISE_REASONS) == set(ENTERPRISE_FEATURES)
    with pytest.raises(KeyError, match="no reason text"):
        feature_reasons(["shoe_size"])


def test_a_weak_applicant_reads_the_factors_that_cost_most_first() -> None:
    card = load_model((MODELS_DIR / "bnpl_a_card.json").read_text())
    weak = {"age": 19, "employment": "unemployed", "monthly_income": 2500.0,
            "existing_debt_monthly": 2000.0, "debt_to_income": 0.8, "credit_history_months": 2,
            "num_credit_accounts": 0, "revolving_utilization": 0.95, "inquiries_6m": 9,
            "delinquencies_24m": 3, "num_contacts": 1}
    reasons = card.reasons_one(weak, n=4)
    assert len(reasons) == 4
    lost = [r.points_lost for r in reasons]
    assert lost == sorted(lost, reverse=True) and lost[-1] > 0
    # the points lost are the card's own: best occupied bin minus this applicant's bin
    compiled = card.compile()
    best = dict(zip(card.variables_, card._best_points))
    for r in reasons:
        var = next(v for v in compiled.variables if v.name == r.variable)
        assert r.points_lost == pytest.approx(best[r.variable] - var.points_one(weak[r.variable]))
        assert r.text == PERSON_REASONS[r.variable]["en"]
        assert r.text_zh == PERSON_REASONS[r.variable]["zh"]
    assert reasons[0].variable == "employment"
    assert "help" in reasons[0].text and "有助于" in reasons[0].text_zh
