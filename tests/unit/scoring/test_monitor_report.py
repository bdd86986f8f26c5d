"""Drift monitoring flags a variable that moved, and the HTML report is one self-contained
file a committee can open offline."""

from __future__ import annotations

import re

import pytest

from creditline.errors import ValidationError
from creditline.scoring import GBMScorecard, Scorecard
from creditline.scoring.monitor import monitor
from creditline.scoring.report import build_report
from tests.unit.scoring.simdata import Book


def test_no_drift_between_two_samples_of_the_same_book(card: Scorecard,
                                                       train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    report = monitor(card, train.X, test.X)
    assert not report.flagged
    assert all(r.psi < 0.1 for r in report.rows)
    assert [r.item for r in report.rows] == ["score", *card.variables_]


def test_a_shifted_variable_and_the_score_are_flagged(card: Scorecard,
                                                      train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    current = test.X.assign(utilization=(test.X["utilization"] + 0.3).clip(upper=1.0))
    report = monitor(card, train.X, current)
    status = {r.item: r.status for r in report.rows}
    assert status["utilization"] == "drift"
    assert status["age"] == "ok"
    assert status["score"] in ("warn", "drift")
    assert report.flagged
    # a lenient limit turns the same drift into a warning at most
    relaxed = monitor(card, train.X, current, psi_limit=5.0, warn_limit=0.1)
    assert not relaxed.flagged


def test_monitor_works_for_the_gbm_challenger(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    gbm = GBMScorecard(n_estimators=20, n_jobs=1).fit(train.X, train.y)
    current = test.X.assign(region="west")
    status = {r.item: r.status for r in monitor(gbm, train.X, current).rows}
    assert status["region"] == "drift" and status["noise"] == "ok"


def test_monitor_refuses_inverted_limits(card: Scorecard, book: Book) -> None:
    with pytest.raises(ValidationError, match="warn_limit"):
        monitor(card, book.X, book.X, psi_limit=0.1, warn_limit=0.2)


def test_the_report_is_self_contained_html(card: Scorecard, train_test: tuple[Book, Book]) -> None:
    _, test = train_test
    html = build_report(card, test.X, test.y, title="BNPL A-card v1")
    assert html.startswith("<!doctype html>")
    for section in ("BNPL A-card v1", "Gains and lift", "Calibration by score band",
                    "Weight of evidence by variable", "Scorecard", "AUC", "KS", "Gini"):
        assert section in html
    images = re.findall(r'src="data:image/png;base64,', html)
    assert len(images) == 4 + len(card.variables_)  # ROC, KS, distribution, calibration + WOE
    assert "http://" not in html and "https://" not in html


def test_the_gbm_report_shows_importance_instead_of_woe(train_test: tuple[Book, Book]) -> None:
    train, test = train_test
    gbm = GBMScorecard(n_estimators=20, n_jobs=1).fit(train.X, train.y)
    html = build_report(gbm, test.X, test.y)
    assert "Variable importance" in html and "Weight of evidence" not in html
