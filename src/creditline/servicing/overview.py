"""One credit line on one page (the console's "360" view): the line, its limit history,
statements, purchases with their installment schedules, repayments, returns and latest
ledger postings and the events queued in the outbox for the customer (what they are told),
read in one transaction.

Each part is there only if the actor holds the permission the API asks for the same data
(``statements:read``, ``purchases:read``, ``ledger:read``, ...); a part the role may not
see is ``None``, so a page shows "not for your role" rather than an empty list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from creditline.auth import Principal
from creditline.calendar.services import current_business_date
from creditline.errors import NotFound
from creditline.ledger.journal import JournalEntry
from creditline.lines.limits import LimitEvent
from creditline.ports import OutboxEvent
from creditline.servicing.statements import Statement
from creditline.servicing.views import LineView, PurchaseView
from creditline.uow import UnitOfWork

POSTINGS_SHOWN = 50


@dataclass(frozen=True)
class Movement:
    """A repayment or a return, as the line view lists them."""

    kind: str  # repayment | return
    id: str
    business_date: date
    amount: Decimal
    purchase_id: str | None


@dataclass(frozen=True)
class LineOverview:
    line: LineView
    limit_history: list[LimitEvent] | None
    statements: list[Statement] | None
    purchases: list[PurchaseView] | None
    movements: list[Movement] | None
    postings: list[JournalEntry] | None  # the latest ``POSTINGS_SHOWN`` entries, newest first
    notifications: list[OutboxEvent]  # the customer's newest outbox events, newest first
    business_date: date


def line_overview(line_id: str, uow: UnitOfWork, actor: Principal) -> LineOverview:
    actor.require("lines:read")
    with uow:
        line = uow.lines.get(line_id)
        if line is None:
            raise NotFound(f"credit line {line_id} not found")
        today = current_business_date(uow)
        view = LineView.of(line, today)
        history = (uow.limit_events.of_line(line_id) if actor.can("lines:limit_history")
                   else None)
        statements = (list(uow.statements.of_line(line_id)) if actor.can("statements:read")
                      else None)
        purchases = None
        movements = None
        if actor.can("purchases:read"):
            purchases = [PurchaseView.of(p, uow.purchases.installments_of(p.id))
                         for p in uow.purchases.of_line(line_id)
                         if actor.sees_merchant(p.merchant)]
            movements = sorted(
                [Movement("repayment", r["id"], r["business_date"], r["amount"], None)
                 for r in uow.purchases.repayments_of(line_id)]
                + [Movement("return", r["id"], r["business_date"], r["amount"],
                            r["purchase_id"]) for r in uow.purchases.returns_of(line_id)],
                key=lambda m: (m.business_date, m.kind, m.id))
        postings = (uow.ledger.entries(line_id=line_id, limit=POSTINGS_SHOWN)
                    if actor.can("ledger:read") else None)
        notifications = uow.outbox_events.for_customer(line.customer_id, POSTINGS_SHOWN)
    return LineOverview(view, history, statements, purchases, movements, postings,
                        notifications, today)
