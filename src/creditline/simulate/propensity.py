"""Latent default propensity helpers: a logistic link and an intercept calibrated so a
population's mean probability of default hits a target rate whatever its features."""

from __future__ import annotations

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def calibrate_intercept(x: np.ndarray, target: float) -> float:
    """The intercept ``b`` with ``mean(sigmoid(b + x)) == target`` (bisection; the mean
    is increasing in ``b``)."""
    lo, hi = -30.0, 30.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if sigmoid(mid + x).mean() < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
