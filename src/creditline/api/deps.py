"""Dependencies: the container, the authenticated principal, and permission checks."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from creditline.auth import Principal, Role, hash_token
from creditline.bootstrap import Container
from creditline.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False)


def get_container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]


def get_principal(
    container: ContainerDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    token = creds.credentials
    admin = container.settings.admin_token
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return Principal(user_id="env-admin", name="admin-token", role=Role.ADMIN)
    with container.uow() as uow:
        principal = uow.users.by_token_hash(hash_token(token))
    if principal is None:
        raise Unauthorized("invalid or revoked token")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: str) -> Callable[[Principal], Principal]:
    """A dependency that authenticates and then checks one permission from the table."""

    def _check(principal: PrincipalDep) -> Principal:
        principal.require(permission)
        return principal

    _check.__name__ = f"require_{permission.replace(':', '_')}"
    return _check


def Allowed(permission: str) -> object:
    """``actor: Annotated[Principal, Allowed("customers:create")]``."""
    return Depends(require(permission))
