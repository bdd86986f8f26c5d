"""The LightGBM challenger behind the scorecard's interface."""

from __future__ import annotations

import json

import numpy as np
import pytest

from creditline.scoring import GBMScorecard, Scorecard, load_model, metrics
from tests.unit.scoring.simdata import Book


@pytest.fixture(scope="module")
def gbm(train_test: tuple[Book, Book]) -> GBMScorecard:
    train, _ = train_test
    return GBMScorecard(n_estimators=80, n_jobs=1, monotone_constraints={"utilization": 1, "age": -1}
                        ).fit(train.X, train.y)


def test_it_discriminates_on_unseen_rows(gbm: GBMScorecard, train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    assert metrics.auc(test.y, gbm.predict_proba(test.X)[:, 1]) > \
        metrics.auc(test.y, test.logit) - 0.04


def test_monotone_constraints_hold_for_every_applicant(gbm: GBMScorecard, book: Book) -> None:
    base = book.X.head(30)
    grid = np.linspace(0, 1, 21)
    risk = np.column_stack([gbm.predict_proba(base.assign(utilization=u))[:, 1] for u in grid])
    assert np.all(np.diff(risk, axis=1) >= -1e-12)  # more utilisation never looks safer
    ages = np.arange(20, 66, 5)
    risk = np.column_stack([gbm.predict_proba(base.assign(age=float(a)))[:, 1] for a in ages])
    assert np.all(np.diff(risk, axis=1) <= 1e-12)


def test_scores_use_the_same_scale_as_the_scorecard(gbm: GBMScorecard, book: Book) -> None:
    p = gbm.predict_proba(book.X.head(100))[:, 1]
    expected = gbm.scaling_.offset + gbm.scaling_.factor * np.log((1 - p) / p)
    np.testing.assert_allclose(gbm.score(book.X.head(100)), expected, rtol=1e-9)


def test_json_round_trip_gives_identical_scores(gbm: GBMScorecard, book: Book) -> None:
    text = gbm.to_json()
    d = json.loads(text)
    assert (d["format_version"], d["kind"]) == (1, "gbm")
    again = load_model(text)
    assert isinstance(again, GBMScorecard)
    np.testing.assert_array_equal(again.score(book.X), gbm.score(book.X))
    assert again.reasons(book.X.head(10)) == gbm.reasons(book.X.head(10))


def test_reasons_are_the_contributions_towards_bad(gbm: GBMScorecard, book: Book) -> None:
    X = book.X.head(20)
    contrib = gbm.booster_.predict(gbm._prepared(X), pred_contrib=True)
    for r, reasons in enumerate(gbm.reasons(X, n=2)):
        top = sorted((c for c in contrib[r, :-1] if c > 0), reverse=True)[:2]
        assert [x.points_lost for x in reasons] == pytest.approx(
            [c * gbm.scaling_.factor for c in top])


def test_one_application_from_a_mapping(gbm: GBMScorecard, book: Book) -> None:
    row = book.X.iloc[5].to_dict()
    assert gbm.score_one(row) == pytest.approx(gbm.score(book.X.iloc[[5]])[0])


def test_load_model_reads_a_scorecard_too(card: Scorecard, book: Book) -> None:
    np.testing.assert_array_equal(load_model(card.to_json()).score(book.X), card.score(book.X))
