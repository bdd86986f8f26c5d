"""The write-off rule family: at how many days past due end of day charges a line off, per
line kind -- a versioned decision table like every other rule set, its label recorded on
every write-off.  Below the threshold it names, a write-off is a risk officer's proposal
that needs a second person's approval."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from creditline.errors import ValidationError
from creditline.products.catalog import CUSTOMER_KINDS
from creditline.rulesets import RuleFamily, Ruleset

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class WriteOffVerdict:
    write_off: bool
    code: str | None
    threshold_dpd: int
    rules_version: str


def _answer(result: Mapping[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    out = result.get("write_off")
    if not isinstance(out, Mapping) or out.get("action") is None:
        raise ValidationError("kind", f"no write-off row for line kind {facts.get('kind')!r}")
    return {"action": out["action"], "code": out.get("code"),
            "threshold_dpd": int(out["threshold_dpd"])}


def _run(ruleset: Ruleset, facts: Mapping[str, Any]) -> dict[str, Any]:
    return _answer(ruleset.evaluate(facts), facts)


WRITE_OFF_RULES = RuleFamily(
    name="write_off", title="Write-off of delinquent lines by days past due",
    rules_dir=_HERE / "rules", cases_dir=_HERE / "cases", run=_run)


def write_off_rules() -> Ruleset:
    """The shipped tables, loaded (and checked on their cases) once per process."""
    return WRITE_OFF_RULES.default()


def _verdict(answer: dict[str, Any], rules: Ruleset) -> WriteOffVerdict:
    return WriteOffVerdict(answer["action"] == "write_off", answer["code"],
                           answer["threshold_dpd"], rules.label)


def verdict(kind: str, dpd: int, rules: Ruleset | None = None) -> WriteOffVerdict:
    r = rules or write_off_rules()
    return _verdict(_run(r, {"kind": kind, "dpd": dpd}), r)


_SCREEN: dict[str, int] = {}


def screen_dpd(rules: Ruleset | None = None) -> int:
    """The fewest days past due at which any line kind can be written off: the smallest
    threshold the table names.  End of day asks the table only about lines this late."""
    r = rules or write_off_rules()
    if r.label not in _SCREEN:
        _SCREEN[r.label] = min(verdict(kind, 0, r).threshold_dpd for kind in CUSTOMER_KINDS)
    return _SCREEN[r.label]


def verdicts(kinds: Sequence[str], dpds: Sequence[int], rules: Ruleset | None = None
             ) -> list[WriteOffVerdict]:
    """Many lines in one native call (end of day)."""
    r = rules or write_off_rules()
    facts = [{"kind": k, "dpd": int(d)} for k, d in zip(kinds, dpds, strict=True)]
    return [_verdict(_answer(res, f), r) for res, f in zip(r.evaluate_many(facts), facts,
                                                            strict=True)]
