"""The closure-request queue for reviewers and the case page: the request with the
customer's reasons and words, its proof documents (downloaded through the console as
attachments, checked against their SHA-256), the system review's findings and the facts it
saw, the line with its limit history and last statements, earlier requests, the history;
and the decision with a comment: approve, reject, counter-offer a lower limit, or ask for
documents.  Above the maker-checker limit a first decision is a proposal that a second
reviewer confirms or overrules (such cases are marked).  The same closure services as
``/v1/closure-requests``."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from urllib.parse import quote

from fastapi import Query, Request
from starlette.responses import RedirectResponse, Response

from creditline.access.sessions import ConsoleSession
from creditline.closure import services as cs
from creditline.closure.ports import RequestQuery
from creditline.closure.reasons import REASONS
from creditline.closure.rules import closure_rules, second_review_above
from creditline.documents.services import GetDocument, read_document
from creditline.paging import PageRequest, decode_cursor, encode_cursor
from creditline.parties import services as parties
from creditline.parties.masking import shown_customer
from creditline.web.render import N_, page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()

# the tabs of the queue: what waits for a reviewer, then what waits for others, then done
TABS: dict[str, tuple[str, ...] | None] = {
    "queue": cs.QUEUE, "awaiting_documents": ("awaiting_documents",),
    "counter_offered": ("counter_offered",), "all": None}
TAB_LABELS = {"queue": N_("waiting for a reviewer"),
              "awaiting_documents": N_("waiting for documents"),
              "counter_offered": N_("waiting for the customer"), "all": N_("all")}
STATUS_WORDS = {"manual_review": N_("manual review"),
                "awaiting_documents": N_("waiting for documents"),
                "pending_second": N_("second reviewer needed"),
                "counter_offered": N_("counter-offered"), "approved": N_("approved"),
                "closing": N_("closing"), "closed": N_("closed"), "executed": N_("executed"),
                "rejected": N_("rejected"), "withdrawn": N_("withdrawn")}
WORDS = (N_("close"), N_("reduce"), N_("approve"), N_("reject"), N_("refer"), N_("note"))
DECISION_LABELS = {"approve": N_("approve"), "reject": N_("reject"),
                   "counter_offer": N_("counter-offer"), "ask_documents": N_("ask for documents")}
EVENT_LABELS = {"submitted": N_("submitted"), "system_review": N_("system review"),
                "proposed": N_("proposed"), "confirmed": N_("confirmed"),
                "approved": N_("approved"), "rejected": N_("rejected"),
                "counter_offered": N_("counter-offered"),
                "documents_requested": N_("documents requested"),
                "documents_added": N_("documents added"), "executed": N_("executed"),
                "counter_offer_accepted": N_("counter-offer accepted"),
                "counter_offer_declined": N_("counter-offer declined"),
                "withdrawn": N_("withdrawn"), "line_closed": N_("line closed")}


@router.get("/closure")
def queue(request: Request, session: Annotated[ConsoleSession, May("closure:list")],
          tab: Annotated[str, Query(max_length=30)] = "queue",
          cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    tab = tab if tab in TABS else "queue"
    uow = container_of(request).uow()
    req = PageRequest(after=decode_cursor(cursor) if cursor else None, limit=50)
    got = cs.list_requests(RequestQuery(statuses=TABS[tab]), req, uow, session.principal)
    names = {r["customer_id"]: parties.get_customer(r["customer_id"], uow).name
             for r in got.items}
    return page(request, session, "closure_queue.j2", items=got.items, total=got.total,
                names=names, tab=tab, tabs=TAB_LABELS, status_words=STATUS_WORDS,
                next_cursor=encode_cursor(got.next) if got.next else None)


@router.get("/closure/{request_id}")
def case(request: Request, request_id: str,
         session: Annotated[ConsoleSession, May("closure:review")]) -> Response:
    uow = container_of(request).uow()
    me = session.principal
    screen = cs.review_screen(request_id, uow)
    req = screen["request"]
    customer = shown_customer(parties.get_customer(req["customer_id"], uow), me)
    proposal = req.get("proposal")
    above = second_review_above(closure_rules())
    return page(request, session, "closure_case.j2", s=screen, req=req, customer=customer,
                findings=screen["findings"], line=screen["line"], proposal=proposal,
                mine=proposal is not None and proposal["by"] == me.name,
                four_eyes=Decimal(screen["line"]["limit"]) > above, above=above,
                reasons=REASONS, status_words=STATUS_WORDS, events=EVENT_LABELS,
                decisions=DECISION_LABELS)


@router.post("/closure/{request_id}/decision")
def decide(request: Request, request_id: str,
           session: Annotated[ConsoleSession, May("closure:decide")], form: Form) -> Response:
    cs.decide_request(cs.DecideRequest(request_id, form.get("decision", ""),
                                       form.get("reason", ""),
                                       form.get("counter_limit") or None),
                      container_of(request).uow(), session.principal)
    return RedirectResponse(f"/console/closure/{request_id}", status_code=303)


@router.get("/documents/{document_id}")
def document(request: Request, document_id: str,
             session: Annotated[ConsoleSession, May("documents:read")]) -> Response:
    """A proof's bytes, as an attachment (never rendered in the console's origin)."""
    found = read_document(GetDocument(document_id), container_of(request).uow(),
                          session.principal)
    d = found.document
    return Response(found.content, media_type=d.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(d.file_name, safe='')}",
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})
