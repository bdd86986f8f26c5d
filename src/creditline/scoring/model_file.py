"""Reading a model back from its JSON form, whichever kind it is."""

from __future__ import annotations

import json
from typing import Any

from creditline.scoring.columns import InputError
from creditline.scoring.scorecard import Scorecard


def load_model(text: str) -> Any:
    """A ``Scorecard`` or ``GBMScorecard`` from ``to_json`` output (``kind`` decides)."""
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("model", f"is not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(d, dict) or "kind" not in d:
        raise InputError("model", "is not a Creditline model (no 'kind')")
    if d["kind"] == "scorecard":
        return Scorecard.from_dict(d)
    if d["kind"] == "gbm":
        from creditline.scoring.gbm import GBMScorecard

        return GBMScorecard.from_dict(d)
    raise InputError("kind", f"unknown model kind {d['kind']!r}; expected scorecard or gbm")
