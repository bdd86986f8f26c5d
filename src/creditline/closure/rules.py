"""The closure review's rule family (``creditline.rulesets``): the decision tables in
``closure/rules/`` (a versioned folder: manifest + JDM tables, identified by version +
SHA-256, the label recorded on every review) and the example cases in ``closure/cases/``,
which the folder must pass to be loaded (``creditline rules test --family closure_review``)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from creditline.closure.review import outcome_of
from creditline.rulesets import RuleFamily, Ruleset

RULES_DIR = Path(__file__).parent / "rules"
CASES_DIR = Path(__file__).parent / "cases"


def _run(ruleset: Ruleset, facts: Mapping[str, Any]) -> dict[str, Any]:
    """A case's facts (the tables' input) to ``{"outcome", "reasons"}``."""
    outcome, findings = outcome_of(ruleset.evaluate(facts))
    return {"outcome": outcome, "reasons": [f.code for f in findings]}


CLOSURE_REVIEW = RuleFamily(
    name="closure_review", title="System review of closure and reduction requests",
    rules_dir=RULES_DIR, cases_dir=CASES_DIR, run=_run)


def closure_rules() -> Ruleset:
    """The shipped closure-review tables, loaded (and checked on their cases) once."""
    return CLOSURE_REVIEW.default()


def second_review_above(rules: Ruleset) -> Decimal:
    """Maker-checker: a decision on a line whose limit is above this needs a second person."""
    return Decimal(str(rules.parameters["second_review_above"]))
