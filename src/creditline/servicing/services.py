"""Use cases of the money core: open a line, purchase, return goods, repay, change the limit
or status, and read lines, purchases and statements.  Each command runs in one
transaction (``with uow: ... uow.commit()``): a refused or failed command writes nothing.

Every command on a line first takes the line's row lock (see ``store.servicing``), then
answers a replayed Idempotency-Key from the stored result, so concurrent purchases cannot
overdraw a line and a retried request never posts twice.  Money events are dated on the
business date, never before the day after the line's last closed day (a line that is
behind is first caught up by ``eod.catch_up``, so accruals never see events from their
future).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from creditline.auth import Principal
from creditline.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from creditline.idempotency import check_key
from creditline.ledger.check import LedgerCheck, check_lines
from creditline.lines.status import LineStatus, check_transition, parse_status
from creditline.money import money_str, to_money
from creditline.products.catalog import default_catalog, product_terms, terms_product
from creditline.servicing import entries
from creditline.servicing.eod import catch_up
from creditline.servicing.model import Balances, Installment, Line, PurchaseRecord
from creditline.servicing.returns import apply_return
from creditline.servicing.schedule import build_schedule
from creditline.servicing.statements import Statement
from creditline.servicing.views import LineView, PurchaseView, RepaymentView, ReturnView
from creditline.servicing.waterfall import allocate, apply_allocation
from creditline.uow import UnitOfWork

_AMOUNT = re.compile(r"^\d{1,13}(\.\d{1,2})?$")


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """A positive amount: a decimal string with at most two decimals (``"100"``,
    ``"99.5"``, ``"1200.00"``), or a Decimal/int from Python callers.  Floats, exponents,
    signs, zero and more decimals are refused (422)."""
    if isinstance(value, str) and not _AMOUNT.match(value.strip()):
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


@dataclass(frozen=True)
class ChangeLimit:
    line_id: str
    limit: object
    reason: str


@dataclass(frozen=True)
class SetStatus:
    line_id: str
    status: object
    reason: str


# ----- helpers

def _today(uow: UnitOfWork, on: date | None) -> date:
    return on if on is not None else uow.clock.today()


def _locked_line(uow: UnitOfWork, line_id: str, on: date | None) -> tuple[Line, date]:
    """Lock the line, date the event, and close the line's missing days first."""
    line = uow.servicing.get_line(line_id, lock=True)
    if line is None:
        raise NotFound(f"credit line {line_id} not found")
    day = max(_today(uow, on), line.last_eod + timedelta(days=1))
    if line.status != LineStatus.CLOSED and line.last_eod < day - timedelta(days=1):
        catch_up(uow, line.id, line.last_eod, day - timedelta(days=1))
        line = uow.servicing.get_line(line_id, lock=True)
        assert line is not None
    return line, day


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
    uow.servicing.save_installments(installments)
    spent = result.amount - result.to_credit
    line.credit_balance -= spent
    line.record_payment(spent)


def _refresh(line: Line, installments: list[Installment]) -> None:
    """Cached balances from every open installment of the line (settled ones owe nothing)."""
    line.set_balances(Balances.of(installments))


# ----- lines

def open_line(cmd: OpenLine, uow: UnitOfWork, actor: Principal) -> LineView:
    """Open a credit line on the terms of the product's current version (copied onto the
    line, so later edits to the products file leave it alone).  One open line per customer
    and product."""
    catalog = default_catalog()
    product = catalog.get(cmd.product)
    limit = parse_amount(cmd.limit, "limit")
    if not product.limit_min <= limit <= product.limit_max:
        raise ValidationError("limit", f"must be between {money_str(product.limit_min)} and "
                                       f"{money_str(product.limit_max)} for {product.code}")
    day_ = cmd.statement_day if cmd.statement_day is not None else product.statement_day
    if isinstance(day_, bool) or not isinstance(day_, int) or not 1 <= day_ <= 28:
        raise ValidationError("statement_day", "must be a day of the month from 1 to 28")
    with uow:
        if not uow.servicing.customer_exists(cmd.customer_id):
            raise NotFound(f"customer {cmd.customer_id} not found")
        for other in uow.servicing.lines_of_customer(cmd.customer_id):
            if other.product == product.code and other.status != LineStatus.CLOSED:
                raise Conflict(f"customer {cmd.customer_id} already has an open {product.code} "
                               f"line ({other.id})")
        on = _today(uow, cmd.on)
        line = Line(
            id=str(uuid.uuid4()), customer_id=cmd.customer_id, product=product.code,
            product_version=catalog.label, kind=product.kind, currency=product.currency,
            status=LineStatus.ACTIVE, limit=limit, statement_day=day_,
            grace_days=product.grace_days, penalty_rate=product.penalty_daily_rate,
            min_share=product.min_principal_share, min_floor=product.min_floor,
            waterfall=product.waterfall, fee_refund=product.fee_refund,
            block_when_past_due=product.block_when_past_due, opened_on=on,
            last_eod=on - timedelta(days=1), terms=product_terms(product))
        uow.servicing.add_line(line)
        uow.audit(actor, "line.opened", "credit_line", line.id,
                  {"customer_id": line.customer_id, "product": line.product,
                   "product_version": line.product_version, "limit": limit})
        uow.emit("line.opened", {"line_id": line.id, "customer_id": line.customer_id,
                                 "product": line.product, "limit": limit})
        uow.commit()
    return LineView.of(line)


def get_line(line_id: str, uow: UnitOfWork) -> LineView:
    with uow:
        line = uow.servicing.get_line(line_id)
    if line is None:
        raise NotFound(f"credit line {line_id} not found")
    return LineView.of(line)


def lines_of_customer(customer_id: str, uow: UnitOfWork) -> list[LineView]:
    with uow:
        return [LineView.of(line) for line in uow.servicing.lines_of_customer(customer_id)]


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
        return [LineView.of(line) for line in uow.servicing.lines_where(
            min_dpd=min_dpd, status=wanted, after=after, limit=limit)]


def change_limit(cmd: ChangeLimit, uow: UnitOfWork, actor: Principal) -> LineView:
    """A new limit (an event with its reason).  Lowering it below what is used is allowed:
    available credit is then zero until the balance runs down."""
    limit = parse_amount(cmd.limit, "limit")
    reason = _text(cmd.reason, "reason", 200)
    with uow:
        line = uow.servicing.get_line(cmd.line_id, lock=True)
        if line is None:
            raise NotFound(f"credit line {cmd.line_id} not found")
        if line.status == LineStatus.CLOSED:
            raise Conflict("the line is closed")
        cap = terms_product(line.product, line.terms).limit_max
        if limit > cap:
            raise ValidationError("limit", f"must not exceed {money_str(cap)} for {line.product}")
        old = line.limit
        line.limit = limit
        uow.servicing.save_line(line)
        details = {"from": old, "to": limit, "reason": reason}
        uow.audit(actor, "line.limit_changed", "credit_line", line.id, details)
        uow.emit("line.limit_changed", {"line_id": line.id, **details})
        uow.commit()
    return LineView.of(line)


def set_status(cmd: SetStatus, uow: UnitOfWork, actor: Principal) -> LineView:
    target = parse_status(cmd.status)
    reason = _text(cmd.reason, "reason", 200)
    with uow:
        line = uow.servicing.get_line(cmd.line_id, lock=True)
        if line is None:
            raise NotFound(f"credit line {cmd.line_id} not found")
        check_transition(line.status, target,
                         owed_nothing=line.total_owed == 0 and line.credit_balance == 0)
        old = line.status
        line.status = target
        uow.servicing.save_line(line)
        details = {"from": old.value, "to": target.value, "reason": reason}
        uow.audit(actor, "line.status_changed", "credit_line", line.id, details)
        uow.emit("line.status_changed", {"line_id": line.id, **details})
        uow.commit()
    return LineView.of(line)


# ----- purchases

def purchase(cmd: Purchase, uow: UnitOfWork, actor: Principal) -> PurchaseView:
    """Buy on the line: refused with a reason (and nothing posted) beyond the available
    credit, on a line that is not active or is past due, or for an installment count the
    product does not offer."""
    amount = parse_amount(cmd.amount)
    merchant = _text(cmd.merchant, "merchant", 200)
    category = _text(cmd.merchant_category, "merchant_category", 60)
    key = check_key(cmd.idempotency_key)
    body = {"amount": money_str(amount), "merchant": merchant, "merchant_category": category,
            "installments": cmd.installments, "method": cmd.method}
    with uow:
        line, day = _locked_line(uow, cmd.line_id, cmd.on)
        scope = f"purchase:{line.id}"
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:
                return _purchase_view(uow, stored["purchase_id"], replayed=True)
        if line.status != LineStatus.ACTIVE:
            raise Conflict(f"the line is {line.status.value}: purchases need an active line")
        product = terms_product(line.product, line.terms)
        plan = product.plan(cmd.installments, cmd.method)
        if line.block_when_past_due and line.past_due > 0:
            raise BusinessRuleViolation(
                f"the line is {line.dpd} days past due ({money_str(line.past_due)} overdue): "
                "no purchases until it is paid", reason="line_past_due")
        if amount > line.available:
            raise BusinessRuleViolation(
                f"amount {money_str(amount)} exceeds the available credit "
                f"{money_str(line.available)}", reason="insufficient_available_credit",
                details=[{"loc": ["amount"], "msg": "exceeds available credit"}])
        rate = product.interest_daily_rate
        plan_rows = build_schedule(amount, plan.periods, plan.method, purchase_date=day,
                                   statement_day=line.statement_day, grace_days=line.grace_days,
                                   fee_rate=plan.fee_rate, daily_rate=rate)
        record = PurchaseRecord(id=str(uuid.uuid4()), line_id=line.id, amount=amount,
                                merchant=merchant, merchant_category=category,
                                periods=plan.periods, method=plan.method,
                                fee_rate=plan.fee_rate, interest_rate=rate, made_on=day)
        schedule = [Installment(purchase_id=record.id, seq=r.seq, bill_date=r.bill_date,
                                due_date=r.due_date, p_orig=r.principal, f_orig=r.fee,
                                p_sched=r.principal, f_sched=r.fee) for r in plan_rows]
        uow.servicing.add_purchase(record, actor.name)
        uow.servicing.add_installments(line.id, schedule)
        uow.ledger.post([entries.purchase_entry(line.id, record.id, amount, day, merchant)])
        line.principal_unbilled += amount
        line.cyc_purchases += amount
        if line.credit_balance > 0:
            open_ = uow.servicing.open_installments(line.id)
            _apply_credit(uow, line, open_, day)
            _refresh(line, open_)
        uow.servicing.save_line(line)
        details = {"line_id": line.id, "amount": amount, "merchant": merchant,
                   "merchant_category": category, "installments": plan.periods,
                   "business_date": day}
        uow.audit(actor, "purchase.created", "purchase", record.id, details)
        uow.emit("purchase.created", {"purchase_id": record.id, "customer_id": line.customer_id,
                                      **details})
        if key is not None:
            uow.idempotency.save(scope, key, body, {"purchase_id": record.id})
        uow.commit()
    return PurchaseView.of(record, schedule)


def _purchase_view(uow: UnitOfWork, purchase_id: str, replayed: bool = False) -> PurchaseView:
    record = uow.servicing.get_purchase(purchase_id)
    if record is None:
        raise NotFound(f"purchase {purchase_id} not found")
    return PurchaseView.of(record, uow.servicing.purchase_installments(purchase_id), replayed)


def get_purchase(purchase_id: str, uow: UnitOfWork) -> PurchaseView:
    with uow:
        return _purchase_view(uow, purchase_id)


def purchases_of_line(line_id: str, uow: UnitOfWork) -> list[PurchaseView]:
    with uow:
        return [PurchaseView.of(p, uow.servicing.purchase_installments(p.id))
                for p in uow.servicing.purchases_of_line(line_id)]


# ----- returns

def return_goods(cmd: ReturnGoods, uow: UnitOfWork, actor: Principal) -> ReturnView:
    """Return goods (part or all of a purchase); see ``servicing.returns`` for the order in
    which installments are reversed and what happens to fees."""
    amount = parse_amount(cmd.amount)
    key = check_key(cmd.idempotency_key)
    body = {"amount": money_str(amount)}
    with uow:
        record = uow.servicing.get_purchase(cmd.purchase_id)
        if record is None:
            raise NotFound(f"purchase {cmd.purchase_id} not found")
        line, day = _locked_line(uow, record.line_id, cmd.on)
        scope = f"return:{record.id}"
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:
                return _return_view(uow, stored["return_id"], replayed=True)
        record = uow.servicing.get_purchase(cmd.purchase_id)  # re-read under the line lock
        assert record is not None
        if amount > record.returnable:
            raise BusinessRuleViolation(
                f"amount {money_str(amount)} exceeds what is left to return on this purchase "
                f"({money_str(record.returnable)})", reason="exceeds_returnable")
        own = uow.servicing.purchase_installments(record.id)
        others = [i for i in uow.servicing.open_installments(line.id) if i.purchase_id != record.id]
        effect = apply_return(own, amount, line.fee_refund)
        return_id = str(uuid.uuid4())
        uow.ledger.post([entries.return_entry(line.id, return_id, effect, day)])
        uow.servicing.save_installments(own)
        line.credit_balance += effect.to_credit
        line.cyc_returns += amount
        line.cyc_fees -= effect.fee_reversed_unpaid + effect.fee_reversed_paid
        _apply_credit(uow, line, own + others, day)
        _refresh(line, own + others)
        line.clamp_past_due()
        uow.servicing.save_line(line)
        record.returned += amount
        uow.servicing.save_purchase_returned(record)
        effect_json = {
            "unbilled_principal": money_str(effect.unbilled_principal),
            "billed_principal": money_str(effect.billed_principal),
            "principal_refunded_as_credit": money_str(effect.principal_refund),
            "fees_reversed": money_str(effect.fee_reversed_unpaid),
            "fees_refunded_as_credit": money_str(effect.fee_reversed_paid),
            "scheduled_fees_waived": money_str(effect.unbilled_fee_waived)}
        uow.servicing.add_return(return_id, record.id, line.id, amount, day, effect_json,
                                 actor.name)
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
    r = uow.servicing.get_return(return_id)
    assert r is not None
    return ReturnView(r["id"], r["purchase_id"], r["line_id"], r["amount"], r["business_date"],
                      {k: Decimal(v) for k, v in r["effect"].items()}, replayed)


# ----- repayments

def repay(cmd: Repay, uow: UnitOfWork, actor: Principal) -> RepaymentView:
    """Take a repayment and spread it by the product's waterfall (``servicing.waterfall``);
    the answer lists every debt it paid."""
    amount = parse_amount(cmd.amount)
    key = check_key(cmd.idempotency_key)
    body = {"amount": money_str(amount)}
    with uow:
        line, day = _locked_line(uow, cmd.line_id, cmd.on)
        scope = f"repayment:{line.id}"
        if key is not None:
            stored = uow.idempotency.lookup(scope, key, body)
            if stored is not None:
                return _repayment_view(uow, stored["repayment_id"], replayed=True)
        if line.status == LineStatus.CLOSED:
            raise Conflict("the line is closed")
        installments = uow.servicing.open_installments(line.id)
        result = allocate(amount, installments, line.waterfall)
        apply_allocation(installments, result)
        repayment_id = str(uuid.uuid4())
        uow.ledger.post([entries.repayment_entry(line.id, repayment_id, result, day)])
        uow.servicing.save_installments(installments)
        _refresh(line, installments)
        line.credit_balance += result.to_credit
        line.cyc_repayments += amount
        line.record_payment(amount)
        uow.servicing.save_line(line)
        summary = {k: money_str(v) for k, v in result.summary().items()}
        items = [{"purchase_id": a.purchase_id, "installment": a.seq, "kind": a.kind,
                  "amount": money_str(a.amount), "paid_ahead": a.ahead} for a in result.items]
        uow.servicing.add_repayment(repayment_id, line.id, amount, day,
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


def _repayment_view(uow: UnitOfWork, repayment_id: str, replayed: bool) -> RepaymentView:
    r = uow.servicing.get_repayment(repayment_id)
    assert r is not None
    alloc = r["allocation"]
    return RepaymentView(r["id"], r["line_id"], r["amount"], r["business_date"],
                         {k: Decimal(v) for k, v in alloc["summary"].items()},
                         tuple(alloc["items"]), replayed)


# ----- statements

def list_statements(line_id: str, uow: UnitOfWork) -> list[Statement]:
    with uow:
        if uow.servicing.get_line(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return list(uow.servicing.statements_of_line(line_id))


# ----- the ledger

def check_ledger(uow: UnitOfWork) -> LedgerCheck:
    """Every line's cached balances = its installments = its postings; the trial balance
    sums to zero; every entry balances."""
    with uow:
        tb = uow.ledger.trial_balance()
        return check_lines(uow.servicing.cached_balances(), uow.servicing.installment_balances(),
                           uow.ledger.sums_by_line(),
                           sum((amount for _, _, amount in tb), Decimal("0.00")),
                           uow.ledger.unbalanced_entries())
