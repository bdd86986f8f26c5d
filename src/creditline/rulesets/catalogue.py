"""A rule family as a person reads it: its label, its tables row by row (the conditions and
the answers, as the analyst wrote them), and its example cases run against the tables --
what ``creditline rules list`` / ``rules test`` print, handed to the console as values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from creditline.auth import Principal
from creditline.rulesets.cases import CaseResult
from creditline.rulesets.family import RuleFamily
from creditline.rulesets.tables import Ruleset

_TABLE = "decisionTableNode"


@dataclass(frozen=True)
class Column:
    id: str
    name: str
    field: str


@dataclass(frozen=True)
class Row:
    id: str
    description: str
    cells: tuple[str, ...]  # the inputs' conditions, then the outputs' expressions


@dataclass(frozen=True)
class TableView:
    name: str  # the file in the ruleset folder
    output_path: str
    hit_policy: str
    inputs: tuple[Column, ...]
    outputs: tuple[Column, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class FamilySummary:
    name: str
    title: str
    version: str
    hash: str
    label: str
    tables: tuple[str, ...]
    parameters: dict[str, Any]
    cases: int
    failing: int


def _columns(raw: Any) -> tuple[Column, ...]:
    return tuple(Column(str(c.get("id", "")), str(c.get("name", "")), str(c.get("field", "")))
                 for c in raw or [])


def tables_of(ruleset: Ruleset) -> list[TableView]:
    """Every decision table of a ruleset, in manifest order, with its rows."""
    nodes = [n for n in ruleset.graph["nodes"] if n.get("type") == _TABLE]
    out = []
    for name, node in zip(ruleset.tables, nodes, strict=True):
        content = node.get("content") or {}
        inputs, outputs = _columns(content.get("inputs")), _columns(content.get("outputs"))
        rows = tuple(Row(str(r.get("_id", "")), str(r.get("_description", "")),
                         tuple(str(r.get(c.id, "")) for c in (*inputs, *outputs)))
                     for r in content.get("rules") or [])
        out.append(TableView(name, str(content.get("outputPath", "")),
                             str(content.get("hitPolicy", "first")), inputs, outputs, rows))
    return out


def summarize(family: RuleFamily, actor: Principal) -> FamilySummary:
    """The family's shipped (live) tables: label, tables, and how many of its example cases
    they pass."""
    actor.require("rules:read")
    rs = family.load(verify=False)
    results = family.run_cases(rs)
    return FamilySummary(family.name, family.title, rs.version, rs.hash, rs.label, rs.tables,
                         dict(rs.parameters), len(results), sum(not r.ok for r in results))


def run_family_cases(family: RuleFamily, actor: Principal) -> tuple[Ruleset, list[CaseResult]]:
    """Run every example case of the family against its shipped tables (``rules test``)."""
    actor.require("rules:read")
    rs = family.load(verify=False)
    return rs, family.run_cases(rs)
