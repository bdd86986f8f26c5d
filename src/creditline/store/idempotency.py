"""Idempotency keys: a retry with the same key and body gets the stored answer; the same
key with a different body is a conflict.  The key row is inserted in the command's own
transaction, so a concurrent duplicate waits on (or fails against) the primary key."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from creditline.errors import Conflict
from creditline.store.tables.foundation import idempotency_keys

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


def request_fingerprint(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()

_LOOKUP = select(idempotency_keys).where(idempotency_keys.c.scope == bindparam("scope"),
                                         idempotency_keys.c.key == bindparam("key"))
_SAVE = insert(idempotency_keys)


class SqlIdempotencyStore:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow

    def lookup(self, scope: str, key: str, body: Any) -> dict[str, Any] | None:
        """The stored answer for a replay, ``None`` for a new key; 409 if the body differs."""
        row = self.s.execute(_LOOKUP, {"scope": scope, "key": key}).first()
        if row is None:
            return None
        if row.request_hash != request_fingerprint(body):
            raise Conflict(f"Idempotency-Key {key!r} was already used with a different request body")
        return dict(row.response)

    def save(self, scope: str, key: str, body: Any, response: dict[str, Any]) -> None:
        self.s.execute(_SAVE, {"scope": scope, "key": key, "request_hash": request_fingerprint(body),
                               "response": response, "created_at": self.uow.now()})
