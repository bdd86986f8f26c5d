"""Periodic reviews of enterprise lines.

Every open enterprise line is reviewed yearly, quarterly while its industry is flagged by the
sector early warning (``lines.sectors``): counted from its last decided review, or from its
opening.  A review case asks for fresh financial statements; once they are uploaded the case
recomputes capacity with the enterprise policy -- the statements and ratios of
``policy.enterprise`` and the cash-flow capacity of ``policy.limits`` at the review target
coverage -- and proposes keep, increase, reduce or close.  A risk officer other than the one
who uploaded and proposed decides it (maker-checker: approving one's own proposal is 403).

The rule, in numbers (``REVIEW_RULE``, read from the versioned folder ``lines/review_rules``;
its label goes into the audit of every case opened and proposed): capacity = min(product maximum, cash flow / 1.40 -
existing debt service), rounded down to 1,000.00; below the product's minimum: close; below
the limit: reduce to it; at least 30 % above the limit: increase by 30 % (at most to the
capacity); otherwise keep.  An open case more than 60 days past its due date freezes its line
(``long_overdue``); a risk officer unfreezes it once the review is decided.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from creditline.errors import Conflict, Forbidden, ValidationError
from creditline.versioned import read_versioned

RULES_DIR = Path(__file__).parent / "review_rules"


@dataclass(frozen=True)
class ReviewRule:
    """The review's parameters, as a versioned folder of data (``lines/review_rules``)."""

    target_dscr: Decimal = Decimal("1.40")  # origination's band-B target (enterprise_capacity)
    increase_share: Decimal = Decimal("0.30")
    step: Decimal = Decimal("1000.00")
    yearly_months: int = 12
    flagged_months: int = 3
    freeze_after_days: int = 60
    version: str = ""
    hash: str = ""

    @property
    def label(self) -> str:
        return f"{self.version}+{self.hash[:12]}"


def _positive(doc: dict[str, Any], name: str, kind: type) -> Any:
    raw = doc.get(name)
    field = f"review_rule.{name}"
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise ValidationError(field, "must be a positive whole number")
        return raw
    try:
        value = Decimal(str(raw)) if isinstance(raw, str) else None
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or value <= 0:
        raise ValidationError(field, "must be a positive decimal number written as a string")
    return value


def load_review_rule(folder: Path | str | None = None) -> ReviewRule:
    """Read and check a review-rule folder (default: the shipped one); a bad figure is a
    422 naming it."""
    data = read_versioned(folder if folder is not None else RULES_DIR, files_key="tables",
                          what="review_rule")
    [(_, doc)] = data.files
    if not isinstance(doc, dict):
        raise ValidationError("review_rule", "review_rule.json must be an object")
    return ReviewRule(
        target_dscr=_positive(doc, "target_dscr", Decimal),
        increase_share=_positive(doc, "increase_share", Decimal),
        step=_positive(doc, "step", Decimal),
        yearly_months=_positive(doc, "yearly_months", int),
        flagged_months=_positive(doc, "flagged_months", int),
        freeze_after_days=_positive(doc, "freeze_after_days", int),
        version=data.version, hash=data.hash)


REVIEW_RULE = load_review_rule()


class ReviewStatus(StrEnum):
    AWAITING_STATEMENTS = "awaiting_statements"
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class Proposal(StrEnum):
    KEEP = "keep"
    INCREASE = "increase"
    REDUCE = "reduce"
    CLOSE = "close"


def add_months(day: date, months: int) -> date:
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(since: date, flagged: bool, rule: ReviewRule = REVIEW_RULE) -> date:
    """When a line reviewed (or opened) on ``since`` is next due."""
    return add_months(since, rule.flagged_months if flagged else rule.yearly_months)


def propose(limit: Decimal, capacity: Decimal, limit_min: Decimal, limit_max: Decimal,
            rule: ReviewRule = REVIEW_RULE) -> tuple[Proposal, Decimal]:
    """What the review proposes for a line with permanent ``limit`` given the recomputed
    capacity, and the limit it proposes (the same limit for keep, 0 for close)."""
    cap = min(limit_max, capacity).quantize(rule.step, rounding=ROUND_DOWN) \
        if capacity > 0 else Decimal("0.00")
    if cap < limit_min:
        return Proposal.CLOSE, Decimal("0.00")
    if cap < limit:
        return Proposal.REDUCE, cap
    raised = (limit * (1 + rule.increase_share)).quantize(Decimal("0.01"))
    if cap >= raised:
        return Proposal.INCREASE, raised
    return Proposal.KEEP, limit


@dataclass(frozen=True)
class ReviewCase:
    id: str
    line_id: str
    customer_id: str
    industry: str
    frequency: str  # yearly or quarterly
    due_on: date
    opened_on: date
    created_at: datetime
    status: ReviewStatus = ReviewStatus.AWAITING_STATEMENTS
    statements: dict[str, Any] | None = None
    ratios: dict[str, Any] | None = None
    capacity: Decimal | None = None
    proposal: Proposal | None = None
    proposed_limit: Decimal | None = None
    proposed_by: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decided_on: date | None = None
    note: str | None = None

    def overdue_days(self, today: date) -> int:
        return max(0, (today - self.due_on).days) if self.open else 0

    @property
    def open(self) -> bool:
        return self.status in (ReviewStatus.AWAITING_STATEMENTS, ReviewStatus.PROPOSED)

    def with_statements(self, statements: dict[str, Any], ratios: dict[str, Any],
                        capacity: Decimal, proposal: Proposal, limit: Decimal, by: str
                        ) -> ReviewCase:
        if not self.open:
            raise Conflict(f"the review case is already {self.status.value}")
        return replace(self, status=ReviewStatus.PROPOSED, statements=statements,
                       ratios=ratios, capacity=capacity, proposal=proposal,
                       proposed_limit=limit, proposed_by=by)

    def decide(self, approve: bool, by: str, at: datetime, on: date, note: str) -> ReviewCase:
        if self.status is not ReviewStatus.PROPOSED:
            raise Conflict(f"the review case is {self.status.value}: only a proposed case "
                           "is decided")
        if by == self.proposed_by:
            raise Forbidden("a review is decided by a second person: the officer who proposed "
                            "it may not approve or reject it")
        if not note.strip():
            raise ValidationError("note", "must say why")
        return replace(self, status=ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
                       decided_by=by, decided_at=at, decided_on=on, note=note.strip())


def long_overdue(case: ReviewCase, today: date, rule: ReviewRule = REVIEW_RULE) -> bool:
    """The rule that freezes a line: its open review is more than ``freeze_after_days``
    past due."""
    return case.open and today > case.due_on + timedelta(days=rule.freeze_after_days)


def freeze_day(due_on: date, rule: ReviewRule = REVIEW_RULE) -> date:
    """The first day an open review due on ``due_on`` is long overdue (``long_overdue``)."""
    return due_on + timedelta(days=rule.freeze_after_days + 1)


def freeze_mask(status: Sequence[str], freeze_on: np.ndarray, today: int) -> np.ndarray:
    """The column form of the freeze rule for an end-of-day stage: True for an active line
    whose open review is long overdue.  ``freeze_on`` holds each line's ``freeze_day`` as a
    day number (-1: no open review); ``today`` the day closed."""
    days = np.asarray(freeze_on, dtype=np.int64)
    mask: np.ndarray = ((np.asarray(status, dtype=object) == "active") & (days >= 0)
                        & (days <= today))
    return mask
