"""Drift monitoring: PSI of the score and CSI of every model variable between a baseline
sample (usually the development data) and a current one, flagged against limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from creditline.scoring.columns import InputError, to_columns
from creditline.scoring.metrics import psi, psi_from_counts, quantile_edges
from creditline.scoring.scorecard import Scorecard

DEFAULT_PSI_LIMIT = 0.25
DEFAULT_WARN_LIMIT = 0.10


@dataclass(frozen=True)
class DriftRow:
    item: str  # "score" or a variable name
    kind: str  # "score" | "variable"
    psi: float
    status: str  # "ok" | "warn" | "drift"


@dataclass(frozen=True)
class DriftReport:
    rows: list[DriftRow]
    psi_limit: float
    warn_limit: float
    baseline_rows: int
    current_rows: int

    @property
    def drifted(self) -> list[DriftRow]:
        return [r for r in self.rows if r.status == "drift"]

    @property
    def flagged(self) -> bool:
        return bool(self.drifted)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([r.__dict__ for r in self.rows])


def _status(value: float, warn: float, limit: float) -> str:
    return "drift" if value > limit else "warn" if value > warn else "ok"


def monitor(model: Any, baseline: Any, current: Any, *, psi_limit: float = DEFAULT_PSI_LIMIT,
            warn_limit: float = DEFAULT_WARN_LIMIT, n_bands: int = 10) -> DriftReport:
    """Score PSI over baseline score deciles; per-variable CSI over the model's own bins for a
    scorecard, or over baseline deciles / categories for the GBM challenger."""
    if not 0 < warn_limit <= psi_limit:
        raise InputError("warn_limit", "must be greater than 0 and at most psi_limit")
    s_base, s_cur = model.score(baseline), model.score(current)
    rows = [DriftRow("score", "score", psi(s_base, s_cur, n_bands=n_bands), "")]
    if isinstance(model, Scorecard):
        compiled = model.compile()
        b_cols = model._columns_for(baseline, model.variables_)
        c_cols = model._columns_for(current, model.variables_)
        for var in compiled.variables:
            n_slots = len(var.points)
            value = psi_from_counts(np.bincount(var.slots(b_cols.data[var.name]), minlength=n_slots),
                                    np.bincount(var.slots(c_cols.data[var.name]), minlength=n_slots))
            rows.append(DriftRow(var.name, "variable", value, ""))
    else:
        needed = list(model.variables_)
        b_data = to_columns(_select(baseline, needed), list(model.categories_)).data
        c_data = to_columns(_select(current, needed), list(model.categories_)).data
        for v in needed:
            if v in model.categories_:
                b, c = _category_counts(b_data[v], c_data[v])
                value = psi_from_counts(b, c)
            else:
                cuts = quantile_edges(b_data[v], n_bands)
                value = psi(b_data[v], c_data[v], edges=cuts)
            rows.append(DriftRow(v, "variable", value, ""))
    rows = [DriftRow(r.item, r.kind, r.psi, _status(r.psi, warn_limit, psi_limit)) for r in rows]
    return DriftReport(rows, psi_limit, warn_limit, len(s_base), len(s_cur))


def _select(X: Any, needed: list[str]) -> Any:
    present = {str(c) for c in X.columns}
    for v in needed:
        if v not in present:
            raise InputError(v, "column is missing from the sample; the model needs it")
    return X[needed] if isinstance(X, pd.DataFrame) else X.select(needed)


def _category_counts(base: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    b = pd.Series(base, dtype=object).fillna("\x00missing").value_counts()
    c = pd.Series(cur, dtype=object).fillna("\x00missing").value_counts()
    keys = sorted(set(b.index) | set(c.index))
    return (np.array([b.get(k, 0) for k in keys], dtype=float),
            np.array([c.get(k, 0) for k in keys], dtype=float))


def psi_against_training(model_json: str, scores: Any) -> float:
    """PSI of current scores against the score bands of the rows a card was trained on, as
    its training record keeps them (``training.score_edges`` / ``score_counts``: the shipped
    B-card's, ``simulate.default_bcard``).  A card without them has no baseline here."""
    import json

    training = json.loads(model_json).get("training") or {}
    edges, counts = training.get("score_edges"), training.get("score_counts")
    if edges is None or counts is None:
        raise InputError("model", "its training record keeps no score bands to compare with")
    s = np.asarray(scores, dtype=np.float64)
    s = s[~np.isnan(s)]
    current = np.bincount(np.searchsorted(np.asarray(edges, dtype=np.float64), s,
                                          side="right"), minlength=len(counts))
    return psi_from_counts(np.asarray(counts, dtype=np.float64), current.astype(np.float64))
