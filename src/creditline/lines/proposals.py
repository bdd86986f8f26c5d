"""Maker-checker for manual limit changes: a raise above the approval threshold
(``servicing.guardrails.needs_approval``) is a ``LimitProposal`` until a second person
with ``lines:limit_approve`` decides it.  Only an approval moves the limit (a ``manual``
limit event naming both people); the proposer may not decide their own proposal."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from creditline.errors import Conflict, Forbidden, ValidationError


class ProposalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def parse_proposal_status(value: object) -> ProposalStatus:
    try:
        return ProposalStatus(str(value))
    except ValueError:
        raise ValidationError("status", "must be one of: pending, approved, rejected") from None


@dataclass(frozen=True)
class LimitProposal:
    id: str
    line_id: str
    old_limit: Decimal  # the permanent limit when it was proposed
    new_limit: Decimal
    reason: str
    proposed_by: str
    proposed_at: datetime
    status: ProposalStatus = ProposalStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None

    def decide(self, approve: bool, by: str, at: datetime, note: str) -> LimitProposal:
        """The decided proposal: 403 for the proposer themself, 409 once decided."""
        if by == self.proposed_by:
            raise Forbidden("a limit proposal needs a second person: its proposer may not "
                            "approve or reject it")
        if self.status is not ProposalStatus.PENDING:
            raise Conflict(f"the proposal is already {self.status.value}")
        return replace(self, status=ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED,
                       decided_by=by, decided_at=at, decision_note=note)
