"""Serving a fitted scorecard: a lookup and a sum.

Two paths share one points table:

* ``score_one`` scores one application from a plain mapping with ``bisect`` over Python lists
  (no numpy call overhead; a checkout decision is a few microseconds).
* ``score_columns`` scores a batch over numpy columns, in chunks that stay in cache, spread
  over threads (numpy releases the GIL).

Why a grid and not ``searchsorted``: a binary search over a handful of edges mispredicts a
branch at every level (~20 ns a value).  Instead each numeric variable gets a uniform grid of
cells over its edges; a cell holding no edge (nor next to one) maps straight to its points, so
most values cost a multiply, a clip and one ``take``.  Cells near an edge hold NaN and the few
values landing there (plus missing values, sent to cell 0) are finished exactly with
``searchsorted``, so the grid is an accelerator, never an approximation.  In that exact path
``NaN`` is appended to each edge list; numpy sorts NaN last, so ``searchsorted(...,
side="right")`` sends a missing value straight to the missing slot.

The batch path has two engines.  ``"compiled"`` (the default) runs the fused loops of
:mod:`creditline.scoring.kernel` (numba): one pass per variable over a cache-sized span,
categories mapped once per batch (a ``pd.Categorical``'s codes, one factorize of an object
column, or Arrow strings hashed in the loop itself).  ``"numpy"`` is the reference the
compiled loops are pinned to in the tests and measured against in ``bench/scoring_bench.py``.
"""

from __future__ import annotations

import math
import os
from bisect import bisect_right
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, SupportsFloat, cast

import numpy as np
import pandas as pd

from creditline.scoring.columns import InputError, category_text
from creditline.scoring.scaling import Scaling

CHUNK_ROWS = 1 << 14  # rows per chunk: the temporaries of one column stay in L1/L2
SPAN_ROWS = 1 << 15  # rows per call of a compiled loop: its running totals stay in L2
ENGINES = ("compiled", "numpy")
GRID_MIN_CELLS = 1 << 10
GRID_MAX_CELLS = 1 << 16
GRID_MARGIN = 2  # clean cells kept below the first and above the last edge


@dataclass(frozen=True)
class Grid:
    """Uniform cells over a variable's edges; ``cells[c]`` is the points of cell c, or NaN
    where the exact path must decide.  Cell 0 holds the missing points (NaN values land there)."""

    offset: float
    scale: float
    cells: np.ndarray

    @classmethod
    def build(cls, edges: np.ndarray, points: np.ndarray) -> Grid | None:
        if len(edges) == 0:
            return None
        lo, hi = float(edges[0]), float(edges[-1])
        gaps = np.diff(edges)
        span = hi - lo
        want = 16.0 * span / float(gaps.min()) if len(gaps) else 0.0
        m = int(np.clip(2 ** math.ceil(math.log2(max(want, 1.0))), GRID_MIN_CELLS,
                        GRID_MAX_CELLS))
        inner = m - 2 * GRID_MARGIN - 1
        width = span / inner if span > 0 else max(abs(lo), 1.0) * 1e-3
        start = lo - GRID_MARGIN * width  # left end of cell 1
        scale = 1.0 / width
        offset = 1.0 - start / width
        # how far (in cells) rounding can move a value: generous multiple of machine epsilon
        slack = max(1e-6, 256 * np.finfo(np.float64).eps * (max(abs(lo), abs(hi)) * scale
                                                            + abs(offset) + m))
        if not (math.isfinite(width) and width > 0 and slack < 0.01):
            return None
        left = start + (np.arange(m) - 1) * width
        edges_nan = np.append(edges, np.nan)
        slot_lo = np.searchsorted(edges_nan, left - slack * width, side="right")
        slot_hi = np.searchsorted(edges_nan, left + (1 + slack) * width, side="right")
        cells = np.where(slot_lo == slot_hi, points.take(np.minimum(slot_lo, len(points) - 1)),
                         np.nan)
        cells[0] = points[-1]  # missing
        return cls(offset=offset, scale=scale, cells=cells)


@dataclass
class CompiledVariable:
    """Points of one variable by slot; categorical ``categories`` map text to a slot."""

    name: str
    kind: str
    points: np.ndarray  # one per slot, missing last
    edges: np.ndarray = field(default_factory=lambda: np.empty(0))
    categories: dict[str, int] = field(default_factory=dict)
    other_slot: int = -1

    def __post_init__(self) -> None:
        self.points = np.ascontiguousarray(self.points, dtype=np.float64)
        self.missing_slot = len(self.points) - 1
        self.edges_nan = np.append(np.asarray(self.edges, dtype=np.float64), np.nan)
        self.grid = Grid.build(np.asarray(self.edges, dtype=np.float64), self.points) \
            if self.kind == "numeric" else None
        self.edges_list = [float(e) for e in self.edges]
        self.points_list = [float(p) for p in self.points]
        self.missing_points = self.points_list[-1]
        self.category_points = {c: self.points_list[s] for c, s in self.categories.items()}
        self.other_points = self.points_list[self.other_slot] if self.kind == "categorical" else 0.0
        self._bins: Any = None  # kernel.BinIndex, built the first time a batch needs it
        self._text: Any = None  # kernel.TextTable, likewise
        if self.kind == "categorical":
            self._index = pd.Index(list(self.categories))
            # position -1 (unseen) picks the last entry: the "other" points
            self._by_pos = np.append(self.points[list(self.categories.values())],
                                     self.points[self.other_slot]) if self.categories \
                else np.array([self.points[self.other_slot]])

    def slots(self, values: np.ndarray) -> np.ndarray:
        """Slot per row (used for reasons and stability, where the slot itself matters)."""
        if self.kind == "numeric":
            return np.searchsorted(self.edges_nan, values, side="right")
        pos = self._index.get_indexer(pd.Index(values))
        codes = np.fromiter(self.categories.values(), dtype=np.intp, count=len(self.categories))
        idx = np.where(pos >= 0, codes[np.maximum(pos, 0)] if len(codes) else 0, self.other_slot)
        idx[pd.isna(values)] = self.missing_slot
        return idx.astype(np.intp, copy=False)

    def category_codes(self, values: np.ndarray | pd.Categorical) -> tuple[np.ndarray, np.ndarray]:
        """One hash pass per batch: ``(codes, points_by_code)`` with code -1 (missing) picking
        the last entry, so chunks then need only a ``take``.  A ``pd.Categorical`` already
        carries its codes: only its (few) categories are looked up, no row is hashed."""
        uniques: pd.Index | np.ndarray
        if isinstance(values, pd.Categorical):
            codes, uniques = values.codes, values.categories
        else:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        pos = self._index.get_indexer(pd.Index(uniques))
        by_code = np.append(self._by_pos.take(pos), self.missing_points)
        return codes, by_code

    def feed(self, values: Any) -> Callable[[int, int, np.ndarray], None]:
        """The compiled loop for this variable's column: ``feed(s, e, acc)`` adds the points of
        rows ``s:e`` to ``acc``.  Anything slow (factorizing text, building tables) runs here,
        once per batch."""
        from creditline.scoring import kernel

        if self.kind == "numeric":
            x = np.ascontiguousarray(values, dtype=np.float64)
            edges = np.asarray(self.edges, dtype=np.float64)
            if self._bins is None:  # a select chain up to 16 edges, else a grid
                self._bins = kernel.Chain.build(edges, self.points) or kernel.BinIndex.build(
                    edges)
            b, pts = self._bins, self.points
            if isinstance(b, kernel.Chain):
                return lambda s, e, acc: b.add(x, s, e, acc)
            return lambda s, e, acc: kernel.add_numeric(x, s, e, acc, b.offset, b.scale, b.base,
                                                        b.padded, b.reach, pts)
        if self._text is None:  # False: a category too long for the Arrow loop
            self._text = kernel.TextTable.build(self.category_points, self.other_points,
                                                self.missing_points) or False
        chunks = kernel.text_chunks(values) if _is_arrow(values) and self._text else None
        if chunks is not None:
            table = self._text
            return lambda s, e, acc: kernel.add_text_rows(chunks, table, s, e, acc)
        if _is_arrow(values):  # dictionary-encoded or another type: through pandas, once
            values = _arrow_as_text(values)
        codes, by_code = self.category_codes(values)
        codes = np.ascontiguousarray(codes)
        return lambda s, e, acc: kernel.add_codes(codes, s, e, acc, by_code)

    def add_points(self, values: np.ndarray, out: np.ndarray) -> None:
        """``out += points of each row`` without building a slot array for categoricals."""
        if self.kind == "numeric":
            if self.grid is None:
                out += self.points.take(np.searchsorted(self.edges_nan, values, side="right"))
            else:
                out += self._grid_points(values)
            return
        pts = self._by_pos.take(self._index.get_indexer(pd.Index(values)))
        missing = pd.isna(values)
        if missing.any():
            pts[missing] = self.missing_points
        out += pts

    def _grid_points(self, values: np.ndarray) -> np.ndarray:
        g = self.grid
        assert g is not None
        t = np.multiply(values, g.scale)
        t += g.offset
        np.clip(t, 1.0, len(g.cells) - 1.0, out=t)  # keeps NaN
        np.fmax(t, 0.0, out=t)  # NaN -> cell 0, the missing points
        pts: np.ndarray = g.cells.take(t.astype(np.intp))
        exact = np.flatnonzero(np.isnan(pts))
        if exact.size:
            pts[exact] = self.points.take(
                np.searchsorted(self.edges_nan, values[exact], side="right"))
        return pts

    def points_one(self, value: object) -> float:
        if self.kind == "numeric":
            if value is None:
                return self.missing_points
            try:
                v = float(cast(SupportsFloat | str, value))  # else float() raises TypeError
            except (TypeError, ValueError):
                raise InputError(self.name, "must be numeric (the model binned it as a number)"
                                 ) from None
            if v != v:  # NaN
                return self.missing_points
            return self.points_list[bisect_right(self.edges_list, v)]
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return self.missing_points
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return self.category_points.get(text, self.other_points)


class CompiledScorecard:
    """The serving form of a fitted :class:`~creditline.scoring.scorecard.Scorecard`."""

    def __init__(self, variables: list[CompiledVariable], base_points: float,
                 scaling: Scaling) -> None:
        self.variables = variables
        self.base_points = float(base_points)
        self.scaling = scaling
        self.names = [v.name for v in variables]
        # one plan in variable order, so a single application sums exactly like the batch
        self._plan = [(v.name, v.kind == "numeric", v.edges_list, v.points_list,
                       v.missing_points, v) for v in variables]

    def score_one(self, row: Mapping[str, object]) -> float:
        """Score of one application given as ``{variable: value}``; absent keys are an error
        naming the variable, ``None``/NaN take the missing bin."""
        total = self.base_points
        try:
            for name, numeric, edges, points, missing_points, var in self._plan:
                v = row[name]
                if not numeric:
                    total += var.points_one(v)
                elif v is None:
                    total += missing_points
                else:
                    if type(v) is not float and type(v) is not int:
                        v = _as_float(name, v)
                    total += missing_points if v != v else points[bisect_right(edges, v)]
        except KeyError as exc:
            raise InputError(str(exc.args[0]), "missing from the application; the card needs it"
                             ) from None
        return total

    def proba_one(self, row: Mapping[str, object]) -> float:
        """Probability of bad for one application."""
        z = (self.scaling.offset - self.score_one(row)) / self.scaling.factor
        return 1.0 / (1.0 + math.exp(-z))

    def score_columns(self, columns: Mapping[str, Any], n_rows: int,
                      n_threads: int | None = None, engine: str = "compiled") -> np.ndarray:
        """Scores of a batch given columns: numeric as float64 numpy; categorical as an object
        array of text, a ``pd.Categorical`` with text categories or (compiled engine) an
        Arrow string array, chunked or not."""
        if engine not in ENGINES:
            raise InputError("engine", f"must be one of {', '.join(ENGINES)}")
        out = np.full(n_rows, self.base_points)
        if n_rows == 0 or not self.variables:
            return out
        threads = n_threads or min(os.cpu_count() or 1, 8)
        if engine == "compiled":
            feeds = [var.feed(columns[var.name]) for var in self.variables]

            def fused(span: tuple[int, int]) -> None:
                s, e = span
                acc = out[s:e]
                for feed in feeds:  # variable order kept: sums match score_one exactly
                    feed(s, e, acc)

            _spread(fused, n_rows, SPAN_ROWS, threads)
            return out
        columns = {k: _arrow_as_text(v) if _is_arrow(v) else v for k, v in columns.items()}
        numeric = [(var, columns[var.name]) for var in self.variables if var.kind == "numeric"]
        categorical = [var.category_codes(columns[var.name]) for var in self.variables
                       if var.kind != "numeric"]
        order = [("n", i) if v.kind == "numeric" else ("c", 0) for i, v in enumerate(
            self.variables)]
        plan: list[tuple[Any, ...]] = []
        ni = ci = 0
        for kind, _ in order:
            if kind == "n":
                plan.append(("n", *numeric[ni]))
                ni += 1
            else:
                plan.append(("c", *categorical[ci]))
                ci += 1
        def run(span: tuple[int, int]) -> None:
            s, e = span
            acc = out[s:e]
            for kind, a, b in plan:  # variable order kept: sums match score_one exactly
                if kind == "n":
                    a.add_points(b[s:e], acc)
                else:
                    acc += b.take(a[s:e])

        _spread(run, n_rows, CHUNK_ROWS, threads)
        return out

    def points_columns(self, columns: Mapping[str, np.ndarray], n_rows: int) -> np.ndarray:
        """(rows, variables) matrix of points, for explaining each row."""
        if not self.variables:
            return np.empty((n_rows, 0))
        return np.column_stack([var.points.take(var.slots(columns[var.name]))
                                for var in self.variables])


def _spread(run: Callable[[tuple[int, int]], None], n_rows: int, span: int,
            threads: int) -> None:
    """``run`` over consecutive spans of rows, on a pool of threads when there are several
    (numpy and the compiled loops release the GIL)."""
    spans = [(s, min(s + span, n_rows)) for s in range(0, n_rows, span)]
    if threads <= 1 or len(spans) <= 1:
        for sp in spans:
            run(sp)
    else:
        with ThreadPoolExecutor(min(threads, len(spans))) as pool:
            list(pool.map(run, spans))


def _is_arrow(values: object) -> bool:
    return type(values).__module__.startswith("pyarrow")


def _arrow_as_text(values: Any) -> np.ndarray:
    """An Arrow column that is not plain strings (dictionary-encoded, numbers) as an object
    array of category text, None for missing: each distinct value converted once."""
    codes, uniques = pd.factorize(values.to_pandas().to_numpy(dtype=object))
    text = np.array([category_text(u) for u in uniques] + [None], dtype=object)
    out: np.ndarray = text.take(codes)  # code -1 (missing) takes the trailing None
    return out


def _as_float(name: str, v: object) -> float:
    if v is pd.NA or v is pd.NaT:
        return math.nan
    try:
        return float(cast(SupportsFloat | str, v))  # else float() raises TypeError
    except (TypeError, ValueError):
        raise InputError(name, "must be numeric (the model binned it as a number)") from None
