"""The closure review's rule family: the decision tables in ``closure/rules/`` (a
versioned folder: manifest + JDM tables, identified by version + SHA-256) and the example
cases in ``closure/cases/``."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from creditline.policy.ruleset import Ruleset, load_ruleset

RULES_DIR = Path(__file__).parent / "rules"
CASES_DIR = Path(__file__).parent / "cases"


@lru_cache(maxsize=1)
def closure_rules() -> Ruleset:
    """The shipped closure-review tables, loaded once per process."""
    return load_ruleset(RULES_DIR)


def second_review_above(rules: Ruleset) -> Decimal:
    """Maker-checker: a decision on a line whose limit is above this needs a second person."""
    return Decimal(str(rules.parameters["second_review_above"]))
