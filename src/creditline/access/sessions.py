"""Use cases of the console's sign-in for people, shared by the console, the API and the
CLI: ``set_password``, ``sign_in``, ``resume`` (the session behind a cookie), ``sign_out``
and ``set_locale`` (the language a user reads the console in).

A session id is 256 random bits handed to the browser once, in an HttpOnly cookie; only its
SHA-256 is stored, with a CSRF token that every form of that session must send back.  A
session ends when the user signs out, after ``SessionPolicy.idle`` without a request, after
``SessionPolicy.lifetime`` in all, when the user is revoked, or when their password is set
again.  Bearer tokens stay for machines: ``service`` users cannot sign in."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from creditline.access.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from creditline.access.ports import SessionRecord, UserRecord
from creditline.access.tokens import as_utc
from creditline.auth import Principal, Role, hash_token
from creditline.errors import NotFound, Unauthorized, ValidationError
from creditline.uow import UnitOfWork

LOCALES = ("en", "zh")  # English, Chinese (simplified)
WRONG = "wrong user name or password"


@dataclass(frozen=True)
class SessionPolicy:
    """How long a console session lives: ``idle`` without a request, ``lifetime`` in all."""

    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(seconds=60)  # last_seen is written at most this often


@dataclass(frozen=True)
class ConsoleSession:
    """A signed-in person: who, the session's CSRF token, their language, when it ends."""

    principal: Principal
    csrf_token: str
    locale: str | None
    expires_at: datetime


@dataclass(frozen=True)
class SignedIn:
    session_id: str  # for the cookie, shown once; only its hash is stored
    session: ConsoleSession


# ----- commands

@dataclass(frozen=True)
class SetPassword:
    name: str
    password: str


@dataclass(frozen=True)
class SignIn:
    name: str
    password: str
    policy: SessionPolicy = field(default_factory=SessionPolicy)


@dataclass(frozen=True)
class ResumeSession:
    session_id: str | None
    policy: SessionPolicy = field(default_factory=SessionPolicy)


@dataclass(frozen=True)
class SignOut:
    session_id: str


@dataclass(frozen=True)
class SetLocale:
    locale: str


def check_locale(value: object, field: str = "locale") -> str:
    if value not in LOCALES:
        raise ValidationError(field, f"must be one of: {', '.join(LOCALES)}")
    assert isinstance(value, str)
    return value


def _principal(record: UserRecord) -> Principal | None:
    """The user a console may act as: active, with a role still in the table that may sign
    in to the console (not a ``service`` machine)."""
    if not record.active:
        return None
    try:
        role = Role(record.role)
    except ValueError:
        return None
    p = Principal(record.id, record.name, role, frozenset(record.merchants))
    return p if p.can("console:sign_in") else None


# ----- use cases

def set_password(cmd: SetPassword, uow: UnitOfWork, actor: Principal) -> None:
    """Give a user a (new) console password: admins for anyone, a user for themself.  Every
    open console session of that user ends."""
    password = check_password(cmd.password)
    digest = hash_password(password)
    with uow:
        record = uow.users.by_name(cmd.name)
        own = record is not None and record.id == actor.user_id and not actor.bootstrap
        if not own:
            actor.require("users:manage")
        if record is None:
            raise NotFound(f"user {cmd.name!r} not found")
        if _principal(record) is None:
            raise ValidationError("name", f"user {cmd.name!r} cannot sign in to the console "
                                          "(revoked, or a service user, which uses its token)")
        now = uow.now()
        uow.console_accounts.set_password(record.id, digest, now, actor.name)
        ended = uow.console_accounts.end_sessions_of(record.id, now)
        uow.audit(actor, "user.password_set", "user", record.id,
                  {"name": record.name, "sessions_ended": ended})
        uow.commit()


def sign_in(cmd: SignIn, uow: UnitOfWork) -> SignedIn:
    """Check a user name and password and open a session; ``Unauthorized`` with one message
    whatever was wrong (no telling a wrong name from a wrong password)."""
    if not isinstance(cmd.password, str) or len(cmd.password) > 1024:
        raise Unauthorized(WRONG)
    with uow:
        record = uow.users.by_name(cmd.name) if cmd.name else None
        stored = uow.console_accounts.password_hash(record.id) if record else None
        ok = verify_password(stored, cmd.password)  # runs even for an unknown name
        principal = _principal(record) if record and ok else None
        if principal is None or stored is None:
            raise Unauthorized(WRONG)
        now = uow.now()
        if needs_rehash(stored):
            uow.console_accounts.set_password(principal.user_id, hash_password(cmd.password),
                                              now, "rehash")
        session_id = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        uow.console_accounts.start_session(hash_token(session_id), principal.user_id, csrf, now)
        uow.audit(principal, "user.signed_in", "user", principal.user_id, {"via": "console"})
        locale = uow.console_accounts.locale(principal.user_id)
        uow.commit()
    return SignedIn(session_id, ConsoleSession(principal, csrf, locale, now + cmd.policy.idle))


def _expiry(rec: SessionRecord, policy: SessionPolicy) -> datetime:
    return min(as_utc(rec.last_seen_at) + policy.idle, as_utc(rec.created_at) + policy.lifetime)


def resume(cmd: ResumeSession, uow: UnitOfWork) -> ConsoleSession:
    """The session behind a cookie, or ``Unauthorized`` naming why not (none, ended,
    expired, the user revoked)."""
    if not cmd.session_id:
        raise Unauthorized("not signed in")
    with uow:
        rec = uow.console_accounts.session(hash_token(cmd.session_id))
        if rec is None or rec.ended_at is not None:
            raise Unauthorized("not signed in (signed out, or the session was ended)")
        now = uow.now()
        if _expiry(rec, cmd.policy) <= now:
            raise Unauthorized("the session expired: sign in again")
        record = uow.users.by_id(rec.user_id)
        principal = _principal(record) if record else None
        if principal is None:
            raise Unauthorized("this user may no longer sign in")
        if now - as_utc(rec.last_seen_at) >= cmd.policy.touch_every:
            uow.console_accounts.touch_session(rec.id_hash, now)
            rec = SessionRecord(rec.id_hash, rec.user_id, rec.csrf_token, rec.created_at, now,
                                None)
        locale = uow.console_accounts.locale(principal.user_id)
        uow.commit()
    return ConsoleSession(principal, rec.csrf_token, locale, _expiry(rec, cmd.policy))


def csrf_ok(session: ConsoleSession, sent: str | None) -> bool:
    """A form's token against its session's, in constant time."""
    return bool(sent) and hmac.compare_digest(session.csrf_token.encode(),
                                              (sent or "").encode())


def sign_out(cmd: SignOut, uow: UnitOfWork, actor: Principal) -> None:
    with uow:
        id_hash = hash_token(cmd.session_id)
        rec = uow.console_accounts.session(id_hash)
        if rec is None or rec.user_id != actor.user_id or rec.ended_at is not None:
            return
        uow.console_accounts.end_session(id_hash, uow.now())
        uow.audit(actor, "user.signed_out", "user", actor.user_id, {"via": "console"})
        uow.commit()


def set_locale(cmd: SetLocale, uow: UnitOfWork, actor: Principal) -> str:
    """The language the user reads the console in, kept for their next session too."""
    locale = check_locale(cmd.locale)
    with uow:
        uow.console_accounts.set_locale(actor.user_id, locale)
        uow.audit(actor, "user.locale_set", "user", actor.user_id, {"locale": locale})
        uow.commit()
    return locale
