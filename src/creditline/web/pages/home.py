"""The console's first page: who you are, the book's business date, your work."""

from __future__ import annotations

from fastapi import Request
from starlette.responses import Response

from creditline.calendar.services import current_business_date
from creditline.closure import services as closure
from creditline.closure.ports import RequestQuery
from creditline.origination import reviews
from creditline.paging import PageRequest
from creditline.web.render import page
from creditline.web.routing import console_router
from creditline.web.session import Viewer, container_of

router = console_router()


@router.get("")
@router.get("/")
def home(request: Request, session: Viewer) -> Response:
    uow = container_of(request).uow()
    pending = second = None
    if session.principal.can("reviews:read"):
        pending = reviews.list_reviews(uow, "pending", PageRequest(limit=1)).total
        second = reviews.list_reviews(uow, "second_review", PageRequest(limit=1)).total
    closure_waiting = None
    if session.principal.can("closure:list"):
        closure_waiting = closure.list_requests(RequestQuery(statuses=closure.QUEUE),
                                                PageRequest(limit=1), uow,
                                                session.principal).total
    return page(request, session, "home.j2", business_date=current_business_date(uow),
                pending=pending, second=second, closure_waiting=closure_waiting)
