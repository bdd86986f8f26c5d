"""What the customers do each business day: the behaviour model plans it from the morning
book (``plan_day``) and every intent goes to the servicing services in the order planned —
repayment, returns, then the purchase.  The services may refuse (a line frozen overnight,
credit used up by an earlier purchase, a merchant-category cap); a refusal is counted by its
reason and the customer simply does without.  A purchase a real-time trigger holds is
counted as held: no reviewer works holds in the demo, so it stays reserved on the line until
it lapses three days later (end of day, the trigger rules' ``hold_expiry_days``) and the
customer does without.

Purchases and repayments carry an Idempotency-Key, as the API requires of a checkout."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from creditline.errors import BusinessRuleViolation, Conflict
from creditline.servicing import services as servicing
from creditline.simulate.behaviour import Purchase, Repay, Return, plan_day
from creditline.simulate.context import DemoContext


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


class CustomerActivity:
    name = "customer activity"

    def run(self, ctx: DemoContext, day: date) -> None:
        if ctx.customers is None or not len(ctx.customers):
            return
        book = ctx.book()
        rows = book.rows(ctx.holder_lines)
        intents = plan_day(ctx.customers, book.line_book(rows), day, ctx.memory.recent(day))
        if not intents:
            return
        stamp = day.isoformat()
        for intent in intents:
            line_id = ctx.holder_lines[intent.customer]
            action = intent.action
            try:
                if isinstance(action, Purchase):
                    view = servicing.purchase(servicing.Purchase(
                        line_id, action.amount, action.merchant, action.merchant_category,
                        action.installments, idempotency_key=action.ref), ctx.uow(), ctx.channel)
                    if view.hold is not None:  # a trigger held it: nobody reviews in the demo
                        ctx.activity.held.add(_cents(action.amount))
                        continue
                    ctx.memory.record(intent.customer, action, day)
                    ctx.purchase_ids[action.ref] = view.id
                    ctx.activity.record("purchases", day, _cents(action.amount))
                    if action.installments > 1:
                        ctx.activity.installment_purchases += 1
                elif isinstance(action, Return):
                    servicing.return_goods(servicing.ReturnGoods(
                        ctx.purchase_ids[action.purchase_ref], action.amount), ctx.uow(),
                        ctx.channel)
                    ctx.memory.forget(action.purchase_ref)
                    ctx.activity.record("returns", day, _cents(action.amount))
                elif isinstance(action, Repay):
                    servicing.repay(servicing.Repay(
                        line_id, action.amount, idempotency_key=f"{intent.person_id}-{stamp}"),
                        ctx.uow(), ctx.system)  # the payment rails, not the checkout
                    ctx.activity.record("repayments", day, _cents(action.amount))
            except (BusinessRuleViolation, Conflict) as exc:
                reason = getattr(exc, "reason", None) or type(exc).__name__
                ctx.activity.refused[f"{type(action).__name__.lower()}: {reason}"] += 1
        ctx.changed()
