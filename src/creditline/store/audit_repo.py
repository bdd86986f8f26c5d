"""Reading the audit chain back, in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from creditline.audit import AuditEntry
from creditline.store.tables.foundation import audit_log

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


class SqlAuditRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def iterate(self, batch: int = 5000) -> Iterator[AuditEntry]:
        last = 0
        while True:
            rows = self.s.execute(select(audit_log).where(audit_log.c.seq > last)
                                  .order_by(audit_log.c.seq).limit(batch)).all()
            if not rows:
                return
            for r in rows:
                yield _entry(r)
            last = rows[-1].seq

    def page(self, *, after: int = 0, limit: int = 100, entity: str | None = None,
             entity_id: str | None = None) -> list[AuditEntry]:
        q = select(audit_log).where(audit_log.c.seq > after)
        if entity:
            q = q.where(audit_log.c.entity == entity)
        if entity_id:
            q = q.where(audit_log.c.entity_id == entity_id)
        return [_entry(r) for r in self.s.execute(q.order_by(audit_log.c.seq).limit(limit))]

    def count(self) -> int:
        return int(self.s.execute(select(func.count()).select_from(audit_log)).scalar() or 0)


def _entry(r: Any) -> AuditEntry:
    return AuditEntry(seq=r.seq, at=datetime.fromisoformat(r.at), actor=r.actor, action=r.action,
                      entity=r.entity, entity_id=r.entity_id, details=json.loads(r.details),
                      prev_hash=r.prev_hash, hash=r.hash)
