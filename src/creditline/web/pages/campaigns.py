"""Temporary limits by campaign (the risk officer's): the shipped campaigns (a versioned
folder, ``lines/campaigns/``) with their dates, raise and eligibility rule; a dry run that
counts the eligible lines and the limit it would add, then the grant (every eligible line
gets the campaign's temporary limit, a limit event and a notice).  The same service as
``POST /v1/campaigns/{code}/grant``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Request
from starlette.responses import Response

from creditline.access.sessions import ConsoleSession
from creditline.servicing import campaigns as cp
from creditline.web.render import page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()


def _list(request: Request, session: ConsoleSession, **shown: Any) -> Response:
    every = cp.list_campaigns()
    shown = {"run": None, **shown}
    return page(request, session, "campaigns.j2", every=every,
                campaigns=sorted(every.campaigns.values(), key=lambda c: c.start), **shown)


@router.get("/campaigns")
def campaigns(request: Request,
              session: Annotated[ConsoleSession, May("lines:read")]) -> Response:
    return _list(request, session)


@router.post("/campaigns/{code}/preview")
def preview(request: Request, code: str,
            session: Annotated[ConsoleSession, May("lines:temporary_limit")],
            _: Form) -> Response:
    run = cp.grant_campaign(cp.GrantCampaign(code, dry_run=True), container_of(request).uow(),
                            session.principal)
    return _list(request, session, run=run)


@router.post("/campaigns/{code}/grant")
def grant(request: Request, code: str,
          session: Annotated[ConsoleSession, May("lines:temporary_limit")],
          _: Form) -> Response:
    run = cp.grant_campaign(cp.GrantCampaign(code), container_of(request).uow(),
                            session.principal)
    return _list(request, session, run=run)
