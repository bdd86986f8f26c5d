"""Loading, hashing and evaluating a ruleset: a folder with ``manifest.json`` and the JDM
decision-table files it lists.  Every family of rules (origination policy, line strategy,
real-time triggers, closure review, collection strategy, compliance profiles) is read through
this one module; :mod:`creditline.rulesets.family` adds example cases and the load-time check.

Each table file is a complete JDM graph (request -> one decision table -> response), so an
analyst can open and test it alone in the GoRules editor.  For a decision the tables are
chained into one graph in manifest order (each table passes its input through and writes
its answer under its ``outputPath``), because one zen-engine call costs ~0.2 ms of fixed
overhead and eight separate calls would be most of the latency budget.

The ruleset's identity is the manifest's ``version`` plus a SHA-256 over the manifest and
every table, byte for byte (``creditline.versioned``, shared with the product catalogue):
two folders with the same hash decide the same way.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zen

from creditline.errors import ValidationError
from creditline.versioned import read_versioned

_TABLE = "decisionTableNode"


@dataclass
class Ruleset:
    version: str
    hash: str
    folder: Path
    tables: tuple[str, ...]
    parameters: dict[str, Any]
    graph: dict[str, Any] = field(repr=False)
    _engine: Any = field(default=None, repr=False)
    _decision: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        graph_json = json.dumps(self.graph)
        self._engine = zen.ZenEngine({"loader": lambda _key: graph_json})
        self._decision = self._engine.create_decision(graph_json)

    @property
    def label(self) -> str:
        """``version+hash12``, as recorded with each decision."""
        return f"{self.version}+{self.hash[:12]}"

    def evaluate(self, context: Mapping[str, Any]) -> dict[str, Any]:
        """Run every table over ``context``; returns the context with each table's answer."""
        try:
            return dict(self._decision.evaluate(dict(context))["result"])
        except Exception as exc:
            # ZEN raises RuntimeError when a table fails, a plain ``Exception`` for a value
            # it cannot take in (NaN, an infinity, an integer past 64 bits) and its binding
            # OverflowError past 128 bits: all are this context's fault, so they fail this
            # context, not the caller's whole batch.
            if type(exc) not in (RuntimeError, Exception, OverflowError):
                raise
            raise ValidationError("rules", f"ruleset {self.label} failed: {_first_line(exc)}") \
                from None

    def evaluate_many(self, contexts: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Batch evaluation (replays): one native call for many contexts, ~15 µs each."""
        if not contexts:
            return []
        answers = self._engine.evaluate_batch(
            [{"key": "rules", "context": dict(c)} for c in contexts])
        out = []
        for a in answers:
            if not a.get("success"):
                raise ValidationError("rules", f"ruleset {self.label} failed: {a.get('error')}")
            out.append(dict(a["data"]["result"]))
        return out


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _table_node(name: str, doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), list):
        raise ValidationError("rules", f"{name} is not a JDM graph (no 'nodes' list)")
    tables = [n for n in doc["nodes"] if n.get("type") == _TABLE]
    if len(tables) != 1:
        raise ValidationError("rules", f"{name} must hold exactly one decision table, "
                                       f"found {len(tables)}")
    node: dict[str, Any] = json.loads(json.dumps(tables[0]))
    content = node.get("content") or {}
    if not content.get("outputPath"):
        raise ValidationError("rules", f"{name}: the decision table needs an outputPath")
    content["passThrough"] = True
    return node


def compose(tables: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """One JDM graph: request -> table 1 -> table 2 -> ... -> response."""
    nodes: list[dict[str, Any]] = [
        {"id": "request", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}}]
    paths: set[str] = set()
    for i, (name, doc) in enumerate(tables):
        node = _table_node(name, doc)
        path = node["content"]["outputPath"]
        if path in paths:
            raise ValidationError("rules", f"{name}: outputPath {path!r} is used by another table")
        paths.add(path)
        node["id"] = f"t{i}-{node.get('id', name)}"
        node["position"] = {"x": 300 * (i + 1), "y": 0}
        nodes.append(node)
    nodes.append({"id": "response", "type": "outputNode", "name": "Response",
                  "position": {"x": 300 * (len(tables) + 1), "y": 0}})
    edges = [{"id": f"e{i}", "type": "edge", "sourceId": a["id"], "targetId": b["id"]}
             for i, (a, b) in enumerate(itertools.pairwise(nodes))]
    return {"contentType": "application/vnd.gorules.decision", "nodes": nodes, "edges": edges}


def load_ruleset(folder: Path | str) -> Ruleset:
    """Read and check a ruleset folder: manifest, tables, one valid JDM graph."""
    root = Path(folder)
    data = read_versioned(root, files_key="tables", what="rules")
    names, docs = [name for name, _ in data.files], list(data.files)
    graph = compose(docs)
    ruleset = Ruleset(version=data.version, hash=data.hash, folder=root,
                      tables=tuple(names), parameters=dict(data.manifest.get("parameters") or {}),
                      graph=graph)
    try:
        ruleset._decision.validate()
    except (RuntimeError, ValueError) as exc:
        raise ValidationError("rules", f"ruleset in {root} is not valid JDM: {_first_line(exc)}") \
            from None
    return ruleset
