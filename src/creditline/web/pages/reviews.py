"""The reviewer's queue of referred applications and the case page: the applicant (masked
as the role requires), the checks that fired, the score with its reasons, the ring as a
graph, earlier decisions, and the decision with a comment (four eyes above the product's
threshold: such cases are marked)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import RedirectResponse, Response

from creditline.access.sessions import ConsoleSession
from creditline.origination import reviews
from creditline.origination.review import STATUSES
from creditline.paging import PageRequest, decode_cursor, encode_cursor
from creditline.parties import services as parties
from creditline.parties.masking import shown_customer
from creditline.web.charts import ring_graph
from creditline.web.render import locale_of, page, translator
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()


@router.get("/reviews")
def queue(request: Request, session: Annotated[ConsoleSession, May("reviews:read")],
          status: Annotated[str, Query(max_length=20)] = "pending",
          cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    req = PageRequest(after=decode_cursor(cursor) if cursor else None, limit=50)
    uow = container_of(request).uow()
    got = reviews.list_reviews(uow, status, req)
    names = {it.application.customer_id: parties.get_customer(it.application.customer_id,
                                                              uow).name for it in got.items}
    return page(request, session, "reviews.j2", items=got.items, total=got.total, names=names,
                status=status, statuses=STATUSES,
                next_cursor=encode_cursor(got.next) if got.next else None)


@router.get("/reviews/{review_id}")
def case(request: Request, review_id: str,
         session: Annotated[ConsoleSession, May("reviews:read")]) -> Response:
    uow = container_of(request).uow()
    item = reviews.get_review(uow, review_id)
    app = item.application
    me = session.principal
    applicant = shown_customer(parties.get_customer(app.customer_id, uow), me)
    ring_svg = ""
    if app.ring and app.ring.get("size", 0) > 1:
        _ = translator(locale_of(request, session))
        ring_svg = ring_graph(app.ring, app.customer_id, _("Ring"))
    already = any(d.reviewer_id == me.user_id for d in item.review.decisions)
    return page(request, session, "review.j2", item=item, review=item.review, app=app, customer=applicant,
                applicant=applicant, ring_svg=ring_svg, already_decided=already,
                score_reasons=[r for r in app.reasons if r.get("source") == "score"],
                other_reasons=[r for r in app.reasons if r.get("source") != "score"])


@router.post("/reviews/{review_id}/decision")
def decide(request: Request, review_id: str,
           session: Annotated[ConsoleSession, May("reviews:decide")], form: Form) -> Response:
    reviews.decide_review(reviews.DecideReview(
        review_id=review_id, decision=form.get("decision", ""),
        comment=form.get("comment", ""), limit=form.get("limit") or None),
        container_of(request).uow(), session.principal)
    return RedirectResponse(f"/console/reviews/{review_id}", status_code=303)
