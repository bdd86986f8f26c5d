"""Example cases for any family of decision tables.

A case file (``*.json`` in a family's cases folder) holds one case or a list of them::

    {"name": "six clean cycles in band A: +30 %",
     "facts": {"band": "A", "clean_cycles": 6, "limit": "10000.00"},
     "expect": {"action": "increase", "new_limit": "13000.00", "reasons": ["CLEAN_CYCLES"]}}

``facts`` is what the family's ``run`` function takes (for most families: the context handed to
the tables); ``expect`` names what the answer must hold.  The generic check
(:func:`check_answer`) compares each expected key with the answer at that key (a dotted key
reaches into nested answers): numbers and numeric strings compare as ``Decimal`` (so
``"13000.00"`` equals ``13000``), a list expects the answer's list to *start* with it (the
first reasons, in order), anything else compares equal.  ``{"error": "text"}`` expects the run
to fail with an error naming ``text``.  A family with a typed answer supplies its own check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from creditline.errors import ValidationError


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    facts: Mapping[str, Any]
    expect: Mapping[str, Any]


@dataclass(frozen=True)
class CaseResult:
    case: Case
    ok: bool
    problems: tuple[str, ...]
    answer: Any


def load_cases(folder: Path | str) -> list[Case]:
    """Every case in every ``*.json`` of a folder, in file-name order."""
    root = Path(folder)
    if not root.is_dir():
        raise ValidationError("DIR", f"{root} is not a folder of case files")
    cases: list[Case] = []
    for path in sorted(root.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValidationError("DIR", f"{path.name} is not valid JSON: {exc}") from None
        items = doc if isinstance(doc, list) else [doc]
        for i, item in enumerate(items):
            if not isinstance(item, dict) or "facts" not in item or "expect" not in item:
                raise ValidationError("DIR", f"{path.name} case {i} needs 'facts' and 'expect'")
            cases.append(Case(name=str(item.get("name", f"{path.stem}[{i}]")), source=path.name,
                              facts=item["facts"], expect=item["expect"]))
    if not cases:
        raise ValidationError("DIR", f"{root} holds no *.json case files")
    return cases


_MISSING = object()


def _at(answer: Any, dotted: str) -> Any:
    value = answer
    for part in dotted.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif hasattr(value, part):
            value = getattr(value, part)
        else:
            return _MISSING
    return value


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float | str):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    return None


def same(got: Any, want: Any) -> bool:
    """Equal as the generic check understands it (numbers as ``Decimal``)."""
    a, b = _decimal(got), _decimal(want)
    if a is not None and b is not None:
        return a == b
    if isinstance(want, Mapping) and isinstance(got, Mapping):
        return all(k in got and same(got[k], v) for k, v in want.items())
    return bool(got == want)


def check_answer(answer: Any, expect: Mapping[str, Any]) -> list[str]:
    """Problems between an answer (a mapping or an object) and what a case expects."""
    problems: list[str] = []
    for key, want in expect.items():
        if key == "error":
            continue
        got = _at(answer, key)
        if got is _MISSING:
            problems.append(f"{key} missing from the answer (expected {want!r})")
        elif isinstance(want, list):
            head = list(got)[: len(want)] if isinstance(got, list | tuple) else got
            if not (isinstance(head, list) and len(head) == len(want)
                    and all(same(g, w) for g, w in zip(head, want, strict=True))):
                problems.append(f"{key} {got!r} does not start with {want!r}")
        elif not same(got, want):
            problems.append(f"{key} {got!r} != expected {want!r}")
    return problems
