"""The compiled batch loops give the existing scorer's answers to the last bit: the same points
as ``score_one`` row by row and as the NumPy engine, whatever form the columns come in
(numpy, pandas ``str`` backed by Arrow, object text, ``category``, Polars, chunked and sliced
Arrow arrays), with missing values, categories the card never saw, infinities and values
sitting exactly on a bin edge."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from creditline.scoring import Scorecard
from creditline.scoring.compiled import SPAN_ROWS, CompiledVariable
from tests.unit.scoring.simdata import simulate


def _points_by_searchsorted(edges: np.ndarray, points: np.ndarray,
                            values: np.ndarray) -> np.ndarray:
    return points.take(np.searchsorted(np.append(edges, np.nan), values, side="right"))


def _awkward_values(edges: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """Every edge, its neighbours one ulp away, random values around them, and the specials."""
    near = np.concatenate([edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf)])
    lo, hi = (float(edges.min()), float(edges.max())) if len(edges) else (-1.0, 1.0)
    return np.concatenate([near, rng.uniform(lo - 10, hi + 10, n),
                           [np.nan, np.inf, -np.inf, 1e300, -1e300, 0.0, -0.0, np.nan]])


@pytest.mark.parametrize("n_edges", [0, 1, 7, 8, 9, 16, 17, 30])
def test_every_numeric_loop_finds_the_bin_searchsorted_finds(n_edges: int) -> None:
    """Up to 8 and up to 16 edges take the select chains, more take the grid."""
    rng = np.random.default_rng(n_edges)
    edges = np.unique(rng.normal(0, 50, n_edges).round(2))
    points = rng.normal(0, 20, len(edges) + 2)  # bins, then the missing bin
    var = CompiledVariable(name="x", kind="numeric", points=points, edges=edges)
    values = _awkward_values(edges, rng, 20_000)
    acc = np.zeros(len(values))
    var.feed(values)(0, len(values), acc)
    np.testing.assert_array_equal(acc, _points_by_searchsorted(edges, points, values))


@pytest.mark.parametrize("edges", [
    [1000.5, 1001.5, 250_000.5],  # skewed: tiny gaps beside a huge one
    [1e9, 1e9 + 1e-3, 1e9 + 2e-3],  # large magnitude, small width
    list(np.linspace(-3, 3, 20)),  # grid with one edge per few cells
    [*np.linspace(0, 1, 18), 1 + 1e-12],  # two edges closer than any cell: the grid compares more
])
def test_the_grid_loop_is_exact_beside_every_edge(edges: list[float]) -> None:
    from creditline.scoring.kernel import BinIndex, add_numeric

    e = np.asarray(edges)
    points = np.arange(len(e) + 2, dtype=float) * 7.0 + 0.25
    bins = BinIndex.build(e)
    values = _awkward_values(e, np.random.default_rng(1), 50_000)
    acc = np.zeros(len(values))
    add_numeric(values, 0, len(values), acc, bins.offset, bins.scale, bins.base, bins.padded,
                bins.reach, points)
    np.testing.assert_array_equal(acc, _points_by_searchsorted(e, points, values))


def _scored_book(n: int, seed: int) -> tuple[Scorecard, pd.DataFrame]:
    """A fitted card and a frame to score that holds what production data holds: missing
    income and region, regions the card never saw, text that only looks like a region."""
    book = simulate(4000, seed=seed)
    card = Scorecard(min_iv=0.0).fit(book.X, book.y)
    X = simulate(n, seed=seed + 1).X
    rng = np.random.default_rng(seed)
    region = X["region"].to_numpy(dtype=object)
    region[rng.random(n) < 0.05] = None
    region[rng.random(n) < 0.03] = "atlantis"  # unseen: the "other" points
    region[rng.random(n) < 0.01] = "west "  # not "west"
    region[rng.random(n) < 0.01] = ""
    income = X["income"].to_numpy().copy()
    income[rng.random(n) < 0.01] = np.inf
    age = X["age"].to_numpy().copy()
    edges = card.bins_["age"].edges
    on_edge = rng.random(n) < 0.05  # exactly on an edge, where side="right" matters
    age[on_edge] = rng.choice(edges, int(on_edge.sum()))
    return card, X.assign(region=pd.Series(region, dtype="str"), income=income, age=age)


def _one_by_one(card: Scorecard, X: pd.DataFrame) -> np.ndarray:
    compiled = card.compile()
    rows = X.astype({"region": object}).to_dict(orient="records")
    return np.array([compiled.score_one({k: (None if isinstance(v, float) and math.isnan(v)
                                             and k == "region" else v) for k, v in r.items()})
                     for r in rows])


def test_a_batch_scores_every_row_as_score_one_does_in_any_column_form() -> None:
    card, X = _scored_book(3 * SPAN_ROWS + 123, seed=5)  # several spans, a ragged last one
    want = _one_by_one(card, X)
    assert X["region"].dtype == "str"  # pandas' default text: Arrow-backed
    forms = {
        "pandas str (Arrow)": X,
        "pandas object": X.astype({"region": object}),
        "pandas category": X.astype({"region": "category"}),
        "polars": pl.from_pandas(X),
    }
    for name, frame in forms.items():
        np.testing.assert_array_equal(card.score(frame), want, err_msg=name)
    cols = card._columns_for(X, card.variables_)
    compiled = card.compile()
    for engine in ("compiled", "numpy"):
        for threads in (1, 2):
            np.testing.assert_array_equal(
                compiled.score_columns(cols.data, cols.n_rows, n_threads=threads, engine=engine),
                want, err_msg=f"{engine} on {threads} thread(s)")


def test_arrow_text_in_chunks_slices_and_views_scores_the_same() -> None:
    card, X = _scored_book(5000, seed=11)
    want = _one_by_one(card, X)
    compiled = card.compile()
    cols = card._columns_for(X, card.variables_).data
    region = pa.array(X["region"].to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    forms = {
        "chunked": pa.chunked_array([region.slice(0, 1700), region.slice(1700, 1),
                                     region.slice(1701)]),
        "large_string": region.cast(pa.large_string()),
        "string_view": region.cast(pa.string_view()),
        "dictionary": region.dictionary_encode(),
        "sliced out of a longer array": pa.concat_arrays(
            [pa.array(["west"] * 3), region, pa.array([None, "x"])]).slice(3, len(region)),
    }
    for name, arr in forms.items():
        got = compiled.score_columns({**cols, "region": arr}, len(X))
        np.testing.assert_array_equal(got, want, err_msg=name)
        np.testing.assert_array_equal(
            compiled.score_columns({**cols, "region": arr}, len(X), engine="numpy"), want,
            err_msg=f"numpy engine, {name}")


def test_reasons_do_not_depend_on_the_column_form() -> None:
    card, X = _scored_book(400, seed=3)
    want = card.reasons(X.astype({"region": object}))
    assert card.reasons(X) == want
    assert card.reasons(pl.from_pandas(X)) == want
    assert [card.reasons_one(r) for r in X.astype({"region": object}).head(50).to_dict(
        orient="records")] == want[:50]


def test_an_unknown_engine_is_refused_by_name(card: Scorecard) -> None:
    from creditline.scoring.columns import InputError

    with pytest.raises(InputError, match="engine"):
        card.compile().score_columns({}, 0, engine="gpu")


@pytest.mark.parametrize("categories", [
    ["上海", "北京市", "a" * 16, "a" * 15, "", "b"],  # UTF-8, the longest the Arrow loop takes
    ["retail_electronics_online", "retail", "x"],  # longer than 16 bytes: factorized instead
])
def test_arrow_text_matches_whole_categories_only(categories: list[str]) -> None:
    points = np.arange(len(categories) + 2, dtype=float) * 3.5 + 0.5  # + other, + missing
    var = CompiledVariable(name="city", kind="categorical", points=points,
                           categories={c: i for i, c in enumerate(categories)},
                           other_slot=len(categories))
    rng = np.random.default_rng(2)
    near = [c[:-1] for c in categories if c] + [c + "a" for c in categories] + ["上", "a" * 17]
    values = list(rng.choice(np.array(categories + near + [None], dtype=object), 3000))
    acc = np.zeros(len(values))
    var.feed(pa.array(values, type=pa.string()))(0, len(values), acc)
    np.testing.assert_array_equal(acc, [var.points_one(v) for v in values])
