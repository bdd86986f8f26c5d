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

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from creditline.policy.decision import PolicyDecision, decide
from creditline.policy.facts import PolicyFacts
from creditline.policy.ruleset import RULES_DIR
from creditline.rulesets.cases import Case, CaseResult, load_cases
from creditline.rulesets.family import RuleFamily
from creditline.rulesets.tables import Ruleset

__all__ = ["CASES_DIR", "ORIGINATION", "Case", "CaseResult", "check", "load_cases",
           "run_case", "run_cases"]

CASES_DIR = Path(__file__).parent / "cases"


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


def _decide(ruleset: Ruleset, facts: Mapping[str, Any]) -> PolicyDecision:
    return decide(ruleset, PolicyFacts.from_json(facts))


# The origination policy as one family of rules among the others.  Its shipped tables are
# not verified at load (``default_ruleset`` stays the cheap path of every application, and
# replays load edited folders whose cases are being rewritten); ``creditline rules test``
# and the unit tests run its cases.
ORIGINATION = RuleFamily(name="origination", title="Origination policy: knock-outs, cut-offs, "
                                                   "limits",
                         rules_dir=RULES_DIR, cases_dir=CASES_DIR, run=_decide, check=check)


def run_case(ruleset: Ruleset, case: Case) -> CaseResult:
    return ORIGINATION.run_case(ruleset, case)


def run_cases(ruleset: Ruleset, folder: Path | str) -> list[CaseResult]:
    return ORIGINATION.run_cases(ruleset, folder)
