"""Users, their bearer-token hashes and, for ``service`` users, their merchants."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session

from creditline.access.ports import UserRecord
from creditline.auth import Principal, Role
from creditline.paging import Page, PageRequest
from creditline.store import browse
from creditline.store.tables.foundation import user_merchants, users

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


# a user by token hash with their merchants (none unless a service user): one round trip
_BY_TOKEN = (select(users, user_merchants.c.merchant)
             .outerjoin(user_merchants, user_merchants.c.user_id == users.c.id)
             .where(users.c.token_hash == bindparam("h")))


class SqlUserRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, name: str, role: Role, token_hash: str, *, issued_at: datetime | None = None,
            merchants: Sequence[str] = ()) -> Principal:
        uid = str(uuid.uuid4())
        now = self.uow.now()
        self.s.execute(insert(users).values(id=uid, name=name, role=role.value,
                                            token_hash=token_hash, active=True,
                                            created_at=now, token_issued_at=issued_at or now))
        if merchants:
            self.s.execute(insert(user_merchants),
                           [{"user_id": uid, "merchant": m} for m in merchants])
        return Principal(uid, name, role, frozenset(merchants))

    def exists(self, name: str) -> bool:
        return self.s.execute(select(users.c.id).where(users.c.name == name)).first() is not None

    def _record(self, row: Row[Any], merchants: Sequence[str] | None = None) -> UserRecord:
        if merchants is None:
            merchants = self.s.execute(
                select(user_merchants.c.merchant).where(user_merchants.c.user_id == row.id)
                .order_by(user_merchants.c.merchant)).scalars().all()
        return UserRecord(row.id, row.name, row.role, bool(row.active), row.created_at,
                          row.token_issued_at, row.revoked_at, row.revoked_by, tuple(merchants))

    def by_token_hash(self, token_hash: str) -> UserRecord | None:
        """One statement per request, a service user's merchants joined in (one row per
        merchant): revocation and rotation are seen at once, with no cache to go stale."""
        rows = self.s.execute(_BY_TOKEN, {"h": token_hash}).all()
        if not rows:
            return None
        return self._record(rows[0], sorted(r.merchant for r in rows if r.merchant is not None))

    def by_name(self, name: str) -> UserRecord | None:
        row = self.s.execute(select(users).where(users.c.name == name)).first()
        return None if row is None else self._record(row)

    def by_id(self, user_id: str) -> UserRecord | None:
        row = self.s.execute(select(users).where(users.c.id == user_id)).first()
        return None if row is None else self._record(row)

    def page(self, req: PageRequest) -> Page[UserRecord]:
        def make(rows: Sequence[Any]) -> list[UserRecord]:
            bound: dict[str, list[str]] = {}
            ids = [r.id for r in rows]
            if ids:
                for uid, m in self.s.execute(
                        select(user_merchants.c.user_id, user_merchants.c.merchant)
                        .where(user_merchants.c.user_id.in_(ids))
                        .order_by(user_merchants.c.merchant)):
                    bound.setdefault(uid, []).append(m)
            return [self._record(r, bound.get(r.id, [])) for r in rows]
        return browse.page(self.s, select(users), users.c.created_at, users.c.id, req, make,
                           postgres=self.uow.is_postgres)

    def revoke(self, user_id: str, at: datetime, by: str) -> None:
        self.s.execute(update(users).where(users.c.id == user_id)
                       .values(active=False, revoked_at=at, revoked_by=by))

    def set_token(self, user_id: str, token_hash: str, issued_at: datetime) -> None:
        self.s.execute(update(users).where(users.c.id == user_id)
                       .values(token_hash=token_hash, token_issued_at=issued_at))
