"""A family of rules: one kind of decision (origination policy, line strategy, real-time
triggers, closure review, collection strategy, compliance profiles) made by one versioned
folder of decision tables, with its example cases.

Every family works the same way, so the tooling is written once:

- the shipped tables live in the context (``lines/strategy/``, ``closure/review/``, ...), read
  by :func:`creditline.rulesets.tables.load_ruleset` (manifest + SHA-256: the label
  ``version+hash12`` is recorded on every decision the family makes);
- example cases (:mod:`creditline.rulesets.cases`) say what the tables must answer; a folder
  whose tables fail one of its cases is **refused at load, naming the case**, so a broken
  table never reaches end of day or the purchase path;
- ``creditline rules list`` shows every family with its label and case count, and
  ``creditline rules test --family NAME`` runs a family's cases (the families are registered
  in ``bootstrap.rule_families()``, the composition root);
- replay over history is the family's own (it knows where its past facts are stored), and
  records the label it replayed with.

A context declares its family as a module-level constant::

    STRATEGY = RuleFamily(name="line_strategy", title="Limit strategy for open lines",
                          rules_dir=Path(__file__).parent / "strategy",
                          cases_dir=Path(__file__).parent / "strategy_cases")

and decides with ``STRATEGY.default().evaluate(facts)`` (or ``evaluate_many`` for a batch:
one native call, ~15 µs a context).  ``run`` turns a case's facts into the answer the cases
check; the default evaluates the tables on the facts as they are.  A family whose answer is a
typed object (origination's ``PolicyDecision``) gives its own ``run`` and ``check``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from creditline.errors import CreditlineError, ValidationError
from creditline.rulesets.cases import Case, CaseResult, check_answer, load_cases
from creditline.rulesets.tables import Ruleset, load_ruleset

CASES_SUBFOLDER = "cases"


def evaluate(ruleset: Ruleset, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The default ``run``: the tables' answer on the facts as they are."""
    return ruleset.evaluate(facts)


@dataclass(frozen=True)
class RuleFamily:
    name: str
    title: str
    rules_dir: Path
    cases_dir: Path
    run: Callable[[Ruleset, Mapping[str, Any]], Any] = evaluate
    check: Callable[[Any, Mapping[str, Any]], list[str]] = check_answer

    def cases_for(self, folder: Path | str | None) -> Path:
        """The cases a rules folder is checked against: its own ``cases/`` subfolder if it
        has one (an analyst changing tables changes the examples beside them), else the
        family's shipped cases."""
        if folder is not None and (Path(folder) / CASES_SUBFOLDER).is_dir():
            return Path(folder) / CASES_SUBFOLDER
        return self.cases_dir

    def load(self, folder: Path | str | None = None, *, verify: bool = True) -> Ruleset:
        """Read a rules folder (default: the shipped one); with ``verify`` (the default) run
        its example cases and refuse the folder if one fails, naming the case."""
        ruleset = load_ruleset(self.rules_dir if folder is None else folder)
        if verify:
            failed = [r for r in self.run_cases(ruleset, self.cases_for(folder)) if not r.ok]
            if failed:
                first = failed[0]
                more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
                raise ValidationError(
                    "rules", f"{self.name} rules {ruleset.label} refused: example case "
                             f"{first.case.name!r} ({first.case.source}) fails: "
                             f"{'; '.join(first.problems)}{more}")
        return ruleset

    def default(self) -> Ruleset:
        """The shipped folder, loaded and verified once per process."""
        return _cached(self, str(self.rules_dir))

    def run_case(self, ruleset: Ruleset, case: Case) -> CaseResult:
        try:
            answer = self.run(ruleset, case.facts)
        except (CreditlineError, KeyError, TypeError, ValueError) as exc:
            if "error" in case.expect and str(case.expect["error"]) in str(exc):
                return CaseResult(case, True, (), None)
            return CaseResult(case, False, (f"error: {exc}",), None)
        if "error" in case.expect:
            return CaseResult(case, False, (f"expected an error naming {case.expect['error']!r}",),
                              answer)
        problems = self.check(answer, case.expect)
        return CaseResult(case, not problems, tuple(problems), answer)

    def run_cases(self, ruleset: Ruleset, folder: Path | str | None = None) -> list[CaseResult]:
        """Every example case of ``folder`` (default: the family's) against ``ruleset``."""
        return [self.run_case(ruleset, c) for c in load_cases(folder or self.cases_dir)]


@lru_cache(maxsize=32)
def _cached(family: RuleFamily, folder: str) -> Ruleset:
    return family.load(folder)
