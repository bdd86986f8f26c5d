"""Classes of facts a ruleset cannot tell apart, so a batch evaluates its tables once per
class instead of once per context (end of day's limit strategy: one native call a line was
the biggest cost of the day, and most lines share their answer).

:func:`fact_classes` reads a ruleset's chained graph and accepts it only if every table is
something it fully understands; anything else gives ``None`` and the caller evaluates each
context on its own.  Accepted:

- nodes: the request and response nodes and decision tables (hit policy ``first`` or
  ``collect``), chained request -> table 1 -> ... -> response;
- an input column's field: a plain name (a raw fact, ``pd``) or ``outputPath.field`` of an
  *earlier* table (derived, ``band.band``: a function of the raw facts, so not in the key);
- an input cell: empty; ``< N``, ``<= N``, ``> N``, ``>= N``, ``== N``, ``!= N``; a bare
  ``N``; an interval ``[N..M]``, ``(N..M)``, ``[N..M)``, ``(N..M]``; a string literal or a
  comma list of them; ``true`` / ``false``; ``$ == null``, ``$ != null`` and the same with
  the column's own field (``pd == null``).  ``N`` is a plain decimal (``-0.25``, ``90``);
- an output cell: a literal only (a string, a plain decimal, ``true`` / ``false``).

So every cell is a test of its own column's value against literals, and every answer is a
choice among literals: the tables' outputs are a function of each raw field's *class*.  A
field whose cells are all numeric tests (and null tests) is classed by the value's type and
its position among the field's sorted thresholds; every other field by its exact value.

One refinement over "position, or equal to a threshold": ZEN reads a Python float as a
decimal of ~16 significant digits (``0.005499999999999999`` *is* ``0.0055`` there, so
``< 0.0055`` is false for it), so a number within ``1e-9 x max(1, |threshold|)`` of a
threshold is classed by its exact value, never by its position.  A number farther than
that from every threshold is on the same side of each in ZEN as in Python, so two such
numbers at the same position pass exactly the same cells.

Classed by exact value too: an int past 2**53, infinities, NaN (every NaN one class: ZEN
refuses them all alike); a missing field is a class of its own, apart from None.  A context
that cannot be classed (a value that is not a string, bool, None, int or float, or a key the
tables write, such as ``band``) gets no key: evaluate it alone.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_TABLE = "decisionTableNode"
_HIT_POLICIES = ("first", "collect")
_NUM = r"-?\d+(?:\.\d+)?"
_STR = r"(?:\"[^\"\\]*\"|'[^'\\]*')"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_COMPARE = re.compile(rf"(?:<=|>=|<|>|==|!=)?\s*({_NUM})")
_INTERVAL = re.compile(rf"[\[(]\s*({_NUM})\s*\.\.\s*({_NUM})\s*[\])]")
_STRINGS = re.compile(rf"{_STR}(?:\s*,\s*{_STR})*")
_BOOL = re.compile(r"true|false")
_NULL_TEST = re.compile(r"(\S+)\s*(?:==|!=)\s*null")
_LITERAL = re.compile(rf"{_STR}|{_NUM}|true|false")
_TOLERANCE = 1e-9
_EXACT_INT = 2**53
_MISSING = object()
_VALUES = (str, bool, int, float, type(None))  # classed by their exact value

Key = tuple[Any, ...]


def guard_bounds(thresholds: tuple[float, ...]) -> tuple[float, ...]:
    """The sorted bounds of the guard intervals ``[t - tol, t + tol)`` around the
    thresholds (overlapping ones merged): a value at an even position among them is outside
    every guard, and that position is its class; at an odd position it is inside one."""
    merged: list[list[float]] = []
    for t in thresholds:
        tol = _TOLERANCE * max(1.0, abs(t))
        if merged and t - tol <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], t + tol)
        else:
            merged.append([t - tol, t + tol])
    return tuple(x for pair in merged for x in pair)


@dataclass(frozen=True)
class FactClasses:
    """The raw fields the tables read, how each is classed, and the answer keys the tables
    write (``outputPath`` heads)."""

    fields: tuple[str, ...]
    # per field: the sorted thresholds (as floats) if the field is numeric, else None
    thresholds: tuple[tuple[float, ...] | None, ...]
    written: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_plan", tuple(
            (name, None if t is None else guard_bounds(t))
            for name, t in zip(self.fields, self.thresholds, strict=True)))

    def key(self, context: Mapping[str, Any]) -> Key | None:
        """The class of a context's facts, or None if it cannot be classed.  Three entries
        a field: the value's type, whether the next entry is a position, the position among
        the guard bounds or the exact value."""
        for head in self.written:
            if head in context:
                return None
        parts: list[Any] = []
        add = parts.extend
        for name, bounds in self._plan:  # type: ignore[attr-defined]
            value = context.get(name, _MISSING)
            kind = type(value)
            if bounds is not None and (kind is float or kind is int) \
                    and -_EXACT_INT <= value <= _EXACT_INT:  # False for NaN and infinities
                at = bisect_right(bounds, value)
                add((kind, True, at) if at % 2 == 0 else (kind, False, value))
            elif value is _MISSING:
                add((None, False, _MISSING))
            elif kind is float and math.isnan(value):
                add((kind, False, "nan"))  # NaN != NaN: one class for every NaN
            elif kind in _VALUES:
                add((kind, False, value))
            else:
                return None
        return tuple(parts)

    def outputs(self, answer: Mapping[str, Any]) -> dict[str, Any]:
        """What the tables wrote in an answer (a fresh copy: lines never share objects)."""
        return {h: _copy(answer[h]) for h in self.written if h in answer}


def _copy(value: Any) -> Any:
    if type(value) is dict:
        return {k: v if type(v) in _VALUES else _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [v if type(v) in _VALUES else _copy(v) for v in value]
    return value


@dataclass
class _Field:
    numeric: bool = True  # every non-empty cell is a numeric or null test
    edges: set[float] | None = None


def _cell_thresholds(cell: str, field: str) -> tuple[str, list[float]] | None:
    """('num', thresholds) / ('null', []) / ('value', []) for a cell understood, else None."""
    m = _COMPARE.fullmatch(cell)
    if m:
        return "num", [float(m.group(1))]
    m = _INTERVAL.fullmatch(cell)
    if m:
        return "num", [float(m.group(1)), float(m.group(2))]
    if _STRINGS.fullmatch(cell) or _BOOL.fullmatch(cell):
        return "value", []
    m = _NULL_TEST.fullmatch(cell)
    if m and m.group(1) in ("$", field):
        return "null", []
    return None


def _tables(graph: Mapping[str, Any]) -> Iterator[Mapping[str, Any]] | None:
    nodes = graph.get("nodes")
    edges = graph.get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list) or len(nodes) < 3:
        return None
    kinds = [n.get("type") if isinstance(n, dict) else None for n in nodes]
    if kinds[0] != "inputNode" or kinds[-1] != "outputNode" \
            or any(k != _TABLE for k in kinds[1:-1]):
        return None
    chain = {(nodes[i]["id"], nodes[i + 1]["id"]) for i in range(len(nodes) - 1)}
    got = {(e.get("sourceId"), e.get("targetId")) for e in edges if isinstance(e, dict)}
    if got != chain or len(edges) != len(chain):
        return None
    return iter(nodes[1:-1])


def _raw(name: str, derived: set[str], heads: list[str], own: str) -> bool | None:
    """True for a raw fact, False for an earlier table's output, None if neither."""
    if name in derived:
        return False
    if _NAME.fullmatch(name) and name not in heads and name != own:
        return True
    return None


def _read_table(content: Any, fields: dict[str, _Field], derived: set[str],
                heads: list[str]) -> str | None:
    """Check one table and note what it reads; its outputPath's head, or None."""
    if not isinstance(content, dict) or content.get("hitPolicy") not in _HIT_POLICIES:
        return None
    path, inputs, outputs, rules = (content.get(k) for k in
                                    ("outputPath", "inputs", "outputs", "rules"))
    if not isinstance(path, str) or not path or not isinstance(inputs, list) \
            or not isinstance(outputs, list) or not isinstance(rules, list):
        return None
    head = path.split(".")[0]
    columns: list[tuple[str, str, bool]] = []
    for col in inputs:
        if not isinstance(col, dict) or col.get("type", "expression") != "expression":
            return None
        cid, name = col.get("id"), col.get("field")
        if not isinstance(cid, str) or not isinstance(name, str):
            return None
        raw = _raw(name, derived, heads, head)
        if raw is None:
            return None
        columns.append((cid, name, raw))
    for col in outputs:
        if not isinstance(col, dict) or col.get("type", "expression") != "expression" \
                or not isinstance(col.get("id"), str) \
                or not isinstance(col.get("field"), str) or not col["field"]:
            return None
    for rule in rules:
        if not isinstance(rule, dict):
            return None
        for col in outputs:
            cell = rule.get(col["id"])
            if not isinstance(cell, str) or not _LITERAL.fullmatch(cell.strip()):
                return None
        for cid, name, raw in columns:
            cell = rule.get(cid, "")
            if not isinstance(cell, str):
                return None
            if not cell.strip():
                continue
            understood = _cell_thresholds(cell.strip(), name)
            if understood is None:
                return None
            if raw:
                f = fields.setdefault(name, _Field())
                f.numeric = f.numeric and understood[0] != "value"
                f.edges = (f.edges or set()) | set(understood[1])
    if head in fields:  # an earlier table (or this one) read a raw fact this one overwrites
        return None
    derived.update(f"{path}.{col['field']}" for col in outputs)
    return head


def fact_classes(graph: Mapping[str, Any]) -> FactClasses | None:
    """How a ruleset's chained graph (``Ruleset.graph``) classes facts, or None if any node,
    column or cell is not one this module fully understands (evaluate each context then)."""
    tables = _tables(graph)
    if tables is None:
        return None
    fields: dict[str, _Field] = {}  # the raw facts some non-empty cell tests
    derived: set[str] = set()
    heads: list[str] = []
    for node in tables:
        head = _read_table(node.get("content"), fields, derived, heads)
        if head is None:
            return None
        if head not in heads:
            heads.append(head)
    read = sorted(fields)
    return FactClasses(
        fields=tuple(read),
        thresholds=tuple(tuple(sorted(fields[n].edges or ())) if fields[n].numeric
                         and fields[n].edges else None for n in read),
        written=tuple(heads))
