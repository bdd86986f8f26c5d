"""The system review of a closure request: the facts it looks at, and the decision the
closure rule family's tables (``closure/rules/``) make over them.

Facts, and where each comes from today:

- ``balance``, ``used``, ``dpd``, ``line_status``: the line.
- ``other_obligations``: what the customer's other lines still owe (an enterprise's other
  obligations; shown for persons too, but only the ``sme`` rows read it).
- ``fraud_flag``: the customer's identity number or phone is on the active blacklist.
- ``collection_case``: the line has an active collection case (``collections``).
- ``open_disputes``: 1 when that case disputes an amount (a dispute logged on a call), else 0.
- ``pending_purchases``: purchases a real-time trigger holds for a reviewer on the line
  (``lines.triggers``: held, not yet released or refused).
- ``outcome``, ``target_limit``, ``proof_reason``, ``documents``: the request.

The decision: any ``reject`` row rejects; otherwise any ``refer`` row refers to the manual
queue; no row approves at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from creditline.closure.request import Finding, Review
from creditline.money import money_str

TABLES = ("investigation", "exposure")
PROOF_REASONS = frozenset({"income_change", "asset_change"})


@dataclass(frozen=True)
class ClosureFacts:
    kind: str
    line_status: str
    balance: Decimal
    used: Decimal
    limit: Decimal
    dpd: int
    other_obligations: Decimal
    fraud_flag: bool
    outcome: str
    target_limit: Decimal | None
    reasons: tuple[str, ...]
    documents: int
    collection_case: bool = False  # an active collection case on the line
    open_disputes: int = 0  # that case disputes an amount
    pending_purchases: int = 0  # purchases held by a trigger, awaiting a reviewer

    def context(self) -> dict[str, Any]:
        """The tables' input: numbers as JSON numbers for comparisons only."""
        return {"kind": self.kind, "line_status": self.line_status,
                "balance": float(self.balance), "used": float(self.used),
                "limit": float(self.limit), "dpd": self.dpd,
                "other_obligations": float(self.other_obligations),
                "fraud_flag": self.fraud_flag, "collection_case": self.collection_case,
                "open_disputes": self.open_disputes,
                "pending_purchases": self.pending_purchases, "outcome": self.outcome,
                "target_limit": None if self.target_limit is None else float(self.target_limit),
                "proof_reason": bool(PROOF_REASONS & set(self.reasons)),
                "documents": self.documents}

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "line_status": self.line_status,
                "balance": money_str(self.balance), "used": money_str(self.used),
                "limit": money_str(self.limit), "dpd": self.dpd,
                "other_obligations": money_str(self.other_obligations),
                "fraud_flag": self.fraud_flag, "collection_case": self.collection_case,
                "open_disputes": self.open_disputes,
                "pending_purchases": self.pending_purchases, "outcome": self.outcome,
                "target_limit": None if self.target_limit is None
                else money_str(self.target_limit),
                "reasons": list(self.reasons), "documents": self.documents}


def outcome_of(answer: Mapping[str, Any]) -> tuple[str, list[Finding]]:
    """The outcome and the rows that fired, from the tables' answer (each table's fired
    rows under its name)."""
    found: list[Finding] = []
    for table in TABLES:
        rows = answer.get(table) or []
        for row in rows if isinstance(rows, list) else [rows]:
            found.append(Finding(str(row["code"]), str(row["action"]), table))
    actions = {f.action for f in found}
    outcome = "reject" if "reject" in actions else "refer" if "refer" in actions else "approve"
    return outcome, found


def decide(answer: Mapping[str, Any], facts: ClosureFacts, label: str) -> Review:
    """The review recorded on the request: outcome, findings, facts, rules label."""
    outcome, found = outcome_of(answer)
    return Review(outcome, tuple(found), facts.as_json(), label)
