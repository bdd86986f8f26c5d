"""Real-time triggers: what a purchase or a return tells about a line, and what the trigger
rules decide to do about it at once.

The rules are data (``lines/trigger_rules``: a versioned folder of JDM decision tables, one
collect table whose every matching row fires).  This module only gathers the facts the
table reads (``TriggerFacts``, from the line and its recent activity) and reads the table's
answer back as typed ``Fired`` outcomes; the servicing use cases apply them in the same
transaction as the purchase or return (``servicing.triggers``).

Outcomes, strongest last: ``cut`` (the available credit is cut by a share: the permanent
limit comes down, never below what is used and held nor below the product's minimum),
``hold`` (the purchase is not booked: it waits, reserved on the line, for a reviewer),
``freeze`` and ``suspend`` (the line changes status; the purchase that fired it is held).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from statistics import median
from typing import Any, Protocol

from creditline.errors import ValidationError
from creditline.money import ZERO, quantize
from creditline.rulesets.family import RuleFamily


class TriggerAction(StrEnum):
    CUT = "cut"
    HOLD = "hold"
    FREEZE = "freeze"
    SUSPEND = "suspend"


# a purchase that fires any of these is held (the line may change status as well)
HOLDING = frozenset({TriggerAction.HOLD, TriggerAction.FREEZE, TriggerAction.SUSPEND})


class RuleTables(Protocol):
    """What the triggers need of a loaded rule folder (``policy.ruleset.Ruleset``)."""

    @property
    def label(self) -> str: ...

    @property
    def parameters(self) -> dict[str, Any]: ...

    def evaluate(self, context: Mapping[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Window:
    """How the facts are gathered (the rule folder's ``parameters``)."""

    return_window_days: int
    usual_lookback_days: int
    spike_window_days: int
    burst_window_days: int
    risky_categories: frozenset[str]
    hold_expiry_days: int  # a hold nobody decided lapses this many days after it was made

    @classmethod
    def of(cls, parameters: Mapping[str, Any]) -> Window:
        def days(name: str) -> int:
            v = parameters.get(name)
            if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 366:
                raise ValidationError(f"parameters.{name}", "must be a number of days from 1 to 366")
            return v
        risky = parameters.get("risky_categories")
        if not isinstance(risky, list) or not all(isinstance(c, str) for c in risky):
            raise ValidationError("parameters.risky_categories", "must be a list of category codes")
        return cls(days("return_window_days"), days("usual_lookback_days"),
                   days("spike_window_days"), days("burst_window_days"), frozenset(risky),
                   days("hold_expiry_days"))

    @property
    def lookback_days(self) -> int:
        """How far back the activity a trigger reads reaches."""
        return max(self.return_window_days, self.usual_lookback_days, self.spike_window_days,
                   self.burst_window_days)


@dataclass(frozen=True)
class PastPurchase:
    made_on: date
    amount: Decimal
    category: str


@dataclass(frozen=True)
class Activity:
    """The line's recent activity, read in one go before the event: its purchases and the
    dates of its returns within ``Window.lookback_days``."""

    purchases: tuple[PastPurchase, ...]
    return_dates: tuple[date, ...]


@dataclass(frozen=True)
class TriggerFacts:
    """What the trigger table reads (its input names are these fields)."""

    event: str  # "purchase" or "return"
    amount: float
    category: str
    returns_in_window: int  # returns within return_window_days, this one included
    prior_purchases: int  # purchases within usual_lookback_days before this one
    usual_amount: float  # their median (0 without any)
    amount_ratio: float  # amount / usual_amount (0 without a usual amount)
    risky: bool
    risky_share: float  # risky spend within spike_window_days (this one included) / limit
    days_open: int
    utilisation_before: float  # (used + held) / limit in force
    utilisation_after: float  # with this purchase
    burst_purchases: int  # purchases within burst_window_days before this one

    def context(self) -> dict[str, Any]:
        return asdict(self)


def _ratio(a: Decimal, b: Decimal) -> float:
    return float(a / b) if b > 0 else 0.0


def purchase_facts(*, amount: Decimal, category: str, day: date, opened_on: date,
                   limit: Decimal, committed: Decimal, activity: Activity,
                   window: Window) -> TriggerFacts:
    """Facts of a purchase about to be made.  ``committed`` = used + held before it;
    ``limit`` = the limit in force."""
    def since(days: int) -> list[PastPurchase]:
        first = day - timedelta(days=days - 1)
        return [p for p in activity.purchases if p.made_on >= first]
    usual = since(window.usual_lookback_days)
    usual_amount = median([p.amount for p in usual]) if usual else ZERO
    risky = category in window.risky_categories
    risky_spend = sum((p.amount for p in since(window.spike_window_days)
                       if p.category in window.risky_categories), ZERO)
    returns = sum(1 for d in activity.return_dates
                  if d >= day - timedelta(days=window.return_window_days - 1))
    return TriggerFacts(
        event="purchase", amount=float(amount), category=category, returns_in_window=returns,
        prior_purchases=len(usual), usual_amount=float(usual_amount),
        amount_ratio=_ratio(amount, usual_amount), risky=risky,
        risky_share=_ratio(risky_spend + (amount if risky else ZERO), limit),
        days_open=(day - opened_on).days, utilisation_before=_ratio(committed, limit),
        utilisation_after=_ratio(committed + amount, limit),
        burst_purchases=len(since(window.burst_window_days)))


def return_facts(*, amount: Decimal, category: str, day: date, opened_on: date,
                 limit: Decimal, committed: Decimal, activity: Activity,
                 window: Window) -> TriggerFacts:
    """Facts of a return just made (``activity`` includes it)."""
    returns = sum(1 for d in activity.return_dates
                  if d >= day - timedelta(days=window.return_window_days - 1))
    return TriggerFacts(
        event="return", amount=float(amount), category=category, returns_in_window=returns,
        prior_purchases=0, usual_amount=0.0, amount_ratio=0.0,
        risky=category in window.risky_categories, risky_share=0.0,
        days_open=(day - opened_on).days, utilisation_before=_ratio(committed, limit),
        utilisation_after=_ratio(committed, limit), burst_purchases=0)


@dataclass(frozen=True)
class Fired:
    """One trigger that fired: its code, what it does and why, in both languages."""

    code: str
    action: TriggerAction
    cut_share: Decimal
    reason_en: str
    reason_zh: str


def decide(rules: RuleTables, facts: TriggerFacts) -> list[Fired]:
    """Every trigger the table fires on these facts, in table order."""
    answer = rules.evaluate(facts.context())
    out = []
    for row in answer.get("fired") or []:
        try:
            action = TriggerAction(row["action"])
            share = Decimal(str(row.get("cut_share") or 0))
        except (KeyError, ValueError, ArithmeticError):
            raise ValidationError("rules", f"trigger table {rules.label} answered a row "
                                           f"without a known action: {row!r}") from None
        if not ZERO <= share <= 1:
            raise ValidationError("rules", f"trigger table {rules.label}: cut_share of "
                                           f"{row.get('code')} must be from 0 to 1")
        out.append(Fired(str(row["code"]), action, share, str(row["reason_en"]),
                         str(row["reason_zh"])))
    return out


# a quiet purchase on an old line: what a case's facts start from
QUIET: dict[str, Any] = {
    "event": "purchase", "amount": 100.0, "category": "groceries", "returns_in_window": 0,
    "prior_purchases": 0, "usual_amount": 0.0, "amount_ratio": 0.0, "risky": False,
    "risky_share": 0.0, "days_open": 365, "utilisation_before": 0.1, "utilisation_after": 0.11,
    "burst_purchases": 0}


def run_case(rules: RuleTables, facts: Mapping[str, Any]) -> dict[str, Any]:
    """An example case's answer: the facts (over a quiet purchase, unknown names refused)
    through the tables, with the codes and actions fired joined in order ("" for none), so
    a case can also say that nothing fires."""
    fired = decide(rules, TriggerFacts(**{**QUIET, **facts}))
    return {"codes": ",".join(f.code for f in fired),
            "actions": ",".join(f.action.value for f in fired),
            "cut_share": max((f.cut_share for f in fired), default=ZERO)}


# the family of trigger tables (``creditline.rulesets``): shipped folder, example cases
TRIGGERS = RuleFamily(name="triggers", title="Real-time triggers on purchases and returns",
                      rules_dir=Path(__file__).parent / "trigger_rules",
                      cases_dir=Path(__file__).parent / "trigger_cases", run=run_case)


def strongest(fired: Sequence[Fired]) -> TriggerAction | None:
    """The status change the fired triggers ask for: suspend over freeze; None for none."""
    actions = {f.action for f in fired}
    if TriggerAction.SUSPEND in actions:
        return TriggerAction.SUSPEND
    if TriggerAction.FREEZE in actions:
        return TriggerAction.FREEZE
    return None


def cut_limit(limit: Decimal, committed: Decimal, available: Decimal, share: Decimal,
              floor: Decimal) -> Decimal:
    """The permanent limit after a cut of ``share`` of the available credit: never below
    what is used and held (no negative available) nor below the product's minimum
    ``floor``, never above the limit it had."""
    target = quantize(limit - available * share)
    return min(limit, max(target, committed, floor))
