"""The auditor's pages: the audit trail in chain order with filters (entity, entity id),
page by page, and the verification of the whole chain (keyed hashes and signed heads)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from starlette.responses import Response

from creditline.access.sessions import ConsoleSession
from creditline.audit_trail import ReadTrail, read_trail, verify_trail
from creditline.paging import SeqPageRequest, decode_seq_cursor, encode_seq_cursor
from creditline.web.render import page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()


@router.get("/audit")
def trail(request: Request, session: Annotated[ConsoleSession, May("audit:read")],
          entity: Annotated[str | None, Query(max_length=60)] = None,
          entity_id: Annotated[str | None, Query(max_length=64)] = None,
          cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    req = SeqPageRequest(after=decode_seq_cursor(cursor) if cursor else None, limit=50)
    got = read_trail(ReadTrail(entity or None, entity_id or None, req),
                     container_of(request).uow(), session.principal)
    template = "_audit_rows.j2" if request.headers.get("hx-request") else "audit.j2"
    return page(request, session, template, entries=got.items, total=got.total,
                entity=entity or "", entity_id=entity_id or "",
                next_cursor=None if got.next is None else encode_seq_cursor(got.next))


@router.post("/audit/verify")
def verify(request: Request, session: Annotated[ConsoleSession, May("audit:read")],
           _: Form) -> Response:
    report = verify_trail(container_of(request).uow(), session.principal)
    return page(request, session, "_verify.j2", report=report)
