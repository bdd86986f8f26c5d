"""The collection strategy: what collection does next on each open case, decided by tables.

Rules are data: the ``collection_strategy`` family (``collections/strategy_rules/``: a
manifest and two GoRules JDM tables, example cases in ``cases/``) maps the champion C-card's
probability that the debtor does *not* pay back to current within 30 days to a band (A-D,
U unscored), then the case's facts -- bucket, band, amount collectable, whether the debtor
is reachable by phone, days past due, days since the last message and call, and whether it
is on hold, placed with an agency or referred to legal -- to one action with a reason code:

- ``sms`` / ``email`` / ``inbox``: a message on that channel (the app inbox needs no
  address);
- ``call``: a call task in the assigned collector's queue;
- ``agency``: place the case with an agency; ``legal``: refer it to legal;
- ``stop``: no more contacts (a small balance not worth a court); ``none``: wait.

When to escalate and when to stop are rows of the table (the bucket and band at which a
case goes to an agency or to legal), not code.  The **fixed ladder**
(``collections/strategy_ladder/``) is the same machinery with a table that gives everybody
in a bucket the same contacts: the baseline the C-card strategy is compared with.

Pure: facts in, decisions out; the end-of-day stage (``batch.collection_strategy``) builds
the facts as columns, evaluates a partition in one native call and carries the decisions
out through the compliance gate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from creditline.errors import ValidationError
from creditline.rulesets.family import RuleFamily
from creditline.rulesets.tables import Ruleset

RULES_DIR = Path(__file__).parent / "strategy_rules"
LADDER_DIR = Path(__file__).parent / "strategy_ladder"
MESSAGES = ("sms", "email", "inbox")
ACTIONS = (*MESSAGES, "call", "agency", "legal", "stop", "none")
NEVER = 9_999  # days since a contact that never happened


@dataclass(frozen=True)
class CaseFacts:
    """What the tables read about one open case (money in CNY)."""

    bucket: int
    dpd: int
    owed: Decimal
    pd: float | None  # the C-card's probability of not curing within 30 days; None: unscored
    contactable: bool
    days_since_message: int = NEVER
    days_since_call: int = NEVER
    on_hold: bool = False
    placed: bool = False
    referred: bool = False

    def context(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "dpd": self.dpd, "owed": float(self.owed),
                "pd": self.pd, "contactable": self.contactable,
                "days_since_message": self.days_since_message,
                "days_since_call": self.days_since_call, "on_hold": self.on_hold,
                "placed": self.placed, "referred": self.referred}


@dataclass(frozen=True)
class NextAction:
    """The tables' decision for one case."""

    band: str
    action: str
    reason: str

    @property
    def is_message(self) -> bool:
        return self.action in MESSAGES


def action_of(answer: Mapping[str, Any]) -> NextAction:
    """The tables' answer, checked: an unknown action is an error naming the field."""
    band, nxt = answer.get("band"), answer.get("next")
    if not isinstance(band, Mapping) or not isinstance(nxt, Mapping):
        raise ValidationError("rules", "the strategy tables gave no band or next action")
    action = nxt.get("action")
    if action not in ACTIONS:
        raise ValidationError("next.action", f"must be one of {', '.join(ACTIONS)}, got "
                                             f"{action!r}")
    return NextAction(str(band.get("band", "U")), str(action), str(nxt.get("reason", "")))


def decide_many(ruleset: Ruleset, facts: Sequence[CaseFacts]) -> list[NextAction]:
    """Every case's next action, in one native call."""
    return [action_of(a) for a in ruleset.evaluate_many([f.context() for f in facts])]


def _facts(raw: Mapping[str, Any]) -> CaseFacts:
    pd = raw.get("pd")
    return CaseFacts(bucket=int(raw["bucket"]), dpd=int(raw["dpd"]),
                     owed=Decimal(str(raw["owed"])), pd=None if pd is None else float(pd),
                     contactable=bool(raw.get("contactable", True)),
                     days_since_message=int(raw.get("days_since_message", NEVER)),
                     days_since_call=int(raw.get("days_since_call", NEVER)),
                     on_hold=bool(raw.get("on_hold", False)),
                     placed=bool(raw.get("placed", False)),
                     referred=bool(raw.get("referred", False)))


def decide(ruleset: Ruleset, raw: Mapping[str, Any]) -> dict[str, str]:
    """One case's decision from a case file's facts (the family's ``run``)."""
    a = action_of(ruleset.evaluate(_facts(raw).context()))
    return {"band": a.band, "action": a.action, "reason": a.reason}


def contact_costs(ruleset: Ruleset) -> dict[str, Decimal]:
    """What each kind of contact costs (the manifest's ``costs``, CNY)."""
    costs = ruleset.parameters.get("costs") or {}
    try:
        return {str(k): Decimal(str(v)) for k, v in costs.items()}
    except ArithmeticError:
        raise ValidationError("costs", "must map each action to an amount") from None


STRATEGY = RuleFamily(name="collection_strategy",
                      title="Collection strategy for open cases: C-score band, then message / "
                            "call / agency / legal / stop",
                      rules_dir=RULES_DIR, cases_dir=RULES_DIR / "cases", run=decide)
