"""The serving paths (one application from a mapping, a batch over numpy columns, threads or
not) give the same score as the estimator, to the last bit where the arithmetic is the same."""

from __future__ import annotations

import numpy as np
import pytest

from creditline.scoring import Scorecard
from creditline.scoring.compiled import CHUNK_ROWS
from tests.unit.scoring.simdata import simulate


def test_batch_threads_and_chunks_agree() -> None:
    book = simulate(3 * CHUNK_ROWS // 2, seed=9)
    card = Scorecard().fit(book.X, book.y)
    cols = card._columns_for(book.X, card.variables_)
    one = card.compile().score_columns(cols.data, cols.n_rows, n_threads=1)
    two = card.compile().score_columns(cols.data, cols.n_rows, n_threads=2)
    np.testing.assert_array_equal(one, two)
    # per-row sum of the points matrix, in the same order, is the same number
    pts = card.compile().points_columns(cols.data, cols.n_rows)
    np.testing.assert_allclose(one, card.base_points_ + pts.sum(axis=1), rtol=1e-12)


def test_mapping_values_of_many_types(card: Scorecard) -> None:
    row = {"age": 30, "utilization": np.float64(0.5), "income": None, "inquiries": True,
           "region": "west", "noise": "ignored"}
    expected = card.score(
        __import__("pandas").DataFrame([{**row, "income": np.nan, "inquiries": 1.0}]))[0]
    assert card.score_one(row) == pytest.approx(expected)
    assert card.score_one({**row, "income": float("nan")}) == pytest.approx(expected)
    assert card.score_one({**row, "age": "30"}) == pytest.approx(expected)


def test_an_empty_batch_scores_to_nothing(card: Scorecard) -> None:
    import pandas as pd

    empty = pd.DataFrame({c: pd.Series([], dtype=float) for c in card.variables_}).astype(
        {"region": object})
    assert card.score(empty).shape == (0,)
