"""Use cases of periodic reviews of enterprise lines (``lines.reviews``): open the cases
that come due and freeze the lines whose review is long overdue (at the end of every day end of
day closes, and on demand); list open and overdue cases; upload a case's financial statements (the
proposal is computed with the enterprise policy); decide it, maker-checker."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import NotFound
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource
from creditline.lines.reviews import (
    REVIEW_RULE,
    Proposal,
    ReviewCase,
    long_overdue,
    next_due,
    propose,
)
from creditline.lines.status import TRANSITIONS, LineStatus
from creditline.money import money_str
from creditline.paging import Page, PageRequest
from creditline.policy.enterprise import FinancialStatements
from creditline.policy.limits import cash_flow_capacity
from creditline.products.catalog import terms_product
from creditline.servicing.sectors import is_flagged
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class ScheduleRun:
    opened: list[ReviewCase] = field(default_factory=list)
    frozen: list[str] = field(default_factory=list)  # lines frozen for a long-overdue review


def schedule_reviews(uow: UnitOfWork, actor: Principal) -> ScheduleRun:
    """The schedule on demand, as of the book's business date (end of day runs it for each
    day it closes: ``batch.day_end``)."""
    with uow:
        run = schedule_on(uow, current_business_date(uow), actor)
        uow.commit()
    return run


def schedule_on(uow: UnitOfWork, today: date, actor: Principal) -> ScheduleRun:
    """Inside the caller's transaction: open a case for every open enterprise line whose
    review is due by ``today`` (yearly; quarterly while its industry is flagged), asking the
    customer for statements; freeze every active line whose open case is long overdue."""
    run = ScheduleRun()
    cols = uow.sectors.enterprise_lines()
    open_by_line = {c.line_id: c for c in uow.review_cases.open_cases()}
    last = uow.review_cases.last_decided()
    flagged = {i: is_flagged(uow, i) for i in set(cols["industry"])}
    for line_id, customer_id, industry, opened_on in zip(
            cols["line_id"], cols["customer_id"], cols["industry"], cols["opened_on"],
            strict=True):
        if line_id in open_by_line:
            continue
        due = next_due(last.get(line_id, opened_on), flagged[industry])
        if due > today:
            continue
        case = ReviewCase(id=str(uuid.uuid4()), line_id=line_id, customer_id=customer_id,
                          industry=industry,
                          frequency="quarterly" if flagged[industry] else "yearly",
                          due_on=due, opened_on=today, created_at=uow.now())
        uow.review_cases.add(case)
        line = uow.lines.get(line_id, lock=True)
        assert line is not None
        uow.lines.save(line)  # end of day visits it next (batch.reviews: freeze day)
        run.opened.append(case)
        uow.audit(actor, "review.opened", "credit_line", line_id,
                  {"case_id": case.id, "due_on": due, "frequency": case.frequency,
                   "rules_version": REVIEW_RULE.label})
        uow.emit("line.review_requested", {
            "line_id": line_id, "customer_id": customer_id, "case_id": case.id,
            "due_on": due,
            "reason_en": "Your credit line is due for its periodic review: please upload "
                         "your latest financial statements.",
            "reason_zh": "您的授信额度已到定期复审时间：请上传最新财务报表。"})
    for case in open_by_line.values():
        if not long_overdue(case, today):
            continue
        line = uow.lines.get(case.line_id, lock=True)
        if line is None or LineStatus.FROZEN not in TRANSITIONS[line.status] \
                or line.status is not LineStatus.ACTIVE:
            continue
        line.status = LineStatus.FROZEN
        uow.lines.save(line)
        run.frozen.append(line.id)
        details = {"from": "active", "to": "frozen", "reason": "REVIEW_LONG_OVERDUE",
                   "case_id": case.id, "due_on": case.due_on}
        uow.audit(actor, "line.status_changed", "credit_line", line.id, details)
        uow.emit("line.status_changed", {
            "line_id": line.id, "customer_id": line.customer_id, **details,
            "reason_en": f"Your line's review was due on {case.due_on.isoformat()} and is "
                         "long overdue: the line is frozen until it is decided.",
            "reason_zh": f"您的额度复审已于{case.due_on.isoformat()}到期且严重逾期："
                         "额度已冻结，待复审完成。"})
    return run


def overdue_reviews(uow: UnitOfWork) -> list[ReviewCase]:
    """Open cases past their due date, most overdue first."""
    with uow:
        today = current_business_date(uow)
        return [c for c in uow.review_cases.open_cases() if c.due_on < today]


def list_reviews(uow: UnitOfWork, *, status: str | None = None,
                 req: PageRequest | None = None) -> Page[ReviewCase]:
    with uow:
        return uow.review_cases.page(status, None, req or PageRequest())


@dataclass(frozen=True)
class UploadStatements:
    case_id: str
    statements: Mapping[str, Any]


def upload_statements(cmd: UploadStatements, uow: UnitOfWork, actor: Principal) -> ReviewCase:
    """The enterprise's fresh statements: checked (422 naming the figure), ratios and
    cash-flow capacity computed with the enterprise policy, and the proposal made, in the
    uploading officer's name."""
    statements = FinancialStatements.from_mapping(cmd.statements, "statements")
    with uow:
        case = uow.review_cases.get(cmd.case_id, lock=True)
        if case is None:
            raise NotFound(f"review case {cmd.case_id} not found")
        line = uow.lines.get(case.line_id, lock=True)
        assert line is not None
        product = terms_product(line.product, line.terms)
        capacity = cash_flow_capacity(statements.operating_cash_flow, statements.debt_service,
                                      REVIEW_RULE.target_dscr)
        proposal, limit = propose(line.limit, capacity, product.limit_min, product.limit_max)
        proposed = case.with_statements(statements.as_json(), statements.ratios().as_dict(),
                                        capacity, proposal, limit, actor.name)
        uow.review_cases.save(proposed)
        uow.audit(actor, "review.proposed", "credit_line", line.id,
                  {"case_id": case.id, "proposal": proposal.value, "limit": limit,
                   "capacity": capacity, "rules_version": REVIEW_RULE.label})
        uow.commit()
    return proposed


@dataclass(frozen=True)
class DecideReview:
    case_id: str
    approve: bool
    note: str


def decide_review(cmd: DecideReview, uow: UnitOfWork, actor: Principal) -> ReviewCase:
    """Approve or reject a proposed review, never one's own proposal (403).  An approved
    increase or reduction moves the permanent limit (a ``review`` limit event); an approved
    close puts the line in ``closing``; keep changes nothing.  The customer is told."""
    with uow:
        case = uow.review_cases.get(cmd.case_id, lock=True)
        if case is None:
            raise NotFound(f"review case {cmd.case_id} not found")
        today = current_business_date(uow)
        decided = case.decide(cmd.approve, actor.name, uow.now(), today, cmd.note)
        line = uow.lines.get(case.line_id, lock=True)
        assert line is not None
        if cmd.approve and decided.proposal in (Proposal.INCREASE, Proposal.REDUCE):
            assert decided.proposed_limit is not None
            old, line.limit = line.limit, decided.proposed_limit
            uow.limit_events.add(LimitEvent(
                line_id=line.id, at=uow.now(), business_date=today, old_limit=old,
                new_limit=line.limit, kind=LimitKind.PERMANENT, source=LimitSource.REVIEW,
                actor=actor.name, reason_codes=("REVIEW", decided.proposal.value),
                note=f"periodic review {case.id} (proposed by {decided.proposed_by}, approved "
                     f"by {actor.name}: {decided.note})"))
            uow.lines.save(line)
        elif cmd.approve and decided.proposal is Proposal.CLOSE \
                and LineStatus.CLOSING in TRANSITIONS[line.status]:
            line.status = LineStatus.CLOSING
            uow.lines.save(line)
        uow.review_cases.save(decided)
        outcome = decided.proposal.value if cmd.approve and decided.proposal else "keep"
        uow.audit(actor, "review.decided", "credit_line", line.id,
                  {"case_id": case.id, "approved": cmd.approve, "outcome": outcome,
                   "limit": line.limit, "note": decided.note})
        uow.emit("line.review_decided", {
            "line_id": line.id, "customer_id": line.customer_id, "case_id": case.id,
            "outcome": outcome, "limit": line.limit,
            "reason_en": f"Your line's periodic review is complete: {outcome}, limit "
                         f"{money_str(line.limit)}.",
            "reason_zh": f"您的额度定期复审已完成：{_ZH[outcome]}，额度{money_str(line.limit)}元。"})
        uow.commit()
    return decided


_ZH = {"keep": "维持", "increase": "提额", "reduce": "降额", "close": "关闭额度"}
