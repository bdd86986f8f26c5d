"""Rules as data, one tooling for every family of decision tables (see ``family.py``)."""

from creditline.rulesets.cases import Case, CaseResult, check_answer, load_cases
from creditline.rulesets.family import RuleFamily
from creditline.rulesets.tables import Ruleset, load_ruleset

__all__ = ["Case", "CaseResult", "RuleFamily", "Ruleset", "check_answer", "load_cases",
           "load_ruleset"]
