"""Enterprise negotiation cases: an account manager, notes, proposals and counter-proposals
from either side, ending in one of: no change, partial closure (reduce the limit and close
chosen draws), or restructuring.  The agreed changes go to a second person as a plan
(``closure.plans``); the case records which plan carried them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from creditline.closure.reasons import choice
from creditline.errors import Conflict


class NegotiationStatus(StrEnum):
    OPEN = "open"
    CONCLUDED = "concluded"


class NegotiationOutcome(StrEnum):
    NO_CHANGE = "no_change"
    PARTIAL_CLOSURE = "partial_closure"
    RESTRUCTURING = "restructuring"


def parse_outcome(value: object) -> NegotiationOutcome:
    return choice(NegotiationOutcome, value, "outcome")


@dataclass
class Negotiation:
    id: str
    line_id: str
    customer_id: str
    manager: str
    subject: str
    opened_at: datetime
    opened_on: date
    opened_by: str
    status: NegotiationStatus = NegotiationStatus.OPEN
    entries: list[dict[str, Any]] = field(default_factory=list)  # notes and proposals
    outcome: NegotiationOutcome | None = None
    plan_id: str | None = None

    def require_open(self) -> None:
        if self.status is not NegotiationStatus.OPEN:
            raise Conflict(f"negotiation {self.id} is concluded ({self.outcome})")

    def add(self, kind: str, at: datetime, on: date, actor: str, text: str,
            **details: Any) -> dict[str, Any]:
        self.require_open()
        entry = {"n": len(self.entries) + 1, "kind": kind, "at": at.isoformat(),
                 "business_date": on.isoformat(), "actor": actor, "text": text, **details}
        self.entries.append(entry)
        return entry


def negotiation_json(n: Negotiation) -> dict[str, Any]:
    return {"id": n.id, "line_id": n.line_id, "customer_id": n.customer_id,
            "manager": n.manager, "subject": n.subject, "opened_at": n.opened_at.isoformat(),
            "opened_on": n.opened_on.isoformat(), "opened_by": n.opened_by,
            "status": n.status.value, "entries": n.entries,
            "outcome": None if n.outcome is None else n.outcome.value, "plan_id": n.plan_id}


def negotiation_from_json(d: dict[str, Any]) -> Negotiation:
    return Negotiation(
        id=d["id"], line_id=d["line_id"], customer_id=d["customer_id"], manager=d["manager"],
        subject=d["subject"], opened_at=datetime.fromisoformat(d["opened_at"]),
        opened_on=date.fromisoformat(d["opened_on"]), opened_by=d["opened_by"],
        status=NegotiationStatus(d["status"]), entries=list(d["entries"]),
        outcome=None if d["outcome"] is None else NegotiationOutcome(d["outcome"]),
        plan_id=d.get("plan_id"))
