"""What the access services need from the store (``creditline.store.users``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from creditline.auth import Principal, Role
from creditline.paging import Page, PageRequest


@dataclass(frozen=True)
class UserRecord:
    id: str
    name: str
    role: str  # kept as stored: a role retired from the table no longer authenticates
    active: bool
    created_at: datetime
    token_issued_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    merchants: tuple[str, ...]


class UserRepository(Protocol):
    def add(self, name: str, role: Role, token_hash: str, *, issued_at: datetime | None = None,
            merchants: Sequence[str] = ()) -> Principal: ...

    def exists(self, name: str) -> bool: ...

    def by_token_hash(self, token_hash: str) -> UserRecord | None: ...

    def by_name(self, name: str) -> UserRecord | None: ...

    def by_id(self, user_id: str) -> UserRecord | None: ...

    def page(self, req: PageRequest) -> Page[UserRecord]:
        """Users in ``(created_at, id)`` order, from after ``req.after``."""
        ...

    def revoke(self, user_id: str, at: datetime, by: str) -> None: ...

    def set_token(self, user_id: str, token_hash: str, issued_at: datetime) -> None: ...


# ----- the console's sign-in for people (``creditline.access.sessions``)

@dataclass(frozen=True)
class SessionRecord:
    id_hash: str
    user_id: str
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None


class ConsoleAccountRepository(Protocol):
    """Passwords, languages and console sessions (``creditline.store.console``)."""

    def password_hash(self, user_id: str) -> str | None: ...

    def set_password(self, user_id: str, password_hash: str, at: datetime, by: str) -> None: ...

    def locale(self, user_id: str) -> str | None: ...

    def set_locale(self, user_id: str, locale: str) -> None: ...

    def start_session(self, id_hash: str, user_id: str, csrf_token: str, at: datetime) -> None: ...

    def session(self, id_hash: str) -> SessionRecord | None: ...

    def touch_session(self, id_hash: str, at: datetime) -> None: ...

    def end_session(self, id_hash: str, at: datetime) -> None: ...

    def end_sessions_of(self, user_id: str, at: datetime) -> int:
        """End every open session of a user (a new password signs them out everywhere)."""
        ...
