"""The closure request aggregate and its state machine (DESIGN: ``submitted →
system_review → manual_review → approved | rejected → executed``), as data.

A request is submitted and reviewed by the system in one command: the review's tables
approve it at once (a clean line), refer it to the manual queue, or reject it.  In the queue
a reviewer approves, rejects with a reason, counter-offers (reduce instead of close) or asks
for more documents; above the maker-checker limit an approval or a counter-offer is only a
proposal until a second person confirms it.  A counter-offer waits for the customer.  An
approved request is executed in the same command: a closure puts the line in ``closing``
(the request stays ``closing`` until end of day closes the line and marks it ``closed``), a
reduction lowers the limit (``executed``).  The customer may withdraw it before the
decision; that changes nothing on the line.

Every step appends to ``history`` (who, when, on which business date, what), which the
customer and staff read.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from creditline.closure.reasons import Outcome
from creditline.errors import Conflict, Forbidden
from creditline.money import money_str


class RequestStatus(StrEnum):
    MANUAL_REVIEW = "manual_review"
    AWAITING_DOCUMENTS = "awaiting_documents"
    PENDING_SECOND = "pending_second"  # a first reviewer's approval waits for a second
    COUNTER_OFFERED = "counter_offered"  # waits for the customer
    APPROVED = "approved"  # transient: executed in the same command
    CLOSING = "closing"  # the line runs off; end of day closes it
    CLOSED = "closed"  # the line closed: done
    EXECUTED = "executed"  # a reduction applied: done
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# a line has at most one request in these (a partial unique index holds it)
OPEN = frozenset({RequestStatus.MANUAL_REVIEW, RequestStatus.AWAITING_DOCUMENTS,
                  RequestStatus.PENDING_SECOND, RequestStatus.COUNTER_OFFERED})
DECIDABLE = frozenset({RequestStatus.MANUAL_REVIEW, RequestStatus.PENDING_SECOND})
WITHDRAWABLE = OPEN


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    COUNTER_OFFER = "counter_offer"
    ASK_DOCUMENTS = "ask_documents"


@dataclass(frozen=True)
class Finding:
    """One row of the system review that fired."""

    code: str
    action: str  # reject | refer | note
    table: str

    def as_json(self) -> dict[str, str]:
        return {"code": self.code, "action": self.action, "table": self.table}


@dataclass(frozen=True)
class Review:
    """The system review: its outcome, the rows that fired, the facts it saw and the rule
    family label (version + hash) that decided."""

    outcome: str  # approve | refer | reject
    findings: tuple[Finding, ...]
    facts: dict[str, Any]
    rules: str

    def as_json(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "findings": [f.as_json() for f in self.findings],
                "facts": self.facts, "rules": self.rules}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Review:
        return cls(d["outcome"], tuple(Finding(**f) for f in d["findings"]), dict(d["facts"]),
                   d["rules"])


@dataclass
class ClosureRequest:
    id: str
    line_id: str
    customer_id: str
    reasons: tuple[str, ...]
    text: str
    outcome: Outcome
    target_limit: Decimal | None  # for a reduction
    status: RequestStatus
    submitted_at: datetime
    submitted_on: date
    submitted_by: str
    documents: list[dict[str, Any]] = field(default_factory=list)
    review: Review | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    proposal: dict[str, Any] | None = None  # a first reviewer's decision awaiting a second
    counter_limit: Decimal | None = None
    decided_outcome: Outcome | None = None
    final_limit: Decimal | None = None
    finished_on: date | None = None
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def log(self, at: datetime, on: date, actor: str, event: str, **details: Any) -> None:
        self.history.append({"at": at.isoformat(), "business_date": on.isoformat(),
                             "actor": actor, "event": event, "status": self.status.value,
                             **{k: _plain(v) for k, v in details.items()}})

    def move(self, to: RequestStatus, at: datetime, on: date, actor: str, event: str,
             **details: Any) -> None:
        self.status = to
        self.log(at, on, actor, event, **details)


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return money_str(v)
    if isinstance(v, date | datetime):
        return v.isoformat()
    if isinstance(v, StrEnum):
        return v.value
    return v


def require(req: ClosureRequest, allowed: frozenset[RequestStatus], doing: str) -> None:
    if req.status not in allowed:
        raise Conflict(f"closure request {req.id} is {req.status.value}: cannot {doing}")


def second_person(req: ClosureRequest, actor: str) -> dict[str, Any]:
    """The pending proposal a second person confirms; its proposer may not (403)."""
    assert req.proposal is not None
    if req.proposal["by"] == actor:
        raise Forbidden("maker-checker: a proposal must be confirmed by someone other than "
                        f"its proposer ({actor})")
    return req.proposal


def with_status(req: ClosureRequest, status: RequestStatus) -> ClosureRequest:
    return replace(req, status=status)


def request_json(r: ClosureRequest) -> dict[str, Any]:
    """The stored (and answered) form of a request."""
    return {
        "id": r.id, "line_id": r.line_id, "customer_id": r.customer_id,
        "reasons": list(r.reasons), "text": r.text, "outcome": r.outcome.value,
        "target_limit": None if r.target_limit is None else money_str(r.target_limit),
        "status": r.status.value, "submitted_at": r.submitted_at.isoformat(),
        "submitted_on": r.submitted_on.isoformat(), "submitted_by": r.submitted_by,
        "documents": r.documents, "review": None if r.review is None else r.review.as_json(),
        "history": r.history, "proposal": r.proposal,
        "counter_limit": None if r.counter_limit is None else money_str(r.counter_limit),
        "decided_outcome": None if r.decided_outcome is None else r.decided_outcome.value,
        "final_limit": None if r.final_limit is None else money_str(r.final_limit),
        "finished_on": None if r.finished_on is None else r.finished_on.isoformat(),
        "version": r.version}


def request_from_json(d: dict[str, Any]) -> ClosureRequest:
    def dec(v: Any) -> Decimal | None:
        return None if v is None else Decimal(v)
    return ClosureRequest(
        id=d["id"], line_id=d["line_id"], customer_id=d["customer_id"],
        reasons=tuple(d["reasons"]), text=d["text"], outcome=Outcome(d["outcome"]),
        target_limit=dec(d["target_limit"]), status=RequestStatus(d["status"]),
        submitted_at=datetime.fromisoformat(d["submitted_at"]),
        submitted_on=date.fromisoformat(d["submitted_on"]), submitted_by=d["submitted_by"],
        documents=list(d["documents"]),
        review=None if d["review"] is None else Review.from_json(d["review"]),
        history=list(d["history"]), proposal=d["proposal"], counter_limit=dec(d["counter_limit"]),
        decided_outcome=None if d["decided_outcome"] is None else Outcome(d["decided_outcome"]),
        final_limit=dec(d["final_limit"]),
        finished_on=None if d["finished_on"] is None else date.fromisoformat(d["finished_on"]),
        version=int(d["version"]))
