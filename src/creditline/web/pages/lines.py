"""The line view ("360") and the customer page it hangs from: limit, used and available,
the limit history as a chart, statements, installment schedules, repayments and returns,
ledger postings and the emergency contacts; each part shown to the roles that may read it
through the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from starlette.responses import Response

from creditline.access.sessions import ConsoleSession
from creditline.parties import services as parties
from creditline.parties.masking import shown_contact, shown_customer
from creditline.servicing import services as servicing
from creditline.servicing.overview import line_overview
from creditline.web.charts import limit_steps
from creditline.web.render import locale_of, page, translator
from creditline.web.routing import console_router
from creditline.web.session import May, container_of

router = console_router()


@router.get("/lines/{line_id}")
def line(request: Request, line_id: str,
         session: Annotated[ConsoleSession, May("lines:read")]) -> Response:
    uow = container_of(request).uow()
    me = session.principal
    view = line_overview(line_id, uow, me)
    customer = shown_customer(parties.get_customer(view.line.customer_id, uow), me)
    contacts = ([shown_contact(c, me) for c in parties.list_contacts(customer.id, uow)]
                if me.can("contacts:read") else None)
    chart = ""
    if view.limit_history:
        _ = translator(locale_of(request, session))
        chart = limit_steps([(e.business_date, e.new_limit) for e in view.limit_history],
                            view.business_date, _("Limit history"))
    return page(request, session, "line.j2", v=view, line=view.line, customer=customer,
                contacts=contacts, chart=chart)


@router.get("/customers/{customer_id}")
def customer(request: Request, customer_id: str,
             session: Annotated[ConsoleSession, May("customers:read")]) -> Response:
    uow = container_of(request).uow()
    me = session.principal
    who = shown_customer(parties.get_customer(customer_id, uow), me)
    lines = servicing.lines_of_customer(customer_id, uow) if me.can("lines:read") else None
    contacts = ([shown_contact(c, me) for c in parties.list_contacts(customer_id, uow)]
                if me.can("contacts:read") else None)
    return page(request, session, "customer.j2", customer=who, lines=lines, contacts=contacts)
