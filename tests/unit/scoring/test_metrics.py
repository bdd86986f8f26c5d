"""Validation measures on small worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from creditline.errors import ValidationError
from creditline.scoring import metrics
from creditline.scoring.scaling import Scaling, prior_shift


def test_auc_ks_gini_on_a_hand_counted_example() -> None:
    y = np.array([0, 0, 1, 0, 1, 1])
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.8, 0.9])
    # 9 bad-good pairs; the bad at 0.3 loses only to the good at 0.4: AUC = 8/9
    assert metrics.auc(y, p) == pytest.approx(8 / 9)
    assert metrics.gini(y, p) == pytest.approx(2 * 8 / 9 - 1)
    # cutting above 0.4 catches 2/3 of bads and no goods; above 0.2 catches 3/3 and 1/3
    assert metrics.ks(y, p) == pytest.approx(2 / 3)


def test_perfect_and_random_ranking() -> None:
    y = np.array([0, 0, 1, 1])
    assert metrics.auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert metrics.ks(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert metrics.auc(y, np.full(4, 0.5)) == 0.5


def test_discrimination_needs_both_outcomes() -> None:
    with pytest.raises(ValidationError, match="both goods and bads"):
        metrics.auc(np.zeros(3), np.array([0.1, 0.2, 0.3]))


def test_psi_is_zero_for_the_same_distribution_and_matches_the_formula() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(size=10_000)
    assert metrics.psi(a, a) == 0.0
    expected = np.array([50.0, 50.0])
    actual = np.array([30.0, 70.0])
    by_hand = (0.3 - 0.5) * np.log(0.3 / 0.5) + (0.7 - 0.5) * np.log(0.7 / 0.5)
    assert metrics.psi_from_counts(expected, actual) == pytest.approx(by_hand)


def test_psi_grows_with_the_shift_and_counts_missing_values() -> None:
    rng = np.random.default_rng(1)
    base = rng.normal(size=20_000)
    small = metrics.psi(base, base + 0.1)
    large = metrics.psi(base, base + 1.0)
    assert 0 < small < 0.1 < 0.25 < large
    with_missing = base.copy()
    with_missing[:5000] = np.nan
    assert metrics.psi(base, with_missing) > 0.25


def test_gains_table_captures_all_bads_and_peaks_at_ks() -> None:
    rng = np.random.default_rng(2)
    p = rng.random(5000)
    y = (rng.random(5000) < p).astype(int)
    g = metrics.gains_table(y, p, n_bands=10)
    assert g["count"].sum() == 5000
    assert g["cum_bads_pct"].iloc[-1] == pytest.approx(1.0)
    assert np.all(np.diff(g["bad_rate"]) < 0.05)  # riskiest band first
    assert g["lift"].iloc[0] > 1.5
    assert g["ks"].max() == pytest.approx(metrics.ks(y, p), abs=0.02)


def test_calibration_table_agrees_for_a_calibrated_model() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0.02, 0.5, 40_000)
    y = (rng.random(len(p)) < p).astype(int)
    cal = metrics.calibration_table(y, p, n_bands=10)
    assert len(cal) == 10
    assert np.all(np.abs(cal["z"]) < 4)
    summary = metrics.calibration_summary(y, p)
    assert summary["predicted_bad_rate"] == pytest.approx(summary["observed_bad_rate"], abs=0.01)


def test_scaling_puts_base_odds_at_the_base_score_and_doubles_every_pdo() -> None:
    s = Scaling(base_score=600, base_odds=50, pdo=20)
    p_at_base = 1 / 51  # odds good:bad 50:1
    z = np.log(p_at_base / (1 - p_at_base))
    assert s.score_from_log_odds_bad(z) == pytest.approx(600)
    assert s.score_from_log_odds_bad(z - np.log(2)) == pytest.approx(620)
    assert s.probability_bad(np.array([600.0]))[0] == pytest.approx(p_at_base)


def test_scaling_refuses_nonsense() -> None:
    with pytest.raises(ValidationError, match="pdo"):
        Scaling(pdo=0)
    with pytest.raises(ValidationError, match="target_bad_rate"):
        prior_shift(0.3, 1.2)


def test_prior_shift_maps_sample_odds_to_portfolio_odds() -> None:
    shift = prior_shift(0.5, 0.05)
    assert 1 / (1 + np.exp(-(0.0 + shift))) == pytest.approx(0.05)
