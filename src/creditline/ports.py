"""The foundation's repositories, as Protocols (SQL implementations in
``creditline.store.audit_repo`` and ``.idempotency``; reached as ``uow.audit_log`` and
``uow.idempotency``; the users' port is ``creditline.access.ports``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from creditline.audit import Anchor, AuditEntry, ChainReport, StreamHead


class AuditLogRepository(Protocol):
    """Reading the audit log back and verifying it (writing goes through ``uow.audit``)."""

    def verify(self, anchor: Anchor | None = None) -> ChainReport:
        """Check the whole log against its signed heads (and an anchor), as of one snapshot."""

    def anchor(self, at: datetime) -> tuple[Anchor, ChainReport]:
        """The current heads to keep elsewhere, with the verification of the log they close."""

    def heads(self) -> dict[int, StreamHead]: ...

    def iterate(self, batch: int = 5000) -> Iterator[AuditEntry]: ...

    def page(self, *, after: int = 0, limit: int = 100, entity: str | None = None,
             entity_id: str | None = None) -> list[AuditEntry]: ...

    def count(self) -> int: ...

    def count_where(self, *, entity: str | None = None, entity_id: str | None = None) -> int:
        """Entries matching the filters of ``page`` (the total of a listed page)."""


class IdempotencyStore(Protocol):
    def lookup(self, scope: str, key: str, body: Any) -> dict[str, Any] | None:
        """The stored answer for a replay, None for a new key; ``Conflict`` if the body
        differs."""

    def save(self, scope: str, key: str, body: Any, response: dict[str, Any]) -> None:
        """Store the answer in the command's own transaction."""


# console (issue 19): what the outbox holds for a customer, for the line view
@dataclass(frozen=True)
class OutboxEvent:
    id: int
    topic: str
    payload: dict[str, Any]
    created_at: datetime
    delivered_at: datetime | None  # None: queued, not delivered yet


class OutboxReader(Protocol):
    def for_customer(self, customer_id: str, limit: int = 50) -> list[OutboxEvent]:
        """The newest events whose payload names the customer, newest first."""
        ...
