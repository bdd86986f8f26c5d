"""The A-card on a simulated book with a known answer: it ranks applicants in the true risk
order, its bins obey the trends asked for, and its JSON form scores exactly like the original."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import polars as pl
import pytest
from scipy.stats import spearmanr

from creditline.scoring import Scorecard, metrics
from tests.unit.scoring.simdata import Book


def test_the_card_ranks_applicants_in_the_true_risk_order(card: Scorecard,
                                                         train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    score = card.score(test.X)
    # higher score = safer = lower true log-odds of default
    rho = spearmanr(score, -test.logit).statistic
    assert rho > 0.9
    # on unseen rows the card discriminates almost as well as the truth itself
    auc_card = metrics.auc(test.y, card.predict_proba(test.X)[:, 1])
    auc_truth = metrics.auc(test.y, test.logit)
    assert auc_card > auc_truth - 0.02
    # mean true risk falls band by band as the score rises
    bands = pd.qcut(score, 5, labels=False)
    risk_by_band = pd.Series(test.logit).groupby(bands).mean().to_numpy()
    assert np.all(np.diff(risk_by_band) < 0)


def test_it_keeps_the_real_drivers_and_drops_the_noise(card: Scorecard) -> None:
    assert set(card.variables_) == {"age", "utilization", "income", "inquiries", "region"}
    assert "noise" in card.dropped_ and "information value" in card.dropped_["noise"]
    assert np.all(card.coef_ < 0)  # higher WOE (safer) lowers the log-odds of bad


def test_bins_follow_the_requested_trends(card: Scorecard) -> None:
    t = card.table()
    age = t[(t.variable == "age") & (t.bin != "Missing")]
    util = t[(t.variable == "utilization") & (t.bin != "Missing")]
    assert np.all(np.diff(age.bad_rate) < 0)  # older is safer
    assert np.all(np.diff(util.bad_rate) > 0)  # higher utilisation is riskier
    assert np.all(np.diff(util.points) < 0)  # ...and costs points
    assert card.bins_["age"].trend == "descending"


def test_table_reads_like_a_scorecard(card: Scorecard) -> None:
    t = card.table()
    assert list(t.columns) == ["variable", "bin", "count", "count_pct", "good", "bad",
                               "bad_rate", "woe", "iv", "points"]
    for v in card.variables_:
        rows = t[t.variable == v]
        assert rows["count_pct"].sum() == pytest.approx(1.0)
        assert rows["iv"].sum() == pytest.approx(card.bins_[v].iv)
    income_missing = t[(t.variable == "income") & (t.bin == "Missing")]
    assert income_missing["count"].item() > 0
    assert income_missing["bad_rate"].item() > t[t.variable == "income"]["bad_rate"].median()


def test_score_is_base_points_plus_one_bin_per_variable(card: Scorecard,
                                                       train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    row = test.X.iloc[[0]]
    t = card.table()
    total = card.base_points_
    for v in card.variables_:
        slot = card.bins_[v].bin_index(card._columns_for(row, [v]).data[v])[0]
        total += t[t.variable == v]["points"].iloc[slot]
    assert card.score(row)[0] == pytest.approx(total)


def test_scaling_base_odds_and_points_to_double_the_odds(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    card = Scorecard(base_score=600, base_odds=50, pdo=20).fit(train.X, train.y)
    p = card.predict_proba(test.X)[:, 1]
    odds_good = (1 - p) / p
    expected = 600 + 20 / math.log(2) * np.log(odds_good / 50)
    np.testing.assert_allclose(card.score(test.X), expected, rtol=1e-9)


def test_json_round_trip_gives_identical_scores(card: Scorecard,
                                               train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    text = card.to_json()
    d = json.loads(text)
    assert d["format_version"] == 1 and d["kind"] == "scorecard" and d["card_type"] == "A"
    assert {v["name"] for v in d["variables"]} == set(card.variables_)
    again = Scorecard.from_json(text)
    np.testing.assert_array_equal(again.score(test.X), card.score(test.X))
    np.testing.assert_array_equal(again.predict_proba(test.X), card.predict_proba(test.X))
    assert again.to_json() == text
    assert again.reasons(test.X.head(20)) == card.reasons(test.X.head(20))


def test_pandas_polars_and_numpy_input_score_alike(card: Scorecard,
                                                 train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    expected = card.score(test.X)
    np.testing.assert_array_equal(card.score(pl.from_pandas(test.X)), expected)
    # a frame with extra and reordered columns is fine
    shuffled = test.X[list(reversed(test.X.columns))].assign(extra=1)
    np.testing.assert_array_equal(card.score(shuffled), expected)
    # positional numpy input (same columns as in training)
    np.testing.assert_array_equal(card.score(test.X.to_numpy(dtype=object)), expected)


def test_a_category_dtype_column_scores_like_its_text(card: Scorecard,
                                                      train_test: tuple[Book, Book]) -> None:
    """Batch scoring takes a pandas ``category`` column by its codes (no per-row hashing);
    missing values, a category never seen in training and unused categories score exactly
    as the same values given as text."""
    _, test = train_test
    X = test.X.head(500).copy()
    X.loc[X.index[:7], "region"] = None
    X.loc[X.index[7:11], "region"] = "Atlantis"  # unseen: the card's "other" bin
    expected = card.score(X)
    as_category = X.assign(region=pd.Categorical(X["region"],
                                                 categories=[*sorted(set(X["region"].dropna())),
                                                             "never used"]))
    np.testing.assert_array_equal(card.score(as_category), expected)
    # categories that are numbers compare as their text, as they do from an object column
    codes = {r: float(i) for i, r in enumerate(sorted(set(X["region"].dropna())))}
    numbered = X.assign(region=X["region"].map(codes))
    card_n = Scorecard(categorical=["region"]).fit(
        train_test[0].X.assign(region=train_test[0].X["region"].map(codes)), train_test[0].y)
    np.testing.assert_array_equal(
        card_n.score(numbered.assign(region=numbered["region"].astype("category"))),
        card_n.score(numbered.assign(region=numbered["region"].astype(object))))


def test_a_polars_fit_equals_a_pandas_fit(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    a = Scorecard().fit(train.X, train.y)
    b = Scorecard().fit(pl.from_pandas(train.X), pl.Series(train.y))
    np.testing.assert_array_equal(a.score(test.X), b.score(test.X))


def test_single_application_from_a_mapping_matches_the_batch(card: Scorecard,
                                                            train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    batch = card.score(test.X.head(200))
    for i, row in enumerate(test.X.head(200).to_dict("records")):
        assert card.score_one(row) == pytest.approx(batch[i], abs=1e-9)
    row = test.X.iloc[0].to_dict()
    assert card.proba_one(row) == pytest.approx(card.predict_proba(test.X.head(1))[0, 1])


def test_reasons_name_the_variables_that_cost_the_most_points(card: Scorecard,
                                                              train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    X = test.X.head(50)
    reasons = card.reasons(X, n=3)
    pts = card.compile().points_columns(card._columns_for(X, card.variables_).data, len(X))
    best = np.array([card.points_[v][(card.bins_[v].good + card.bins_[v].bad) > 0].max()
                     for v in card.variables_])
    for r, row_reasons in enumerate(reasons):
        assert len(row_reasons) <= 3
        lost = [x.points_lost for x in row_reasons]
        assert lost == sorted(lost, reverse=True)
        assert all(x > 0 for x in lost)
        shortfall = dict(zip(card.variables_, best - pts[r]))
        top = sorted(shortfall.values(), reverse=True)[: len(lost)]
        assert lost == pytest.approx(top)
        for x in row_reasons:
            assert x.code == f"A_{x.variable.upper()}"
            assert x.text and x.text_zh


def test_the_safest_applicant_has_no_adverse_reasons(card: Scorecard) -> None:
    best_row = {}
    for v in card.variables_:
        vb = card.bins_[v]
        slot = int(np.argmax(np.where((vb.good + vb.bad) > 0, card.points_[v], -np.inf)))
        if vb.kind == "numeric":
            best_row[v] = (vb.edges[slot - 1] if slot > 0 else vb.edges[0] - 1.0)
        else:
            best_row[v] = vb.groups[slot][0]
    assert card.reasons(pd.DataFrame([best_row]))[0] == []


def test_reason_texts_can_be_overridden(train_test: tuple[Book, Book]) -> None:
    train, _ = train_test
    card = Scorecard(card_type="B", reason_texts={"utilization": {
        "code": "B01", "en": "Line nearly maxed out", "zh": "额度几乎用满"}}).fit(train.X, train.y)
    cat = card.reason_catalogue()
    assert (cat["utilization"].code, cat["utilization"].zh) == ("B01", "额度几乎用满")
    assert cat["age"].code == "B_AGE"


def test_rounded_points_are_whole_numbers_and_still_rank(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    card = Scorecard(round_points=True).fit(train.X, train.y)
    assert all(np.all(p == np.round(p)) for p in card.points_.values())
    s = card.score(test.X)
    assert np.all(s == np.round(s))
    assert metrics.auc(test.y, -s) > 0.7


def test_target_bad_rate_recalibrates_the_intercept_only(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    plain = Scorecard().fit(train.X, train.y)
    shifted = Scorecard(target_bad_rate=0.05).fit(train.X, train.y)
    assert shifted.predict_proba(train.X)[:, 1].mean() < 0.1
    assert spearmanr(plain.score(test.X), shifted.score(test.X)).statistic == pytest.approx(1.0)


def test_calibrate_refits_log_odds_on_a_fresh_sample(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    card = Scorecard(target_bad_rate=0.05).fit(train.X, train.y)  # deliberately off
    before = card.score(test.X)
    card.calibrate(test.X, test.y)
    p = card.predict_proba(test.X)[:, 1]
    assert p.mean() == pytest.approx(test.y.mean(), abs=0.01)
    assert spearmanr(before, card.score(test.X)).statistic == pytest.approx(1.0)
    again = Scorecard.from_json(card.to_json())
    np.testing.assert_array_equal(again.score(test.X), card.score(test.X))


def test_x_stability_drops_a_variable_that_moved(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    recent = test.X.assign(inquiries=test.X["inquiries"] + 4)
    card = Scorecard().fit(train.X, train.y, X_stability=recent)
    assert "inquiries" not in card.variables_
    assert "stability index" in card.dropped_["inquiries"]
    assert card.csi_["age"] < 0.1


def test_correlated_copies_are_dropped(train_test: tuple[Book, Book]) -> None:
    train, _ = train_test
    X = train.X.assign(age_copy=train.X["age"] + 0.001)
    card = Scorecard().fit(X, train.y)
    assert ("age" in card.variables_) != ("age_copy" in card.variables_)
    dropped = "age_copy" if "age_copy" in card.dropped_ else "age"
    assert "correlation" in card.dropped_[dropped]


def test_max_n_bins_caps_every_variable(train_test: tuple[Book, Book]) -> None:
    train, _ = train_test
    card = Scorecard(max_n_bins=3).fit(train.X, train.y)
    assert all(card.bins_[v].n_bins <= 3 for v in card.variables_)


def test_predict_uses_the_class_labels(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    labels = np.where(train.y == 1, "bad", "good")  # "good" sorts after "bad"...
    card = Scorecard().fit(train.X, labels)
    assert list(card.classes_) == ["bad", "good"]
    # ...so the second class ("good") is the one predict_proba[:, 1] estimates
    assert set(card.predict(test.X)) <= {"bad", "good"}
