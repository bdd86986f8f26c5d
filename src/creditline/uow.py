"""The unit-of-work port that use cases depend on (cosmicpython).  No I/O here: the
SQLAlchemy implementation is ``creditline.store.uow.SqlUnitOfWork``.

``with uow: ...; uow.commit()`` — leaving the block without ``commit()`` rolls back, so a
failed command leaves no partial write.  Repositories are reached as attributes
(``uow.customers``, ``uow.lines`` ...) and are registered in ``creditline.store.uow``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from creditline.auth import Principal

if TYPE_CHECKING:
    from creditline.clock import Clock


class CatchUp(Protocol):
    """Closes a line's missing days: the port through which servicing commands reach end of
    day.

    A command on a line whose end of day is behind first closes the missing days for that
    line, so every money event is dated after the line's last closed day.  That work is the
    end-of-day pipeline's (``creditline.batch``), run on the one line -- but servicing must
    not import ``batch`` (the engine imports the domain, never the reverse).  So the port is
    named here, and the composition root (``creditline.bootstrap``) hands every unit of work
    an implementation wired to the container's pipeline (``uow.catch_up``).  An attribute
    of the unit of work rather than a fourth service argument: every command already gets
    the unit of work, the catch-up must run inside its transaction (the line is locked),
    and the ``(cmd, uow, actor)`` convention stays as it is."""

    def __call__(self, uow: UnitOfWork, line_id: str, last_eod: date, through: date) -> object:
        """Close days ``last_eod + 1 .. through`` for one line, in the caller's transaction
        (the line already locked), running every end-of-day stage on it."""


class UnitOfWork(Protocol):
    catch_up: CatchUp | None  # closes a line's missing days (wired by creditline.bootstrap)

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def audit(self, actor: Principal, action: str, entity: str, entity_id: str,
              details: dict[str, Any] | None = None) -> None:
        """Append an entry to the hash-chained audit log in this transaction."""

    def emit(self, topic: str, payload: dict[str, Any]) -> None:
        """Queue an event in the outbox, delivered after commit."""

    def now(self) -> datetime: ...

    @property
    def clock(self) -> Clock: ...

    def __getattr__(self, name: str) -> Any: ...
