"""Use cases of the losses context: write a line off (by end of day at the threshold, or by
a risk officer with maker-checker), take a payment on a written-off or sold line, and sell
a pool of non-performing debt to a named buyer (maker-checker too).

**Write-off.**  End of day writes a line off when the write-off rules say so (days past due
by line kind, ``losses.rules``).  A risk officer may propose one at any time: at or past the
threshold it is carried out at once (end of day would do the same); below it, it waits for
a second person (never the proposer) to approve.  Carrying it out posts the charge-off
(``losses.charge_off``), writes the installments down, sets the line's cached balances to
zero and **closes** the line -- closed rather than suspended: a written-off line is never
used again, end of day stops visiting it (no accrual, statements or reminders), and nothing
in the line's state machine leads out of ``closed``.  Its collection case becomes
``written_off``.  The debt is not cancelled: the customer is told so, and what they pay
afterwards is a recovery (``losses.payments``) -- collection continues: an agency placement
stays in force and calls on the case are still logged through the contact gate.

**Sale.**  A pool chosen by filters and priced (``losses.sale``) is previewed, proposed and
approved by a second person.  The approval prices the pool again as it stands that day (a
line paid or sold meanwhile drops out), posts the transfer, flags each line sold to the
buyer, moves its case to ``sold``, recalls any agency placement and cancels open promises
(collection stops: the line is closed, so no reminders either), and tells each customer whom
to pay from now on.  A sold line cannot be written off or sold again (409).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.collections import cases as cc
from creditline.collections.rules import default_rules as collections_rules
from creditline.errors import BusinessRuleViolation, Conflict, NotFound, ValidationError
from creditline.ledger.ids import new_entry_id
from creditline.lines.line import Balances, Line
from creditline.lines.status import LineStatus
from creditline.losses import charge_off as co
from creditline.losses import payments as pay
from creditline.losses import rules as wr
from creditline.losses import sale as sl
from creditline.losses.ports import LossTotals
from creditline.losses.records import (
    DebtSale,
    Decision,
    LossAccount,
    LossPayment,
    LossStatus,
    PaymentKind,
    SaleLine,
    Source,
    WriteOff,
    check_decider,
    check_pending,
)
from creditline.money import ZERO, money_str, to_money, to_rate
from creditline.uow import UnitOfWork

# customer-facing topics (templates in notify/templates/{en,zh})
WRITTEN_OFF_TOPIC = "losses.written_off"
DEBT_SOLD = "losses.debt_sold"
RECOVERY_RECEIVED = "losses.recovery_received"
PAYMENT_FORWARDED = "losses.payment_forwarded"


def _text(value: object, field: str, max_len: int = 500) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > max_len:
        raise ValidationError(field, f"must be text of 1-{max_len} characters")
    return value.strip()


def _locked_line(uow: UnitOfWork, line_id: str) -> tuple[Line, date]:
    """Lock the line and close its missing days first (as servicing does), so the
    write-off sees the balances of the day before the business date."""
    line = uow.lines.get(line_id, lock=True)
    if line is None:
        raise NotFound(f"credit line {line_id} not found")
    day = max(current_business_date(uow), line.last_eod + timedelta(days=1))
    if line.status != LineStatus.CLOSED and line.last_eod < day - timedelta(days=1):
        if uow.catch_up is None:
            raise RuntimeError("this unit of work has no end-of-day catch-up wired")
        uow.catch_up(uow, line.id, line.last_eod, day - timedelta(days=1))
        line = uow.lines.get(line_id, lock=True)
        assert line is not None
    return line, day


def _refuse_if_lost(uow: UnitOfWork, line_id: str) -> None:
    loss = uow.losses.account(line_id)
    if loss is not None:
        raise Conflict(f"credit line {line_id} is {loss.status.value}"
                       + (f" to {loss.buyer}" if loss.buyer else "")
                       + ": it cannot be written off or sold again")


def _outstanding(line: Line) -> co.Outstanding:
    return co.Outstanding(line.principal_unbilled, line.principal_billed, line.fee,
                          line.interest_accrued, line.interest_billed, line.penalty,
                          line.credit_balance)


def _take_off_books(uow: UnitOfWork, line: Line) -> None:
    """Installments written down, cached balances zero, the line closed."""
    installments = uow.purchases.open_installments(line.id)
    co.write_down(installments)
    uow.purchases.save_installments(installments)
    line.set_balances(Balances())
    line.credit_balance = ZERO
    line.min_remaining = ZERO
    line.min_due_date = None
    line.past_due = ZERO
    line.past_due_since = None
    line.dpd = 0
    line.status = LineStatus.CLOSED
    uow.lines.save(line)


def _close_case(uow: UnitOfWork, case: cc.Case | None, target: cc.Terminal, day: date,
                why: str) -> str | None:
    if case is None:
        return None
    cc.check_transition(case.status, target.value, len(collections_rules().bucket_names))
    uow.collection_cases.save(replace(case, status=target.value, closed_on=day, updated_on=day))
    uow.collection_cases.cancel_open_promises([case.id], day)
    if target is cc.Terminal.SOLD:
        placed = uow.agencies.active_placement(case.id)
        if placed is not None:
            uow.agencies.recall(replace(placed, recalled_on=day, recalled_by="system",
                                        recall_reason=why))
    return case.id


def execute_write_off(uow: UnitOfWork, actor: Principal, line: Line, wo: WriteOff, day: date,
                      allowance: Decimal) -> WriteOff:
    """Post a write-off on a locked line (the caller holds the transaction): the charge-off
    entry, the line off the books and closed, the case ``written_off``, the loss account,
    the customer told.  ``allowance``: the allowance's credit balance available to it."""
    owed = _outstanding(line)
    if owed.net <= 0:
        raise BusinessRuleViolation(f"credit line {line.id} owes nothing: nothing to write off",
                                    reason="nothing_owed")
    charge = co.split_charge(owed.net, allowance)
    entry = co.write_off_entry(new_entry_id(), line.id, owed, charge, day, wo.id,
                               f"written off: {wo.reason}")
    uow.ledger.post([entry])
    case = uow.collection_cases.active_for_line(line.id)
    case_id = _close_case(uow, case, cc.Terminal.WRITTEN_OFF, day, "written off")
    _take_off_books(uow, line)
    done = replace(wo, status=Decision.EXECUTED, business_date=day,
                   amounts=owed.by_balance(), credit_applied=owed.credit_balance,
                   amount=charge.amount, from_allowance=charge.from_allowance,
                   to_expense=charge.to_expense, entry_id=entry.id)
    uow.losses.add_account(LossAccount(
        line_id=line.id, customer_id=line.customer_id, status=LossStatus.WRITTEN_OFF,
        case_id=case_id, write_off_id=wo.id, written_off=charge.amount, written_off_on=day))
    details = {"write_off_id": wo.id, "source": wo.source.value, "reason": wo.reason,
               "dpd": wo.dpd, "amount": charge.amount, "from_allowance": charge.from_allowance,
               "to_expense": charge.to_expense, "rules_version": wo.rules_version,
               "proposed_by": wo.proposed_by, "case_id": case_id, "line_status": "closed",
               "business_date": day}
    uow.audit(actor, "losses.written_off", "credit_line", line.id, details)
    uow.emit(WRITTEN_OFF_TOPIC, {"customer_id": line.customer_id, "line_id": line.id,
                           "amount": money_str(charge.amount), "business_date": day.isoformat()})
    return done


# ----------------------------------------------------------------------------- write-offs
@dataclass(frozen=True)
class ProposeWriteOff:
    line_id: str
    reason: str


@dataclass(frozen=True)
class DecideWriteOff:
    write_off_id: str
    approve: bool
    note: str


def propose_write_off(cmd: ProposeWriteOff, uow: UnitOfWork, actor: Principal) -> WriteOff:
    """A risk officer's write-off: carried out at once at or past the rules' threshold, else
    pending until a second person approves it.  A line already written off or sold: 409."""
    reason = _text(cmd.reason, "reason")
    with uow:
        line, day = _locked_line(uow, cmd.line_id)
        _refuse_if_lost(uow, line.id)
        if line.status == LineStatus.CLOSED:
            raise Conflict(f"credit line {line.id} is closed")
        if any(w.status is Decision.PENDING for w in uow.losses.write_offs(line_id=line.id)):
            raise Conflict(f"credit line {line.id} already has a write-off waiting for approval")
        if _outstanding(line).net <= 0:
            raise BusinessRuleViolation(f"credit line {line.id} owes nothing: nothing to "
                                        "write off", reason="nothing_owed")
        v = wr.verdict(line.kind, line.dpd)
        wo = WriteOff(id=str(uuid.uuid4()), line_id=line.id, customer_id=line.customer_id,
                      status=Decision.PENDING, source=Source.OFFICER, reason=reason,
                      dpd=line.dpd, threshold_dpd=v.threshold_dpd,
                      rules_version=v.rules_version, proposed_by=actor.name,
                      proposed_at=uow.now())
        if wo.needs_second_approval:
            uow.losses.add_write_off(wo)
            uow.audit(actor, "losses.write_off_proposed", "credit_line", line.id,
                      {"write_off_id": wo.id, "reason": reason, "dpd": line.dpd,
                       "threshold_dpd": v.threshold_dpd, "rules_version": v.rules_version})
        else:
            uow.losses.add_write_off(wo)
            wo = execute_write_off(uow, actor, line, wo, day, co.allowance_available(
                uow.losses.allowance_balance()))
            wo = uow.losses.save_write_off(replace(wo, decided_by=actor.name,
                                                   decided_at=uow.now(),
                                                   note="at or past the write-off threshold"))
        uow.commit()
    return wo


def decide_write_off(cmd: DecideWriteOff, uow: UnitOfWork, actor: Principal) -> WriteOff:
    """The second person's decision: never the proposer (403), once (409); an approval
    carries the write-off out on the line as it stands today."""
    note = _text(cmd.note, "note")
    with uow:
        wo = uow.losses.get_write_off(cmd.write_off_id, lock=True)
        if wo is None:
            raise NotFound(f"write-off {cmd.write_off_id} not found")
        check_decider(wo.proposed_by, actor.name, f"write-off {wo.id}")
        check_pending(wo.status, f"write-off {wo.id}")
        decided = replace(wo, decided_by=actor.name, decided_at=uow.now(), note=note)
        if cmd.approve:
            line, day = _locked_line(uow, wo.line_id)
            _refuse_if_lost(uow, line.id)
            decided = execute_write_off(uow, actor, line, decided, day, co.allowance_available(
                uow.losses.allowance_balance()))
        else:
            decided = replace(decided, status=Decision.REJECTED)
            uow.audit(actor, "losses.write_off_rejected", "credit_line", wo.line_id,
                      {"write_off_id": wo.id, "note": note, "proposed_by": wo.proposed_by})
        decided = uow.losses.save_write_off(decided)
        uow.commit()
    return decided


def get_write_off(write_off_id: str, uow: UnitOfWork) -> WriteOff:
    with uow:
        wo = uow.losses.get_write_off(write_off_id)
    if wo is None:
        raise NotFound(f"write-off {write_off_id} not found")
    return wo


def list_write_offs(uow: UnitOfWork, *, status: str | None = None,
                    line_id: str | None = None) -> list[WriteOff]:
    if status is not None and status not in {d.value for d in Decision}:
        raise ValidationError("status", "must be one of " + ", ".join(d.value for d in Decision))
    with uow:
        return uow.losses.write_offs(status=status, line_id=line_id)


# ----------------------------------------------------------------------------- payments
@dataclass(frozen=True)
class PaymentOnLoss:
    """What servicing records for a repayment on a written-off or sold line."""

    payment: LossPayment
    account: LossAccount


def take_payment(uow: UnitOfWork, actor: Principal, line: Line, loss: LossAccount,
                 amount: Decimal, day: date, payment_id: str) -> PaymentOnLoss:
    """A payment on a line off the books (servicing calls this from ``repay`` inside its
    transaction, the line locked): a recovery, or money owed on to the buyer."""
    pay.check_amount(loss, amount)
    entry = pay.payment_entry(new_entry_id(), loss, amount, day, payment_id)
    uow.ledger.post([entry])
    after = uow.losses.save_account(pay.applied(loss, amount))
    kind = pay.kind_of(loss)
    p = LossPayment(id=payment_id, line_id=line.id, kind=kind, amount=amount,
                    business_date=day, entry_id=entry.id, created_by=actor.name,
                    created_at=uow.now(), buyer=loss.buyer, sale_id=loss.sale_id)
    uow.losses.add_payment(p)
    details = {"line_id": line.id, "amount": amount, "business_date": day,
               "kind": kind.value, "buyer": loss.buyer}
    uow.audit(actor, f"losses.{kind.value}", "repayment", payment_id, details)
    if kind is PaymentKind.TO_BUYER:
        uow.emit(PAYMENT_FORWARDED, {
            "customer_id": line.customer_id, "line_id": line.id, "amount": money_str(amount),
            "buyer": loss.buyer, "business_date": day.isoformat()})
    else:
        uow.emit(RECOVERY_RECEIVED, {
            "customer_id": line.customer_id, "line_id": line.id, "amount": money_str(amount),
            "still_owed": money_str(after.claim), "business_date": day.isoformat()})
    return PaymentOnLoss(p, after)


def list_payments(uow: UnitOfWork, *, line_id: str | None = None, buyer: str | None = None,
                  kind: str | None = None) -> list[LossPayment]:
    if kind is not None and kind not in {k.value for k in PaymentKind}:
        raise ValidationError("kind", "must be one of " + ", ".join(k.value for k in PaymentKind))
    with uow:
        return uow.losses.payments(line_id=line_id, buyer=buyer, kind=kind)


def get_account(line_id: str, uow: UnitOfWork) -> LossAccount:
    with uow:
        a = uow.losses.account(line_id)
    if a is None:
        raise NotFound(f"credit line {line_id} is neither written off nor sold")
    return a


def totals(uow: UnitOfWork) -> LossTotals:
    with uow:
        return uow.losses.totals()


# ----------------------------------------------------------------------------- sales
@dataclass(frozen=True)
class Pool:
    """A pool and its price, as the API and the CLI give them (checked here)."""

    method: str = "per_face"
    rate: object = None  # per_face: price per unit of face value, e.g. "0.08"
    discount: object = None  # expected_recovery: taken off the recovery rate seen
    min_bucket: int = 3
    min_dpd: int = 0
    min_face: object = None
    max_face: object = None
    products: tuple[str, ...] = ()
    live: bool = True
    written_off: bool = True
    line_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposeSale:
    buyer: str
    pool: Pool


@dataclass(frozen=True)
class DecideSale:
    sale_id: str
    approve: bool
    note: str


@dataclass(frozen=True)
class SalePreview:
    preview: sl.Preview
    lines: tuple[SaleLine, ...]
    method: str
    allowance_available: Decimal

    @property
    def from_allowance(self) -> Decimal:
        return co.split_charge(self.preview.loss_on_sale, self.allowance_available).from_allowance

    @property
    def to_expense(self) -> Decimal:
        return co.split_charge(self.preview.loss_on_sale, self.allowance_available).to_expense


def _int(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high}")
    return value


def _filter(p: Pool) -> sl.PoolFilter:
    n_buckets = len(collections_rules().bucket_names)
    if not (p.live or p.written_off):
        raise ValidationError("live", "a pool takes live lines, written-off lines or both")
    if len(p.line_ids) > 10_000:
        raise ValidationError("line_ids", "at most 10000 lines")
    return sl.PoolFilter(
        min_bucket=_int(p.min_bucket, "min_bucket", 1, n_buckets - 1),
        min_dpd=_int(p.min_dpd, "min_dpd", 0, 100_000),
        min_face=ZERO if p.min_face is None else to_money(p.min_face, "min_face"),
        max_face=None if p.max_face is None else to_money(p.max_face, "max_face"),
        products=tuple(_text(x, "products", 60) for x in p.products),
        live=bool(p.live), written_off=bool(p.written_off),
        line_ids=tuple(_text(x, "line_ids", 36) for x in p.line_ids))


def _rate(uow: UnitOfWork, p: Pool) -> Decimal:
    if p.method == "per_face":
        if p.rate is None:
            raise ValidationError("rate", "is required with method per_face")
        return sl.check_rate(to_rate(p.rate, "rate"))
    if p.method == "expected_recovery":
        t = uow.losses.totals()
        discount = ZERO if p.discount is None else to_rate(p.discount, "discount")
        return sl.expected_recovery_rate(t.written_off, t.recovered, discount)
    raise ValidationError("method", "must be one of " + ", ".join(sl.METHODS))


def _pool(uow: UnitOfWork, f: sl.PoolFilter) -> list[sl.Candidate]:
    if f.line_ids:
        for line_id in f.line_ids:
            if uow.lines.get(line_id) is None:
                raise NotFound(f"credit line {line_id} not found")
            loss = uow.losses.account(line_id)
            if loss is not None and loss.status is LossStatus.SOLD:
                raise Conflict(f"credit line {line_id} is sold to {loss.buyer}: it cannot be "
                               "sold again")
    return sl.select(uow.losses.candidates(min_bucket=f.min_bucket, line_ids=f.line_ids), f)


def _lines(pool: list[sl.Candidate], rate: Decimal) -> tuple[SaleLine, ...]:
    return tuple(SaleLine(c.line_id, c.customer_id, c.product, c.face, sl.price_of(c.face, rate),
                          c.written_off, c.dpd, c.bucket) for c in pool)


def preview_sale(pool: Pool, uow: UnitOfWork) -> SalePreview:
    """What the pool holds and fetches, with the loss on sale and how it would be carried;
    changes nothing."""
    f = _filter(pool)
    with uow:
        rate = _rate(uow, pool)
        chosen = _pool(uow, f)
        allowance = co.allowance_available(uow.losses.allowance_balance())
    return SalePreview(sl.preview(chosen, rate), _lines(chosen, rate), pool.method, allowance)


def propose_sale(cmd: ProposeSale, uow: UnitOfWork, actor: Principal) -> DebtSale:
    """A pool offered to a named buyer at a price: nothing moves until a second person
    approves.  An empty pool is refused (422)."""
    buyer = _text(cmd.buyer, "buyer", 200)
    f = _filter(cmd.pool)
    with uow:
        rate = _rate(uow, cmd.pool)
        chosen = _pool(uow, f)
        if not chosen:
            raise BusinessRuleViolation("the filters choose no line: nothing to sell",
                                        reason="empty_pool")
        s = DebtSale(id=str(uuid.uuid4()), buyer=buyer, status=Decision.PENDING,
                     method=cmd.pool.method, rate=rate, pool=f.as_json(),
                     proposed_by=actor.name, proposed_at=uow.now(), lines=_lines(chosen, rate))
        uow.losses.add_sale(s)
        uow.audit(actor, "losses.sale_proposed", "debt_sale", s.id, {
            "buyer": buyer, "method": s.method, "rate": rate, "count": s.count,
            "face": s.face, "price": s.price, "pool": s.pool})
        uow.commit()
    return s


def decide_sale(cmd: DecideSale, uow: UnitOfWork, actor: Principal) -> DebtSale:
    """The second person's decision (never the proposer: 403; once: 409).  An approval
    sells the proposed lines as they stand today at the proposed rate."""
    note = _text(cmd.note, "note")
    with uow:
        s = uow.losses.get_sale(cmd.sale_id, lock=True)
        if s is None:
            raise NotFound(f"debt sale {cmd.sale_id} not found")
        check_decider(s.proposed_by, actor.name, f"debt sale {s.id}")
        check_pending(s.status, f"debt sale {s.id}")
        decided = replace(s, decided_by=actor.name, decided_at=uow.now(), note=note)
        if cmd.approve:
            decided = _execute_sale(uow, actor, decided)
        else:
            decided = replace(decided, status=Decision.REJECTED)
            uow.audit(actor, "losses.sale_rejected", "debt_sale", s.id,
                      {"note": note, "proposed_by": s.proposed_by})
        decided = uow.losses.save_sale(decided)
        uow.commit()
    return decided


def _execute_sale(uow: UnitOfWork, actor: Principal, s: DebtSale) -> DebtSale:
    day = current_business_date(uow)
    ids = [x.line_id for x in s.lines]
    now = {c.line_id: c for c in uow.losses.candidates(min_bucket=1, line_ids=ids)}
    allowance = co.allowance_available(uow.losses.allowance_balance())
    sold: list[SaleLine] = []
    from_allowance = to_expense = income = ZERO
    for line_id in ids:
        line = uow.lines.get(line_id, lock=True)
        c = now.get(line_id)
        if line is None or c is None or c.face <= 0:
            continue  # paid, resolved or sold since the proposal: it drops out
        price = sl.price_of(c.face, s.rate)
        charge = None
        if not c.written_off:
            assert c.owed is not None
            charge = co.split_charge(c.face - price, allowance)
            allowance -= charge.from_allowance
            from_allowance += charge.from_allowance
            to_expense += charge.to_expense
        else:
            income += price
        entry = sl.sale_entry(new_entry_id(), c, price, charge, day, s.id, s.buyer)
        if entry is not None:
            uow.ledger.post([entry])
        loss = uow.losses.account(line_id, lock=True)
        if loss is None:  # a live line
            case = uow.collection_cases.active_for_line(line_id)
            case_id = _close_case(uow, case, cc.Terminal.SOLD, day, f"debt sold to {s.buyer}")
            _take_off_books(uow, line)
            uow.losses.add_account(LossAccount(
                line_id=line_id, customer_id=line.customer_id, status=LossStatus.SOLD,
                case_id=case_id, sale_id=s.id, buyer=s.buyer, sold_on=day, sold_face=c.face,
                sale_price=price))
        else:
            case = (uow.collection_cases.get(loss.case_id, lock=True)
                    if loss.case_id is not None else None)
            _close_case(uow, case, cc.Terminal.SOLD, day, f"debt sold to {s.buyer}")
            uow.losses.save_account(replace(loss, status=LossStatus.SOLD, sale_id=s.id,
                                            buyer=s.buyer, sold_on=day, sold_face=c.face,
                                            sale_price=price))
        sold.append(SaleLine(line_id, c.customer_id, c.product, c.face, price, c.written_off,
                             c.dpd, c.bucket))
        uow.emit(DEBT_SOLD, {"customer_id": line.customer_id, "line_id": line_id,
                             "buyer": s.buyer, "amount": money_str(c.face),
                             "business_date": day.isoformat()})
    if not sold:
        raise BusinessRuleViolation("no line of the proposed pool can still be sold",
                                    reason="empty_pool")
    done = replace(s, status=Decision.EXECUTED, business_date=day, lines=tuple(sold),
                   from_allowance=from_allowance, to_expense=to_expense,
                   recovery_income=income)
    uow.audit(actor, "losses.debt_sold", "debt_sale", s.id, {
        "buyer": s.buyer, "count": done.count, "face": done.face, "price": done.price,
        "from_allowance": from_allowance, "to_expense": to_expense,
        "recovery_income": income, "proposed_by": s.proposed_by, "business_date": day})
    return done


def get_sale(sale_id: str, uow: UnitOfWork) -> DebtSale:
    with uow:
        s = uow.losses.get_sale(sale_id)
    if s is None:
        raise NotFound(f"debt sale {sale_id} not found")
    return s


def list_sales(uow: UnitOfWork, *, status: str | None = None) -> list[DebtSale]:
    if status is not None and status not in {d.value for d in Decision}:
        raise ValidationError("status", "must be one of " + ", ".join(d.value for d in Decision))
    with uow:
        return uow.losses.sales(status=status)
