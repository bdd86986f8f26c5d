"""Real-time triggers inside the purchase and return use cases (``lines.triggers`` says what
fires; this module gathers the facts through the unit of work and applies the outcome in the
caller's transaction, with the line already locked).

Every trigger fired is recorded (``uow.trigger_events``) with the rules' label, the facts it
read and what it did, audited, and told to the customer (outbox ``line.trigger_fired``, the
reason in Chinese and English).  A cut lowers the permanent limit (a ``trigger`` limit event
carrying the rules' label and the trigger code); freeze and suspend change the line's status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from creditline.auth import Principal
from creditline.lines.holds import TriggerRecord
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource
from creditline.lines.line import Line
from creditline.lines.status import TRANSITIONS, LineStatus
from creditline.lines.triggers import (
    HOLDING,
    TRIGGERS,
    Fired,
    RuleTables,
    TriggerAction,
    TriggerFacts,
    Window,
    cut_limit,
    decide,
    purchase_facts,
    return_facts,
    strongest,
)
from creditline.products.catalog import Product
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class TriggerRules:
    """The loaded trigger tables and the windows their parameters give."""

    tables: RuleTables
    window: Window

    @property
    def label(self) -> str:
        return self.tables.label


@lru_cache(maxsize=1)
def trigger_rules() -> TriggerRules:
    """The shipped trigger tables, loaded once per process and refused if one of their
    example cases fails (``lines.triggers.TRIGGERS``)."""
    tables = TRIGGERS.default()
    return TriggerRules(tables, Window.of(tables.parameters))


@dataclass(frozen=True)
class Verdict:
    facts: TriggerFacts
    fired: list[Fired]

    @property
    def holds(self) -> bool:
        return any(f.action in HOLDING for f in self.fired)

    def reason(self, lang: str) -> str:
        return " ".join(getattr(f, f"reason_{lang}") for f in self.fired)


def on_event(uow: UnitOfWork, event: str, line: Line, day: date, amount: Decimal,
             category: str, rules: TriggerRules) -> Verdict:
    """What the triggers say of a ``purchase`` about to be made on ``line`` (not yet
    booked) or of a ``return`` just booked."""
    activity = uow.activity.recent(line.id, day - timedelta(days=rules.window.lookback_days - 1))
    facts_of = purchase_facts if event == "purchase" else return_facts
    facts = facts_of(amount=amount, category=category, day=day, opened_on=line.opened_on,
                     limit=line.effective_limit(day), committed=line.used + line.held,
                     activity=activity, window=rules.window)
    return Verdict(facts, decide(rules.tables, facts))


def apply(uow: UnitOfWork, actor: Principal, line: Line, day: date, product: Product,
          verdict: Verdict, event: str, ref_id: str, rules: TriggerRules) -> None:
    """Carry out what fired, at once: cuts of the available credit (the largest share
    wins), then the strongest status change; record, audit and tell the customer of each.
    The caller saves the line."""
    if not verdict.fired:
        return
    outcome: dict[str, Any] = {}
    cuts = [f for f in verdict.fired if f.action is TriggerAction.CUT and f.cut_share > 0]
    if cuts:
        share = max(f.cut_share for f in cuts)
        available = line.available_on(day)
        old = line.limit
        new = cut_limit(old, line.used + line.held, available, share, product.limit_min)
        if new < old:
            line.limit = new
            codes = tuple(f.code for f in cuts)
            uow.limit_events.add(LimitEvent(
                line_id=line.id, at=uow.now(), business_date=day, old_limit=old, new_limit=new,
                kind=LimitKind.PERMANENT, source=LimitSource.TRIGGER, actor=actor.name,
                reason_codes=codes, rules_version=rules.label,
                note=" ".join(f.reason_en for f in cuts)))
            details = {"from": old, "to": new, "reason": ",".join(codes),
                       "rules_version": rules.label}
            uow.audit(actor, "line.limit_changed", "credit_line", line.id, details)
            outcome.update({"old_limit": str(old), "new_limit": str(new)})
    target = strongest(verdict.fired)
    if target is not None:
        status = LineStatus.FROZEN if target is TriggerAction.FREEZE else LineStatus.SUSPENDED
        if status in TRANSITIONS[line.status]:
            old_status = line.status
            line.status = status
            why = ",".join(f.code for f in verdict.fired if f.action is target)
            uow.audit(actor, "line.status_changed", "credit_line", line.id,
                      {"from": old_status.value, "to": status.value, "reason": why,
                       "rules_version": rules.label})
            outcome.update({"status_from": old_status.value, "status_to": status.value})
    _record(uow, actor, line, day, verdict.fired, verdict.facts, event, ref_id, rules, outcome)


def _record(uow: UnitOfWork, actor: Principal, line: Line, day: date, fired: Sequence[Fired],
            facts: TriggerFacts, event: str, ref_id: str, rules: TriggerRules,
            outcome: dict[str, Any]) -> None:
    for f in fired:
        uow.trigger_events.add(TriggerRecord(
            line_id=line.id, customer_id=line.customer_id, business_date=day, at=uow.now(),
            event=event, ref_id=ref_id, code=f.code, action=f.action.value,
            rules_version=rules.label, reason_en=f.reason_en, reason_zh=f.reason_zh,
            facts=facts.context(), outcome=outcome))
        details = {"line_id": line.id, "code": f.code, "action": f.action.value,
                   "event": event, "ref_id": ref_id, "rules_version": rules.label}
        uow.audit(actor, "trigger.fired", "credit_line", line.id, details)
        uow.emit("line.trigger_fired", {"customer_id": line.customer_id, **details,
                                        "reason_en": f.reason_en, "reason_zh": f.reason_zh,
                                        **outcome})
