"""Blacklist entries in SQL (``fraud.ports.BlacklistRepository``): keyed hashes
only, with a masked form for people to read.  Entries are deactivated, never deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from creditline.fraud.blacklist import BlacklistEntry
from creditline.store.tables.origination import blacklist
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_hits_by_kinds: dict[tuple[str, ...], Any] = {}


def _entry(r: Any) -> BlacklistEntry:
    created = aware(r.created_at)
    assert created is not None
    return BlacklistEntry(id=r.id, kind=r.kind, value_hash=r.value_hash, masked=r.masked,
                          reason=r.reason, active=r.active, created_by=r.created_by,
                          created_at=created, removed_by=r.removed_by,
                          removed_at=aware(r.removed_at))


class SqlBlacklistRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def add(self, entry: BlacklistEntry) -> None:
        self.s.execute(insert(blacklist).values(
            id=entry.id, kind=entry.kind, value_hash=entry.value_hash, masked=entry.masked,
            reason=entry.reason, active=entry.active, created_by=entry.created_by,
            created_at=entry.created_at))

    def get(self, entry_id: str) -> BlacklistEntry | None:
        row = self.s.execute(select(blacklist).where(blacklist.c.id == entry_id)).first()
        return None if row is None else _entry(row)

    def active(self, kind: str, value_hash: str) -> BlacklistEntry | None:
        row = self.s.execute(select(blacklist).where(
            blacklist.c.kind == kind, blacklist.c.value_hash == value_hash,
            blacklist.c.active.is_(True))).first()
        return None if row is None else _entry(row)

    def hits(self, hashes: dict[str, str | None]) -> set[str]:
        present = tuple(sorted(k for k, v in hashes.items() if v is not None))
        if not present:
            return set()
        stmt = _hits_by_kinds.get(present)
        if stmt is None:
            stmt = select(blacklist.c.kind).where(
                or_(*(and_(blacklist.c.kind == k, blacklist.c.value_hash == bindparam(f"h_{k}"))
                      for k in present)), blacklist.c.active.is_(True))
            _hits_by_kinds[present] = stmt
        rows = self.s.execute(stmt, {f"h_{k}": hashes[k] for k in present})
        return {r.kind for r in rows}

    def update(self, entry: BlacklistEntry) -> None:
        self.s.execute(update(blacklist).where(blacklist.c.id == entry.id).values(
            active=entry.active, removed_by=entry.removed_by, removed_at=entry.removed_at))

    def list(self, kind: str | None, active_only: bool, limit: int, offset: int
             ) -> list[BlacklistEntry]:
        q = select(blacklist).order_by(blacklist.c.created_at.desc(), blacklist.c.id)
        if kind is not None:
            q = q.where(blacklist.c.kind == kind)
        if active_only:
            q = q.where(blacklist.c.active.is_(True))
        return [_entry(r) for r in self.s.execute(q.limit(limit).offset(offset))]
