"""Points scaling: the textbook PDO / base-odds transform, as pure functions.

score = offset + factor · ln(odds of good), with factor = PDO / ln 2 and
offset = base_score − factor · ln(base_odds).  So at ``base_odds`` good:bad the score is
``base_score`` and every ``pdo`` points the odds double.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from creditline.errors import ValidationError


@dataclass(frozen=True)
class Scaling:
    base_score: float = 600.0
    base_odds: float = 50.0
    pdo: float = 20.0

    def __post_init__(self) -> None:
        if not self.pdo > 0:
            raise ValidationError("pdo", "must be greater than 0")
        if not self.base_odds > 0:
            raise ValidationError("base_odds", "must be greater than 0")

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2.0)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def score_from_log_odds_bad(self, z: np.ndarray | float) -> np.ndarray | float:
        """Higher score = safer; ``z`` is ln(p_bad / p_good)."""
        return self.offset - self.factor * np.asarray(z) if isinstance(z, np.ndarray) \
            else self.offset - self.factor * z

    def log_odds_bad_from_score(self, score: np.ndarray | float) -> np.ndarray | float:
        return (self.offset - score) / self.factor

    def probability_bad(self, score: np.ndarray) -> np.ndarray:
        z = (self.offset - np.asarray(score, dtype=np.float64)) / self.factor
        return 1.0 / (1.0 + np.exp(-z))


def prior_shift(sample_bad_rate: float, target_bad_rate: float) -> float:
    """Intercept correction for a development sample whose bad rate differs from the
    portfolio's (case-control sampling): add this to the log-odds of bad."""
    for name, r in (("sample_bad_rate", sample_bad_rate), ("target_bad_rate", target_bad_rate)):
        if not 0.0 < r < 1.0:
            raise ValidationError(name, "must be strictly between 0 and 1")
    return math.log(target_bad_rate / (1 - target_bad_rate)) - math.log(
        sample_bad_rate / (1 - sample_bad_rate))
