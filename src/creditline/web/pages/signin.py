"""Signing in and out, and the language switch.

Failed sign-ins are throttled per client address like failed bearer tokens (the same
``FailureThrottle``, the same settings), and answered with one message whatever was wrong."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Query, Request
from starlette.responses import RedirectResponse, Response

from creditline.access import sessions
from creditline.access.throttle import FailureThrottle
from creditline.errors import Unauthorized
from creditline.web.render import locale_of, page
from creditline.web.routing import console_router
from creditline.web.session import (
    COOKIE,
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    PATH,
    Form,
    Viewer,
    clear_cookie,
    container_of,
    new_login_csrf,
    read_form,
    safe_next,
    same,
    session_policy,
    set_cookie,
)

router = console_router()


def _throttle(request: Request) -> FailureThrottle:
    throttle = getattr(request.app.state, "console_throttle", None)
    if throttle is None:
        s = container_of(request).settings
        throttle = request.app.state.console_throttle = FailureThrottle(
            s.auth_fail_limit, s.auth_fail_window_seconds)
    return throttle


def _form(request: Request, *, next_: str, locale: str, status: int = 200,
          error: str | None = None, why: str | None = None, name: str = "") -> Response:
    token = new_login_csrf()
    response = page(request, None, "login.j2", http_status=status, locale=locale, login_csrf=token,
                    next=safe_next(next_), error=error, why=why, name=name)
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token)
    return response


@router.get("/login")
def login_form(request: Request,
               next: Annotated[str | None, Query(max_length=500)] = None,
               why: Annotated[str | None, Query(max_length=200)] = None,
               lang: Annotated[str | None, Query(max_length=5)] = None) -> Response:
    locale = lang if lang in sessions.LOCALES else locale_of(request, None)
    return _form(request, next_=next or PATH, locale=locale, why=why)


@router.post("/login")
async def login(request: Request) -> Response:
    fields = await read_form(request)
    lang = fields.get("lang", "")
    locale = lang if lang in sessions.LOCALES else locale_of(request, None)
    next_ = fields.get("next", PATH)
    if not same(fields.get(CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE)):
        return _form(request, next_=next_, locale=locale, status=403, error="csrf")
    client = request.client.host if request.client else "unknown"
    throttle = _throttle(request)
    if throttle.retry_after(client, time.monotonic()):
        return _form(request, next_=next_, locale=locale, status=429, error="throttled",
                     name=fields.get("name", ""))
    container = container_of(request)
    try:
        done = sessions.sign_in(sessions.SignIn(fields.get("name", ""),
                                                fields.get("password", ""),
                                                session_policy(container)), container.uow())
    except Unauthorized:
        throttle.failed(client, time.monotonic())
        return _form(request, next_=next_, locale=locale, status=401, error="wrong",
                     name=fields.get("name", ""))
    response = RedirectResponse(safe_next(next_), status_code=303)
    set_cookie(response, request, COOKIE, done.session_id)
    clear_cookie(response, request, LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, session: Viewer, _: Form) -> Response:
    sid = request.cookies.get(COOKIE, "")
    sessions.sign_out(sessions.SignOut(sid), container_of(request).uow(), session.principal)
    response = RedirectResponse(f"{PATH}/login", status_code=303)
    clear_cookie(response, request, COOKIE)
    return response


@router.post("/locale")
def switch_locale(request: Request, session: Viewer, form: Form) -> Response:
    sessions.set_locale(sessions.SetLocale(form.get("locale", "")),
                        container_of(request).uow(), session.principal)
    return RedirectResponse(safe_next(form.get("next")), status_code=303)
