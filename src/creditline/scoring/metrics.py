"""Validation measures a model committee asks for: AUC, KS, Gini, PSI / CSI, lift and gains,
calibration by score band.  ``y`` is 1 = bad; ``p`` is the probability of bad (or any number
that rises with risk)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from creditline.errors import ValidationError

PSI_EPS = 1e-4  # floor on a band's share so an empty band gives a large, finite PSI


def _check(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=np.float64).ravel()
    p = np.asarray(p, dtype=np.float64).ravel()
    if y.shape != p.shape:
        raise ValidationError("y", f"has {y.size} values but the predictions have {p.size}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValidationError("y", "must be 0 (good) or 1 (bad)")
    if y.min() == y.max():
        raise ValidationError("y", "needs both goods and bads to measure discrimination")
    return y, p


def auc(y: np.ndarray, p: np.ndarray) -> float:
    y, p = _check(y, p)
    return float(roc_auc_score(y, p))


def gini(y: np.ndarray, p: np.ndarray) -> float:
    """Accuracy ratio: 2·AUC − 1."""
    return 2.0 * auc(y, p) - 1.0


def ks(y: np.ndarray, p: np.ndarray) -> float:
    """Kolmogorov-Smirnov: the widest gap between the cumulative bad and good distributions."""
    y, p = _check(y, p)
    fpr, tpr, _ = roc_curve(y, p)
    return float(np.max(tpr - fpr))


def discrimination(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """AUC, KS and Gini together, as printed after training."""
    a = auc(y, p)
    return {"auc": a, "ks": ks(y, p), "gini": 2.0 * a - 1.0}


def quantile_edges(values: np.ndarray, n_bands: int) -> np.ndarray:
    """Inner cut points of ``n_bands`` equal-count bands (deduplicated)."""
    v = np.asarray(values, dtype=np.float64)
    v = v[~np.isnan(v)]
    if v.size == 0:
        return np.empty(0)
    qs = np.linspace(0, 1, n_bands + 1)[1:-1]
    return np.unique(np.quantile(v, qs))


def psi_from_counts(expected: np.ndarray, actual: np.ndarray) -> float:
    """Population stability index between two histograms over the same bands."""
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    if e.sum() <= 0 or a.sum() <= 0:
        raise ValidationError("sample", "must not be empty")
    pe = np.maximum(e / e.sum(), PSI_EPS)
    pa = np.maximum(a / a.sum(), PSI_EPS)
    return float(np.sum((pa - pe) * np.log(pa / pe)))


def psi(expected: np.ndarray, actual: np.ndarray, *, n_bands: int = 10,
        edges: Sequence[float] | np.ndarray | None = None) -> float:
    """PSI of a numeric quantity (usually the score) between a baseline and a current sample;
    bands are baseline deciles unless ``edges`` are given; missing values form their own band.
    Rule of thumb: < 0.1 stable, 0.1-0.25 watch, > 0.25 shifted."""
    e = np.asarray(expected, dtype=np.float64)
    a = np.asarray(actual, dtype=np.float64)
    cuts = np.asarray(edges, dtype=np.float64) if edges is not None else quantile_edges(e, n_bands)
    return psi_from_counts(_band_counts(e, cuts), _band_counts(a, cuts))


def _band_counts(v: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    idx = np.searchsorted(cuts, v, side="right")
    idx[np.isnan(v)] = len(cuts) + 1
    return np.bincount(idx, minlength=len(cuts) + 2)


def csi(expected_slots: np.ndarray, actual_slots: np.ndarray, n_slots: int) -> float:
    """Characteristic stability index: PSI of one variable over its model bins, given each
    row's bin slot (as returned by a fitted binning)."""
    return psi_from_counts(np.bincount(expected_slots, minlength=n_slots),
                           np.bincount(actual_slots, minlength=n_slots))


def gains_table(y: np.ndarray, p: np.ndarray, n_bands: int = 10) -> pd.DataFrame:
    """Bands from riskiest to safest with counts, bad rate, cumulative share of bads captured
    (gains), lift over the average and the running KS."""
    y, p = _check(y, p)
    order = np.argsort(-p, kind="stable")
    ys = y[order]
    n = len(ys)
    band = np.minimum((np.arange(n) * n_bands) // n, n_bands - 1)
    count = np.bincount(band, minlength=n_bands).astype(float)
    bads = np.bincount(band, weights=ys, minlength=n_bands)
    goods = count - bads
    p_sorted = p[order]
    lo = np.array([p_sorted[band == b].min() if count[b] else np.nan for b in range(n_bands)])
    hi = np.array([p_sorted[band == b].max() if count[b] else np.nan for b in range(n_bands)])
    total_bad, total_good = bads.sum(), goods.sum()
    cum_bad = np.cumsum(bads) / total_bad
    cum_good = np.cumsum(goods) / total_good
    with np.errstate(invalid="ignore", divide="ignore"):
        bad_rate = bads / count
    return pd.DataFrame({
        "band": np.arange(1, n_bands + 1),
        "min_p": lo,
        "max_p": hi,
        "count": count.astype(int),
        "bads": bads.astype(int),
        "bad_rate": bad_rate,
        "cum_bads_pct": cum_bad,
        "lift": bad_rate / (total_bad / n),
        "cum_lift": cum_bad / (np.cumsum(count) / n),
        "ks": cum_bad - cum_good,
    })


def calibration_table(y: np.ndarray, p: np.ndarray, score: np.ndarray | None = None,
                      n_bands: int = 10) -> pd.DataFrame:
    """Predicted vs observed bad rate per band (score bands when ``score`` is given, else
    probability bands), with a binomial z-statistic per band."""
    y, p = _check(y, p)
    key = np.asarray(score, dtype=np.float64) if score is not None else p
    cuts = quantile_edges(key, n_bands)
    band = np.searchsorted(cuts, key, side="right")
    rows = []
    for b in range(len(cuts) + 1):
        m = band == b
        if not m.any():
            continue
        n = int(m.sum())
        predicted = float(p[m].mean())
        observed = float(y[m].mean())
        sd = float(np.sqrt(np.sum(p[m] * (1 - p[m])))) / n
        rows.append({
            "band": b + 1,
            "min_key": float(key[m].min()),
            "max_key": float(key[m].max()),
            "count": n,
            "predicted_bad_rate": predicted,
            "observed_bad_rate": observed,
            "z": (observed - predicted) / sd if sd > 0 else 0.0,
        })
    return pd.DataFrame(rows)


def calibration_summary(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    """Overall calibration: mean predicted vs observed bad rate and the Brier score."""
    y, p = _check(y, p)
    return {"predicted_bad_rate": float(p.mean()), "observed_bad_rate": float(y.mean()),
            "brier": float(np.mean((p - y) ** 2))}
