"""Users and their bearer-token hashes."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from creditline.auth import Principal, Role
from creditline.store.tables.foundation import users

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


class SqlUserRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def add(self, name: str, role: Role, token_hash: str) -> Principal:
        uid = str(uuid.uuid4())
        self.s.execute(insert(users).values(id=uid, name=name, role=role.value,
                                            token_hash=token_hash, active=True,
                                            created_at=self.uow.now()))
        return Principal(uid, name, role)

    def exists(self, name: str) -> bool:
        return self.s.execute(select(users.c.id).where(users.c.name == name)).first() is not None

    def by_token_hash(self, token_hash: str) -> Principal | None:
        row = self.s.execute(select(users).where(users.c.token_hash == token_hash,
                                                 users.c.active.is_(True))).first()
        if row is None:
            return None
        try:
            role = Role(row.role)
        except ValueError:  # a role retired from the table: the token no longer works
            return None
        return Principal(row.id, row.name, role)
