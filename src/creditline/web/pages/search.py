"""Search for a customer by name, phone, identity number or USCC, as the API's
``POST /v1/customers/search`` does: the form is posted (personal data stays out of URLs and
access logs), phones and identity numbers are matched through their keyed hash, and the
answers are masked as the role requires."""

from __future__ import annotations

from typing import Annotated

from fastapi import Request
from starlette.responses import Response

from creditline.access.sessions import ConsoleSession
from creditline.paging import PageRequest
from creditline.parties import services as parties
from creditline.parties.masking import shown_customer
from creditline.web.render import page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()
FIELDS = ("name", "phone", "id_number", "uscc")


@router.get("/search")
def search_form(request: Request,
                session: Annotated[ConsoleSession, May("customers:read")]) -> Response:
    return page(request, session, "search.j2", results=None, query={})


@router.post("/search")
def search(request: Request, session: Annotated[ConsoleSession, May("customers:read")],
           form: Form) -> Response:
    query = {k: form[k].strip() for k in FIELDS if form.get(k, "").strip()}
    kind = form.get("kind") or None
    cmd = parties.ListCustomers(kind=kind, name=query.get("name"), phone=query.get("phone"),
                                id_number=query.get("id_number"), uscc=query.get("uscc"),
                                page=PageRequest(limit=50))
    got = parties.list_customers(cmd, container_of(request).uow(), session.principal)
    results = [shown_customer(c, session.principal) for c in got.items]
    template = "_search_results.j2" if request.headers.get("hx-request") else "search.j2"
    return page(request, session, template, results=results, total=got.total, query=query,
                kind=kind)
