"""The limit strategy: what happens to an open line's limit and status after its day closed.

Rules are data: the ``line_strategy`` family of decision tables (``lines/strategy_rules/``,
a manifest and two GoRules JDM tables, its example cases in ``cases/``) maps the B-card's
probability of bad to a band and then the line's facts -- band, status, days past due, clean
statement cycles, days since its last increase and decrease, utilisation, whether the
customer opted out of automatic increases -- to an action with a share of the limit and a
reason code.  A folder whose tables fail one of its cases is refused at load, naming the
case (``creditline.rulesets``).

What the tables cannot do is money, so it is here, once (:func:`limit_move`): an increase
of ``change`` x limit, rounded down to the step, never above the capacity cap (declared
monthly income x ``capacity_income_months``; no income: no automatic increase) nor the
product's maximum; a decrease of ``change`` x limit, rounded down, never below the
product's minimum nor -- unless the row says ``below_used`` -- below the amount in use, so
available credit is never negative by accident and a cut below use is always a stated
rule.  A move that changes nothing is "none" with the reason why (``AT_CAPACITY``,
``AT_USED_FLOOR``).

The end-of-day stage (``batch.limit_strategy``) builds the facts as columns, evaluates the
tables once per class of facts (lines whose facts pass exactly the same cells share one
native call, ``rulesets.fact_classes``; line by line if the tables hold a cell it does not
understand), and applies the moves; a line whose facts or answer break a rule is reported
in the stage's errors and the batch goes on (``(result, errors)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path
from typing import Any

from creditline.errors import ValidationError
from creditline.money import ZERO, money_str
from creditline.rulesets.family import RuleFamily
from creditline.rulesets.tables import Ruleset

RULES_DIR = Path(__file__).parent / "strategy_rules"
ACTIONS = ("increase", "decrease", "freeze", "suspend", "unfreeze", "none")
NEVER = 99_999  # days since an event that never happened
AT_CAPACITY = "AT_CAPACITY"
AT_USED_FLOOR = "AT_USED_FLOOR"
NO_INCOME = "NO_INCOME_CAPACITY"


@dataclass(frozen=True)
class Outcome:
    """What the tables answered for one line."""

    band: str
    action: str
    change: Decimal
    below_used: bool
    reason: str


@dataclass(frozen=True)
class LimitTerms:
    """The money around a line's move: its limit and use, the capacity cap, the product's
    range and the rounding step."""

    limit: Decimal
    used: Decimal
    capacity: Decimal | None
    product_min: Decimal
    product_max: Decimal
    step: Decimal


@dataclass(frozen=True)
class Move:
    """The strategy's decision for one line: the action taken and the limit after it."""

    action: str
    old_limit: Decimal
    new_limit: Decimal
    reasons: tuple[str, ...]
    band: str


def outcome_of(answer: Mapping[str, Any]) -> Outcome:
    """The tables' answer, checked: an unknown action or a share outside 0..1 is an error
    naming the field (reported for the line, never applied)."""
    band = answer.get("band")
    s = answer.get("strategy")
    if not isinstance(band, Mapping) or not isinstance(s, Mapping):
        raise ValidationError("rules", "the strategy tables gave no band or strategy answer")
    action = s.get("action")
    if action not in ACTIONS:
        raise ValidationError("strategy.action", f"must be one of {', '.join(ACTIONS)}, "
                                                 f"got {action!r}")
    try:
        change = Decimal(str(s.get("change", "0")))
    except ArithmeticError:
        raise ValidationError("strategy.change", "must be a number from 0 to 1") from None
    if not ZERO <= change <= 1:
        raise ValidationError("strategy.change", f"must be from 0 to 1, got {change}")
    return Outcome(str(band.get("band", "U")), str(action), change,
                   bool(s.get("below_used", False)), str(s.get("reason", "")))


def _step(amount: Decimal, step: Decimal, rounding: str) -> Decimal:
    return (amount / step).to_integral_value(rounding=rounding) * step


def capacity_of(monthly_income: Decimal | None, customer_kind: str,
                parameters: Mapping[str, Any]) -> Decimal | None:
    """The income-based cap on a line: monthly income x the months the manifest gives the
    customer kind (``capacity_income_months``); None without an income."""
    if monthly_income is None or monthly_income <= 0:
        return None
    months = (parameters.get("capacity_income_months") or {}).get(customer_kind)
    if months is None:
        raise ValidationError("capacity_income_months", f"has no entry for {customer_kind!r}")
    return monthly_income * Decimal(str(months))


def limit_move(outcome: Outcome, terms: LimitTerms) -> Move:
    """The new limit an outcome gives (see the module docstring for the rules)."""
    old = terms.limit
    reasons = (outcome.reason,) if outcome.reason else ()
    if outcome.action == "increase":
        if terms.capacity is None:
            return Move("none", old, old, (NO_INCOME,), outcome.band)
        cap = min(terms.capacity, terms.product_max)
        new = min(_step(old * (1 + outcome.change), terms.step, ROUND_FLOOR),
                  _step(cap, terms.step, ROUND_FLOOR))
        if new <= old:
            return Move("none", old, old, (AT_CAPACITY, *reasons), outcome.band)
        return Move("increase", old, new, reasons, outcome.band)
    if outcome.action == "decrease":
        new = _step(old * (1 - outcome.change), terms.step, ROUND_FLOOR)
        if not outcome.below_used:
            floor = max(terms.product_min, _step(terms.used, terms.step, ROUND_CEILING))
            new = max(new, floor)
        new = max(new, ZERO)
        if new >= old:
            return Move("none", old, old, (AT_USED_FLOOR, *reasons), outcome.band)
        return Move("decrease", old, new, reasons, outcome.band)
    return Move(outcome.action, old, old, reasons, outcome.band)


def decide(ruleset: Ruleset, facts: Mapping[str, Any]) -> Move:
    """One line's decision from its facts (a case's ``facts``: the tables' context plus the
    money of ``LimitTerms`` as text and ``customer_kind`` / ``monthly_income``)."""
    answer = ruleset.evaluate(facts)
    income = facts.get("monthly_income")
    terms = LimitTerms(
        limit=Decimal(str(facts["limit"])), used=Decimal(str(facts.get("used", "0"))),
        capacity=capacity_of(None if income is None else Decimal(str(income)),
                             str(facts.get("customer_kind", "person")), ruleset.parameters),
        product_min=Decimal(str(facts.get("product_min", "0"))),
        product_max=Decimal(str(facts["product_max"])),
        step=Decimal(str(ruleset.parameters.get("limit_step", "100.00"))))
    return limit_move(outcome_of(answer), terms)


def move_text(move: Move) -> str:
    """What the limit history's note says of a strategy move."""
    if move.action in ("increase", "decrease"):
        return (f"limit strategy: {move.action} from {money_str(move.old_limit)} to "
                f"{money_str(move.new_limit)} (band {move.band})")
    return f"limit strategy: {move.action} (band {move.band})"


STRATEGY = RuleFamily(name="line_strategy",
                      title="Limit strategy for open lines: B-score band, increase / decrease / "
                            "freeze / suspend / unfreeze",
                      rules_dir=RULES_DIR, cases_dir=RULES_DIR / "cases", run=decide)
