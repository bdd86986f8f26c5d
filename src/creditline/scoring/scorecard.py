"""The WOE logistic scorecard, as a scikit-learn style estimator.

fit: bin every column (``binning``), drop weak / redundant / unstable variables
(``selection``), fit a logistic regression on WOE, turn coefficients into points (``scaling``).
After fit the card *is* its points table: scores, probabilities and reasons all come from it,
so what a risk committee reads in ``table()`` is exactly what production computes.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from creditline.scoring import selection
from creditline.scoring.binning import (
    TRENDS,
    BinningOptions,
    VariableBins,
    bin_categorical,
    bin_numeric,
)
from creditline.scoring.columns import (
    Columns,
    InputError,
    Kind,
    ModelNotFitted,
    as_categorical,
    as_numeric,
    category_text,
    to_columns,
)
from creditline.scoring.compiled import CompiledScorecard, CompiledVariable
from creditline.scoring.metrics import csi as csi_index
from creditline.scoring.reasons import Reason, ReasonText, reason_text
from creditline.scoring.scaling import Scaling, prior_shift

FORMAT_VERSION = 1
CARD_TYPES = ("A", "B", "C")


class ConstantColumnWarning(UserWarning):
    """A column with one value cannot rank anyone; it is dropped."""


def binary_target(y: Any, n_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(classes, y01)``: exactly two classes; the larger label (1 for 0/1 data) is *bad*."""
    if y is None:
        raise InputError("y", "requires y to be passed, but the target y is None")
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        from sklearn.exceptions import DataConversionWarning

        warnings.warn("A column-vector y was passed when a 1d array was expected; "
                      "it is used as one column", DataConversionWarning, stacklevel=3)
        arr = arr.ravel()
    if arr.ndim != 1:
        raise InputError("y", "y should be a 1d array of labels")
    if n_rows is not None and len(arr) != n_rows:
        raise InputError("y", f"has {len(arr)} labels but X has {n_rows} rows")
    if len(arr) and pd.isna(arr).any():
        raise InputError("y", "target has missing values")
    classes = np.unique(arr)
    if len(classes) != 2:
        with np.errstate(invalid="ignore"):
            continuous = arr.dtype.kind == "f" and not np.all(np.mod(classes, 1) == 0)
        kind = ("Unknown label type: continuous" if continuous
                else "Only binary classification is supported")
        raise InputError("y", f"{kind}. The target must be binary (1 = bad, 0 = good); found "
                              f"{len(classes)} class(es): {classes[:5].tolist()}")
    return classes, (arr == classes[1]).astype(np.float64)


def _json_number(v: float) -> float | int:
    return int(v) if float(v).is_integer() and abs(v) < 2**53 else float(v)


class Scorecard(BaseEstimator):  # type: ignore[misc]  # scikit-learn has no type stubs: its classes are Any
    """WOE logistic-regression scorecard with optimal binning and points scaling.

    Parameters
    ----------
    card_type : {"A", "B", "C"}
        Application, behaviour or collection card; prefixes derived reason codes.
    max_n_prebins, prebinning, min_bin_size, max_n_bins :
        Pre-bins per numeric variable, found by ``cart`` (best-first Gini splits of a
        100-quantile histogram, as optbinning's CART pre-binning) or plain ``quantile``;
        smallest bin as a share of rows; optional cap on bins.
    monotonic_trend : {"auto", "auto_asc_desc", "ascending", "descending", "peak", "valley", "none"}
        Shape of the bad rate across a numeric variable's bins.  ``auto`` picks the shape with
        the best BIC.  ``trends`` overrides it per variable, e.g. ``{"dpd": "ascending"}``.
    categorical : column names to treat as categories even when numeric.
    min_category_size : categories rarer than this share are pooled into one *other* group,
        which also receives categories never seen in training.
    min_iv, max_corr, max_csi : variable selection thresholds (``max_csi`` applies when
        ``fit`` is given ``X_stability``).
    enforce_sign : drop variables whose coefficient has the wrong sign (collinearity artefacts).
    C, max_iter : logistic regression regularisation and iterations.
    base_score, base_odds, pdo : points scaling (``base_odds`` is good:bad).
    round_points : round every bin's points (and the base) to whole numbers.
    target_bad_rate : if the development sample was sampled, the portfolio bad rate to
        calibrate the intercept to.
    reason_texts : per-variable ``{"code", "en", "zh"}`` overriding the catalogue.
    """

    def __init__(self, *, card_type: str = "A", max_n_prebins: int = 20,
                 prebinning: str = "quantile", min_bin_size: float = 0.05, max_n_bins: int | None = None,
                 monotonic_trend: str = "auto", trends: Mapping[str, str] | None = None,
                 categorical: Sequence[str] | None = None, min_category_size: float = 0.01,
                 min_iv: float = 0.02, max_corr: float = 0.8, max_csi: float = 0.25,
                 enforce_sign: bool = True, C: float = 1.0, max_iter: int = 100,
                 base_score: float = 600.0, base_odds: float = 50.0, pdo: float = 20.0,
                 round_points: bool = False, target_bad_rate: float | None = None,
                 reason_texts: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.card_type = card_type
        self.max_n_prebins = max_n_prebins
        self.prebinning = prebinning
        self.min_bin_size = min_bin_size
        self.max_n_bins = max_n_bins
        self.monotonic_trend = monotonic_trend
        self.trends = trends
        self.categorical = categorical
        self.min_category_size = min_category_size
        self.min_iv = min_iv
        self.max_corr = max_corr
        self.max_csi = max_csi
        self.enforce_sign = enforce_sign
        self.C = C
        self.max_iter = max_iter
        self.base_score = base_score
        self.base_odds = base_odds
        self.pdo = pdo
        self.round_points = round_points
        self.target_bad_rate = target_bad_rate
        self.reason_texts = reason_texts

    # ------------------------------------------------------------------ scikit-learn plumbing

    def __sklearn_tags__(self) -> Any:
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags(multi_class=False)
        tags.input_tags.allow_nan = True
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags

    def _check_params(self) -> None:
        if self.card_type not in CARD_TYPES:
            raise InputError("card_type", f"must be one of {', '.join(CARD_TYPES)}")
        if not 0.0 <= self.min_bin_size < 0.5:
            raise InputError("min_bin_size", "must be in [0, 0.5)")
        if self.prebinning not in ("cart", "quantile"):
            raise InputError("prebinning", "must be cart or quantile")
        if self.max_n_prebins < 2:
            raise InputError("max_n_prebins", "must be at least 2")
        if self.max_n_bins is not None and self.max_n_bins < 1:
            raise InputError("max_n_bins", "must be at least 1")
        for name, trend in [("monotonic_trend", self.monotonic_trend),
                            *((f"trends.{k}", v) for k, v in (self.trends or {}).items())]:
            if trend not in TRENDS:
                raise InputError(name, f"must be one of {', '.join(TRENDS)}")
        if self.target_bad_rate is not None and not 0.0 < self.target_bad_rate < 1.0:
            raise InputError("target_bad_rate", "must be strictly between 0 and 1")

    def _check_fitted(self) -> None:
        if not hasattr(self, "points_"):
            raise ModelNotFitted(
                f"This {type(self).__name__} instance is not fitted yet: call fit(X, y) first")

    # ------------------------------------------------------------------ fitting

    def fit(self, X: Any, y: Any, *, X_stability: Any = None) -> Scorecard:
        """Bin, select, regress and scale.  ``X_stability`` (e.g. a recent or out-of-time
        sample) enables the CSI filter; its labels are not needed."""
        self._check_params()
        cols = to_columns(X, self.categorical or ())
        classes, y01 = binary_target(y, cols.n_rows)
        self.classes_ = classes
        self.n_features_in_ = len(cols.names)
        if cols.from_frame:
            self.feature_names_in_ = np.asarray(cols.names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_
        self.input_kinds_ = dict(cols.kinds)
        self.scaling_ = Scaling(self.base_score, self.base_odds, self.pdo)

        dropped: dict[str, str] = {}
        bins: dict[str, VariableBins] = {}
        slots: dict[str, np.ndarray] = {}
        for name in cols.names:
            values = cols.data[name]
            missing = pd.isna(values) if cols.kinds[name] == "categorical" else np.isnan(values)
            if missing.all():
                raise InputError(name, "column is entirely missing (no non-missing values)")
            if not missing.any() and _n_distinct(values[~missing], cols.kinds[name]) <= 1:
                warnings.warn(f"column {name!r} is constant; dropped", ConstantColumnWarning,
                              stacklevel=2)
                dropped[name] = "constant column"
                continue
            options = BinningOptions(
                max_n_prebins=self.max_n_prebins, prebinning=self.prebinning,
                min_bin_size=self.min_bin_size,
                max_n_bins=self.max_n_bins,
                trend=(self.trends or {}).get(name, self.monotonic_trend),
                min_category_size=self.min_category_size)
            binner = bin_numeric if cols.kinds[name] == "numeric" else bin_categorical
            bins[name], slots[name] = binner(name, values, y01, options)
        self.bins_ = bins
        self.iv_ = {name: vb.iv for name, vb in bins.items()}

        kept, why = selection.by_information_value(self.iv_, self.min_iv)
        dropped.update(why)
        if X_stability is not None and kept:
            other = self._columns_for(X_stability, kept, cols_kinds=cols.kinds)
            csis = {v: csi_index(slots[v], bins[v].bin_index(other.data[v]), bins[v].n_bins + 1)
                    for v in kept}
            self.csi_ = csis
            stable, why = selection.by_stability(csis, self.max_csi)
            kept = [v for v in kept if v in stable]
            dropped.update(why)
        woe = (np.column_stack([bins[v].woe.take(slots[v]) for v in kept]) if kept
               else np.empty((cols.n_rows, 0)))
        kept_corr, why = selection.by_correlation(kept, woe, self.max_corr)
        dropped.update(why)
        woe = woe[:, [kept.index(v) for v in kept_corr]] if kept_corr else woe[:, :0]
        kept = kept_corr

        coef, intercept, kept, why = self._regress(woe, y01, kept)
        dropped.update(why)
        if self.target_bad_rate is not None:
            intercept += prior_shift(float(y01.mean()), self.target_bad_rate)
        self.variables_ = kept
        self.coef_ = coef
        self.intercept_ = intercept
        self.dropped_ = dropped
        self._set_points(coef, intercept)
        return self

    def _regress(self, woe: np.ndarray, y01: np.ndarray, names: list[str]
                 ) -> tuple[np.ndarray, float, list[str], dict[str, str]]:
        """Logistic regression of bad on WOE.  Higher WOE is safer, so every coefficient should
        be negative; a positive one is dropped (weakest first) and the model refitted."""
        dropped: dict[str, str] = {}
        names = list(names)
        cols = list(range(len(names)))
        while cols:
            lr = LogisticRegression(C=self.C, solver="newton-cholesky", max_iter=self.max_iter)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", category=UserWarning)
                lr.fit(woe[:, cols], y01)
            coef = lr.coef_[0].astype(np.float64)
            self.n_iter_ = int(np.max(lr.n_iter_))
            wrong = [k for k, c in enumerate(coef) if c > 0]
            if not self.enforce_sign or not wrong:
                return coef, float(lr.intercept_[0]), [names[c] for c in cols], dropped
            weakest = min(wrong, key=lambda k: self.iv_[names[cols[k]]])
            dropped[names[cols[weakest]]] = "coefficient sign reversed (collinear with others)"
            del cols[weakest]
        rate = float(np.clip(y01.mean(), 1e-9, 1 - 1e-9))
        self.n_iter_ = 0
        return np.empty(0), math.log(rate / (1 - rate)), [], dropped

    def _set_points(self, coef: np.ndarray, intercept: float) -> None:
        factor, offset = self.scaling_.factor, self.scaling_.offset
        points = {v: -factor * c * self.bins_[v].woe for v, c in zip(self.variables_, coef)}
        base = offset - factor * intercept
        if self.round_points:
            points = {v: np.round(p) for v, p in points.items()}
            base = float(np.round(base))
        self.points_ = points
        self.base_points_ = float(base)
        self._compile()

    def calibrate(self, X: Any, y: Any) -> Scorecard:
        """Refit the card's log-odds to a fresh labelled sample (Platt: ``a + b·z``) without
        rebinning.  The card stays a points table: every bin's points scale by ``b``."""
        self._check_fitted()
        score = self.score(X)
        _, y01 = binary_target(y, len(score))
        z = self.scaling_.log_odds_bad_from_score(score)
        lr = LogisticRegression(C=1e6, solver="lbfgs").fit(np.asarray(z).reshape(-1, 1), y01)
        a, b = float(lr.intercept_[0]), float(lr.coef_[0, 0])
        factor, offset = self.scaling_.factor, self.scaling_.offset
        self.points_ = {v: b * p for v, p in self.points_.items()}
        self.base_points_ = (1 - b) * offset - factor * a + b * self.base_points_
        self.calibration_ = {"a": a, "b": b, "n": len(y01)}
        self._compile()
        return self

    # ------------------------------------------------------------------ scoring

    def compile(self) -> CompiledScorecard:
        """The serving form: plain lists for one application, numpy for batches."""
        self._check_fitted()
        return self._compiled

    def _compile(self) -> None:
        """Rebuilt whenever the points change, so scoring never mutates the estimator."""
        variables = []
        for v in self.variables_:
            vb = self.bins_[v]
            variables.append(CompiledVariable(
                name=v, kind=vb.kind, points=self.points_[v], edges=vb.edges,
                categories={c: i for i, g in enumerate(vb.groups) for c in g},
                other_slot=vb.other_bin))
        self._compiled = CompiledScorecard(variables, self.base_points_, self.scaling_)
        # the goal each variable's points are measured against when explaining a row
        self._best_points = [_best_points(self.points_[v], self.bins_[v])
                             for v in self.variables_]

    def _columns_for(self, X: Any, needed: Sequence[str],
                     cols_kinds: Mapping[str, Kind] | None = None) -> Columns:
        """Only the columns the card needs, converted to the kind the card binned them as."""
        kinds = cols_kinds if cols_kinds is not None else self.input_kinds_
        needed = list(needed)
        if isinstance(X, pd.DataFrame) or _is_polars_frame(X):
            label = {str(c): c for c in X.columns}
            for v in needed:
                if v not in label:
                    raise InputError(v, "column is missing from X; the card needs it")
            if isinstance(X, pd.DataFrame):
                sub = X[[label[v] for v in needed]].set_axis(needed, axis=1)
            else:
                sub = X.select(needed)
            cols = to_columns(sub, [v for v in needed if kinds.get(v) == "categorical"])
        else:
            arr = np.asarray(X)
            if arr.ndim != 2:
                raise InputError("X", f"must be a 2-D table, got {arr.ndim} dimension(s). "
                                      "Reshape your data (one row per application).")
            if arr.shape[1] != self.n_features_in_:
                raise InputError("X", f"X has {arr.shape[1]} features, but {type(self).__name__} "
                                      f"is expecting {self.n_features_in_} features as input")
            names = (list(self.feature_names_in_) if hasattr(self, "feature_names_in_")
                     else [f"x{i}" for i in range(arr.shape[1])])
            pos = {n: i for i, n in enumerate(names)}
            data = {v: arr[:, pos[v]] for v in needed}
            cols = Columns(needed, data, {v: kinds.get(v, "numeric") for v in needed},
                           arr.shape[0], False)
        data = {}
        for v in needed:
            if kinds.get(v) == "categorical":
                data[v] = as_categorical(np.asarray(cols.data[v]))
            else:
                data[v] = as_numeric(v, np.asarray(cols.data[v]))
        return Columns(needed, data, {v: kinds.get(v, "numeric") for v in needed},
                       cols.n_rows, cols.from_frame)

    def score(self, X: Any) -> np.ndarray:
        """Points per row; higher is safer (``base_score`` at ``base_odds`` good:bad)."""
        self._check_fitted()
        rows = _small_frame_rows(X, self.variables_)
        if rows is not None:  # a checkout scores one row: skip the columnar conversion
            compiled = self._compiled
            return np.array([compiled.score_one(r) for r in rows], dtype=np.float64)
        data, n_rows = self._batch_columns(X)
        return self.compile().score_columns(data, n_rows)

    def _batch_columns(self, X: Any) -> tuple[dict[str, Any], int]:
        """The card's columns for batch scoring, taken from a frame without copying it where
        the column already has the form the compiled loops read: float64 numbers as they are,
        Arrow-backed strings as Arrow, categoricals by their codes, object text factorized
        once.  Any other column is converted by :meth:`_columns_for`, as before."""
        needed, kinds = self.variables_, self.input_kinds_
        data: dict[str, Any] = {}
        if isinstance(X, pd.DataFrame):
            label = {str(c): c for c in X.columns}
            data.update(_category_codes(X, needed, kinds))
            for v in needed:
                if v not in data and v in label:
                    col = _pandas_column(X[label[v]], kinds.get(v, "numeric"))
                    if col is not None:
                        data[v] = col
        elif _is_polars_frame(X):
            for v in needed:
                if v in X.columns:
                    col = _polars_column(X.get_column(v), kinds.get(v, "numeric"))
                    if col is not None:
                        data[v] = col
        rest = [v for v in needed if v not in data]
        if not rest:
            return data, (X.height if _is_polars_frame(X) else len(X))
        cols = self._columns_for(X, rest)
        return {**cols.data, **data}, cols.n_rows

    def predict_proba(self, X: Any) -> np.ndarray:
        """``[:, 1]`` is the probability of bad (``classes_[1]``), read off the points."""
        self._check_fitted()
        p_bad = self.scaling_.probability_bad(self.score(X))
        return np.column_stack([1.0 - p_bad, p_bad])

    def predict(self, X: Any) -> np.ndarray:
        """Label at the 0.5 threshold; real cut-offs belong to policy, not to the model."""
        self._check_fitted()
        labels: np.ndarray = self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]
        return labels

    def score_one(self, row: Mapping[str, object]) -> float:
        """Score of one application from a plain mapping (the checkout path)."""
        return self.compile().score_one(row)

    def proba_one(self, row: Mapping[str, object]) -> float:
        return self.compile().proba_one(row)

    # ------------------------------------------------------------------ explaining

    def reason_catalogue(self) -> dict[str, ReasonText]:
        self._check_fitted()
        return {v: reason_text(v, self.reason_texts, prefix=self.card_type)
                for v in self.variables_}

    def reasons(self, X: Any, n: int = 4) -> list[list[Reason]]:
        """Top ``n`` adverse factors per row: the variables whose points fall furthest below the
        best points that variable can give, largest shortfall first (ties by variable order)."""
        self._check_fitted()
        cols = self._columns_for(X, self.variables_)
        compiled = self.compile()
        pts = compiled.points_columns(cols.data, cols.n_rows)
        best = np.array(self._best_points)
        shortfall = best[None, :] - pts if len(best) else pts
        catalogue = self.reason_catalogue()
        return _rank_reasons(shortfall, self.variables_, catalogue, n)

    def reasons_one(self, row: Mapping[str, object], n: int = 4) -> list[Reason]:
        """:meth:`reasons` for one application given as a plain mapping (the checkout path:
        a one-row DataFrame would cost more than the whole decision).  Same ranking; a
        variable absent from ``row`` is an error naming it, as in :meth:`score_one`."""
        self._check_fitted()
        if n < 1:
            raise InputError("n", "must be at least 1")
        shortfall = []
        for var, best in zip(self.compile().variables, self._best_points):
            if var.name not in row:
                raise InputError(var.name, "missing from the application; the card needs it")
            shortfall.append(best - var.points_one(row[var.name]))
        # as _rank_reasons, without numpy's per-call cost: a stable sort keeps ties in
        # variable order, and nothing at or below zero is a reason
        order = sorted(range(len(shortfall)), key=lambda k: -shortfall[k])[:n]
        out = []
        for k in order:
            if shortfall[k] <= 1e-9:
                break
            name = self.variables_[k]
            t = reason_text(name, self.reason_texts, prefix=self.card_type)  # as the catalogue
            out.append(Reason(code=t.code, variable=name, text=t.en, text_zh=t.zh,
                              points_lost=float(shortfall[k])))
        return out

    def table(self) -> pd.DataFrame:
        """The scorecard as a risk committee reads it: one row per variable and bin."""
        self._check_fitted()
        rows: list[dict[str, Any]] = []
        for v in self.variables_:
            vb = self.bins_[v]
            total = vb.good + vb.bad
            n = float(total.sum())
            G, B = vb.good.sum(), vb.bad.sum()
            for label, g, b, w, p in zip(vb.labels(), vb.good, vb.bad, vb.woe, self.points_[v]):
                cnt = g + b
                rows.append({
                    "variable": v, "bin": label, "count": int(cnt),
                    "count_pct": cnt / n if n else 0.0, "good": int(g), "bad": int(b),
                    "bad_rate": b / cnt if cnt else float("nan"), "woe": float(w),
                    "iv": float((g / G - b / B) * w) if G and B else 0.0,
                    "points": float(p),
                })
        return pd.DataFrame(rows, columns=["variable", "bin", "count", "count_pct", "good", "bad",
                                           "bad_rate", "woe", "iv", "points"])

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        catalogue = self.reason_catalogue()
        variables = []
        for v, c in zip(self.variables_, self.coef_):
            vb = self.bins_[v]
            entry: dict[str, Any] = {
                "name": v, "kind": vb.kind, "trend": vb.trend, "iv": vb.iv,
                "coefficient": float(c),
                "reason": {"code": catalogue[v].code, "en": catalogue[v].en,
                           "zh": catalogue[v].zh},
            }
            if vb.kind == "numeric":
                entry["edges"] = vb.edges.tolist()
            else:
                entry["other_bin"] = vb.other_bin
            entry["bins"] = [
                {"label": label, **({"categories": vb.groups[i]} if vb.kind == "categorical"
                                    and i < vb.n_bins else {}),
                 "good": _json_number(g), "bad": _json_number(b), "woe": float(w),
                 "points": float(p)}
                for i, (label, g, b, w, p) in enumerate(
                    zip(vb.labels(), vb.good, vb.bad, vb.woe, self.points_[v]))
            ]
            variables.append(entry)
        return {
            "format_version": FORMAT_VERSION,
            "kind": "scorecard",
            "card_type": self.card_type,
            "params": _jsonable(self.get_params()),
            "target": {"classes": self.classes_.tolist(), "bad": self.classes_[1].item()
                       if hasattr(self.classes_[1], "item") else self.classes_[1]},
            "features_in": list(getattr(self, "feature_names_in_", [])) or None,
            "n_features_in": self.n_features_in_,
            "input_kinds": self.input_kinds_,
            "scaling": {"base_score": self.scaling_.base_score,
                        "base_odds": self.scaling_.base_odds, "pdo": self.scaling_.pdo},
            "intercept": self.intercept_,
            "base_points": self.base_points_,
            "calibration": getattr(self, "calibration_", None),
            "variables": variables,
            "dropped": self.dropped_,
        }

    def to_json(self, indent: int | None = 2) -> str:
        """A stable, versioned, human-readable form (floats round-trip exactly)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scorecard:
        if d.get("kind") != "scorecard":
            raise InputError("kind", f"expected 'scorecard', got {d.get('kind')!r}")
        if d.get("format_version") != FORMAT_VERSION:
            raise InputError("format_version", f"unsupported version {d.get('format_version')!r}; "
                                               f"this release reads {FORMAT_VERSION}")
        params = dict(d.get("params") or {})
        card = cls(**{k: v for k, v in params.items() if k in cls._get_param_names()})
        card.classes_ = np.asarray(d["target"]["classes"])
        if d.get("features_in"):
            card.feature_names_in_ = np.asarray(d["features_in"], dtype=object)
        card.n_features_in_ = int(d["n_features_in"])
        card.input_kinds_ = dict(d["input_kinds"])
        s = d["scaling"]
        card.scaling_ = Scaling(s["base_score"], s["base_odds"], s["pdo"])
        card.bins_ = {}
        card.variables_ = []
        coef = []
        points = {}
        for e in d["variables"]:
            name = e["name"]
            good = [b["good"] for b in e["bins"]]
            bad = [b["bad"] for b in e["bins"]]
            if e["kind"] == "numeric":
                vb = VariableBins(name, "numeric", np.asarray(good, dtype=np.float64),
                                  np.asarray(bad, dtype=np.float64), edges=e["edges"], trend=e["trend"])
            else:
                groups = [b.get("categories", []) for b in e["bins"][:-1]]
                vb = VariableBins(name, "categorical", np.asarray(good, dtype=np.float64),
                                  np.asarray(bad, dtype=np.float64), groups=groups,
                                  other_bin=int(e["other_bin"]), trend=e["trend"])
            card.bins_[name] = vb
            card.variables_.append(name)
            coef.append(e["coefficient"])
            points[name] = np.asarray([b["points"] for b in e["bins"]], dtype=np.float64)
        card.iv_ = {v: vb.iv for v, vb in card.bins_.items()}
        card.coef_ = np.asarray(coef, dtype=np.float64)
        card.intercept_ = float(d["intercept"])
        card.points_ = points
        card.base_points_ = float(d["base_points"])
        card.dropped_ = dict(d.get("dropped") or {})
        if d.get("calibration"):
            card.calibration_ = dict(d["calibration"])
        card._compile()
        return card

    @classmethod
    def from_json(cls, s: str) -> Scorecard:
        return cls.from_dict(json.loads(s))


def _n_distinct(values: np.ndarray, kind: str) -> int:
    """1 for a constant column, 2 for anything more (enough to decide whether to drop)."""
    if values.size == 0:
        return 0
    if kind == "numeric":
        return 1 if values.min() == values.max() else 2
    return min(int(pd.unique(values).size), 2)


SMALL_FRAME_ROWS = 64


def _category_codes(X: Any, needed: Sequence[str],
                    kinds: Mapping[str, str]) -> dict[str, pd.Categorical[str]]:
    """Categorical-dtype columns of a pandas frame, kept as codes with text categories, so
    batch scoring looks up each category once instead of hashing every row (the text
    conversion ``to_columns`` does is then not used for them).  Columns whose categories
    would collide as text (``3`` and ``"3"``) keep the general path."""
    if not isinstance(X, pd.DataFrame):
        return {}
    label = {str(c): c for c in X.columns}
    out: dict[str, pd.Categorical[str]] = {}
    for v in needed:
        if kinds.get(v) != "categorical" or v not in label:
            continue
        s = X[label[v]]
        if not isinstance(s.dtype, pd.CategoricalDtype):
            continue
        cat = s.array
        text = [category_text(c) for c in cat.categories]
        if len(set(text)) == len(text):
            out[v] = pd.Categorical.from_codes(cat.codes, categories=pd.Index(text))
    return out


def _pandas_column(s: pd.Series[Any], kind: str) -> Any:
    """A pandas column in a form the compiled loops read without converting it row by row
    (None when only the general conversion will do)."""
    dtype = s.dtype
    if kind == "numeric":
        if dtype == np.float64:
            return s.to_numpy()
        if isinstance(dtype, np.dtype) and dtype.kind in "biu":
            return s.to_numpy(dtype=np.float64)
        return None
    if hasattr(s.array, "__arrow_array__") and pd.api.types.is_string_dtype(dtype):
        return s.array.__arrow_array__()  # Arrow-backed text (pandas' default str dtype)
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        codes, uniques = pd.factorize(s.to_numpy(), use_na_sentinel=True)
        text = [category_text(u) for u in uniques]
        if len(set(text)) == len(text):
            return pd.Categorical.from_codes(codes, categories=pd.Index(text, dtype=object))
    return None


def _polars_column(s: Any, kind: str) -> Any:
    """:func:`_pandas_column` for a Polars column: numbers as float64, text as Arrow."""
    import polars as pl

    if kind == "numeric":
        if s.dtype.is_numeric() or s.dtype == pl.Boolean:
            return s.cast(pl.Float64).to_numpy().astype(np.float64, copy=False)
        return None
    if s.dtype == pl.String:
        return s.to_arrow()
    return None


def _small_frame_rows(X: Any, needed: Sequence[str]) -> list[dict[str, Any]] | None:
    """Rows of a small pandas/polars frame as plain dicts (None for missing), or None when the
    columnar path is the faster one.  Missing columns are reported by the columnar path."""
    if isinstance(X, pd.DataFrame):
        if len(X) > SMALL_FRAME_ROWS:
            return None
        label = {str(c): i for i, c in enumerate(X.columns)}
        if any(v not in label for v in needed):
            return None
        arr = X.to_numpy(dtype=object)
        idx = [(v, label[v]) for v in needed]
        return [{v: row[i] for v, i in idx} for row in arr]
    if _is_polars_frame(X):
        if X.height > SMALL_FRAME_ROWS or any(v not in X.columns for v in needed):
            return None
        return list(X.select(list(needed)).iter_rows(named=True))
    return None


def _is_polars_frame(X: object) -> bool:
    try:
        import polars as pl
    except ImportError:  # pragma: no cover
        return False
    return isinstance(X, pl.DataFrame)


def _best_points(points: np.ndarray, vb: VariableBins) -> float:
    """Best points among bins that held training data (an empty missing bin is not a goal)."""
    occupied = (vb.good + vb.bad) > 0
    return float(points[occupied].max()) if occupied.any() else float(points.max())


def _rank_reasons(shortfall: np.ndarray, names: Sequence[str],
                  catalogue: Mapping[str, ReasonText], n: int) -> list[list[Reason]]:
    if n < 1:
        raise InputError("n", "must be at least 1")
    out: list[list[Reason]] = []
    if shortfall.shape[1] == 0:
        return [[] for _ in range(shortfall.shape[0])]
    order = np.argsort(-shortfall, axis=1, kind="stable")[:, :n]
    top = np.take_along_axis(shortfall, order, axis=1)
    for r in range(shortfall.shape[0]):
        row = []
        for k, lost in zip(order[r], top[r]):
            if lost <= 1e-9:
                break
            name = names[k]
            t = catalogue[name]
            row.append(Reason(code=t.code, variable=name, text=t.en, text_zh=t.zh,
                              points_lost=float(lost)))
        out.append(row)
    return out


def _jsonable(params: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, Mapping):
            out[k] = {str(a): (dict(b) if isinstance(b, Mapping) else b) for a, b in v.items()}
        elif isinstance(v, tuple | list):
            out[k] = list(v)
        else:
            out[k] = v
    return out
