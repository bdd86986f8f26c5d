"""The shipped A-cards: they load, score the features an application supplies, and the
single-row reason path agrees with the scorecard's own batch ranking."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pandas as pd
import pytest

from creditline.origination.features import (
    ENTERPRISE_CARD,
    PERSON_CARD,
    Bureau,
    enterprise_features,
    person_features,
)
from creditline.origination.scorer import shipped_card
from creditline.policy.enterprise import Collateral, FinancialStatements
from creditline.scoring.model_file import load_model

CARD = load_model(shipped_card(PERSON_CARD))
ROWS = [
    person_features(age=age, employment=emp, monthly_income=D(inc), num_contacts=n,
                    bureau=Bureau.from_mapping(b))
    for age, emp, inc, n, b in [
        (40, "employed", "12000.00", 2, {"credit_history_months": 140, "inquiries_6m": 0,
                                         "revolving_utilization": 0.1, "delinquencies_24m": 0}),
        (22, "student", "1500.00", 1, {"credit_history_months": 3, "inquiries_6m": 4,
                                       "revolving_utilization": 0.95, "delinquencies_24m": 2}),
        (31, "freelancer", "6000.00", 0, {"revolving_utilization": 0.5, "inquiries_6m": 1}),
        (55, "unemployed", "3000.00", 1, {}),
    ]]


def test_the_shipped_cards_carry_their_training_record() -> None:
    for name in (PERSON_CARD, ENTERPRISE_CARD):
        training = json.loads(shipped_card(name))["training"]
        assert len(training["data_fingerprint"]) == 64
        assert training["holdout"]["auc"] > 0.7, name


@pytest.mark.parametrize("row", ROWS, ids=["good", "thin-file student", "refer", "no bureau"])
def test_single_row_reasons_match_the_scorecards_batch_ranking(row: dict[str, object]) -> None:
    fast = CARD.reasons_one(row, n=4)
    [batch] = CARD.reasons(pd.DataFrame([row]), n=4)
    assert [r.code for r in fast] == [r.code for r in batch]
    assert all(r.text and r.text_zh for r in fast)


def test_better_files_score_higher() -> None:
    scores = [CARD.score_one(r) for r in ROWS]
    assert scores[0] > scores[2] > scores[1]
    assert 0 < CARD.proba_one(ROWS[0]) < CARD.proba_one(ROWS[1]) < 1


def test_the_sme_card_scores_an_enterprise_from_its_statements() -> None:
    sme = load_model(shipped_card(ENTERPRISE_CARD))
    fs = FinancialStatements(
        revenue=D("10000000"), net_profit=D("800000"), current_assets=D("3000000"),
        current_liabilities=D("2000000"), total_assets=D("8000000"),
        total_liabilities=D("4000000"), operating_cash_flow=D("1500000"),
        debt_service=D("600000"))
    weak = FinancialStatements(
        revenue=D("10000000"), net_profit=D("-900000"), current_assets=D("1000000"),
        current_liabilities=D("2500000"), total_assets=D("8000000"),
        total_liabilities=D("7600000"), operating_cash_flow=D("300000"),
        debt_service=D("600000"))
    strong = enterprise_features(industry="C", firm_age_years=8, employees=40, statements=fs,
                                 collateral=(Collateral("property", D("1000000")),))
    poor = enterprise_features(industry="C", firm_age_years=8, employees=40, statements=weak,
                               collateral=())
    assert sme.score_one(strong) > sme.score_one(poor) + 40
    assert poor["collateral_kind"] == "none" and strong["collateral_kind"] == "property"


def _ranking_before(card: object, row: dict[str, object], n: int = 4) -> list[str]:
    """How origination ranked a single application's reasons before the card could (its
    own re-implementation from the card's internals), kept here as the reference."""
    compiled = card.compile()  # type: ignore[attr-defined]
    lost = []
    for var in compiled.variables:
        vb, pts = card.bins_[var.name], card.points_[var.name]  # type: ignore[attr-defined]
        occupied = (vb.good + vb.bad) > 0
        best = float(pts[occupied].max()) if occupied.any() else float(pts.max())
        shortfall = best - var.points_one(row.get(var.name))
        if shortfall > 1e-9:
            lost.append((-shortfall, card.variables_.index(var.name), var.name))  # type: ignore[attr-defined]
    lost.sort()
    catalogue = card.reason_catalogue()  # type: ignore[attr-defined]
    return [catalogue[name].code for _, _, name in lost[:n]]


def test_the_cards_own_ranking_is_the_one_origination_used_on_both_shipped_cards() -> None:
    """Every simulated applicant, person or enterprise: the card's ``reasons_one`` names the
    same reasons in the same order as origination's former ranking, so decisions and the
    demo's reason counts are unchanged."""
    from creditline.simulate.default_cards import enterprise_frame, person_frame
    from creditline.simulate.population import generate_population

    pop = generate_population(1500, 7, enterprises=400)
    for name, frame in ((PERSON_CARD, person_frame(pop)), (ENTERPRISE_CARD, enterprise_frame(pop))):
        card = load_model(shipped_card(name))
        rows = list(frame.drop("bad").iter_rows(named=True))
        with_reasons = 0
        for row in rows:
            ranked = [r.code for r in card.reasons_one(row)]
            assert ranked == _ranking_before(card, row), (name, row)
            with_reasons += bool(ranked)
        assert with_reasons > len(rows) // 2, name  # the pin is not vacuous
