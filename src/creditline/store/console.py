"""Passwords, languages and console sessions (``creditline.access.ports``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from creditline.access.ports import SessionRecord
from creditline.store.tables.console import console_sessions, user_console

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


class SqlConsoleAccountRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def _row(self, user_id: str) -> bool:
        return self.s.execute(select(user_console.c.user_id)
                              .where(user_console.c.user_id == user_id)).first() is not None

    def _upsert(self, user_id: str, **values: object) -> None:
        if self._row(user_id):
            self.s.execute(update(user_console).where(user_console.c.user_id == user_id)
                           .values(**values))
        else:
            self.s.execute(insert(user_console).values(user_id=user_id, **values))

    def password_hash(self, user_id: str) -> str | None:
        got: str | None = self.s.execute(select(user_console.c.password_hash)
                                         .where(user_console.c.user_id == user_id)).scalar()
        return got

    def set_password(self, user_id: str, password_hash: str, at: datetime, by: str) -> None:
        self._upsert(user_id, password_hash=password_hash, password_set_at=at,
                     password_set_by=by)

    def locale(self, user_id: str) -> str | None:
        got: str | None = self.s.execute(select(user_console.c.locale)
                                         .where(user_console.c.user_id == user_id)).scalar()
        return got

    def set_locale(self, user_id: str, locale: str) -> None:
        self._upsert(user_id, locale=locale)

    def start_session(self, id_hash: str, user_id: str, csrf_token: str, at: datetime) -> None:
        self.s.execute(insert(console_sessions).values(
            id_hash=id_hash, user_id=user_id, csrf_token=csrf_token, created_at=at,
            last_seen_at=at))

    def session(self, id_hash: str) -> SessionRecord | None:
        row = self.s.execute(select(console_sessions)
                             .where(console_sessions.c.id_hash == id_hash)).first()
        if row is None:
            return None
        return SessionRecord(row.id_hash, row.user_id, row.csrf_token, row.created_at,
                             row.last_seen_at, row.ended_at)

    def touch_session(self, id_hash: str, at: datetime) -> None:
        self.s.execute(update(console_sessions).where(console_sessions.c.id_hash == id_hash)
                       .values(last_seen_at=at))

    def end_session(self, id_hash: str, at: datetime) -> None:
        self.s.execute(update(console_sessions).where(console_sessions.c.id_hash == id_hash)
                       .values(ended_at=at))

    def end_sessions_of(self, user_id: str, at: datetime) -> int:
        got = self.s.execute(update(console_sessions)
                             .where(console_sessions.c.user_id == user_id,
                                    console_sessions.c.ended_at.is_(None))
                             .values(ended_at=at))
        return int(got.rowcount or 0)  # type: ignore[attr-defined]
