"""Reading the outbox back for the console's line view (``creditline.ports.OutboxReader``).
Writing stays ``uow.emit``; delivering is the notification relay's (to come)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from creditline.ports import OutboxEvent
from creditline.store.tables.foundation import outbox

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork


class SqlOutboxReader:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session

    def for_customer(self, customer_id: str, limit: int = 50) -> list[OutboxEvent]:
        # JSON_EXTRACT on SQLite, ->> on PostgreSQL: a scan of the outbox, which the relay
        # keeps short by delivering; one customer's page reads it once.
        rows = self.s.execute(select(outbox)
                              .where(outbox.c.payload["customer_id"].as_string() == customer_id)
                              .order_by(outbox.c.id.desc()).limit(limit))
        return [OutboxEvent(r.id, r.topic, dict(r.payload), r.created_at, r.delivered_at)
                for r in rows]
