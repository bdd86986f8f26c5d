"""The console's routes: every page router comes from ``console_router``, whose route class
turns a missing or expired session into a redirect to the sign-in page and a refused command
into an HTML page with the error's status and message (the API keeps its JSON errors)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute
from starlette.responses import RedirectResponse, Response

from creditline.errors import CreditlineError
from creditline.web import render
from creditline.web.session import PATH, SignInRequired


class ConsoleRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                target = f"{PATH}/login?next={quote(request.url.path)}&why={quote(exc.reason)}"
                if request.headers.get("hx-request"):
                    return Response(status_code=204, headers={"HX-Redirect": target})
                return RedirectResponse(target, status_code=303)
            except CreditlineError as exc:
                session = getattr(request.state, "console_session", None)
                return render.page(request, session, "error.j2", http_status=exc.http_status,
                                   error=exc, status_code=exc.http_status)

        return route



def console_router() -> APIRouter:
    """A page group's router: under ``/console``, outside the OpenAPI schema."""
    return APIRouter(prefix=PATH, route_class=ConsoleRoute, include_in_schema=False)
