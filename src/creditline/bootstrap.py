"""The composition root: wires settings, engine, clock, cipher and the unit of work.

Everything that needs a database, a clock or a key gets it from a ``Container``;
nothing else constructs them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from creditline.access.tokens import check_admin_token
from creditline.audit import AuditKey
from creditline.clock import Clock, SystemClock
from creditline.crypto import FieldCipher, load_audit_key, load_secret
from creditline.settings import Settings
from creditline.store.db import make_engine, session_factory
from creditline.store.migrate import upgrade
from creditline.store.uow import SqlUnitOfWork


@dataclass
class Container:
    settings: Settings
    engine: Engine
    clock: Clock
    cipher: FieldCipher
    audit_key: AuditKey
    services: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._sessions = session_factory(self.engine)

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, self.clock, self.cipher, self.engine.dialect.name,
                             self.audit_key)

    def dispose(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings | None = None, *, clock: Clock | None = None,
              migrate: bool = True, engine_factory: Callable[[str], Engine] = make_engine,
              ) -> Container:
    """Build the container; by default the schema is migrated to the newest revision."""
    settings = settings or Settings()
    check_admin_token(settings.admin_token)  # refuse a weak one before anything starts
    engine = engine_factory(settings.database_url)
    if migrate:
        upgrade(engine)
    secret = load_secret(settings.secret_key, settings.resolved_data_dir())
    audit_secret = load_audit_key(settings.audit_key, settings.resolved_data_dir(), secret)
    return Container(settings=settings, engine=engine, clock=clock or SystemClock(),
                     cipher=FieldCipher(secret), audit_key=AuditKey(audit_secret))
