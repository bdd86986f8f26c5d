"""Replay a ruleset over past applications: re-decide each with its stored facts (same
scores) and count what would change against the policy decision it got at the time.

A read-only query: nothing is written, so a risk analyst can try a ruleset on history
before it goes live.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from creditline.errors import ValidationError
from creditline.origination.application import Application
from creditline.policy.decision import PolicyDecision, decide, decide_many
from creditline.policy.facts import PolicyFacts
from creditline.policy.ruleset import Ruleset
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ReplayChange:
    application_id: str
    created_at: datetime
    before: str
    after: str
    limit_before: Decimal
    limit_after: Decimal


@dataclass
class ReplayReport:
    rules_before: Counter[str]
    rules_after: str
    total: int = 0
    changed: int = 0
    limit_changed: int = 0
    transitions: Counter[tuple[str, str]] = field(default_factory=Counter)
    changes: list[ReplayChange] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def replay(uow: UnitOfWork, ruleset: Ruleset, since: datetime, until: datetime | None = None,
           *, batch: int = 1000, keep: int = 1000) -> ReplayReport:
    """Re-decide stored applications with ``ruleset`` (their stored facts, same scores) and
    count what would change against the policy decision they got at the time."""
    report = ReplayReport(rules_before=Counter(), rules_after=ruleset.label)

    def flush(apps: list[Application]) -> None:
        facts = [PolicyFacts.from_json(a.facts) for a in apps]
        try:
            decisions: Iterable[PolicyDecision | Exception] = decide_many(ruleset, facts)
        except ValidationError:
            decisions = [_safe_decide(ruleset, f) for f in facts]
        for app, d in zip(apps, decisions, strict=True):
            report.total += 1
            report.rules_before[app.rules_version + "+" + app.rules_hash[:12]] += 1
            if isinstance(d, Exception):
                report.errors.append((app.id, str(d)))
                continue
            before_limit = Decimal(app.policy.get("limit", "0"))
            if d.decision != app.policy_decision:
                report.changed += 1
                report.transitions[(app.policy_decision, d.decision)] += 1
            elif d.limit != before_limit:
                report.limit_changed += 1
            else:
                continue
            if len(report.changes) < keep:
                report.changes.append(ReplayChange(app.id, app.created_at, app.policy_decision,
                                                   d.decision, before_limit, d.limit))

    with uow:
        pending: list[Application] = []
        for app in uow.applications.since(since, until):
            pending.append(app)
            if len(pending) >= batch:
                flush(pending)
                pending = []
        if pending:
            flush(pending)
    return report


def _safe_decide(ruleset: Ruleset, facts: PolicyFacts) -> PolicyDecision | Exception:
    try:
        return decide(ruleset, facts)
    except ValidationError as exc:
        return exc
