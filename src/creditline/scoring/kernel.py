"""The compiled batch loops: a scorecard is a lookup and a sum, so its speed is set by how
often each value is touched.  NumPy needs ~9 passes over a numeric column (scale, clip, NaN
test, cast, take, the exact-edge check, add); each loop here reads a column once per span of
rows and adds its points to the span's running totals, variable after variable in card order,
so the sums are bit for bit those of ``CompiledScorecard.score_one``.

How a numeric value finds its bin without a search: up to 16 edges, a chain of selects
(``p = points[k] if v >= edges[k] else p``) with the edges and points held in registers, 8 or
16 of them (padding edges are +inf); no branch and no memory gather, so the compiler
vectorises it.  Beyond 16 edges a uniform grid over the edges (``BinIndex``): ``base[c]``
counts the edges certainly below any value landing in cell ``c`` and at most ``reach`` more
lie within reach of it, so the bin is ``base[c]`` plus ``reach`` comparisons.  NaN takes the
missing bin.  Categorical variables arrive as integer codes with a points-by-code table (code
-1 = missing), or as Arrow strings matched inside the loop (``add_text``).

The loops are compiled by numba on first use and cached on disk (``cache=True``); they
release the GIL, so ``CompiledScorecard.score_columns`` runs them on one thread per core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np

GRID_MIN_CELLS = 1 << 10
GRID_MAX_CELLS = 1 << 16
GRID_MARGIN = 2  # clean cells kept below the first and above the last edge


@dataclass(frozen=True)
class Chain:
    """A numeric variable with at most 16 edges, as the select chain of ``add_chain8`` or
    ``add_chain16``: edges padded with +inf, each padded entry giving the last bin's points
    (so +inf, which passes the padding, still lands in the last bin)."""

    width: int
    edges: np.ndarray
    points: np.ndarray  # points[k]: the bin from edges[k] up
    first: float  # the bin below every edge
    missing: float

    @classmethod
    def build(cls, edges: np.ndarray, points: np.ndarray) -> Chain | None:
        n = len(edges)
        if n > 16:
            return None
        width = 8 if n <= 8 else 16
        e = np.full(width, np.inf)
        e[:n] = edges
        p = np.full(width, points[n], dtype=np.float64)
        p[:n] = points[1:n + 1]
        return cls(width, e, p, float(points[0]), float(points[-1]))

    def add(self, x: np.ndarray, s: int, e: int, acc: np.ndarray) -> None:
        loop = add_chain8 if self.width == 8 else add_chain16
        loop(x, s, e, acc, self.edges, self.points, self.first, self.missing)


@dataclass(frozen=True)
class BinIndex:
    """Where a numeric value's bin starts on a uniform grid, and how many edges may follow.

    ``bin(v) = base[cell(v)] + #{j < reach : v >= padded[base[cell(v)] + j]}`` equals
    ``searchsorted(edges, v, side="right")`` for every non-NaN ``v``.
    """

    offset: float
    scale: float
    base: np.ndarray  # int32, one per cell
    padded: np.ndarray  # the edges then ``reach`` times +inf
    reach: int

    @classmethod
    def build(cls, edges: np.ndarray) -> BinIndex:
        edges = np.ascontiguousarray(edges, dtype=np.float64)
        grid = _grid(edges)
        if grid is None:  # no edges, or edges too close: compare them all
            return cls(offset=1.0, scale=0.0, base=np.zeros(2, dtype=np.int32),
                       padded=np.append(edges, np.full(max(len(edges), 1), np.nan)),
                       reach=len(edges))
        offset, scale, width, start, m, slack = grid
        left = start + (np.arange(m) - 1) * width
        lo = np.searchsorted(edges, left - slack * width, side="left")
        hi = np.searchsorted(edges, left + (1 + slack) * width, side="right")
        lo[0], hi[0] = 0, 0  # cell 0 is never used (values are clipped to 1..m-1)
        lo[1] = 0  # every value below the grid lands in cell 1
        lo[-1] = hi[-1] = len(edges)  # every value above it in the last cell
        reach = int((hi - lo).max())
        return cls(offset=offset, scale=scale, base=lo.astype(np.int32),
                   padded=np.append(edges, np.full(max(reach, 1), np.nan)), reach=reach)


def _grid(edges: np.ndarray) -> tuple[float, float, float, float, int, float] | None:
    """``(offset, scale, width, start, cells, slack)`` of a uniform grid over ``edges`` fine
    enough that a cell rarely holds more than one edge, or None when there is none to build."""
    if len(edges) == 0:
        return None
    lo, hi = float(edges[0]), float(edges[-1])
    gaps = np.diff(edges)
    span = hi - lo
    want = 4.0 * span / float(gaps.min()) if len(gaps) else 0.0
    m = int(np.clip(2 ** math.ceil(math.log2(max(want, 1.0))), GRID_MIN_CELLS, GRID_MAX_CELLS))
    inner = m - 2 * GRID_MARGIN - 1
    width = span / inner if span > 0 else max(abs(lo), 1.0) * 1e-3
    start = lo - GRID_MARGIN * width  # left end of cell 1
    scale = 1.0 / width
    offset = 1.0 - start / width
    # how far (in cells) rounding can move a value: a generous multiple of machine epsilon
    slack = max(1e-6, 256 * np.finfo(np.float64).eps * (max(abs(lo), abs(hi)) * scale
                                                        + abs(offset) + m))
    if not (math.isfinite(width) and width > 0 and math.isfinite(offset) and slack < 0.01):
        return None
    return offset, scale, width, start, m, slack


@numba.njit(nogil=True, cache=True, boundscheck=False)
def add_chain8(x: Any, s: int, e: int, acc: Any, edges: Any, points: Any, first: float,
               missing: float) -> None:
    """``acc[: e - s] +=`` the points of ``x[s:e]`` by a chain of 8 selects: ``edges`` is
    padded with +inf and ``points[k]`` is the bin from ``edges[k]`` up."""
    e0, e1, e2, e3 = edges[0], edges[1], edges[2], edges[3]
    e4, e5, e6, e7 = edges[4], edges[5], edges[6], edges[7]
    q0, q1, q2, q3 = points[0], points[1], points[2], points[3]
    q4, q5, q6, q7 = points[4], points[5], points[6], points[7]
    for i in range(s, e):
        v = x[i]
        p = first
        p = q0 if v >= e0 else p
        p = q1 if v >= e1 else p
        p = q2 if v >= e2 else p
        p = q3 if v >= e3 else p
        p = q4 if v >= e4 else p
        p = q5 if v >= e5 else p
        p = q6 if v >= e6 else p
        p = q7 if v >= e7 else p
        acc[i - s] += p if v == v else missing


@numba.njit(nogil=True, cache=True, boundscheck=False)
def add_chain16(x: Any, s: int, e: int, acc: Any, edges: Any, points: Any, first: float,
                missing: float) -> None:
    """``acc[: e - s] +=`` the points of ``x[s:e]`` by a chain of 16 selects: ``edges`` is
    padded with +inf and ``points[k]`` is the bin from ``edges[k]`` up."""
    e0, e1, e2, e3 = edges[0], edges[1], edges[2], edges[3]
    e4, e5, e6, e7 = edges[4], edges[5], edges[6], edges[7]
    e8, e9, e10, e11 = edges[8], edges[9], edges[10], edges[11]
    e12, e13, e14, e15 = edges[12], edges[13], edges[14], edges[15]
    q0, q1, q2, q3 = points[0], points[1], points[2], points[3]
    q4, q5, q6, q7 = points[4], points[5], points[6], points[7]
    q8, q9, q10, q11 = points[8], points[9], points[10], points[11]
    q12, q13, q14, q15 = points[12], points[13], points[14], points[15]
    for i in range(s, e):
        v = x[i]
        p = first
        p = q0 if v >= e0 else p
        p = q1 if v >= e1 else p
        p = q2 if v >= e2 else p
        p = q3 if v >= e3 else p
        p = q4 if v >= e4 else p
        p = q5 if v >= e5 else p
        p = q6 if v >= e6 else p
        p = q7 if v >= e7 else p
        p = q8 if v >= e8 else p
        p = q9 if v >= e9 else p
        p = q10 if v >= e10 else p
        p = q11 if v >= e11 else p
        p = q12 if v >= e12 else p
        p = q13 if v >= e13 else p
        p = q14 if v >= e14 else p
        p = q15 if v >= e15 else p
        acc[i - s] += p if v == v else missing


@numba.njit(nogil=True, cache=True, boundscheck=False)
def add_numeric(x: Any, s: int, e: int, acc: Any, offset: float, scale: float, base: Any,
                padded: Any, reach: int, points: Any) -> None:
    """``acc[: e - s] += points[bin(x[s:e])]``, NaN taking the missing bin (the last)."""
    last = base.size - 1.0
    miss = points.size - 1
    if reach == 1:  # the common case, written out so the loop vectorises
        for i in range(s, e):
            v = x[i]
            t = v * scale + offset
            t = t if t >= 1.0 else 1.0  # NaN too
            t = t if t <= last else last
            k = base[np.int32(t)]
            k = k + np.int32(v >= padded[k])
            acc[i - s] += points[k if v == v else miss]
    elif reach == 0:
        for i in range(s, e):
            v = x[i]
            t = v * scale + offset
            t = t if t >= 1.0 else 1.0
            t = t if t <= last else last
            k = base[np.int32(t)]
            acc[i - s] += points[k if v == v else miss]
    else:
        for i in range(s, e):
            v = x[i]
            t = v * scale + offset
            t = t if t >= 1.0 else 1.0
            t = t if t <= last else last
            k = base[np.int32(t)]
            slot = k
            for j in range(reach):
                slot += np.int32(v >= padded[k + j])
            acc[i - s] += points[slot if v == v else miss]


@numba.njit(nogil=True, cache=True, boundscheck=False)
def add_codes(codes: Any, s: int, e: int, acc: Any, by_code: Any) -> None:
    """``acc[: e - s] += by_code[codes[s:e]]``, code -1 (missing) taking the last entry."""
    last = by_code.size - 1
    for i in range(s, e):
        c = codes[i]
        acc[i - s] += by_code[c if c >= 0 else last]


TEXT_BYTES = 16  # longest category (UTF-8 bytes) the Arrow loop matches; longer: factorized


@numba.njit(nogil=True, cache=True, boundscheck=False, inline="always")
def _word(data: Any, start: int, n: int, first: int, width: int) -> Any:
    """Bytes ``first:first + 8`` of a string, little-endian in a uint64 with zeros past its
    end (and past ``width``): a fixed number of steps, nothing to mispredict."""
    last = data.size - 1
    w = np.uint64(0)
    for j in range(first, min(first + 8, width)):
        k = start + j
        b = np.uint64(data[k if k < last else last])
        w |= (b if j < n else np.uint64(0)) << np.uint64(8 * (j - first))
    return w


@numba.njit(nogil=True, cache=True, boundscheck=False, inline="always")
def _slot(n: int, w0: Any, w1: Any, mask: int) -> int:
    h = (w0 ^ np.uint64(n)) * np.uint64(0x9E3779B97F4A7C15)
    h ^= w1 * np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(32)
    return int(h & np.uint64(0x7FFFFFFF)) & mask


@numba.njit(nogil=True, cache=True, boundscheck=False)
def add_text(offsets: Any, data: Any, valid: Any, bit0: int, s: int, e: int, acc: Any,
             slots: Any, key_len: Any, key_words: Any, key_points: Any, width: int,
             other: float, missing: float) -> None:
    """``acc[: e - s] +=`` the points of Arrow strings ``s:e`` (offsets + UTF-8 data + validity
    bitmap from bit ``bit0``; an empty bitmap means no nulls).  Each string's length and
    first 16 bytes, as two words, find its key in an open addressing table (``slots``: key
    number or -1) and must equal it exactly; a string longer than every key is unseen."""
    mask = slots.size - 1
    has_valid = valid.size > 0
    for i in range(s, e):
        if has_valid:
            b = bit0 + i
            if not (valid[b >> 3] >> (b & 7)) & 1:
                acc[i - s] += missing
                continue
        a = offsets[i]
        n = offsets[i + 1] - a
        w0 = _word(data, a, n, 0, width)
        w1 = _word(data, a, n, 8, width)
        h = _slot(n, w0, w1, mask)
        p = other
        k = slots[h]
        while k >= 0:
            if key_len[k] == n and key_words[k, 0] == w0 and key_words[k, 1] == w1:
                p = key_points[k]
                break
            h = (h + 1) & mask
            k = slots[h]
        acc[i - s] += p


@dataclass(frozen=True)
class TextTable:
    """The card's categories of one variable as an open addressing table keyed by their
    length and UTF-8 bytes (as two little-endian words)."""

    slots: np.ndarray  # int64 key number per slot, -1 empty
    key_len: np.ndarray  # int64 bytes per key
    key_words: np.ndarray  # uint64 (keys, 2)
    key_points: np.ndarray  # float64
    width: int  # bytes of the longest key
    other: float
    missing: float

    @classmethod
    def build(cls, points_by_text: dict[str, float], other: float,
              missing: float) -> TextTable | None:
        """None when a category is longer than ``TEXT_BYTES``: that variable is factorized."""
        raw = [k.encode("utf-8") for k in points_by_text]
        width = max([1, *(len(k) for k in raw)])
        if width > TEXT_BYTES:
            return None
        words = np.zeros((len(raw), 2), dtype=np.uint64)
        for i, k in enumerate(raw):
            words[i] = np.frombuffer(k.ljust(16, b"\0"), dtype="<u8")
        size = 1 << max(3, (4 * max(len(raw), 1) - 1).bit_length())  # at most a quarter full
        slots = np.full(size, -1, dtype=np.int64)
        for i, k in enumerate(raw):
            h = _slot(len(k), words[i, 0], words[i, 1], size - 1)
            while slots[h] >= 0:
                h = (h + 1) & (size - 1)
            slots[h] = i
        return cls(slots, np.array([len(k) for k in raw], dtype=np.int64), words,
                   np.array(list(points_by_text.values()), dtype=np.float64), width,
                   float(other), float(missing))


@dataclass(frozen=True)
class TextChunk:
    """One Arrow string array's buffers as numpy views (rows ``start:stop`` of the column)."""

    start: int
    stop: int
    offsets: np.ndarray
    data: np.ndarray
    valid: np.ndarray
    bit0: int


_EMPTY_BITS = np.zeros(0, dtype=np.uint8)


def text_chunks(values: Any) -> list[TextChunk] | None:
    """An Arrow ``string`` / ``large_string`` (chunked) array as buffers, else None.  String
    views (Arrow's newer layout) are cast to ``large_string`` once."""
    import pyarrow as pa

    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    out: list[TextChunk] = []
    start = 0
    for arr in chunks:
        if pa.types.is_string_view(arr.type):
            arr = arr.cast(pa.large_string())
        if pa.types.is_string(arr.type):
            width: Any = np.int32
        elif pa.types.is_large_string(arr.type):
            width = np.int64
        else:
            return None
        n = len(arr)
        buffers: list[Any] = arr.buffers()
        valid_buf, offsets_buf, data_buf = buffers
        offsets = np.frombuffer(offsets_buf, dtype=width)[arr.offset:arr.offset + n + 1]
        data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
                and data_buf.size else np.zeros(1, dtype=np.uint8))
        valid = (np.frombuffer(valid_buf, dtype=np.uint8) if valid_buf is not None
                 and arr.null_count else _EMPTY_BITS)
        out.append(TextChunk(start, start + n, offsets, data, valid, arr.offset))
        start += n
    return out


def add_text_rows(chunks: list[TextChunk], table: TextTable, s: int, e: int,
                  acc: np.ndarray) -> None:
    """``acc[: e - s] +=`` the points of rows ``s:e`` spread over Arrow chunks."""
    for c in chunks:
        a, b = max(s, c.start), min(e, c.stop)
        if a < b:
            add_text(c.offsets, c.data, c.valid, c.bit0, a - c.start, b - c.start,
                     acc[a - s:b - s], table.slots, table.key_len, table.key_words,
                     table.key_points, table.width, table.other, table.missing)
