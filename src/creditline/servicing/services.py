"""Use cases of the money core: open a line, purchase, return goods, repay, refund a credit
balance, change the limit (permanently -- a large raise as a proposal a second person
decides -- or for a while) or status, and read lines, their limit history, purchases and
statements.  Each command runs in one
transaction (``with uow: ... uow.commit()``): a refused or failed command writes nothing.

Every command on a line first takes the line's row lock (see ``store.lines``), then
answers a replayed Idempotency-Key from the stored result, so concurrent purchases cannot
overdraw a line and a retried request never posts twice.  Money events are dated on the
business date, never before the day after the line's last closed day (a line that is
behind is first caught up through the ``uow.catch_up`` port (``creditline.uow.CatchUp``) --
the end-of-day pipeline run on that line -- so accruals never see events from their future).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import (
    BusinessRuleViolation,
    Conflict,
    Forbidden,
    NotFound,
    ValidationError,
)
from creditline.idempotency import check_key
from creditline.ledger.check import LedgerCheck, check_lines
from creditline.lines.holds import HeldPurchase, HoldStatus
from creditline.lines.limits import LimitEvent, LimitKind, LimitSource, temporary_limit
from creditline.lines.line import Balances, Line
from creditline.lines.proposals import LimitProposal, ProposalStatus, parse_proposal_status
from creditline.lines.status import LineStatus, check_transition, parse_status
from creditline.losses.records import LossAccount  # losses (issue 16)
from creditline.losses.services import take_payment  # losses (issue 16)
from creditline.money import money_str, to_money
from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest
from creditline.products import categories
from creditline.products.catalog import (
    Catalog,
    Product,
    default_catalog,
    product_terms,
    terms_product,
)
from creditline.servicing import entries, guardrails, triggers
from creditline.servicing.model import Installment, PurchaseRecord
from creditline.servicing.returns import apply_return
from creditline.servicing.schedule import build_schedule
from creditline.servicing.statements import Statement
from creditline.servicing.views import (
    LineView,
    PurchaseView,
    RefundView,
    RepaymentView,
    ReturnView,
)
from creditline.servicing.waterfall import allocate, apply_allocation
from creditline.uow import UnitOfWork

_AMOUNT = re.compile(r"[0-9]{1,13}(\.[0-9]{1,2})?")  # ASCII only: no "１００", no spaces


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """A positive amount: a decimal string with at most two decimals (``"100"``,
    ``"99.5"``, ``"1200.00"``), or a Decimal/int from Python callers.  Floats, exponents,
    signs, zero and more decimals are refused (422)."""
    if isinstance(value, str) and not _AMOUNT.fullmatch(value):
        raise ValidationError(field, "must be a positive decimal string with at most two "
                                     "decimal places, such as \"100.00\"")
    return to_money(value, field)


def _text(value: object, field: str, max_len: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > max_len:
        raise ValidationError(field, f"must be text of 1-{max_len} characters")
    return value.strip()



# ----- commands

@dataclass(frozen=True)
class OpenLine:
    customer_id: str
    product: str
    limit: object
    statement_day: int | None = None
    on: date | None = None


@dataclass(frozen=True)
class Purchase:
    line_id: str
    amount: object
    merchant: object
    merchant_category: object
    installments: object = 1
    method: object = None  # sme_line: "annuity" (default) or "interest_only"
    idempotency_key: str | None = None
    on: date | None = None


@dataclass(frozen=True)
class ReturnGoods:
    purchase_id: str
    amount: object
    idempotency_key: str | None = None
    on: date | None = None


@dataclass(frozen=True)
class Repay:
    line_id: str
    amount: object
    idempotency_key: str | None = None
    on: date | None = None
    # how far above the payoff amount a repayment may go (``CREDITLINE_OVERPAYMENT_TOLERANCE``;
    # None: ``guardrails.DEFAULT_OVERPAYMENT_TOLERANCE``)
    tolerance: object = None


@dataclass(frozen=True)
class Refund:
    """Pay (part of) a line's credit balance back to the customer; ``amount`` None: all
    that is refundable."""

    line_id: str
    amount: object = None
    idempotency_key: str | None = None
    on: date | None = None


@dataclass(frozen=True)
class ChangeLimit:
    line_id: str
    limit: object
    reason: str
    # a raise of more than this is only a proposal (``CREDITLINE_LIMIT_APPROVAL_INCREASE``;
    # None: ``guardrails.DEFAULT_LIMIT_APPROVAL_INCREASE``)
    approval_increase: object = None


@dataclass(frozen=True)
class DecideLimitProposal:
    proposal_id: str
    approve: bool
    note: str


@dataclass(frozen=True)
class GrantTemporaryLimit:
    """A limit above the permanent one for the days ``start`` to ``end`` (both included;
    ``start`` defaults to the business date).  Dates are ``date`` or ISO text."""

    line_id: str
    amount: object
    end: object
    reason: str
    start: object = None
    reason_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SetStatus:
    line_id: str
    status: object
    reason: str


# ----- helpers

def _today(uow: UnitOfWork, on: date | None) -> date:
    return on if on is not None else current_business_date(uow)


def _locked_line(uow: UnitOfWork, line_id: str, on: date | None) -> tuple[Line, date]:
    """Lock the line, date the event, and close the line's missing days first."""
    line = uow.lines.get(line_id, lock=True)
    if line is None:
        raise NotFound(f"credit line {line_id} not found")
    day = max(_today(uow, on), line.last_eod + timedelta(days=1))
    if line.status != LineStatus.CLOSED and line.last_eod < day - timedelta(days=1):
        if uow.catch_up is None:
            raise RuntimeError("this unit of work has no end-of-day catch-up wired "
                               "(build it through creditline.bootstrap)")
        uow.catch_up(uow, line.id, line.last_eod, day - timedelta(days=1))
        line = uow.lines.get(line_id, lock=True)
        assert line is not None
    return line, day


# the same lock-date-and-catch-up for other contexts' commands on a line (closure)
locked_line = _locked_line


def _apply_credit(uow: UnitOfWork, line: Line, installments: list[Installment], day: date) -> None:
    """On a line whose waterfall pays ahead, a credit balance never sits beside debt: it is
    spent at once, as a repayment would be (billed debts first, then ahead)."""
    if line.credit_balance <= 0 or line.waterfall.excess != "prepay":
        return
    result = allocate(line.credit_balance, installments, line.waterfall)
    if not result.items:
        return
    apply_allocation(installments, result)
    uow.ledger.post([entries.credit_applied_entry(line.id, result, day)])
    uow.purchases.save_installments(installments)
    spent = result.amount - result.to_credit
    line.credit_balance -= spent
    line.record_payment(spent)


def _date(value: object, field: str) -> date:
    if isinstance(value, datetime):
        raise ValidationError(field, "must be a date as YYYY-MM-DD")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError(field, "must be a date as YYYY-MM-DD")


def _limit_event(uow: UnitOfWork, actor: Principal, line: Line, on: date, old: Decimal,
                 new: Decimal, kind: LimitKind, source: LimitSource, note: str,
                 reason_codes: tuple[str, ...] = (), starts_on: date | None = None,
                 ends_on: date | None = None) -> LimitEvent:
    event = LimitEvent(line_id=line.id, at=uow.now(), business_date=on,
                       old_limit=old, new_limit=new, kind=kind, source=source, actor=actor.name,
                       reason_codes=reason_codes, note=note, starts_on=starts_on,
                       ends_on=ends_on)
    uow.limit_events.add(event)
    return event


def _refresh(line: Line, installments: list[Installment]) -> None:
    """Cached balances from every open installment of the line (settled ones owe nothing)."""
    line.set_balances(Balances.of(installments))


# ----- lines

def open_line(cmd: OpenLine, uow: UnitOfWork, actor: Principal) -> LineView:
    """Open a credit line on the terms of the product's current version (copied onto the
    line, so later edits to the products file leave it alone).  One open line per customer
    and product."""
    terms = _opening_terms(cmd)
    with uow:
        if not uow.customers.exists(cmd.customer_id):
            raise NotFound(f"customer {cmd.customer_id} not found")
        code = terms[1].code
        for other in uow.lines.of_customer(cmd.customer_id):
            if other.product == code and other.status != LineStatus.CLOSED:
                raise Conflict(f"customer {cmd.customer_id} already has an open {code} "
                               f"line ({other.id})")
        on = _today(uow, cmd.on)
        line = _open(cmd, terms, on, uow, actor)
        uow.commit()
    return LineView.of(line, on)


def open_checked_line(cmd: OpenLine, on: date, uow: UnitOfWork, actor: Principal) -> str:
    """:func:`open_line` for a caller that has already, in its open transaction, read the
    customer (so it exists), their lines (none of this product open) and the business date
    ``on``: origination, which must not pay those reads twice on every approval.  The
    database still holds one not-closed line per customer and product.  Returns the id."""
    return _open(cmd, _opening_terms(cmd), on, uow, actor).id


def _opening_terms(cmd: OpenLine) -> tuple[Catalog, Product, Decimal, int]:
    """(catalogue, product, limit, statement day) of an opening; bad input names its field."""
    catalog = default_catalog()
    product = catalog.get(cmd.product)
    limit = parse_amount(cmd.limit, "limit")
    if not product.limit_min <= limit <= product.limit_max:
        raise ValidationError("limit", f"must be between {money_str(product.limit_min)} and "
                                       f"{money_str(product.limit_max)} for {product.code}")
    day_ = cmd.statement_day if cmd.statement_day is not None else product.statement_day
    if isinstance(day_, bool) or not isinstance(day_, int) or not 1 <= day_ <= 28:
        raise ValidationError("statement_day", "must be a day of the month from 1 to 28")
    return catalog, product, limit, day_


def _open(cmd: OpenLine, terms: tuple[Catalog, Product, Decimal, int], on: date,
          uow: UnitOfWork,
          actor: Principal) -> Line:
    catalog, product, limit, day_ = terms
    line = Line(
        id=str(uuid.uuid4()), customer_id=cmd.customer_id, product=product.code,
        product_version=catalog.label, kind=product.kind, currency=product.currency,
        status=LineStatus.ACTIVE, limit=limit, statement_day=day_,
        grace_days=product.grace_days, penalty_rate=product.penalty_daily_rate,
        min_share=product.min_principal_share, min_floor=product.min_floor,
        waterfall=product.waterfall, fee_refund=product.fee_refund,
        block_when_past_due=product.block_when_past_due, opened_on=on,
        last_eod=on - timedelta(days=1), terms=product_terms(product))
    uow.lines.add(line)
    _limit_event(uow, actor, line, on, Decimal("0.00"), limit, LimitKind.PERMANENT,
                 LimitSource.ORIGINATION, "line opened")
    uow.audit(actor, "line.opened", "credit_line", line.id,
              {"customer_id": line.customer_id, "product": line.product,
               "product_version": line.product_version, "limit": limit})
    uow.emit("line.opened", {"line_id": line.id, "customer_id": line.customer_id,
                             "product": line.product, "limit": limit})
    return line


def get_line(line_id: str, uow: UnitOfWork) -> LineView:
    with uow:
        line = uow.lines.get(line_id)
        on = _today(uow, None)
    if line is None:
        raise NotFound(f"credit line {line_id} not found")
    return LineView.of(line, on)


def lines_of_customer(customer_id: str, uow: UnitOfWork) -> list[LineView]:
    with uow:
        on = _today(uow, None)
        return [LineView.of(line, on) for line in uow.lines.of_customer(customer_id)]


def list_lines(uow: UnitOfWork, *, min_dpd: int | None = None, status: object = None,
               after: str | None = None, limit: int = 1000) -> list[LineView]:
    """A page of lines in id order: e.g. every line at least 1 day past due (collections),
    or every frozen line.  Page on with ``after`` = the last id seen."""
    if min_dpd is not None and (isinstance(min_dpd, bool) or not isinstance(min_dpd, int)
                                or min_dpd < 0):
        raise ValidationError("min_dpd", "must be a non-negative integer")
    if not 1 <= limit <= 10_000:
        raise ValidationError("limit", "must be from 1 to 10000")
    wanted = None if status is None else parse_status(status).value
    with uow:
        on = _today(uow, None)
        return [LineView.of(line, on) for line in uow.lines.where(
            min_dpd=min_dpd, status=wanted, after=after, limit=limit)]


def change_limit(cmd: ChangeLimit, uow: UnitOfWork, actor: Principal,
                 ) -> LineView | LimitProposal:
    """A new permanent limit, within the product's minimum and maximum.  A cut or a raise
    up to the approval threshold applies at once (a ``manual`` limit event with its reason)
    and answers the line; a larger raise only records a pending ``LimitProposal`` (answered
    instead) that a second person decides (``decide_limit_proposal``).  Lowering the limit
    below what is used is allowed: available credit is then zero until the balance runs
    down.  A temporary limit in force stays, and counts only while it is above the new
    limit."""
    limit = parse_amount(cmd.limit, "limit")
    reason = _text(cmd.reason, "reason", 200)
    threshold = guardrails.setting_amount(cmd.approval_increase, "approval_increase",
                                          guardrails.DEFAULT_LIMIT_APPROVAL_INCREASE)
    with uow:
        line = uow.lines.get(cmd.line_id, lock=True)
        if line is None:
            raise NotFound(f"credit line {cmd.line_id} not found")
        if line.status == LineStatus.CLOSED:
            raise Conflict("the line is closed")
        product = terms_product(line.product, line.terms)
        guardrails.check_limit_bounds(limit, product.limit_min, product.limit_max, line.product)
        on = _today(uow, None)
        if guardrails.needs_approval(line.limit, limit, threshold):
            proposal = LimitProposal(id=str(uuid.uuid4()), line_id=line.id,
                                     old_limit=line.limit, new_limit=limit, reason=reason,
                                     proposed_by=actor.name, proposed_at=uow.now())
            uow.limit_proposals.add(proposal)
            details = {"proposal_id": proposal.id, "from": line.limit, "to": limit,
                       "reason": reason}
            uow.audit(actor, "line.limit_proposed", "credit_line", line.id, details)
            uow.emit("line.limit_proposed", {"line_id": line.id, **details})
            uow.commit()
            return proposal
        old = line.limit
        line.limit = limit
        uow.lines.save(line)
        _limit_event(uow, actor, line, on, old, limit, LimitKind.PERMANENT, LimitSource.MANUAL,
                     reason)
        details = {"from": old, "to": limit, "reason": reason}
        uow.audit(actor, "line.limit_changed", "credit_line", line.id, details)
        uow.emit("line.limit_changed", {"line_id": line.id, **details})
        uow.commit()
    return LineView.of(line, on)


def decide_limit_proposal(cmd: DecideLimitProposal, uow: UnitOfWork, actor: Principal,
                          ) -> LimitProposal:
    """Approve or reject a pending limit proposal: never its proposer (403), once (409).
    An approval moves the permanent limit to the proposed amount (still within the
    product's range, checked again) with a ``manual`` limit event naming both people."""
    note = _text(cmd.note, "note", 200)
    with uow:
        proposal = uow.limit_proposals.get(cmd.proposal_id, lock=True)
        if proposal is None:
            raise NotFound(f"limit proposal {cmd.proposal_id} not found")
        decided = proposal.decide(cmd.approve, actor.name, uow.now(), note)
        line = uow.lines.get(proposal.line_id, lock=True)
        assert line is not None  # proposals reference their line
        details: dict[str, object] = {"proposal_id": proposal.id, "from": line.limit,
                                      "to": proposal.new_limit, "reason": proposal.reason,
                                      "proposed_by": proposal.proposed_by, "note": note}
        if cmd.approve:
            if line.status == LineStatus.CLOSED:
                raise Conflict("the line is closed")
            product = terms_product(line.product, line.terms)
            guardrails.check_limit_bounds(proposal.new_limit, product.limit_min,
                                          product.limit_max, line.product)
            on = _today(uow, None)
            old = line.limit
            line.limit = proposal.new_limit
            uow.lines.save(line)
            _limit_event(uow, actor, line, on, old, proposal.new_limit, LimitKind.PERMANENT,
                         LimitSource.MANUAL,
                         f"{proposal.reason} (proposed by {proposal.proposed_by}, approved by "
                         f"{actor.name}: {note})")
            uow.audit(actor, "line.limit_changed", "credit_line", line.id, details)
            uow.emit("line.limit_changed", {"line_id": line.id, **details})
        else:
            uow.audit(actor, "line.limit_proposal_rejected", "credit_line", line.id, details)
            uow.emit("line.limit_proposal_rejected", {"line_id": line.id, **details})
        uow.limit_proposals.save(decided)
        uow.commit()
    return decided


def list_limit_proposals(uow: UnitOfWork, *, status: object = ProposalStatus.PENDING.value,
                         line_id: str | None = None, req: PageRequest | None = None
                         ) -> Page[LimitProposal]:
    """A page of limit proposals oldest first: by default those still waiting for a
    decision."""
    wanted = None if status is None else parse_proposal_status(status).value
    with uow:
        return uow.limit_proposals.page(wanted, line_id, req or PageRequest())


def get_limit_proposal(proposal_id: str, uow: UnitOfWork) -> LimitProposal:
    with uow:
        proposal = uow.limit_proposals.get(proposal_id)
    if proposal is None:
        raise NotFound(f"limit proposal {proposal_id} not found")
    return proposal


def grant_temporary_limit(cmd: GrantTemporaryLimit, uow: UnitOfWork,
                          actor: Principal) -> LineView:
    """Raise the line's limit for a while (a ``temporary`` ``manual`` limit event): above
    the permanent limit, within the product's cap, from ``start`` to ``end``.  It replaces
    any temporary limit the line had; it lapses at the end of ``end``
    (``lines.limits.lapsing``)."""
    amount = parse_amount(cmd.amount, "amount")
    reason = _text(cmd.reason, "reason", 200)
    end = _date(cmd.end, "end")
    codes = tuple(_text(c, "reason_codes", 40) for c in cmd.reason_codes)
    with uow:
        line = uow.lines.get(cmd.line_id, lock=True)
        if line is None:
            raise NotFound(f"credit line {cmd.line_id} not found")
        if line.status == LineStatus.CLOSED:
            raise Conflict("the line is closed")
        on = _today(uow, None)
        start = on if cmd.start is None else _date(cmd.start, "start")
        cap = terms_product(line.product, line.terms).limit_max
        temp = temporary_limit(amount, start, end, permanent=line.limit, cap=cap, today=on)
        old = line.effective_limit(on)
        line.temporary = temp
        uow.lines.save(line)
        _limit_event(uow, actor, line, on, old, amount, LimitKind.TEMPORARY, LimitSource.MANUAL,
                     reason, codes, start, end)
        details = {"limit": line.limit, "temporary_limit": amount, "start": start, "end": end,
                   "reason": reason}
        uow.audit(actor, "line.temporary_limit_granted", "credit_line", line.id, details)
        uow.emit("line.temporary_limit_granted", {"line_id": line.id, **details})
        uow.commit()
    return LineView.of(line, on)


def limit_history(line_id: str, uow: UnitOfWork) -> list[LimitEvent]:
    """Every limit change of the line, oldest first."""
    with uow:
        if uow.lines.get(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return uow.limit_events.of_line(line_id)


def limit_history_page(line_id: str, uow: UnitOfWork, req: SeqPageRequest
                       ) -> SeqPage[LimitEvent]:
    """A page of the line's limit changes, oldest first (``seq`` order), with the total."""
    with uow:
        if uow.lines.get(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return uow.limit_events.page(line_id, req)


def set_status(cmd: SetStatus, uow: UnitOfWork, actor: Principal) -> LineView:
    target = parse_status(cmd.status)
    reason = _text(cmd.reason, "reason", 200)
    with uow:
        line = uow.lines.get(cmd.line_id, lock=True)
        if line is None:
            raise NotFound(f"credit line {cmd.line_id} not found")
        check_transition(line.status, target,
                         owed_nothing=line.total_owed == 0 and line.credit_balance == 0)
        old = line.status
        line.status = target
        uow.lines.save(line)
        details = {"from": old.value, "to": target.value, "reason": reason}
        uow.audit(actor, "line.status_changed", "credit_line", line.id, details)
        uow.emit("line.status_changed", {"line_id": line.id, **details})
        uow.commit()
    return LineView.of(line, _today(uow, None))


# ----- purchases

def check_can_buy(line: Line, amount: Decimal, day: date) -> None:
    """Whether ``amount`` may be bought on ``line`` on ``day`` (a purchase, or the checkout's
    offers before it): 409 unless active, 422 past due or beyond the available credit."""
    if line.status != LineStatus.ACTIVE:
        raise Conflict(f"the line is {line.status.value}: purchases need an active line")
    if line.block_when_past_due and line.past_due > 0:
        raise BusinessRuleViolation(
            f"the line is {line.dpd} days past due ({money_str(line.past_due)} overdue): "
            "no purchases until it is paid", reason="line_past_due")
    available = line.available_on(day)
    if amount > available:
        raise BusinessRuleViolation(
            f"amount {money_str(amount)} exceeds the available credit "
            f"{money_str(available)}", reason="insufficient_available_credit",
            details=[{"loc": ["amount"], "msg": "exceeds available credit"}])


def purchase(cmd: Purchase, uow: UnitOfWork, actor: Principal) -> PurchaseView:
    """Buy on the line: refused with a reason (and nothing posted) beyond the available
    credit, on a line that is not active or is past due, for an installment count the
    product does not offer, or by the product's merchant-category caps
    (``products.categories``: prohibited categories, the high-energy cap; a green category
    gets its lower fee).  The real-time triggers (``servicing.triggers``) then look at it in
    the same transaction: a purchase they hold is not booked but reserved on the line for a
    reviewer (answered with status ``held`` and the reason), and a cut, freeze or suspension
    they order applies at once."""
    amount = parse_amount(cmd.amount)
    merchant = _text(cmd.merchant, "merchant", 200)
    category = _text(cmd.merchant_category, "merchant_category", 60)
    if not actor.sees_merchant(merchant):
        raise Forbidden(f"merchant: this service user may buy only as its merchants "
                        f"({', '.join(sorted(actor.merchants)) or 'none'}), not {merchant!r}")
    key = check_key(cmd.idempotency_key)
    body = {"amount": money_str(amount), "merchant": merchant, "merchant_category": category,
            "installments": cmd.installments, "method": cmd.method}
    rules = triggers.trigger_rules()
    with uow:
        line, day = _locked_line(uow, cmd.line_id, cmd.on)
        scope = f"purchase:{line.id}"
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:
                if "hold_id" in stored:
                    return holds_view(uow, stored["hold_id"], replayed=True)
                return _purchase_view(uow, stored["purchase_id"], replayed=True)
        product = terms_product(line.product, line.terms)
        # an inactive line is refused as such (409) before the plan is checked (422)
        active = line.status == LineStatus.ACTIVE
        plan = product.plan(cmd.installments, cmd.method) if active else None
        check_can_buy(line, amount, day)
        assert plan is not None
        caps = product.categories
        if caps is not None:
            owed = (uow.activity.owed_in_categories(line.id, caps.high_energy)
                    if caps.kind(category) == "high_energy" else Decimal("0.00"))
            categories.check_purchase(caps, line.product, category, amount,
                                      line.effective_limit(day), owed)
        fee_rate = categories.fee_rate(caps, category, plan.fee_rate)
        purchase_id = str(uuid.uuid4())
        verdict = triggers.on_event(uow, "purchase", line, day, amount, category, rules)
        if verdict.holds:
            hold = HeldPurchase(
                id=purchase_id, line_id=line.id, customer_id=line.customer_id, amount=amount,
                merchant=merchant, merchant_category=category, periods=plan.periods,
                method=plan.method, fee_rate=fee_rate,
                business_date=day, triggers=tuple(f.code for f in verdict.fired),
                reason_en=verdict.reason("en"), reason_zh=verdict.reason("zh"),
                rules_version=rules.label, created_at=uow.now(), created_by=actor.name)
            uow.held_purchases.add(hold)
            line.held += amount
            triggers.apply(uow, actor, line, day, product, verdict, "purchase", hold.id, rules)
            uow.lines.save(line)
            details = {"line_id": line.id, "amount": amount, "merchant": merchant,
                       "merchant_category": category, "triggers": list(hold.triggers),
                       "business_date": day}
            uow.audit(actor, "purchase.held", "purchase", hold.id, details)
            uow.emit("purchase.held", {"purchase_id": hold.id, "customer_id": line.customer_id,
                                       **details, "reason_en": hold.reason_en,
                                       "reason_zh": hold.reason_zh})
            if key is not None:
                uow.idempotency.save(scope, key, body, {"hold_id": hold.id})
            uow.commit()
            return PurchaseView.held(hold)
        record, schedule = book_purchase(uow, actor, line, day, purchase_id, amount, merchant,
                                         category, plan.periods, plan.method, fee_rate, product)
        triggers.apply(uow, actor, line, day, product, verdict, "purchase", record.id, rules)
        uow.lines.save(line)
        if key is not None:
            uow.idempotency.save(scope, key, body, {"purchase_id": record.id})
        uow.commit()
    return PurchaseView.of(record, schedule)


def book_purchase(uow: UnitOfWork, actor: Principal, line: Line, day: date, purchase_id: str,
                  amount: Decimal, merchant: str, category: str, periods: int, method: str,
                  fee_rate: Decimal, product: Product) -> tuple[PurchaseRecord, list[Installment]]:
    """Book a purchase the checks have let through (a new one, or a held one a reviewer
    released): schedule, installments, the journal entry, the line's balances, audit and
    outbox.  The caller holds the line's lock and saves the line."""
    rate = product.interest_daily_rate
    plan_rows = build_schedule(amount, periods, method, purchase_date=day,
                               statement_day=line.statement_day, grace_days=line.grace_days,
                               fee_rate=fee_rate, daily_rate=rate)
    record = PurchaseRecord(id=purchase_id, line_id=line.id, amount=amount,
                            merchant=merchant, merchant_category=category,
                            periods=periods, method=method,
                            fee_rate=fee_rate, interest_rate=rate, made_on=day)
    schedule = [Installment(purchase_id=record.id, seq=r.seq, bill_date=r.bill_date,
                            due_date=r.due_date, p_orig=r.principal, f_orig=r.fee,
                            p_sched=r.principal, f_sched=r.fee) for r in plan_rows]
    uow.purchases.add(record, actor.name)
    uow.purchases.add_installments(line.id, schedule)
    uow.ledger.post([entries.purchase_entry(line.id, record.id, amount, day, merchant)])
    line.principal_unbilled += amount
    line.cyc_purchases += amount
    if line.credit_balance > 0:
        open_ = uow.purchases.open_installments(line.id)
        _apply_credit(uow, line, open_, day)
        _refresh(line, open_)
    details = {"line_id": line.id, "amount": amount, "merchant": merchant,
               "merchant_category": category, "installments": periods,
               "business_date": day}
    uow.audit(actor, "purchase.created", "purchase", record.id, details)
    uow.emit("purchase.created", {"purchase_id": record.id, "customer_id": line.customer_id,
                                  **details})
    return record, schedule


def holds_view(uow: UnitOfWork, hold_id: str, replayed: bool = False) -> PurchaseView:
    """A held purchase as the purchase answers it: the booked purchase once released."""
    hold = uow.held_purchases.get(hold_id)
    if hold is None:
        raise NotFound(f"held purchase {hold_id} not found")
    if hold.status is HoldStatus.RELEASED:
        return _purchase_view(uow, hold.id, replayed=replayed)
    return PurchaseView.held(hold, replayed)


def _purchase_view(uow: UnitOfWork, purchase_id: str, replayed: bool = False,
                   actor: Principal | None = None) -> PurchaseView:
    record = uow.purchases.get(purchase_id)
    # another merchant's purchase answers exactly as a missing one, so ids do not leak
    if record is None or (actor is not None and not actor.sees_merchant(record.merchant)):
        raise NotFound(f"purchase {purchase_id} not found")
    return PurchaseView.of(record, uow.purchases.installments_of(purchase_id), replayed)


def get_purchase(purchase_id: str, uow: UnitOfWork, actor: Principal | None = None,
                 ) -> PurchaseView:
    """``actor``: whose view (a service user sees only its merchants' purchases)."""
    with uow:
        return _purchase_view(uow, purchase_id, actor=actor)


def purchases_of_line(line_id: str, uow: UnitOfWork, actor: Principal | None = None,
                      ) -> list[PurchaseView]:
    """``actor``: whose view (a service user sees only its merchants' purchases)."""
    with uow:
        return [PurchaseView.of(p, uow.purchases.installments_of(p.id))
                for p in uow.purchases.of_line(line_id)
                if actor is None or actor.sees_merchant(p.merchant)]


# ----- returns

def return_goods(cmd: ReturnGoods, uow: UnitOfWork, actor: Principal) -> ReturnView:
    """Return goods (part or all of a purchase); see ``servicing.returns`` for the order in
    which installments are reversed and what happens to fees.  The real-time triggers look
    at the return in the same transaction (frequent returns cut the available credit at
    once, ``servicing.triggers``)."""
    amount = parse_amount(cmd.amount)
    key = check_key(cmd.idempotency_key)
    body = {"amount": money_str(amount)}
    with uow:
        record = uow.purchases.get(cmd.purchase_id)
        if record is None or not actor.sees_merchant(record.merchant):  # no id leaks
            raise NotFound(f"purchase {cmd.purchase_id} not found")
        line, day = _locked_line(uow, record.line_id, cmd.on)
        scope = f"return:{record.id}"
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:
                return _return_view(uow, stored["return_id"], replayed=True)
        record = uow.purchases.get(cmd.purchase_id)  # re-read under the line lock
        assert record is not None
        if amount > record.returnable:
            raise BusinessRuleViolation(
                f"amount {money_str(amount)} exceeds what is left to return on this purchase "
                f"({money_str(record.returnable)})", reason="exceeds_returnable")
        own = uow.purchases.installments_of(record.id)
        others = [i for i in uow.purchases.open_installments(line.id) if i.purchase_id != record.id]
        effect = apply_return(own, amount, line.fee_refund)
        return_id = str(uuid.uuid4())
        uow.ledger.post([entries.return_entry(line.id, return_id, effect, day)])
        uow.purchases.save_installments(own)
        line.credit_balance += effect.to_credit
        line.cyc_returns += amount
        line.cyc_fees -= effect.fee_reversed_unpaid + effect.fee_reversed_paid
        _apply_credit(uow, line, own + others, day)
        _refresh(line, own + others)
        line.clamp_past_due()
        record.returned += amount
        uow.purchases.save_returned(record)
        effect_json = {
            "unbilled_principal": money_str(effect.unbilled_principal),
            "billed_principal": money_str(effect.billed_principal),
            "principal_refunded_as_credit": money_str(effect.principal_refund),
            "fees_reversed": money_str(effect.fee_reversed_unpaid),
            "fees_refunded_as_credit": money_str(effect.fee_reversed_paid),
            "scheduled_fees_waived": money_str(effect.unbilled_fee_waived)}
        uow.purchases.add_return(return_id, record.id, line.id, amount, day, effect_json,
                                 actor.name)
        rules = triggers.trigger_rules()
        verdict = triggers.on_event(uow, "return", line, day, amount, record.merchant_category,
                                    rules)
        triggers.apply(uow, actor, line, day, terms_product(line.product, line.terms), verdict,
                       "return", return_id, rules)
        uow.lines.save(line)
        details = {"purchase_id": record.id, "line_id": line.id, "amount": amount,
                   "business_date": day}
        uow.audit(actor, "purchase.returned", "purchase", record.id, details)
        uow.emit("purchase.returned", {"customer_id": line.customer_id, **details})
        if key is not None:
            uow.idempotency.save(scope, key, body, {"return_id": return_id})
        uow.commit()
    return ReturnView(return_id, record.id, line.id, amount, day,
                      {k: Decimal(v) for k, v in effect_json.items()})


def _return_view(uow: UnitOfWork, return_id: str, replayed: bool) -> ReturnView:
    r = uow.purchases.get_return(return_id)
    assert r is not None
    return ReturnView(r["id"], r["purchase_id"], r["line_id"], r["amount"], r["business_date"],
                      {k: Decimal(v) for k, v in r["effect"].items()}, replayed)


# ----- repayments

def repay(cmd: Repay, uow: UnitOfWork, actor: Principal) -> RepaymentView:
    """Take a repayment and spread it by the product's waterfall (``servicing.waterfall``);
    the answer lists every debt it paid.  At most the payoff amount plus the tolerance
    (``servicing.guardrails``; 422 naming ``amount`` and the maximum otherwise); what is
    left after every debt is paid stays as a credit balance (``refund`` pays it back)."""
    amount = parse_amount(cmd.amount)
    key = check_key(cmd.idempotency_key)
    tolerance = guardrails.setting_amount(cmd.tolerance, "tolerance",
                                          guardrails.DEFAULT_OVERPAYMENT_TOLERANCE)
    body = {"amount": money_str(amount)}
    with uow:
        line, day = _locked_line(uow, cmd.line_id, cmd.on)
        scope = f"repayment:{line.id}"
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:
                return _repayment_view(uow, stored["repayment_id"], replayed=True)
        # losses (issue 16): a line written off or sold owes no live balance; what it
        # receives is a recovery, or the debt buyer's money (``losses.payments``)
        loss = uow.losses.account(line.id, lock=True)
        if loss is not None:
            return _payment_on_loss(uow, actor, line, loss, amount, day, scope, key, body)
        if line.status == LineStatus.CLOSED:
            raise Conflict("the line is closed")
        guardrails.check_repayment(amount, line.payoff_amount, tolerance)
        installments = uow.purchases.open_installments(line.id)
        result = allocate(amount, installments, line.waterfall)
        apply_allocation(installments, result)
        repayment_id = str(uuid.uuid4())
        uow.ledger.post([entries.repayment_entry(line.id, repayment_id, result, day)])
        uow.purchases.save_installments(installments)
        _refresh(line, installments)
        line.credit_balance += result.to_credit
        line.cyc_repayments += amount
        line.record_payment(amount)
        uow.lines.save(line)
        summary = {k: money_str(v) for k, v in result.summary().items()}
        items = [{"purchase_id": a.purchase_id, "installment": a.seq, "kind": a.kind,
                  "amount": money_str(a.amount), "paid_ahead": a.ahead} for a in result.items]
        uow.purchases.add_repayment(repayment_id, line.id, amount, day,
                                    {"summary": summary, "items": items}, actor.name)
        details = {"line_id": line.id, "amount": amount, "business_date": day, **summary}
        uow.audit(actor, "repayment.received", "repayment", repayment_id, details)
        uow.emit("repayment.received", {"repayment_id": repayment_id,
                                        "customer_id": line.customer_id, **details})
        if key is not None:
            uow.idempotency.save(scope, key, body, {"repayment_id": repayment_id})
        uow.commit()
    return RepaymentView(repayment_id, line.id, amount, day,
                         {k: Decimal(v) for k, v in summary.items()}, tuple(items))


def _payment_on_loss(uow: UnitOfWork, actor: Principal, line: Line, loss: LossAccount,
                     amount: Decimal, day: date, scope: str, key: str | None,
                     body: dict[str, str]) -> RepaymentView:
    """A repayment on a written-off or sold line: booked by ``losses.services.take_payment``
    (a recovery, or owed on to the buyer), kept with the line's repayments under the same
    id so a retried request answers it again."""
    repayment_id = str(uuid.uuid4())
    done = take_payment(uow, actor, line, loss, amount, day, repayment_id)
    summary = {done.payment.kind.value: money_str(amount)}
    uow.purchases.add_repayment(repayment_id, line.id, amount, day,
                                {"summary": summary, "items": []}, actor.name)
    if key is not None:
        uow.idempotency.save(scope, key, body, {"repayment_id": repayment_id})
    uow.commit()
    return RepaymentView(repayment_id, line.id, amount, day, {k: Decimal(v) for k, v in
                                                             summary.items()})


def _repayment_view(uow: UnitOfWork, repayment_id: str, replayed: bool) -> RepaymentView:
    r = uow.purchases.get_repayment(repayment_id)
    assert r is not None
    alloc = r["allocation"]
    return RepaymentView(r["id"], r["line_id"], r["amount"], r["business_date"],
                         {k: Decimal(v) for k, v in alloc["summary"].items()},
                         tuple(alloc["items"]), replayed)


# ----- refunds of credit balances

def refundable(line: Line) -> Decimal:
    """What of the credit balance may be paid back: the part not already spoken for by
    billed debts (on a line whose waterfall keeps credit, end of day would spend it on them)."""
    return max(Decimal("0.00"), line.credit_balance - line.billed_due)


def refund(cmd: Refund, uow: UnitOfWork, actor: Principal) -> RefundView:
    """Pay (part of) a line's credit balance back to the customer: Dr customer credit /
    Cr customer refund payable (``ledger.accounts.REFUND_PAYABLE``), audited, with a
    ``refund.requested`` outbox event for the payment rails and the customer's notice.
    More than is refundable is a 422 naming ``amount``; a retry with the same
    Idempotency-Key answers the first refund and books nothing."""
    amount = None if cmd.amount is None else parse_amount(cmd.amount)
    key = check_key(cmd.idempotency_key)
    body = {"amount": None if amount is None else money_str(amount)}
    with uow:
        line, day = _locked_line(uow, cmd.line_id, cmd.on)
        scope = f"refund:{line.id}"
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:
                return RefundView.from_json(stored, replayed=True)
        available = refundable(line)
        if amount is None:
            if available <= 0:
                raise ValidationError("amount", "nothing to refund: the line has no credit "
                                                "balance beyond what it owes as billed")
            amount = available
        if amount > available:
            raise ValidationError("amount", f"must not exceed the refundable credit balance "
                                            f"{money_str(available)}")
        refund_id = str(uuid.uuid4())
        uow.ledger.post([entries.refund_entry(line.id, refund_id, amount, day)])
        line.credit_balance -= amount
        uow.lines.save(line)
        view = RefundView(refund_id, line.id, amount, day, line.credit_balance)
        details = {"line_id": line.id, "amount": amount, "business_date": day,
                   "credit_balance": line.credit_balance}
        uow.audit(actor, "refund.created", "refund", refund_id, details)
        uow.emit("refund.requested", {"refund_id": refund_id, "customer_id": line.customer_id,
                                      **details})
        if key is not None:
            uow.idempotency.save(scope, key, body, view.to_json())
        uow.commit()
    return view


# ----- statements

def list_statements(line_id: str, uow: UnitOfWork) -> list[Statement]:
    with uow:
        if uow.lines.get(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return list(uow.statements.of_line(line_id))


def statements_page(line_id: str, uow: UnitOfWork, req: SeqPageRequest) -> SeqPage[Statement]:
    """A page of the line's statements, oldest first, with the total."""
    with uow:
        if uow.lines.get(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return uow.statements.page(line_id, req)


# ----- the ledger

def check_ledger(uow: UnitOfWork) -> LedgerCheck:
    """Every line's cached balances = its installments = its postings; the trial balance
    sums to zero; every entry balances."""
    with uow:
        tb = uow.ledger.trial_balance()
        return check_lines(uow.eod_columns.cached_balances(), uow.eod_columns.installment_balances(),
                           uow.ledger.sums_by_line(),
                           sum((amount for _, _, amount in tb), Decimal("0.00")),
                           uow.ledger.unbalanced_entries())
