"""Turn whatever the caller holds (pandas, polars, a numpy array, a mapping) into plain numpy
columns once, so every model below works on one representation.

Numeric columns become ``float64`` with ``NaN`` for missing; categorical columns become
``object`` arrays of ``str`` with ``None`` for missing.  Booleans count as numeric (0/1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from creditline.errors import NotFittedError, ValidationError

Kind = Literal["numeric", "categorical"]


class InputError(ValidationError, ValueError):
    """Bad model input; also a ``ValueError`` so scikit-learn tooling recognises it."""


class ModelNotFitted(NotFittedError, SklearnNotFittedError):  # type: ignore[misc]  # scikit-learn has no type stubs: its classes are Any
    """Creditline's ``NotFittedError`` that scikit-learn also recognises as its own."""


@dataclass(frozen=True)
class Columns:
    """Named numpy columns of equal length; ``from_frame`` tells whether names were given."""

    names: list[str]
    data: dict[str, np.ndarray]
    kinds: dict[str, Kind]
    n_rows: int
    from_frame: bool


def _polars_module() -> Any:
    try:
        import polars
    except ImportError:  # pragma: no cover - polars is a dependency
        return None
    return polars


def _is_polars(X: object) -> bool:
    pl = _polars_module()
    return pl is not None and isinstance(X, pl.DataFrame)


def _categorical_from_objects(values: np.ndarray) -> np.ndarray:
    """Categories are compared as text, so ``3`` in training and ``"3"`` at scoring agree."""
    out = np.empty(len(values), dtype=object)
    missing = pd.isna(values)
    present = ~missing
    out[missing] = None
    if present.any():
        # factorize first: str() runs once per distinct value, not once per row
        codes, uniques = pd.factorize(values[present])
        text = np.array([category_text(u) for u in uniques], dtype=object)
        out[present] = text[codes]
    return out


def category_text(value: object) -> str:
    """A category as the text it is compared by (``3.0`` and ``3`` are both ``"3"``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numeric_or_none(values: np.ndarray) -> np.ndarray | None:
    """float64 view of an object column when every present value is a number, else None."""
    try:
        return pd.to_numeric(pd.Series(values, dtype=object), errors="raise").to_numpy(
            dtype=np.float64, na_value=np.nan)
    except (ValueError, TypeError):
        return None


def _from_pandas(df: pd.DataFrame, force_categorical: set[str]) -> Columns:
    data: dict[str, np.ndarray] = {}
    kinds: dict[str, Kind] = {}
    names = [str(c) for c in df.columns]
    if len(set(names)) != len(names):
        raise InputError("X", "column names must be unique")
    for col, name in zip(df.columns, names):
        s = df[col]
        if name not in force_categorical and (
            pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype)
        ):
            data[name] = s.to_numpy(dtype=np.float64, na_value=np.nan)
            kinds[name] = "numeric"
        else:
            data[name] = _categorical_from_objects(s.to_numpy(dtype=object))
            kinds[name] = "categorical"
    return Columns(names, data, kinds, len(df), True)


def _from_polars(df: Any, force_categorical: set[str]) -> Columns:
    pl = _polars_module()
    data: dict[str, np.ndarray] = {}
    kinds: dict[str, Kind] = {}
    for name in df.columns:
        s = df.get_column(name)
        if name not in force_categorical and (s.dtype.is_numeric() or s.dtype == pl.Boolean):
            data[name] = s.cast(pl.Float64).to_numpy().astype(np.float64, copy=False)
            kinds[name] = "numeric"
        else:
            data[name] = _categorical_from_objects(
                s.cast(pl.String).to_numpy().astype(object, copy=False))
            kinds[name] = "categorical"
    return Columns(list(df.columns), data, kinds, df.height, True)


def _from_array(X: Any, force_categorical: set[str]) -> Columns:
    arr = np.asarray(X)
    if arr.ndim != 2:
        raise InputError("X", f"must be a 2-D table, got an array with {arr.ndim} dimension(s). "
                              "Reshape your data (one row per application, one column each).")
    if arr.dtype.kind == "c":
        raise InputError("X", "Complex data not supported")
    names = [f"x{i}" for i in range(arr.shape[1])]
    data: dict[str, np.ndarray] = {}
    kinds: dict[str, Kind] = {}
    for i, name in enumerate(names):
        col = arr[:, i]
        numeric: np.ndarray | None
        if col.dtype.kind in "biuf":
            numeric = col.astype(np.float64)
        elif col.dtype.kind in "OUS":
            numeric = None if name in force_categorical else _numeric_or_none(col.astype(object))
        else:
            raise InputError(name, f"unsupported dtype {col.dtype}")
        if numeric is not None and name not in force_categorical:
            data[name] = numeric
            kinds[name] = "numeric"
        else:
            data[name] = _categorical_from_objects(col.astype(object))
            kinds[name] = "categorical"
    return Columns(names, data, kinds, arr.shape[0], False)


def to_columns(X: Any, categorical: Sequence[str] = ()) -> Columns:
    """Convert ``X`` once.  ``categorical`` forces named columns (e.g. integer region codes) to be
    treated as categories rather than numbers."""
    force = {str(c) for c in categorical}
    if hasattr(X, "tocsr") or type(X).__module__.startswith("scipy.sparse"):
        raise InputError("X", "sparse input is not supported; pass a dense frame or array")
    if isinstance(X, pd.DataFrame):
        cols = _from_pandas(X, force)
    elif _is_polars(X):
        cols = _from_polars(X, force)
    elif isinstance(X, Mapping):
        raise InputError("X", "a mapping is one application: use score_one / proba_one")
    else:
        cols = _from_array(X, force)
    if not cols.names:
        raise InputError("X", f"0 feature(s) (shape=({cols.n_rows}, 0)) while a minimum of 1 "
                              "is required.")
    return cols


def as_numeric(name: str, values: np.ndarray) -> np.ndarray:
    """A column the model binned as a number; text that is not a number is an error naming it."""
    if values.dtype == np.float64:
        return values
    numeric = _numeric_or_none(values.astype(object))
    if numeric is None:
        raise InputError(name, "must be numeric (the model binned it as a number)")
    return numeric


def as_categorical(values: np.ndarray) -> np.ndarray:
    """A column the model grouped as categories; numbers are compared as their text."""
    if values.dtype == object:
        return values
    return _categorical_from_objects(values.astype(object))
