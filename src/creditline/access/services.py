"""Use cases of access and identity, shared by the API, the CLI and a later web console:
``authenticate`` a bearer token, ``create_user``, ``list_users``, ``revoke`` and ``rotate``.

Only a token's SHA-256 is stored; a new token is returned once, by ``create_user`` and
``rotate``.  Rotation replaces the stored hash in the same transaction, so the old token
stops working the moment the new one is issued; revocation is checked on every request (no
cache), so it takes effect at once."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from creditline.access.ports import UserRecord
from creditline.access.tokens import (
    TokenPolicy,
    as_utc,
    check_merchants,
    check_user_name,
)
from creditline.auth import Principal, Role, hash_token, new_token, parse_role
from creditline.errors import Conflict, Forbidden, NotFound, Unauthorized
from creditline.paging import Page, PageRequest
from creditline.uow import UnitOfWork

BOOTSTRAP = Principal(user_id="bootstrap", name="bootstrap-token", role=Role.ADMIN,
                      bootstrap=True)


@dataclass(frozen=True)
class UserView:
    id: str
    name: str
    role: str
    status: str  # active | revoked | expired
    merchants: tuple[str, ...]
    created_at: datetime
    token_issued_at: datetime
    expires_at: datetime | None  # None for a role retired from the table
    revoked_at: datetime | None
    revoked_by: str | None

    @classmethod
    def of(cls, r: UserRecord, policy: TokenPolicy, now: datetime) -> UserView:
        try:
            expires: datetime | None = policy.expires_at(Role(r.role), r.token_issued_at)
        except ValueError:
            expires = None
        if not r.active:
            status = "revoked"
        elif expires is None or expires <= now:
            status = "expired"
        else:
            status = "active"
        return cls(r.id, r.name, r.role, status, r.merchants, as_utc(r.created_at),
                   as_utc(r.token_issued_at), expires,
                   as_utc(r.revoked_at) if r.revoked_at else None, r.revoked_by)


@dataclass(frozen=True)
class IssuedToken:
    """A user and the bearer token just issued to them (shown once, never stored)."""

    user: UserView
    token: str


# ----- commands

@dataclass(frozen=True)
class Authenticate:
    token: str | None
    policy: TokenPolicy = field(default_factory=TokenPolicy)


@dataclass(frozen=True)
class CreateUser:
    name: str
    role: str
    merchants: Sequence[str] = ()
    policy: TokenPolicy = field(default_factory=TokenPolicy)
    issued_at: datetime | None = None  # default: the unit of work's clock


@dataclass(frozen=True)
class ListUsers:
    policy: TokenPolicy = field(default_factory=TokenPolicy)
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class RevokeUser:
    name: str
    policy: TokenPolicy = field(default_factory=TokenPolicy)


@dataclass(frozen=True)
class RotateToken:
    name: str
    policy: TokenPolicy = field(default_factory=TokenPolicy)


# ----- use cases

def authenticate(cmd: Authenticate, uow: UnitOfWork) -> Principal:
    """The principal a bearer token stands for, or ``Unauthorized`` naming why not (missing,
    unknown, revoked, expired).  The environment token gives the bootstrap principal."""
    token = cmd.token
    if not token:
        raise Unauthorized("missing bearer token: send 'Authorization: Bearer <token>'")
    boot = cmd.policy.bootstrap_token
    if boot and hmac.compare_digest(token.encode(), boot.encode()):
        return BOOTSTRAP
    with uow:
        record: UserRecord | None = uow.users.by_token_hash(hash_token(token))
        now = uow.now()
    if record is None:
        raise Unauthorized("invalid or revoked token")
    if not record.active:
        raise Unauthorized("invalid or revoked token")
    try:
        role = Role(record.role)
    except ValueError:  # a role retired from the table: the token no longer works
        raise Unauthorized("invalid or revoked token") from None
    expires = cmd.policy.expires_at(role, record.token_issued_at)
    if expires <= now:
        raise Unauthorized(f"token expired at {expires.isoformat()}: ask an admin to rotate it "
                           f"(creditline users rotate {record.name})")
    return Principal(record.id, record.name, role, frozenset(record.merchants))


def create_user(cmd: CreateUser, uow: UnitOfWork, actor: Principal) -> IssuedToken:
    """Create a user and issue their first token.  The bootstrap token may create admins
    only: the named admins it makes do the rest, under their own names."""
    actor.require("users:create")
    name = check_user_name(cmd.name)
    role = parse_role(cmd.role)
    merchants = check_merchants(role, cmd.merchants)
    if actor.bootstrap and role is not Role.ADMIN:
        raise Forbidden("the bootstrap token (CREDITLINE_ADMIN_TOKEN) may only create admin "
                        "users; create other users as a named admin")
    token = new_token()
    with uow:
        if uow.users.exists(name):
            raise Conflict(f"user {name!r} already exists")
        issued = cmd.issued_at or uow.now()
        user = uow.users.add(name, role, hash_token(token), issued_at=issued,
                             merchants=merchants)
        details: dict[str, object] = {"name": name, "role": role.value}
        if merchants:
            details["merchants"] = list(merchants)
        uow.audit(actor, "user.created", "user", user.user_id, details)
        record = uow.users.by_name(name)
        now = uow.now()
        uow.commit()
    assert record is not None
    return IssuedToken(UserView.of(record, cmd.policy, now), token)


def list_users(cmd: ListUsers, uow: UnitOfWork, actor: Principal) -> Page[UserView]:
    """A page of users, oldest first (never a token)."""
    actor.require("users:read")
    with uow:
        now = uow.now()
        got = uow.users.page(cmd.page)
        return Page([UserView.of(r, cmd.policy, now) for r in got.items], got.next, got.total)


def _target(uow: UnitOfWork, name: str, actor: Principal) -> UserRecord:
    """The user an admin (``users:manage``) or the user themself acts on."""
    record: UserRecord | None = uow.users.by_name(name)
    own = record is not None and record.id == actor.user_id and not actor.bootstrap
    if not own:
        actor.require("users:manage")
    if record is None:
        raise NotFound(f"user {name!r} not found")
    return record


def revoke(cmd: RevokeUser, uow: UnitOfWork, actor: Principal) -> UserView:
    """Revoke a user's token for good (effective on the next request); a user may revoke
    their own."""
    with uow:
        record = _target(uow, cmd.name, actor)
        if not record.active:
            raise Conflict(f"user {cmd.name!r} is already revoked")
        now = uow.now()
        uow.users.revoke(record.id, now, actor.name)
        uow.audit(actor, "user.revoked", "user", record.id, {"name": record.name})
        after = uow.users.by_name(cmd.name)
        uow.commit()
    assert after is not None
    return UserView.of(after, cmd.policy, now)


def rotate(cmd: RotateToken, uow: UnitOfWork, actor: Principal) -> IssuedToken:
    """Issue a new token and make the old one invalid in the same commit; the expiry starts
    again.  A revoked user stays revoked (create a new user instead)."""
    token = new_token()
    with uow:
        record = _target(uow, cmd.name, actor)
        if not record.active:
            raise Conflict(f"user {cmd.name!r} is revoked: create a new user instead")
        now = uow.now()
        uow.users.set_token(record.id, hash_token(token), now)
        uow.audit(actor, "user.token_rotated", "user", record.id, {"name": record.name})
        after = uow.users.by_name(cmd.name)
        uow.commit()
    assert after is not None
    return IssuedToken(UserView.of(after, cmd.policy, now), token)
