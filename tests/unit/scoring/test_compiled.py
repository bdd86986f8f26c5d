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


@pytest.mark.parametrize("edges", [
    [-1.5, -0.2, 0.0, 0.3, 2.0],
    [1000.5, 1001.5, 250_000.5],  # skewed: tiny gaps beside a huge one
    [1e9, 1e9 + 1e-3, 1e9 + 2e-3],  # large magnitude, small width: the grid must step aside
    [0.5],
])
def test_the_grid_is_exact_even_at_and_beside_every_edge(edges: list[float]) -> None:
    from creditline.scoring.compiled import CompiledVariable

    e = np.asarray(edges)
    points = np.arange(len(e) + 2, dtype=float) * 7.0 + 0.25  # + missing slot
    var = CompiledVariable(name="x", kind="numeric", points=points, edges=e)
    rng = np.random.default_rng(0)
    near = np.concatenate([e, np.nextafter(e, -np.inf), np.nextafter(e, np.inf)])
    values = np.concatenate([
        near, rng.uniform(e.min() - 10, e.max() + 10, 50_000),
        [np.nan, np.inf, -np.inf, 1e300, -1e300, 0.0, -0.0]])
    out = np.zeros(len(values))
    var.add_points(values, out)
    expected = points.take(np.searchsorted(np.append(e, np.nan), values, side="right"))
    np.testing.assert_array_equal(out, expected)
    for v, want in zip(values[:200], expected[:200]):
        assert var.points_one(float(v)) == want
