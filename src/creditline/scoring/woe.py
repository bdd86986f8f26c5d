"""Weight of evidence and information value, with one smoothing rule.

WOE = ln(%good / %bad) per bin, so a higher WOE is safer.  Half a count is added to each side
so a bin with no bads (or no goods) gets a large but finite WOE; an empty bin (e.g. a missing
bin never seen in training) gets WOE 0: no evidence either way.
"""

from __future__ import annotations

import numpy as np

SMOOTHING = 0.5


def woe_values(good: np.ndarray, bad: np.ndarray) -> np.ndarray:
    good = np.asarray(good, dtype=np.float64)
    bad = np.asarray(bad, dtype=np.float64)
    G, B = good.sum(), bad.sum()
    if G <= 0 or B <= 0:
        return np.zeros_like(good)
    pg = (good + SMOOTHING) / (G + SMOOTHING)
    pb = (bad + SMOOTHING) / (B + SMOOTHING)
    return np.where(good + bad > 0, np.log(pg / pb), 0.0)


def information_value(good: np.ndarray, bad: np.ndarray) -> float:
    """Sum over bins of (%good - %bad) · WOE; the usual rule of thumb reads < 0.02 useless,
    0.02-0.1 weak, 0.1-0.3 medium, > 0.3 strong."""
    good = np.asarray(good, dtype=np.float64)
    bad = np.asarray(bad, dtype=np.float64)
    G, B = good.sum(), bad.sum()
    if G <= 0 or B <= 0:
        return 0.0
    w = woe_values(good, bad)
    return float(np.sum((good / G - bad / B) * w))
