"""Use cases around the limit strategy: the customer's opt-out of automatic increases, and
reading what the strategy decided and what the B-card said (``verb(cmd, uow, actor)``).

Opting out stops only *increases* by the strategy: cuts, freezes and suspensions are risk
controls the customer cannot turn off, and an officer may still raise the limit by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import Conflict, NotFound, ValidationError
from creditline.lines.behaviour_ports import DecisionRow, StrategySettings
from creditline.lines.status import LineStatus
from creditline.lines.strategy import STRATEGY
from creditline.lines.strategy_replay import StrategyReplay, replay
from creditline.rulesets.tables import Ruleset
from creditline.uow import UnitOfWork

AUTO_INCREASE_TOPIC = "line.auto_increase_changed"
_MESSAGE = {
    True: {"en": "Automatic credit limit increases are turned off for your line. You can "
                 "turn them on again at any time.",
           "zh": "您的信用额度已关闭自动提额。您可以随时重新开启。"},
    False: {"en": "Automatic credit limit increases are turned on for your line.",
            "zh": "您的信用额度已开启自动提额。"},
}
MAX_DECISION_DAYS = 366


@dataclass(frozen=True)
class SetAutoIncrease:
    """Opt a line out of (``opted_out=True``) or back into automatic increases."""

    line_id: str
    opted_out: bool


def set_auto_increase(cmd: SetAutoIncrease, uow: UnitOfWork, actor: Principal
                      ) -> StrategySettings:
    """Record the customer's choice (audited, with a notice to the customer); choosing what
    is already set changes nothing and writes nothing."""
    actor.require("lines:auto_increase")
    if not isinstance(cmd.opted_out, bool):
        raise ValidationError("opted_out", "must be true or false")
    with uow:
        line = uow.lines.get(cmd.line_id, lock=True)
        if line is None:
            raise NotFound(f"credit line {cmd.line_id} not found")
        if line.status == LineStatus.CLOSED:
            raise Conflict("the line is closed")
        current = uow.behaviour.settings(line.id)
        if current.auto_increase_opt_out == cmd.opted_out:
            return current
        at = uow.now()
        uow.behaviour.set_opt_out(line.id, cmd.opted_out, at, actor.name)
        details = {"auto_increase_opt_out": cmd.opted_out}
        uow.audit(actor, "line.auto_increase_changed", "credit_line", line.id, details)
        uow.emit(AUTO_INCREASE_TOPIC, {"line_id": line.id, **details,
                                       "message": _MESSAGE[cmd.opted_out]})
        uow.commit()
        return StrategySettings(line.id, cmd.opted_out, at, actor.name)


def strategy_settings(line_id: str, uow: UnitOfWork, actor: Principal) -> StrategySettings:
    actor.require("lines:read")
    with uow:
        if uow.lines.get(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return uow.behaviour.settings(line_id)


@dataclass(frozen=True)
class ListDecisions:
    """The strategy's decisions (other than "no change") from ``start`` to ``end`` (both
    included; default: the 30 days up to the book's business date), optionally of one line."""

    start: date | None = None
    end: date | None = None
    line_id: str | None = None


def list_decisions(cmd: ListDecisions, uow: UnitOfWork, actor: Principal
                   ) -> list[DecisionRow]:
    actor.require("lines:strategy_read")
    with uow:
        end = cmd.end or current_business_date(uow)
        start = cmd.start or end - timedelta(days=29)
        if start > end:
            raise ValidationError("start", f"must be on or before end ({end.isoformat()})")
        if (end - start).days >= MAX_DECISION_DAYS:
            raise ValidationError("start", f"the range may span at most {MAX_DECISION_DAYS} "
                                           "days")
        return uow.behaviour.decisions(start, end, cmd.line_id)


@dataclass(frozen=True)
class ReplayStrategy:
    """Re-decide the kept snapshots (statement days and moves) from ``start`` to ``end`` (both included) with
    ``ruleset`` (default: the tables shipped in the package)."""

    start: date
    end: date
    ruleset: Ruleset | None = None


def replay_strategy(cmd: ReplayStrategy, uow: UnitOfWork, actor: Principal) -> StrategyReplay:
    actor.require("lines:strategy_read")
    if cmd.start > cmd.end:
        raise ValidationError("start", f"must be on or before end ({cmd.end.isoformat()})")
    ruleset = cmd.ruleset or STRATEGY.default()
    with uow:
        return replay(uow.behaviour.snapshots(cmd.start, cmd.end), ruleset)
