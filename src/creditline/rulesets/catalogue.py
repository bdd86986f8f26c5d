"""A rule family as a person reads it: its label, its tables row by row (the conditions and
the answers, as the analyst wrote them), and its example cases run against the tables --
what ``creditline rules list`` / ``rules test`` print, handed to the console as values."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creditline.auth import Principal
from creditline.errors import ValidationError
from creditline.rulesets.cases import CaseResult
from creditline.rulesets.family import CASES_SUBFOLDER as CASES
from creditline.rulesets.family import RuleFamily
from creditline.rulesets.tables import Ruleset

_TABLE = "decisionTableNode"
MAX_FILES = 40
MAX_FILE_BYTES = 512 * 1024
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.json")


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


@dataclass(frozen=True)
class CandidateFile:
    name: str  # a bare file name: manifest.json, a table, or a case file
    content: bytes


def _write(folder: Path, files: Sequence[CandidateFile], field: str) -> None:
    for f in files:
        if not _NAME.fullmatch(f.name):
            raise ValidationError(field, f"{f.name!r}: a rules file is a .json file with a "
                                         "plain name (letters, digits, '_', '-', '.')")
        if len(f.content) > MAX_FILE_BYTES:
            raise ValidationError(field, f"{f.name}: at most {MAX_FILE_BYTES // 1024} KiB")
        target = folder / f.name
        if target.exists():
            raise ValidationError(field, f"{f.name} is given twice")
        target.write_bytes(f.content)


def try_candidate(family: RuleFamily, tables: Sequence[CandidateFile],
                  cases: Sequence[CandidateFile], actor: Principal
                  ) -> tuple[Ruleset, list[CaseResult]]:
    """A changed folder tried before it goes live (``rules test --rules FOLDER``): its
    manifest and tables are read and hashed as a folder would be, and the example cases run
    against them -- the cases given with it, else the family's shipped ones.  Nothing is
    stored and nothing changes what decides; the answer names the candidate's label."""
    actor.require("rules:read")
    if not tables:
        raise ValidationError("tables", "give the manifest.json and the table files")
    if len(tables) + len(cases) > MAX_FILES:
        raise ValidationError("tables", f"at most {MAX_FILES} files")
    if "manifest.json" not in {f.name for f in tables}:
        raise ValidationError("tables", "manifest.json is missing")
    with tempfile.TemporaryDirectory(prefix="creditline-rules-") as tmp:
        folder = Path(tmp)
        _write(folder, tables, "tables")
        if cases:
            (folder / CASES).mkdir()
            _write(folder / CASES, cases, "cases")
        rs = family.load(folder, verify=False)
        return rs, family.run_cases(rs, family.cases_for(folder))
