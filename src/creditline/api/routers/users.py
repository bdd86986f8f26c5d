"""Users and their bearer tokens, for admins: list, create, revoke, rotate.  A user may also
revoke or rotate their own token.  A token appears once, in the answer that issues it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from creditline.access import services, sessions
from creditline.api.deps import Allowed, ContainerDep, PrincipalDep, token_policy
from creditline.api.pagination import ListPage, PageParams, list_page
from creditline.auth import Principal

router = APIRouter(prefix="/v1/users", tags=["users"])


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="A unique user name, 1-100 characters.")
    role: str = Field(description="admin, risk_officer, reviewer, collector, auditor or service.")
    merchants: list[str] = Field(default_factory=list, description=(
        "service users only, and required for them: the merchants the checkout sells for; "
        "it may buy only as them and sees only their purchases."))


class UserPublic(BaseModel):
    id: str
    name: str
    role: str
    status: str = Field(description="active, revoked or expired")
    merchants: list[str]
    created_at: datetime
    token_issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str | None

    @classmethod
    def of(cls, v: services.UserView) -> UserPublic:
        return cls(id=v.id, name=v.name, role=v.role, status=v.status,
                   merchants=list(v.merchants), created_at=v.created_at,
                   token_issued_at=v.token_issued_at, expires_at=v.expires_at,
                   revoked_at=v.revoked_at, revoked_by=v.revoked_by)


class IssuedTokenPublic(BaseModel):
    user: UserPublic
    token: str = Field(description="The bearer token, shown this once; only its hash is kept.")


@router.get("", response_model=ListPage[UserPublic], summary="List users")
def list_users(container: ContainerDep, actor: Annotated[Principal, Allowed("users:read")],
               page: PageParams) -> ListPage[UserPublic]:
    """Users, oldest first, with their role, merchants, token expiry and status (never a
    token)."""
    cmd = services.ListUsers(token_policy(container), page)
    return list_page(services.list_users(cmd, container.uow(), actor), UserPublic.of)


@router.post("", response_model=IssuedTokenPublic, status_code=201, summary="Create a user")
def create_user(body: UserCreate, container: ContainerDep,
                actor: Annotated[Principal, Allowed("users:create")]) -> IssuedTokenPublic:
    """Create a user and issue their token.  With the bootstrap token
    (``CREDITLINE_ADMIN_TOKEN``) only admin users can be created."""
    cmd = services.CreateUser(body.name, body.role, tuple(body.merchants),
                              token_policy(container))
    issued = services.create_user(cmd, container.uow(), actor)
    return IssuedTokenPublic(user=UserPublic.of(issued.user), token=issued.token)


@router.post("/{name}/revoke", response_model=UserPublic, summary="Revoke a user's token")
def revoke(name: str, container: ContainerDep, actor: PrincipalDep) -> UserPublic:
    """Revoke for good, effective on the next request (admins: anyone; a user: themself)."""
    cmd = services.RevokeUser(name, token_policy(container))
    return UserPublic.of(services.revoke(cmd, container.uow(), actor))


@router.post("/{name}/rotate", response_model=IssuedTokenPublic, summary="Rotate a user's token")
def rotate(name: str, container: ContainerDep, actor: PrincipalDep) -> IssuedTokenPublic:
    """Issue a new token; the old one stops working at once and the expiry starts again
    (admins: anyone; a user: themself)."""
    issued = services.rotate(services.RotateToken(name, token_policy(container)),
                             container.uow(), actor)
    return IssuedTokenPublic(user=UserPublic.of(issued.user), token=issued.token)


# console (issue 19): the password a person signs in to /console with
class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str = Field(description="12-256 characters, at least 4 different ones; stored "
                                      "as an argon2id hash.")


@router.put("/{name}/password", status_code=204, summary="Set a user's console password",
            responses={404: {"description": "no such user"},
                       422: {"description": "the password breaks the rule, or the user "
                                            "cannot sign in (revoked, or a service user)"}})
def set_password(name: str, body: PasswordSet, container: ContainerDep,
                 actor: PrincipalDep) -> None:
    """Set the password the user signs in to the console with (admins: anyone; a user:
    themself); the user's open console sessions end.  Bearer tokens are not affected."""
    sessions.set_password(sessions.SetPassword(name, body.password), container.uow(), actor)
