"""Variable selection for a scorecard: keep variables that predict (IV), that say something the
others do not (correlation of WOE), and that are stable between samples (CSI)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def by_information_value(iv: Mapping[str, float], min_iv: float) -> tuple[list[str], dict[str, str]]:
    """Variables at or above ``min_iv``, strongest first, and the reasons for the rest."""
    kept = sorted((v for v in iv if iv[v] >= min_iv), key=lambda v: -iv[v])
    dropped = {v: f"information value {iv[v]:.4f} below min_iv {min_iv}" for v in iv
               if iv[v] < min_iv}
    return kept, dropped


def by_correlation(names: Sequence[str], woe: np.ndarray, max_corr: float
                   ) -> tuple[list[str], dict[str, str]]:
    """Greedy: walk ``names`` in order (strongest first) and drop any variable whose WOE is more
    correlated than ``max_corr`` (absolute Pearson) with one already kept."""
    if len(names) <= 1 or max_corr >= 1.0:
        return list(names), {}
    sd = woe.std(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(woe, rowvar=False) if woe.shape[0] > 1 else np.eye(len(names))
    corr = np.where(np.isfinite(corr), corr, 0.0)
    kept_idx: list[int] = []
    dropped: dict[str, str] = {}
    for j, name in enumerate(names):
        if sd[j] == 0:
            kept_idx.append(j)
            continue
        clash = [k for k in kept_idx if abs(corr[j, k]) > max_corr]
        if clash:
            other = names[clash[0]]
            dropped[name] = (f"WOE correlation {corr[j, clash[0]]:.3f} with {other} "
                             f"exceeds max_corr {max_corr}")
        else:
            kept_idx.append(j)
    return [names[j] for j in kept_idx], dropped


def by_stability(csi: Mapping[str, float], max_csi: float) -> tuple[list[str], dict[str, str]]:
    """Variables whose bin distribution moved no more than ``max_csi`` between samples."""
    kept = [v for v in csi if csi[v] <= max_csi]
    dropped = {v: f"stability index {csi[v]:.4f} exceeds max_csi {max_csi}" for v in csi
               if csi[v] > max_csi}
    return kept, dropped
