"""Scorecards: build, validate, explain, version and serve A-, B- and C-cards.

``Scorecard`` is the WOE logistic card; ``GBMScorecard`` the LightGBM challenger behind the
same interface; ``load_model`` reads either back from its JSON form.
"""

from __future__ import annotations

from typing import Any

from creditline.scoring.reasons import Reason
from creditline.scoring.scorecard import ConstantColumnWarning, Scorecard

__all__ = ["ConstantColumnWarning", "GBMScorecard", "Reason", "Scorecard", "load_model"]


def __getattr__(name: str) -> Any:
    # LightGBM is imported only when the challenger is used
    if name == "GBMScorecard":
        from creditline.scoring.gbm import GBMScorecard

        return GBMScorecard
    if name == "load_model":
        from creditline.scoring.model_file import load_model

        return load_model
    raise AttributeError(name)
