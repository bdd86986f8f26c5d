"""Use cases of purchases held by a real-time trigger: a reviewer releases one (it is then
booked as an ordinary purchase, on the business date of the release) or refuses it (the
reservation on the line goes); end of day lets one nobody decided lapse; and the lists of
holds and of triggers fired."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from creditline.auth import Principal
from creditline.errors import BusinessRuleViolation, Conflict, Forbidden, NotFound, ValidationError
from creditline.lines.holds import HeldPurchase, HoldStatus, TriggerRecord, parse_hold_status
from creditline.lines.status import LineStatus
from creditline.money import money_str
from creditline.paging import Page, PageRequest, SeqPage, SeqPageRequest
from creditline.products.catalog import terms_product
from creditline.servicing.services import _locked_line, _purchase_view, book_purchase
from creditline.servicing.triggers import trigger_rules
from creditline.servicing.views import PurchaseView
from creditline.uow import UnitOfWork


@dataclass(frozen=True)
class DecideHold:
    hold_id: str
    release: bool
    note: str


def decide_hold(cmd: DecideHold, uow: UnitOfWork, actor: Principal) -> PurchaseView:
    """Release (book) or refuse a held purchase, once (409 after), never by the person who
    made the purchase (403).  A release needs the line active and not past due (a line a
    trigger froze is first unfrozen by a risk officer) and the amount within the available
    credit once the reservation is lifted (a limit cut since may have taken it: 422)."""
    if not isinstance(cmd.note, str) or not cmd.note.strip() or len(cmd.note.strip()) > 200:
        raise ValidationError("note", "must be text of 1-200 characters")
    note = cmd.note.strip()
    with uow:
        hold = uow.held_purchases.get(cmd.hold_id)
        if hold is None:
            raise NotFound(f"held purchase {cmd.hold_id} not found")
        line, day = _locked_line(uow, hold.line_id, None)
        hold = uow.held_purchases.get(cmd.hold_id, lock=True)  # re-read under the line lock
        assert hold is not None
        if hold.created_by == actor.name:
            raise Forbidden("a held purchase is decided by a second person: the user who "
                            "made the purchase may not release or refuse it")
        decided = hold.decide(cmd.release, actor.name, uow.now(), day, note)
        line.held -= hold.amount
        details = {"line_id": line.id, "amount": hold.amount, "note": note,
                   "triggers": list(hold.triggers), "business_date": day}
        if cmd.release:
            if line.status != LineStatus.ACTIVE:
                raise Conflict(f"the line is {line.status.value}: a held purchase is released "
                               "only on an active line")
            if line.block_when_past_due and line.past_due > 0:
                raise BusinessRuleViolation(
                    f"the line is {line.dpd} days past due ({money_str(line.past_due)} "
                    "overdue): no purchases until it is paid", reason="line_past_due")
            available = line.available_on(day)
            if hold.amount > available:
                raise BusinessRuleViolation(
                    f"amount {money_str(hold.amount)} exceeds the available credit "
                    f"{money_str(available)} (the limit was cut since the hold)",
                    reason="insufficient_available_credit")
            product = terms_product(line.product, line.terms)
            book_purchase(uow, actor, line, day, hold.id, hold.amount, hold.merchant,
                          hold.merchant_category, hold.periods, hold.method or "single",
                          hold.fee_rate, product)
            uow.audit(actor, "purchase.hold_released", "purchase", hold.id, details)
            uow.emit("purchase.hold_released", {"purchase_id": hold.id,
                                                "customer_id": line.customer_id, **details})
        else:
            uow.audit(actor, "purchase.hold_refused", "purchase", hold.id, details)
            uow.emit("purchase.hold_refused", {
                "purchase_id": hold.id, "customer_id": line.customer_id, **details,
                "reason_en": f"Your held purchase of {money_str(hold.amount)} at "
                             f"{hold.merchant} was not approved.",
                "reason_zh": f"您在{hold.merchant}的{money_str(hold.amount)}元暂缓消费未获批准。"})
        uow.held_purchases.save(decided)
        uow.lines.save(line)
        uow.commit()
        if cmd.release:
            return _purchase_view(uow, hold.id)
    return PurchaseView.held(decided)


def expire_holds_on(uow: UnitOfWork, day: date, actor: Principal) -> list[HeldPurchase]:
    """Inside the caller's transaction (end of day, ``batch.day_end``): every hold still
    waiting ``hold_expiry_days`` after it was made lapses -- the reservation on its line
    goes and the customer is told, as for a refusal."""
    days = trigger_rules().window.hold_expiry_days
    lapsed = []
    for hold in uow.held_purchases.waiting_since(day - timedelta(days=days)):
        line = uow.lines.get(hold.line_id, lock=True)
        assert line is not None
        expired = hold.expire(actor.name, uow.now(), day, days)
        line.held -= hold.amount
        uow.held_purchases.save(expired)
        uow.lines.save(line)
        details = {"line_id": line.id, "amount": hold.amount, "days": days,
                   "triggers": list(hold.triggers), "business_date": day,
                   "made_on": hold.business_date}
        uow.audit(actor, "purchase.hold_expired", "purchase", hold.id, details)
        uow.emit("purchase.hold_expired", {
            "purchase_id": hold.id, "customer_id": line.customer_id, "merchant": hold.merchant,
            **details})
        lapsed.append(expired)
    return lapsed


def list_holds(uow: UnitOfWork, *, status: object = HoldStatus.HELD.value,
               line_id: str | None = None, req: PageRequest | None = None
               ) -> Page[HeldPurchase]:
    """Held purchases oldest first: by default those still waiting for a reviewer."""
    wanted = None if status is None else parse_hold_status(status).value
    with uow:
        return uow.held_purchases.page(wanted, line_id, req or PageRequest())


def get_hold(hold_id: str, uow: UnitOfWork) -> HeldPurchase:
    with uow:
        hold = uow.held_purchases.get(hold_id)
    if hold is None:
        raise NotFound(f"held purchase {hold_id} not found")
    return hold


def list_triggers(uow: UnitOfWork, *, line_id: str | None = None, code: str | None = None,
                  req: SeqPageRequest | None = None) -> SeqPage[TriggerRecord]:
    """Triggers fired, oldest first, optionally of one line or one trigger code."""
    with uow:
        if line_id is not None and uow.lines.get(line_id) is None:
            raise NotFound(f"credit line {line_id} not found")
        return uow.trigger_events.page(line_id, code, req or SeqPageRequest())
