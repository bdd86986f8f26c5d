"""Dependencies: the container, the authenticated principal, and permission checks.

Who a token stands for is decided once, by ``creditline.access.services.authenticate`` (the
CLI uses the same service); this module only reads the header."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from creditline.access.services import Authenticate, authenticate
from creditline.access.tokens import TokenPolicy
from creditline.auth import Principal
from creditline.bootstrap import Container
from creditline.errors import Unauthorized

_bearer = HTTPBearer(auto_error=False)


# The cheap dependencies are ``async def``: FastAPI runs a plain ``def`` dependency in its
# thread pool, a thread hop per dependency per request; only the token's database read
# (``get_principal``) and the routes themselves, which block on the store, take one.
async def get_container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]


def token_policy(container: Container) -> TokenPolicy:
    """Built from the settings once per container."""
    policy = container.services.get("token_policy")
    if not isinstance(policy, TokenPolicy):
        policy = container.services["token_policy"] = container.settings.token_policy()
    return policy


def get_principal(
    container: ContainerDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    # read-only: the token's row is read by one statement outside a transaction (one round
    # trip on PostgreSQL instead of BEGIN, SELECT, ROLLBACK; no write lock on SQLite), still
    # on every request, so a revocation or rotation is seen at once
    return authenticate(Authenticate(creds.credentials, token_policy(container)),
                        container.uow(read_only=True))


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require(permission: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that authenticates and then checks one permission from the table."""

    async def _check(principal: PrincipalDep) -> Principal:
        principal.require(permission)
        return principal

    _check.__name__ = f"require_{permission.replace(':', '_')}"
    return _check


def Allowed(permission: str) -> object:
    """``actor: Annotated[Principal, Allowed("customers:create")]``."""
    return Depends(require(permission))
