"""Who is looking at a console page: the session behind the cookie, the CSRF check on every
posted form, and the permission a page needs (from the table in ``creditline.auth``).

The cookie holds a random session id (HttpOnly, SameSite=Strict, Secure over https or behind
a TLS proxy with ``CREDITLINE_HSTS``, path ``/console``); the server keeps its hash and the
session's CSRF token.  Every POST must carry that token, as the ``csrf`` form field or the
``X-CSRF-Token`` header (htmx sends the header); a post without it changes nothing and is
refused with 403.  The sign-in form, which has no session yet, uses a double-submit cookie."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from starlette.responses import Response

from creditline.access.sessions import ConsoleSession, ResumeSession, SessionPolicy, resume
from creditline.bootstrap import Container
from creditline.errors import Forbidden, Unauthorized

COOKIE = "creditline_session"
LOGIN_CSRF_COOKIE = "creditline_login_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
PATH = "/console"


class SignInRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CsrfRefused(Forbidden):
    """A posted form without its session's CSRF token."""


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def session_policy(container: Container) -> SessionPolicy:
    s = container.settings
    return SessionPolicy(idle=timedelta(minutes=s.console_idle_minutes),
                         lifetime=timedelta(hours=s.console_session_hours))


def current(request: Request) -> ConsoleSession:
    container = container_of(request)
    try:
        session = resume(ResumeSession(request.cookies.get(COOKIE), session_policy(container)),
                         container.uow())
    except Unauthorized as exc:
        raise SignInRequired(exc.message) from None
    request.state.console_session = session
    return session


Viewer = Annotated[ConsoleSession, Depends(current)]


def needs(permission: str) -> Callable[[ConsoleSession], ConsoleSession]:
    """A page's permission, checked like the API's ``Allowed``."""

    def _check(session: Viewer) -> ConsoleSession:
        session.principal.require(permission)
        return session

    _check.__name__ = f"console_{permission.replace(':', '_')}"
    return _check


def May(permission: str) -> object:
    """``session: Annotated[ConsoleSession, May("reviews:read")]``."""
    return Depends(needs(permission))


async def read_form(request: Request) -> dict[str, str]:
    """The posted form fields (``application/x-www-form-urlencoded``); a field sent twice
    keeps its first value."""
    body = (await request.body()).decode("utf-8", "replace")
    out: dict[str, str] = {}
    for k, v in parse_qsl(body, keep_blank_values=True):
        out.setdefault(k, v)
    return out


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest((a or "").encode(), (b or "").encode())


async def posted(request: Request, session: Viewer) -> dict[str, str]:
    """The form of a POST, after its CSRF token was checked against the session's.  A
    ``multipart/form-data`` form (files) gives its text fields here; the route reads its
    files from ``await request.form()`` (parsed once, kept on the request)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        fields: dict[str, str] = {}
        for k, v in (await request.form()).multi_items():
            if isinstance(v, str):
                fields.setdefault(k, v)
    else:
        fields = await read_form(request)
    sent = fields.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not same(sent, session.csrf_token):
        raise CsrfRefused("form refused: it did not carry this session's CSRF token "
                          "(reload the page and send it again)")
    return fields


Form = Annotated[dict[str, str], Depends(posted)]


def secure(request: Request) -> bool:
    return request.url.scheme == "https" or container_of(request).settings.hsts


def set_cookie(response: Response, request: Request, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="strict", secure=secure(request),
                        path=PATH)


def clear_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path=PATH, httponly=True, samesite="strict",
                           secure=secure(request))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a console path only (no open redirect)."""
    if target and target.startswith(PATH) and not target.startswith("//") and "\\" not in target:
        return target
    return PATH
