"""Replay changed limit-strategy tables over history before they go live.

End of day keeps the facts of each line the strategy decided on its statement day (when its
clean cycles change) or moved, in the shape of an example case, with the move it got
(``strategy_snapshots``).  A replay re-decides those facts with
other tables through the same function the example cases use (``lines.strategy.decide``)
and counts what would change: actions (increase -> none, none -> freeze...), limits, and
the net change in limits granted, so an analyst sees the exposure a new table would add or
take away.  Read-only, like origination's replay.  Not every day: a row per line and day
would double end of day's writes; a changed table that would act on a line between its
statement days, on a day the shipped one left it alone (a days-past-due threshold reached
mid-cycle), is not seen by the replay -- it says so by what it counts, decisions kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from creditline.errors import CreditlineError
from creditline.lines.behaviour_ports import StrategySnapshot
from creditline.lines.strategy import decide
from creditline.money import ZERO
from creditline.rulesets.tables import Ruleset


@dataclass(frozen=True)
class StrategyChange:
    line_id: str
    business_date: date
    before: str
    after: str
    limit_before: Decimal
    limit_after: Decimal


@dataclass
class StrategyReplay:
    rules_before: Counter[str]
    rules_after: str
    total: int = 0
    changed: int = 0  # a different action
    limit_changed: int = 0  # the same action with another amount
    limit_delta: Decimal = ZERO  # sum of (new limit after - new limit before)
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: list[StrategyChange] = field(default_factory=list)
    errors: list[tuple[str, date, str]] = field(default_factory=list)


def replay(batches: Iterable[list[StrategySnapshot]], ruleset: Ruleset,
           keep: int = 1000) -> StrategyReplay:
    """Re-decide every snapshot with ``ruleset`` and compare with what was decided."""
    report = StrategyReplay(rules_before=Counter(), rules_after=ruleset.label)
    for batch in batches:
        for snap in batch:
            report.total += 1
            report.rules_before[snap.rules_version] += 1
            try:
                move = decide(ruleset, snap.facts)
            except (CreditlineError, ArithmeticError, KeyError, TypeError, ValueError) as exc:
                report.errors.append((snap.line_id, snap.business_date,
                                      str(exc) or type(exc).__name__))
                continue
            if move.action != snap.action:
                report.changed += 1
                report.transitions[(snap.action, move.action)] += 1
            elif move.new_limit != snap.new_limit:
                report.limit_changed += 1
            else:
                continue
            report.limit_delta += move.new_limit - snap.new_limit
            if len(report.changes) < keep:
                report.changes.append(StrategyChange(snap.line_id, snap.business_date,
                                                     snap.action, move.action,
                                                     snap.new_limit, move.new_limit))
    return report
