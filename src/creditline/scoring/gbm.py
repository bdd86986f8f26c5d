"""A LightGBM challenger behind the scorecard's interface (fit, predict_proba, score, reasons,
JSON), so the registry can run it in shadow beside the champion card.

Categories are coded by the model itself (sorted training values -> 0..k-1); a category never
seen in training gets code k, which LightGBM routes like any category outside a split's set,
so scoring never fails on it.  Reasons come from SHAP contributions (``pred_contrib``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from creditline.scoring.columns import (
    InputError,
    ModelNotFitted,
    as_categorical,
    as_numeric,
    to_columns,
)
from creditline.scoring.reasons import Reason, ReasonText, reason_text
from creditline.scoring.scaling import Scaling
from creditline.scoring.scorecard import CARD_TYPES, FORMAT_VERSION, binary_target

_PARAMS = ("n_estimators", "learning_rate", "num_leaves", "max_depth", "min_child_samples",
           "subsample", "colsample_bytree", "reg_lambda")


class GBMScorecard(BaseEstimator):  # type: ignore[misc]  # scikit-learn has no type stubs: its classes are Any
    """Gradient-boosted challenger.  ``monotone_constraints`` maps a column to +1 (higher value,
    higher risk) or -1 (higher value, lower risk); LightGBM enforces it in every tree."""

    def __init__(self, *, card_type: str = "A", n_estimators: int = 200,
                 learning_rate: float = 0.05, num_leaves: int = 31, max_depth: int = -1,
                 min_child_samples: int = 50, subsample: float = 1.0,
                 colsample_bytree: float = 1.0, reg_lambda: float = 0.0,
                 monotone_constraints: Mapping[str, int] | None = None,
                 categorical: Sequence[str] | None = None, random_state: int = 0,
                 n_jobs: int | None = None, base_score: float = 600.0, base_odds: float = 50.0,
                 pdo: float = 20.0,
                 reason_texts: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.card_type = card_type
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.max_depth = max_depth
        self.min_child_samples = min_child_samples
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_lambda = reg_lambda
        self.monotone_constraints = monotone_constraints
        self.categorical = categorical
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.base_score = base_score
        self.base_odds = base_odds
        self.pdo = pdo
        self.reason_texts = reason_texts

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_class=False)
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags

    def _check_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise ModelNotFitted(
                f"This {type(self).__name__} instance is not fitted yet: call fit(X, y) first")

    def _lgb_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "objective": "binary", "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves, "max_depth": self.max_depth,
            "min_data_in_leaf": self.min_child_samples, "lambda_l2": self.reg_lambda,
            "feature_fraction": self.colsample_bytree, "seed": self.random_state,
            "deterministic": True, "verbosity": -1,
        }
        if self.subsample < 1.0:
            params.update(bagging_fraction=self.subsample, bagging_freq=1)
        if self.n_jobs:
            params["num_threads"] = self.n_jobs
        return params

    def fit(self, X: Any, y: Any) -> GBMScorecard:
        if self.card_type not in CARD_TYPES:
            raise InputError("card_type", f"must be one of {', '.join(CARD_TYPES)}")
        cols = to_columns(X, self.categorical or ())
        classes, y01 = binary_target(y, cols.n_rows)
        self.classes_ = classes
        self.n_features_in_ = len(cols.names)
        if cols.from_frame:
            self.feature_names_in_ = np.asarray(cols.names, dtype=object)
        self.input_kinds_ = dict(cols.kinds)
        for name in cols.names:
            values = cols.data[name]
            missing = pd.isna(values) if cols.kinds[name] == "categorical" else np.isnan(values)
            if missing.all():
                raise InputError(name, "column is entirely missing (no non-missing values)")
        self.variables_ = list(cols.names)
        self.categories_ = {
            name: sorted({str(v) for v in cols.data[name] if v is not None})
            for name in cols.names if cols.kinds[name] == "categorical"}
        constraints = dict(self.monotone_constraints or {})
        for name, sign in constraints.items():
            if name not in cols.kinds:
                raise InputError(f"monotone_constraints.{name}", "no such column in X")
            if sign not in (-1, 0, 1):
                raise InputError(f"monotone_constraints.{name}", "must be -1, 0 or 1")
            if cols.kinds[name] == "categorical" and sign:
                raise InputError(f"monotone_constraints.{name}",
                                 "a categorical column has no order to constrain")
        params = self._lgb_params()
        if constraints:
            params["monotone_constraints"] = [int(constraints.get(v, 0)) for v in self.variables_]
            # "basic" is exact; "advanced" let small violations through in our tests
            params["monotone_constraints_method"] = "basic"
        matrix = self._matrix(cols.data)
        cat_idx = [i for i, v in enumerate(self.variables_) if v in self.categories_]
        data = lgb.Dataset(matrix, label=y01, feature_name=self.variables_,
                           categorical_feature=cat_idx or "auto", free_raw_data=True,
                           params={"verbosity": -1})
        self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        self.scaling_ = Scaling(self.base_score, self.base_odds, self.pdo)
        return self

    def _matrix(self, data: Mapping[str, np.ndarray]) -> np.ndarray:
        n = len(next(iter(data.values()))) if data else 0
        out = np.empty((n, len(self.variables_)), dtype=np.float64)
        for j, v in enumerate(self.variables_):
            if v in self.categories_:
                cats = self.categories_[v]
                pos = pd.Index(cats).get_indexer(pd.Index(data[v])).astype(np.float64)
                pos[pos < 0] = len(cats)  # unseen category: its own code
                pos[pd.isna(data[v])] = np.nan
                out[:, j] = pos
            else:
                out[:, j] = data[v]
        return out

    def _prepared(self, X: Any) -> np.ndarray:
        self._check_fitted()
        if isinstance(X, Mapping):
            missing = [v for v in self.variables_ if v not in X]
            if missing:
                raise InputError(missing[0], "missing from the application; the model needs it")
            data = {v: np.asarray([X[v]], dtype=object) for v in self.variables_}
        elif isinstance(X, pd.DataFrame) or type(X).__module__.startswith("polars"):
            label = {str(c): c for c in X.columns}
            for v in self.variables_:
                if v not in label:
                    raise InputError(v, "column is missing from X; the model needs it")
            sub = (X[[label[v] for v in self.variables_]].set_axis(self.variables_, axis=1)
                   if isinstance(X, pd.DataFrame) else X.select(self.variables_))
            data = to_columns(sub, list(self.categories_)).data
        else:
            arr = np.asarray(X)
            if arr.ndim != 2:
                raise InputError("X", f"must be a 2-D table, got {arr.ndim} dimension(s). "
                                      "Reshape your data (one row per application).")
            if arr.shape[1] != self.n_features_in_:
                raise InputError("X", f"X has {arr.shape[-1] if arr.ndim else 0} features, but "
                                      f"{type(self).__name__} is expecting "
                                      f"{self.n_features_in_} features as input")
            data = {v: arr[:, i] for i, v in enumerate(self.variables_)}
        conv = {v: (as_categorical(np.asarray(data[v])) if v in self.categories_
                    else as_numeric(v, np.asarray(data[v], dtype=object)
                                    if np.asarray(data[v]).dtype.kind not in "biuf"
                                    else np.asarray(data[v], dtype=np.float64)))
                for v in self.variables_}
        return self._matrix(conv)

    def decision_log_odds(self, X: Any) -> np.ndarray:
        """ln(p_bad / p_good) per row."""
        self._check_fitted()
        return np.asarray(self.booster_.predict(self._prepared(X), raw_score=True))

    def predict_proba(self, X: Any) -> np.ndarray:
        self._check_fitted()
        z = self.decision_log_odds(X)
        p_bad = 1.0 / (1.0 + np.exp(-z))
        return np.column_stack([1.0 - p_bad, p_bad])

    def predict(self, X: Any) -> np.ndarray:
        self._check_fitted()
        labels: np.ndarray = self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]
        return labels

    def score(self, X: Any) -> np.ndarray:
        """Points on the same scale as the scorecard, so champion and challenger compare."""
        self._check_fitted()
        return self.scaling_.offset - self.scaling_.factor * self.decision_log_odds(X)

    def score_one(self, row: Mapping[str, object]) -> float:
        return float(self.score(row)[0])

    def proba_one(self, row: Mapping[str, object]) -> float:
        return float(self.predict_proba(row)[0, 1])

    def reason_catalogue(self) -> dict[str, ReasonText]:
        self._check_fitted()
        return {v: reason_text(v, self.reason_texts, prefix=self.card_type)
                for v in self.variables_}

    def reasons(self, X: Any, n: int = 4) -> list[list[Reason]]:
        """Top ``n`` variables pushing each row toward *bad* (positive SHAP contribution),
        expressed in points lost."""
        self._check_fitted()
        from creditline.scoring.scorecard import _rank_reasons

        contrib = np.asarray(self.booster_.predict(self._prepared(X), pred_contrib=True))
        shortfall = contrib[:, :-1] * self.scaling_.factor
        return _rank_reasons(shortfall, self.variables_, self.reason_catalogue(), n)

    def reasons_one(self, row: Mapping[str, object], n: int = 4) -> list[Reason]:
        """:meth:`reasons` for one application given as a plain mapping."""
        [ranked] = self.reasons(pd.DataFrame([dict(row)]), n=n)
        return ranked

    def importance(self) -> dict[str, float]:
        """Total gain per variable, for the model report."""
        self._check_fitted()
        gains = self.booster_.feature_importance(importance_type="gain")
        return dict(zip(self.variables_, map(float, gains)))

    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        params = self.get_params()
        catalogue = self.reason_catalogue()
        return {
            "format_version": FORMAT_VERSION,
            "kind": "gbm",
            "card_type": self.card_type,
            "params": {k: (dict(v) if isinstance(v, Mapping) else list(v)
                           if isinstance(v, tuple | list) else v) for k, v in params.items()},
            "target": {"classes": self.classes_.tolist()},
            "features_in": list(getattr(self, "feature_names_in_", [])) or None,
            "n_features_in": self.n_features_in_,
            "input_kinds": self.input_kinds_,
            "variables": self.variables_,
            "categories": self.categories_,
            "scaling": {"base_score": self.scaling_.base_score,
                        "base_odds": self.scaling_.base_odds, "pdo": self.scaling_.pdo},
            "reasons": {v: {"code": t.code, "en": t.en, "zh": t.zh} for v, t in catalogue.items()},
            "booster": self.booster_.model_to_string(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> GBMScorecard:
        if d.get("kind") != "gbm":
            raise InputError("kind", f"expected 'gbm', got {d.get('kind')!r}")
        if d.get("format_version") != FORMAT_VERSION:
            raise InputError("format_version", f"unsupported version {d.get('format_version')!r}")
        params = {k: v for k, v in (d.get("params") or {}).items()
                  if k in cls._get_param_names()}
        model = cls(**params)
        model.classes_ = np.asarray(d["target"]["classes"])
        if d.get("features_in"):
            model.feature_names_in_ = np.asarray(d["features_in"], dtype=object)
        model.n_features_in_ = int(d["n_features_in"])
        model.input_kinds_ = dict(d["input_kinds"])
        model.variables_ = list(d["variables"])
        model.categories_ = {k: list(v) for k, v in d["categories"].items()}
        s = d["scaling"]
        model.scaling_ = Scaling(s["base_score"], s["base_odds"], s["pdo"])
        model.booster_ = lgb.Booster(model_str=d["booster"])
        return model

    @classmethod
    def from_json(cls, s: str) -> GBMScorecard:
        return cls.from_dict(json.loads(s))
