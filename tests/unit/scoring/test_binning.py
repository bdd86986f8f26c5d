"""Optimal binning: the dynamic programme finds the best partition the rules allow, and the
rules (minimum bin size, bad-rate shape, missing bin, category pooling) always hold."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from creditline.scoring.binning import (
    BinningOptions,
    bin_categorical,
    bin_numeric,
    optimal_groups,
)
from creditline.scoring.woe import SMOOTHING, information_value


def _iv_of(good: np.ndarray, bad: np.ndarray, starts: list[int]) -> float:
    g = np.add.reduceat(good, starts)
    b = np.add.reduceat(bad, starts)
    G, B = good.sum(), bad.sum()
    pg, pb = (g + SMOOTHING) / (G + SMOOTHING), (b + SMOOTHING) / (B + SMOOTHING)
    return float(np.sum((pg - pb) * np.log(pg / pb)))


def _shape_ok(rates: np.ndarray, shape: str) -> bool:
    d = np.diff(rates)
    if shape == "ascending":
        return bool(np.all(d > 0))
    if shape == "descending":
        return bool(np.all(d < 0))
    if shape == "peak":  # rises (strictly), then falls (strictly)
        k = int(np.argmax(rates))
        return bool(np.all(d[:k] > 0) and np.all(d[k:] < 0))
    if shape == "valley":
        k = int(np.argmin(rates))
        return bool(np.all(d[:k] < 0) and np.all(d[k:] > 0))
    return True


def _brute_force(good: np.ndarray, bad: np.ndarray, min_count: float, shape: str,
                 max_n_bins: int | None) -> float:
    n = len(good)
    best = -np.inf
    for k in range(0, n):
        for cuts in itertools.combinations(range(1, n), k):
            starts = [0, *cuts]
            if max_n_bins is not None and len(starts) > max_n_bins:
                continue
            g, b = np.add.reduceat(good, starts), np.add.reduceat(bad, starts)
            if np.any(g + b < min_count) or not _shape_ok(b / (g + b), shape):
                continue
            best = max(best, _iv_of(good, bad, starts))
    return best


@pytest.mark.parametrize("shape", ["ascending", "descending", "peak", "valley", "none"])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("max_n_bins", [None, 3])
def test_dynamic_programme_matches_exhaustive_search(shape: str, seed: int,
                                                     max_n_bins: int | None) -> None:
    rng = np.random.default_rng(seed)
    good = rng.integers(20, 80, 8).astype(float)
    bad = rng.integers(5, 40, 8).astype(float)
    starts = optimal_groups(good, bad, min_count=60, shape=shape, max_n_bins=max_n_bins)
    g, b = np.add.reduceat(good, starts), np.add.reduceat(bad, starts)
    assert np.all(g + b >= 60)
    assert _shape_ok(b / (g + b), shape)
    if max_n_bins is not None:
        assert len(starts) <= max_n_bins
    assert _iv_of(good, bad, starts) == pytest.approx(
        _brute_force(good, bad, 60, shape, max_n_bins), rel=1e-12)


def _risk_rising_with(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return (rng.random(len(x)) < 1 / (1 + np.exp(-(x - 0.5) * 3))).astype(float)


@pytest.mark.parametrize("trend", ["ascending", "auto", "auto_asc_desc"])
def test_numeric_bins_follow_the_trend_and_the_minimum_size(trend: str) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=5000)
    y = _risk_rising_with(x, rng)
    vb, slots = bin_numeric("x", x, y, BinningOptions(trend=trend, min_bin_size=0.05))
    regular = (vb.good + vb.bad)[:-1]
    rates = vb.bad[:-1] / regular
    assert vb.trend == "ascending"
    assert np.all(np.diff(rates) > 0)
    assert np.all(regular >= 0.05 * len(x))
    assert np.all(np.diff(vb.woe[:-1]) < 0)  # WOE = ln(%good/%bad) falls as risk rises
    np.testing.assert_array_equal(slots, vb.bin_index(x))


def test_auto_finds_a_u_shaped_risk_and_monotone_trend_refuses_it() -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, 20000)
    y = (rng.random(len(x)) < 1 / (1 + np.exp(-(x**2 - 3)))).astype(float)
    auto, _ = bin_numeric("x", x, y, BinningOptions(trend="auto"))
    assert auto.trend == "valley"
    asc, _ = bin_numeric("x", x, y, BinningOptions(trend="ascending"))
    assert auto.iv > asc.iv


def test_auto_does_not_invent_a_peak_in_pure_noise() -> None:
    rng = np.random.default_rng(5)
    x = rng.normal(size=5000)
    y = (rng.random(len(x)) < 0.2).astype(float)
    vb, _ = bin_numeric("x", x, y, BinningOptions(trend="auto"))
    assert vb.trend in ("ascending", "descending")
    assert vb.iv < 0.02


def test_missing_values_get_their_own_bin() -> None:
    rng = np.random.default_rng(6)
    x = rng.normal(size=3000)
    y = _risk_rising_with(x, rng)
    x[:300] = np.nan
    y[:300] = 1.0  # missing is very risky
    vb, slots = bin_numeric("x", x, y, BinningOptions())
    assert vb.good[-1] + vb.bad[-1] == 300
    assert np.all(slots[:300] == vb.missing_slot)
    assert vb.woe[-1] == vb.woe.min()
    assert vb.labels()[-1] == "Missing"


def test_discrete_values_never_leave_an_empty_bin() -> None:
    rng = np.random.default_rng(7)
    x = rng.poisson(1.2, 4000).astype(float)
    y = _risk_rising_with(x / 3, rng)
    vb, _ = bin_numeric("x", x, y, BinningOptions(min_bin_size=0.02))
    assert np.all((vb.good + vb.bad)[:-1] > 0)
    assert vb.edges.tolist() == sorted(set(vb.edges.tolist()))


def test_categories_are_grouped_by_bad_rate_with_rare_ones_pooled() -> None:
    rng = np.random.default_rng(8)
    rate = {"a": 0.05, "b": 0.06, "c": 0.3, "d": 0.32, "rare1": 0.9, "rare2": 0.9}
    share = [0.3, 0.3, 0.19, 0.19, 0.01, 0.01]
    cats = rng.choice(list(rate), 20000, p=share)
    y = (rng.random(len(cats)) < np.vectorize(rate.get)(cats)).astype(float)
    values = cats.astype(object)
    values[:50] = None
    vb, slots = bin_categorical("c", values, y, BinningOptions(min_category_size=0.02))
    groups = {frozenset(g) for g in vb.groups}
    assert frozenset({"rare1", "rare2"}) <= next(g for g in groups if "rare1" in g)
    assert vb.other_bin == next(i for i, g in enumerate(vb.groups) if "rare1" in g)
    assert all(np.diff(vb.bad[:-1] / (vb.good + vb.bad)[:-1]) > 0)
    # unseen categories go to the pooled "other" group, missing to the missing slot
    idx = vb.bin_index(np.array(["never-seen", None, "a"], dtype=object))
    assert idx[0] == vb.other_bin
    assert idx[1] == vb.missing_slot
    assert idx[2] == next(i for i, g in enumerate(vb.groups) if "a" in g)
    np.testing.assert_array_equal(slots, vb.bin_index(values))


def test_without_rare_categories_unseen_ones_are_treated_as_missing() -> None:
    cats = np.array(["a", "b"] * 500, dtype=object)
    y = np.tile([0.0, 1.0, 0.0, 0.0], 250)
    vb, _ = bin_categorical("c", cats, y, BinningOptions())
    assert vb.bin_index(np.array(["zzz"], dtype=object))[0] == vb.missing_slot


def test_information_value_of_a_useless_split_is_zero() -> None:
    assert information_value(np.array([50.0, 50.0, 0.0]), np.array([10.0, 10.0, 0.0])) == \
        pytest.approx(0.0, abs=1e-12)


def test_cart_prebinning_keeps_the_rules_and_the_slots_consistent() -> None:
    from creditline.scoring.binning import cart_groups

    rng = np.random.default_rng(9)
    x = rng.lognormal(8, 1, 20_000)
    y = _risk_rising_with(np.log(x) / 16, rng)
    vb, slots = bin_numeric("x", x, y, BinningOptions(prebinning="cart", trend="ascending"))
    regular = (vb.good + vb.bad)[:-1]
    assert np.all(np.diff(vb.bad[:-1] / regular) > 0)
    assert np.all(regular >= 0.05 * len(x))
    np.testing.assert_array_equal(slots, vb.bin_index(x))
    good, bad = rng.integers(50, 100, 40).astype(float), rng.integers(5, 50, 40).astype(float)
    starts = cart_groups(good, bad, max_leaves=6, min_count=300)
    assert starts[0] == 0 and len(starts) <= 6
    assert np.all(np.add.reduceat(good + bad, starts) >= 300)
