"""Reading the audit log back: pages in global order, the stream heads, and a consistent
snapshot of both for verification."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from creditline.audit import (
    Anchor,
    AuditEntry,
    AuditKey,
    ChainReport,
    StreamHead,
    make_anchor,
    verify_log,
)
from creditline.store.tables.foundation import audit_head, audit_log

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


class SqlAuditRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self._key: AuditKey = uow.audit_key
        self._pg = session.get_bind().dialect.name == "postgresql"

    def verify(self, anchor: Anchor | None = None) -> ChainReport:
        """Check the whole log against its signed heads (and an anchor), as of one snapshot."""
        with self._snapshot() as conn:
            heads = _heads(conn)
            return verify_log(self._key, _iterate(conn), heads, anchor)

    def anchor(self, at: datetime) -> tuple[Anchor, ChainReport]:
        """The current heads to keep elsewhere, with the verification of the log they close
        (an anchor of a broken log would vouch for the tampering)."""
        with self._snapshot() as conn:
            heads = _heads(conn)
            return make_anchor(heads, at), verify_log(self._key, _iterate(conn), heads)

    @contextmanager
    def _snapshot(self) -> Iterator[Connection]:
        """The entries and the heads as of one moment.  PostgreSQL: a connection of its own at
        REPEATABLE READ, where a writer's entries and its head update are seen together or
        not at all.  SQLite: this transaction (it holds the write lock, so nothing moves)."""
        if not self._pg:
            yield self.s.connection()
            return
        with self.s.get_bind().connect() as conn:  # type: ignore[union-attr]
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    def heads(self) -> dict[int, StreamHead]:
        return _heads(self.s.connection())

    def iterate(self, batch: int = 5000) -> Iterator[AuditEntry]:
        return _iterate(self.s.connection(), batch)

    def page(self, *, after: int = 0, limit: int = 100, entity: str | None = None,
             entity_id: str | None = None) -> list[AuditEntry]:
        """Entries with ``seq > after`` in global order.

        On PostgreSQL a writer draws its seqs before it commits, so while it is in flight a
        later seq can already be visible: a reader paging on ``after=`` would step over the
        earlier one for good.  Holding every stream head FOR SHARE first waits for the writers
        in flight (and holds new ones back for the length of this read), so the page has no
        such hole.  SQLite writers are serialised, so seqs become visible in order."""
        if self._pg:
            self.s.execute(select(audit_head.c.id).order_by(audit_head.c.id).with_for_update(
                read=True))
        q = select(audit_log).where(audit_log.c.seq > after)
        if entity:
            q = q.where(audit_log.c.entity == entity)
        if entity_id:
            q = q.where(audit_log.c.entity_id == entity_id)
        return [_entry(r) for r in self.s.execute(q.order_by(audit_log.c.seq).limit(limit))]

    def count(self) -> int:
        return int(self.s.execute(select(func.count()).select_from(audit_log)).scalar() or 0)

    def count_where(self, *, entity: str | None = None, entity_id: str | None = None) -> int:
        q = select(func.count()).select_from(audit_log)
        if entity:
            q = q.where(audit_log.c.entity == entity)
        if entity_id:
            q = q.where(audit_log.c.entity_id == entity_id)
        return int(self.s.execute(q).scalar() or 0)


def _heads(conn: Connection) -> dict[int, StreamHead]:
    return {r.id: StreamHead(r.id, int(r.seq), r.hash, r.mac)
            for r in conn.execute(select(audit_head))}


def _iterate(conn: Connection, batch: int = 5000) -> Iterator[AuditEntry]:
    last = -1
    while True:
        rows = conn.execute(select(audit_log).where(audit_log.c.seq > last)
                            .order_by(audit_log.c.seq).limit(batch)).all()
        if not rows:
            return
        for r in rows:
            yield _entry(r)
        last = rows[-1].seq


def _entry(r: Any) -> AuditEntry:
    return AuditEntry(seq=r.seq, stream=r.stream, stream_seq=r.stream_seq,
                      at=datetime.fromisoformat(r.at), actor=r.actor, action=r.action,
                      entity=r.entity, entity_id=r.entity_id, details=json.loads(r.details),
                      prev_hash=r.prev_hash, hash=r.hash)
