"""The admin's pages: users with their role, status and token expiry; create a user, rotate
or revoke their token (a new token is shown once, on the answer page), and set a console
password.  The same access services as ``/v1/users`` and ``creditline users``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from starlette.responses import Response

from creditline.access import services, sessions
from creditline.access.sessions import ConsoleSession
from creditline.auth import Role
from creditline.paging import PageRequest, decode_cursor, encode_cursor
from creditline.web.render import page
from creditline.web.routing import console_router
from creditline.web.session import Form, May, container_of

router = console_router()


def _list(request: Request, session: ConsoleSession, cursor: str | None = None,
          **shown: Any) -> Response:
    container = container_of(request)
    req = PageRequest(after=decode_cursor(cursor) if cursor else None, limit=100)
    got = services.list_users(services.ListUsers(container.settings.token_policy(), req),
                              container.uow(), session.principal)
    shown = {"issued": None, "done": None, **shown}
    return page(request, session, "users.j2", users=got.items, total=got.total,
                roles=[r.value for r in Role],
                next_cursor=encode_cursor(got.next) if got.next else None, **shown)


@router.get("/users")
def users(request: Request, session: Annotated[ConsoleSession, May("users:read")],
          cursor: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    return _list(request, session, cursor)


@router.post("/users")
def create(request: Request, session: Annotated[ConsoleSession, May("users:create")],
           form: Form) -> Response:
    container = container_of(request)
    merchants = tuple(m.strip() for m in form.get("merchants", "").split(",") if m.strip())
    issued = services.create_user(services.CreateUser(
        form.get("name", ""), form.get("role", ""), merchants,
        container.settings.token_policy()), container.uow(), session.principal)
    return _list(request, session, issued=issued)


@router.post("/users/{name}/rotate")
def rotate(request: Request, name: str,
           session: Annotated[ConsoleSession, May("users:manage")], _: Form) -> Response:
    container = container_of(request)
    issued = services.rotate(services.RotateToken(name, container.settings.token_policy()),
                             container.uow(), session.principal)
    return _list(request, session, issued=issued)


@router.post("/users/{name}/revoke")
def revoke(request: Request, name: str,
           session: Annotated[ConsoleSession, May("users:manage")], _: Form) -> Response:
    container = container_of(request)
    services.revoke(services.RevokeUser(name, container.settings.token_policy()),
                    container.uow(), session.principal)
    return _list(request, session, done=("revoked", name))


@router.post("/users/{name}/password")
def set_password(request: Request, name: str,
                 session: Annotated[ConsoleSession, May("users:manage")],
                 form: Form) -> Response:
    sessions.set_password(sessions.SetPassword(name, form.get("password", "")),
                          container_of(request).uow(), session.principal)
    return _list(request, session, done=("password", name))
