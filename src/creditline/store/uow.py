"""The SQLAlchemy unit of work: one transaction per command, audit entries and outbox
events written in that same transaction, repositories created on first use."""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from creditline.audit import AuditKey, canonical, stream_of
from creditline.auth import Principal
from creditline.clock import Clock
from creditline.crypto import FieldCipher
from creditline.store.tables.foundation import audit_head, audit_log, outbox

# attribute name on the unit of work -> "module:RepositoryClass".  Each repository is built
# as ``Class(session, uow)``.  One line per repository; add yours here.
REPOSITORIES: dict[str, str] = {
    "users": "creditline.store.users:SqlUserRepository",
    "audit_log": "creditline.store.audit_repo:SqlAuditRepository",
    "idempotency": "creditline.store.idempotency:SqlIdempotencyStore",
    "customers": "creditline.store.parties:SqlCustomerRepository",
    "models": "creditline.store.models:SqlModelRepository",
    "applications": "creditline.store.origination:SqlApplicationRepository",
    "reviews": "creditline.store.origination:SqlReviewRepository",
    "blacklist": "creditline.store.origination:SqlBlacklistRepository",
    "special_terms": "creditline.store.origination:SqlSpecialTermsRepository",
    "servicing": "creditline.store.servicing:SqlServicingRepository",
    "ledger": "creditline.store.ledger:SqlLedgerRepository",
}

# Built once with bind parameters: these run in every command that audits.  The take locks
# one stream's head row (not a global one) until commit; on PostgreSQL it also draws the
# global seqs of the entries from ``audit_log_seq`` in the same round trip.
_AUDIT_TAKE_PG = text(
    "UPDATE audit_head SET seq = seq + :n WHERE id = :s RETURNING seq, hash, "
    "(SELECT array_agg(nextval('audit_log_seq')) FROM generate_series(1, :n)) AS seqs")
_AUDIT_TAKE = (update(audit_head).where(audit_head.c.id == bindparam("s"))
               .values(seq=audit_head.c.seq + bindparam("n"))
               .returning(audit_head.c.seq, audit_head.c.hash))
_AUDIT_MAX_SEQ = select(func.coalesce(func.max(audit_log.c.seq), 0))
_AUDIT_INSERT = insert(audit_log)
_AUDIT_SET_HEAD = (update(audit_head).where(audit_head.c.id == bindparam("s"))
                   .values(hash=bindparam("h"), mac=bindparam("m")))
_OUTBOX_INSERT = insert(outbox)


class SqlUnitOfWork:
    """``with uow: ...; uow.commit()``; leaving the block without commit rolls back."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock, cipher: FieldCipher,
                 dialect: str, audit_key: AuditKey) -> None:
        self._sessions = sessions
        self.clock = clock
        self.cipher = cipher
        self.audit_key = audit_key
        self.dialect = dialect
        self.session: Session | None = None
        self._repos: dict[str, Any] = {}
        self._depth = 0
        # audit entries of this transaction, not yet chained: (at, actor, action, entity,
        # entity id, canonical details)
        self._audit: list[tuple[str, str, str, str, str, str]] = []

    def __enter__(self) -> SqlUnitOfWork:
        if self._depth == 0:
            self.session = self._sessions()
            self.session.begin()
            self._repos = {}
            self._audit = []
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth == 0:
            assert self.session is not None
            try:
                if self.session.in_transaction():
                    self.session.rollback()
            finally:
                self.session.close()
                self.session = None
                self._repos = {}
                self._audit = []

    def commit(self) -> None:
        """Commit at the outermost level only, so services can nest ``with uow``."""
        if self._depth <= 1:
            assert self.session is not None
            self._flush_audit()
            self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self._audit = []
        self.session.rollback()

    @property
    def is_postgres(self) -> bool:
        return self.dialect == "postgresql"

    def now(self) -> datetime:
        return self.clock.now()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name not in REPOSITORIES:
            raise AttributeError(name)
        if self.session is None:
            raise RuntimeError(f"uow.{name} used outside 'with uow:'")
        repo = self._repos.get(name)
        if repo is None:
            module, cls = REPOSITORIES[name].split(":")
            repo = getattr(importlib.import_module(module), cls)(self.session, self)
            self._repos[name] = repo
        return repo

    def audit(self, actor: Principal, action: str, entity: str, entity_id: str,
              details: dict[str, Any] | None = None) -> None:
        """Queue an entry for the audit chain; the queue is chained and written just before
        the transaction commits (``_flush_audit``), in the order the entries were made.

        Why at commit: the entries are chained under their stream's head row lock; taking it
        last and holding it only for the commit keeps that section short (and it is the last
        lock a transaction takes, so it cannot be part of a deadlock), and a command's entries
        cost three statements together instead of three each."""
        assert self.session is not None
        self._audit.append((self.clock.now().isoformat(), actor.name, action, entity,
                            entity_id, canonical(_plain(details or {}))))

    def _flush_audit(self) -> None:
        """Chain the queued entries onto one stream (chosen by the first entry's entity id),
        with global seqs drawn while that stream's head is held, and sign the new head."""
        if not self._audit:
            return
        assert self.session is not None
        s, pending, key, n = self.session, self._audit, self.audit_key, len(self._audit)
        stream = stream_of(pending[0][4])
        if self.is_postgres:
            row = s.execute(_AUDIT_TAKE_PG, {"n": n, "s": stream}).first()
            seqs = sorted(row.seqs) if row is not None else []
        else:  # SQLite: the transaction already holds the database's write lock
            row = s.execute(_AUDIT_TAKE, {"n": n, "s": stream}).first()
            top = int(s.execute(_AUDIT_MAX_SEQ).scalar() or 0)
            seqs = list(range(top + 1, top + n + 1))
        if row is None:
            raise RuntimeError(f"audit stream {stream} has no head row: run 'creditline db upgrade'")
        last, prev = int(row.seq), row.hash
        entries = []
        for stream_seq, seq, (at, actor, action, entity, entity_id, details) in zip(
                range(last - n + 1, last + 1), seqs, pending, strict=True):
            h = key.entry_mac(prev, seq, stream, stream_seq, at, actor, action, entity,
                              entity_id, details)
            entries.append({"seq": seq, "stream": stream, "stream_seq": stream_seq, "at": at,
                            "actor": actor, "action": action, "entity": entity,
                            "entity_id": entity_id, "details": details, "prev_hash": prev,
                            "hash": h})
            prev = h
        s.execute(_AUDIT_INSERT, entries)
        s.execute(_AUDIT_SET_HEAD, {"s": stream, "h": prev, "m": key.head_mac(stream, last, prev)})
        self._audit = []

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        assert self.session is not None
        self.session.execute(_OUTBOX_INSERT, {"topic": topic, "payload": _plain(payload),
                                              "created_at": self.clock.now()})

    def head_seq(self) -> int:
        """Entries in the audit log according to the stream heads (all streams together)."""
        assert self.session is not None
        return int(self.session.execute(select(func.sum(audit_head.c.seq))).scalar() or 0)


def _plain(obj: Any) -> Any:
    """JSON-safe copy: Decimals and dates become strings."""
    from datetime import date
    from decimal import Decimal

    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, Decimal):
        return f"{obj:f}"
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    return obj
