"""Changes to a line that need a second person (maker-checker): a plan proposed by one
person and approved (or rejected) by another, never by its proposer (403).

A plan may lower the limit, call draws back under the acceleration clause (due on a new
date) and restructure draws (``closure.modification.Terms``).  Three kinds use it:

- ``partial_closure``: a negotiation's agreement to reduce the limit and close chosen draws
  (called back, due on the agreed date), possibly with a restructuring of the rest;
- ``restructuring``: a negotiation's (or a hardship case's) new schedule for draws;
- ``emergency``: a risk officer's emergency plan for an enterprise at risk: cut the limit
  and call back part of the draws early under the acceleration clause, with a notice
  naming the clause.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from creditline.closure.modification import Terms
from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.money import money_str

ACCELERATION_CLAUSE = "Article 9.2 (acceleration upon material adverse change)"


class PlanKind(StrEnum):
    PARTIAL_CLOSURE = "partial_closure"
    RESTRUCTURING = "restructuring"
    EMERGENCY = "emergency"


class PlanStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass
class Plan:
    id: str
    line_id: str
    customer_id: str
    kind: PlanKind
    new_limit: Decimal | None
    call_back: tuple[str, ...]  # draws (purchase ids) called back
    due_date: date | None  # when the called amount is due
    restructure: tuple[str, ...]  # draws given a new schedule
    terms: Terms | None
    reason: str
    proposed_by: str
    proposed_at: datetime
    negotiation_id: str | None = None
    status: PlanStatus = PlanStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str | None = None
    result: dict[str, Any] = field(default_factory=dict)

    def check(self) -> None:
        if self.new_limit is None and not self.call_back and not self.restructure:
            raise ValidationError("plan", "must lower the limit, call back draws or "
                                          "restructure draws")
        if self.call_back and self.due_date is None:
            raise ValidationError("due_date", "is required when draws are called back")
        if self.restructure and self.terms is None:
            raise ValidationError("terms", "are required when draws are restructured")
        both = set(self.call_back) & set(self.restructure)
        if both:
            raise ValidationError("restructure", f"draw {sorted(both)[0]} is also called back")
        if self.kind is PlanKind.EMERGENCY and not self.call_back and self.new_limit is None:
            raise ValidationError("plan", "an emergency plan cuts the limit or calls back draws")

    def decide(self, approve: bool, actor: str, at: datetime, note: str) -> None:
        if self.status is not PlanStatus.PENDING:
            raise Conflict(f"plan {self.id} is already {self.status.value}")
        if actor == self.proposed_by:
            raise Forbidden("maker-checker: a plan must be approved by someone other than "
                            f"its proposer ({actor})")
        self.status = PlanStatus.APPROVED if approve else PlanStatus.REJECTED
        self.decided_by, self.decided_at, self.note = actor, at, note

    def as_json(self) -> dict[str, Any]:
        t = self.terms
        return {
            "id": self.id, "line_id": self.line_id, "customer_id": self.customer_id,
            "kind": self.kind.value,
            "new_limit": None if self.new_limit is None else money_str(self.new_limit),
            "call_back": list(self.call_back),
            "due_date": None if self.due_date is None else self.due_date.isoformat(),
            "restructure": list(self.restructure),
            "terms": None if t is None else {
                "extension": t.extension, "daily_rate": str(t.daily_rate),
                "fee_rate": str(t.fee_rate), "capitalise_arrears": t.capitalise_arrears},
            "reason": self.reason, "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at.isoformat(), "negotiation_id": self.negotiation_id,
            "status": self.status.value, "decided_by": self.decided_by,
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
            "note": self.note, "result": self.result}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Plan:
        t = d.get("terms")
        return cls(
            id=d["id"], line_id=d["line_id"], customer_id=d["customer_id"],
            kind=PlanKind(d["kind"]),
            new_limit=None if d["new_limit"] is None else Decimal(d["new_limit"]),
            call_back=tuple(d["call_back"]),
            due_date=None if d["due_date"] is None else date.fromisoformat(d["due_date"]),
            restructure=tuple(d["restructure"]),
            terms=None if t is None else Terms(int(t["extension"]), Decimal(t["daily_rate"]),
                                               Decimal(t["fee_rate"]),
                                               bool(t["capitalise_arrears"])),
            reason=d["reason"], proposed_by=d["proposed_by"],
            proposed_at=datetime.fromisoformat(d["proposed_at"]),
            negotiation_id=d.get("negotiation_id"), status=PlanStatus(d["status"]),
            decided_by=d.get("decided_by"),
            decided_at=None if d.get("decided_at") is None
            else datetime.fromisoformat(d["decided_at"]),
            note=d.get("note"), result=dict(d.get("result") or {}))
