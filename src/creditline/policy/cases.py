"""Example cases for the decision tables: ``creditline rules test DIR`` runs every
``*.json`` in a folder against a ruleset and reports which cases no longer hold.

A case file holds one case or a list of them::

    {"name": "band A, high income",
     "facts": {"product": "consumer_bnpl", "kind": "person", "score": 650, "pd": 0.01,
               "applicant": {"age": 30, "monthly_income": "12000.00"}},
     "expect": {"decision": "approved", "limit": "30000.00", "reasons": ["LIMIT_MATRIX"]}}

``facts`` is the stored form of :class:`~creditline.policy.facts.PolicyFacts` (what every
application records), so a past application can be turned into a case by copying it.
``expect`` may name ``decision``, ``limit``, ``band`` and ``reasons`` (the first reasons,
in order) and ``knockouts`` (codes that must fire).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from creditline.errors import CreditlineError, ValidationError
from creditline.policy.decision import PolicyDecision, decide
from creditline.policy.facts import PolicyFacts
from creditline.policy.ruleset import Ruleset

CASES_DIR = Path(__file__).parent / "cases"


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
    decision: PolicyDecision | None


def load_cases(folder: Path | str) -> list[Case]:
    root = Path(folder)
    if not root.is_dir():
        raise ValidationError("DIR", f"{root} is not a folder of case files")
    cases: list[Case] = []
    for path in sorted(root.glob("*.json")):
        try:
            doc = json.loads(path.read_text())
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


def check(decision: PolicyDecision, expect: Mapping[str, Any]) -> list[str]:
    problems = []
    if "decision" in expect and decision.decision != expect["decision"]:
        problems.append(f"decision {decision.decision} != expected {expect['decision']}")
    if "limit" in expect and decision.limit != Decimal(str(expect["limit"])):
        problems.append(f"limit {decision.limit} != expected {expect['limit']}")
    if "band" in expect and decision.band != expect["band"]:
        problems.append(f"band {decision.band} != expected {expect['band']}")
    if "reasons" in expect:
        want = list(expect["reasons"])
        got = list(decision.reasons[: len(want)])
        if got != want:
            problems.append(f"reasons {got} != expected {want}")
    if "knockouts" in expect:
        fired = {c for c, _ in decision.knockouts}
        missing = [c for c in expect["knockouts"] if c not in fired]
        if missing:
            problems.append(f"knock-outs {sorted(fired)} lack {missing}")
    return problems


def run_case(ruleset: Ruleset, case: Case) -> CaseResult:
    try:
        decision = decide(ruleset, PolicyFacts.from_json(case.facts))
    except (CreditlineError, KeyError, TypeError, ValueError) as exc:
        if "error" in case.expect and case.expect["error"] in str(exc):
            return CaseResult(case, True, (), None)
        return CaseResult(case, False, (f"error: {exc}",), None)
    if "error" in case.expect:
        return CaseResult(case, False, (f"expected an error naming {case.expect['error']!r}",),
                          decision)
    problems = check(decision, case.expect)
    return CaseResult(case, not problems, tuple(problems), decision)


def run_cases(ruleset: Ruleset, folder: Path | str) -> list[CaseResult]:
    return [run_case(ruleset, c) for c in load_cases(folder)]
