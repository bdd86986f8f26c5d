"""Turning numpy arrays into polars columns the way the rest of Creditline expects them:
money as exact ``Decimal(18, 2)`` (built from integer cents, never via float), missing
values as nulls rather than sentinels, and ids with a readable prefix."""

from __future__ import annotations

import numpy as np
import polars as pl

MONEY = pl.Decimal(18, 2)


def money_series(name: str, cents: np.ndarray) -> pl.Series:
    """Integer cents -> an exact ``Decimal(18, 2)`` column."""
    return (pl.Series(name, np.asarray(cents, dtype=np.int64)).cast(MONEY) / 100).cast(MONEY)


def text_as_lists(columns: dict[str, object]) -> dict[str, object]:
    """numpy unicode arrays -> lists: polars ingests Python strings several times faster."""
    return {k: v.tolist() if isinstance(v, np.ndarray) and v.dtype.kind == "U" else v
            for k, v in columns.items()}


def null_if(condition: pl.Expr, column: str) -> pl.Expr:
    """The column, missing (not a sentinel) where ``condition`` holds."""
    return pl.when(condition).then(None).otherwise(pl.col(column)).alias(column)


def ids(prefix: str, n: int, width: int = 7) -> np.ndarray:
    """``P0000001`` ... : a prefix and a zero-padded 1-based row number."""
    width = max(width, len(str(n)))
    return np.strings.add(prefix, np.strings.zfill(np.arange(1, n + 1).astype(f"U{width}"), width))
