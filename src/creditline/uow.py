"""The unit-of-work port that use cases depend on (cosmicpython).  No I/O here: the
SQLAlchemy implementation is ``creditline.store.uow.SqlUnitOfWork``.

``with uow: ...; uow.commit()`` — leaving the block without ``commit()`` rolls back, so a
failed command leaves no partial write.  Repositories are reached as attributes
(``uow.customers``, ``uow.lines`` ...) and are registered in ``creditline.store.uow``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from creditline.auth import Principal

if TYPE_CHECKING:
    from creditline.clock import Clock


class UnitOfWork(Protocol):
    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def audit(self, actor: Principal, action: str, entity: str, entity_id: str,
              details: dict[str, Any] | None = None) -> None:
        """Append an entry to the hash-chained audit log in this transaction."""

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Write an event to the outbox in this transaction (so it exists only if the
        command commits).  Nothing delivers it yet: the outbox relay that will is still to
        be built (``notify/``, docs/ARCHITECTURE.md)."""

    def now(self) -> datetime: ...

    @property
    def clock(self) -> Clock: ...

    def __getattr__(self, name: str) -> Any: ...
