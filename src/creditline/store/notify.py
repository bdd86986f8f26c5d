"""The relay's outbox reads and its messages in SQL (``notify.ports.MessageRepository``,
reached as ``uow.notifications``).

Locking: the relay's reads of the outbox and of due messages lock the rows they take
(PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so a second relay -- the one inside ``creditline
serve`` and a ``creditline notify run`` -- takes other rows instead of waiting or taking the
same; SQLite serialises writers with ``BEGIN IMMEDIATE``).  A claim is a move to
``sending`` with a lease, committed before the channel is called."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from creditline.notify.messages import FAILED, PENDING, SENDING, SENT, Message
from creditline.notify.ports import Counts, MessageQuery, Recipient
from creditline.paging import Page, PageRequest
from creditline.ports import OutboxEvent
from creditline.store import browse
from creditline.store.tables.foundation import customers, outbox
from creditline.store.tables.notify import notify_messages as t
from creditline.store.tables.servicing import credit_lines
from creditline.store.types import aware

if TYPE_CHECKING:
    from creditline.store.uow import SqlUnitOfWork

_CHUNK = 5000


class SqlMessageRepository:
    def __init__(self, session: Session, uow: SqlUnitOfWork) -> None:
        self.s = session
        self.uow = uow
        self.cipher = uow.cipher
        self.postgres = uow.is_postgres

    # -- the outbox ------------------------------------------------------------------------
    def pending_events(self, limit: int) -> list[OutboxEvent]:
        q = (select(outbox.c.id, outbox.c.topic, outbox.c.payload, outbox.c.created_at)
             .where(outbox.c.delivered_at.is_(None)).order_by(outbox.c.id).limit(limit))
        if self.postgres:
            q = q.with_for_update(skip_locked=True)
        return [OutboxEvent(id=r.id, topic=r.topic, payload=dict(r.payload or {}),
                            created_at=aware(r.created_at) or r.created_at, delivered_at=None)
                for r in self.s.execute(q)]

    def mark_relayed(self, event_ids: Sequence[int], at: datetime) -> None:
        for i in range(0, len(event_ids), _CHUNK):
            self.s.execute(update(outbox).where(outbox.c.id.in_(event_ids[i:i + _CHUNK]))
                           .values(delivered_at=at))

    # -- recipients ------------------------------------------------------------------------
    def recipients(self, customer_ids: Sequence[str], line_ids: Sequence[str]
                   ) -> tuple[dict[str, Recipient], dict[str, Recipient]]:
        c, ln = customers.c, credit_lines.c
        cols = (c.id, c.name, c.language, c.time_zone, c.email_enc.is_not(None).label("e"),
                c.phone_enc.is_not(None).label("p"))
        by_customer: dict[str, Recipient] = {}
        by_line: dict[str, Recipient] = {}
        for i in range(0, len(customer_ids), _CHUNK):
            for r in self.s.execute(select(*cols).where(c.id.in_(customer_ids[i:i + _CHUNK]))):
                by_customer[r.id] = Recipient(r.id, r.name, r.language, r.time_zone,
                                              bool(r.e), bool(r.p))
        for i in range(0, len(line_ids), _CHUNK):
            q = (select(*cols, ln.id.label("line_id"), ln.kind)
                 .join(credit_lines, ln.customer_id == c.id)
                 .where(ln.id.in_(line_ids[i:i + _CHUNK])))
            for r in self.s.execute(q):
                by_line[r.line_id] = Recipient(r.id, r.name, r.language, r.time_zone,
                                               bool(r.e), bool(r.p), r.line_id, r.kind)
        return by_customer, by_line

    def addresses(self, customer_ids: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
        c = customers.c
        out: dict[str, tuple[str | None, str | None]] = {}
        for i in range(0, len(customer_ids), _CHUNK):
            q = select(c.id, c.email_enc, c.phone_enc).where(c.id.in_(customer_ids[i:i + _CHUNK]))
            out.update({r.id: (self._dec(r.email_enc), self._dec(r.phone_enc))
                        for r in self.s.execute(q)})
        return out

    def reminder_recipients(self, line_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        out: dict[str, tuple[str, str]] = {}
        for i in range(0, len(line_ids), _CHUNK):
            q = (select(credit_lines.c.id, credit_lines.c.customer_id, customers.c.time_zone)
                 .join(customers, customers.c.id == credit_lines.c.customer_id)
                 .where(credit_lines.c.id.in_(line_ids[i:i + _CHUNK])))
            out.update({r.id: (r.customer_id, r.time_zone) for r in self.s.execute(q)})
        return out

    # -- messages --------------------------------------------------------------------------
    def add(self, messages: Sequence[Message]) -> list[Message]:
        if not messages:
            return []
        ids = [m.id for m in messages]
        seen: set[str] = set()
        for i in range(0, len(ids), _CHUNK):
            seen.update(self.s.execute(select(t.c.id).where(t.c.id.in_(ids[i:i + _CHUNK])))
                        .scalars())
        rows, fresh, new = [], set(), []
        for m in messages:
            if m.id in seen or m.id in fresh:
                continue
            fresh.add(m.id)
            new.append(m)
            rows.append({
                "id": m.id, "event_key": m.event_key, "outbox_id": m.outbox_id,
                "topic": m.topic, "template": m.template, "customer_id": m.customer_id,
                "channel": m.channel, "language": m.language, "subject": m.subject,
                "body": m.body, "status": m.status,
                "attempts": m.attempts, "due_at": m.due_at, "deliver_after": m.deliver_after,
                "lease_until": None, "last_error": m.last_error, "created_at": m.created_at,
                "sent_at": m.sent_at, "contact_id": m.contact_id})
        if rows:
            ins = pg_insert(t) if self.postgres else sqlite_insert(t)
            self.s.execute(ins.on_conflict_do_nothing(index_elements=["id"]), rows)
        return new

    def _due(self, now: datetime, channels: Sequence[str]) -> ColumnElement[bool]:
        return and_(t.c.channel.in_(list(channels)),
                    or_(and_(t.c.status == PENDING, t.c.due_at <= now),
                        and_(t.c.status == SENDING, t.c.lease_until <= now)))

    def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                  channels: Sequence[str]) -> list[Message]:
        q = (select(t).where(self._due(now, channels))
             .order_by(t.c.due_at, t.c.outbox_id, t.c.id).limit(limit))
        if self.postgres:
            q = q.with_for_update(skip_locked=True)
        rows = list(self.s.execute(q))
        if not rows:
            return []
        ids = [r.id for r in rows]
        for i in range(0, len(ids), _CHUNK):
            self.s.execute(update(t).where(t.c.id.in_(ids[i:i + _CHUNK]),
                                           self._due(now, channels))
                           .values(status=SENDING, lease_until=lease_until))
        return [self._message(r) for r in rows]

    def mark_sent(self, message_ids: Sequence[str], at: datetime) -> None:
        for i in range(0, len(message_ids), _CHUNK):
            self.s.execute(update(t).where(t.c.id.in_(message_ids[i:i + _CHUNK]),
                                           t.c.status == SENDING)
                           .values(status=SENT, sent_at=at, attempts=t.c.attempts + 1,
                                   lease_until=None, last_error=None))

    def mark_failed_attempt(self, message_id: str, status: str, attempts: int,
                            due_at: datetime, error: str) -> None:
        self.s.execute(update(t).where(t.c.id == message_id, t.c.status == SENDING)
                       .values(status=status, attempts=attempts, due_at=due_at,
                               lease_until=None, last_error=error))

    def hold(self, held: Sequence[tuple[str, datetime, str]]) -> None:
        for message_id, due_at, why in held:
            self.s.execute(update(t).where(t.c.id == message_id, t.c.status == SENDING)
                           .values(status=PENDING, due_at=due_at, lease_until=None,
                                   last_error=why[:500]))

    def requeue(self, message_id: str, due_at: datetime) -> bool:
        res = self.s.execute(update(t).where(t.c.id == message_id, t.c.status == FAILED,
                                             t.c.subject != "")
                             .values(status=PENDING, attempts=0, due_at=due_at))
        return bool(getattr(res, "rowcount", 0))

    def get(self, message_id: str) -> Message | None:
        row = self.s.execute(select(t).where(t.c.id == message_id)).first()
        return None if row is None else self._message(row)

    def page(self, query: MessageQuery, req: PageRequest) -> Page[Message]:
        where: list[ColumnElement[bool]] = []
        if query.customer_id is not None:
            where.append(t.c.customer_id == query.customer_id)
        if query.channel is not None:
            where.append(t.c.channel == query.channel)
        if query.status is not None:
            where.append(t.c.status == query.status)
        if query.topic is not None:
            where.append(t.c.topic == query.topic)
        return browse.page(self.s, select(t), t.c.created_at, t.c.id, req,
                           lambda rows: [self._message(r) for r in rows],
                           postgres=self.postgres, where=where)

    def counts(self) -> Counts:
        q = (select(t.c.topic, t.c.channel, t.c.status, func.count())
             .group_by(t.c.topic, t.c.channel, t.c.status))
        return Counts({(r[0], r[1], r[2]): int(r[3]) for r in self.s.execute(q)})

    def sent_early(self) -> int:
        q = select(func.count()).select_from(t).where(
            t.c.sent_at.is_not(None), t.c.deliver_after.is_not(None),
            t.c.sent_at < t.c.deliver_after)
        return int(self.s.execute(q).scalar() or 0)

    def next_due(self, channels: Sequence[str]) -> datetime | None:
        q = select(func.min(t.c.due_at)).where(t.c.status == PENDING,
                                               t.c.channel.in_(list(channels)))
        return aware(self.s.execute(q).scalar())

    # -- helpers ---------------------------------------------------------------------------
    def _dec(self, value: str | None) -> str | None:
        return None if value is None else self.cipher.decrypt(value)

    def _message(self, r: Any) -> Message:
        due, created = aware(r.due_at), aware(r.created_at)
        assert due is not None and created is not None
        return Message(id=r.id, event_key=r.event_key, outbox_id=r.outbox_id, topic=r.topic,
                       template=r.template, customer_id=r.customer_id, channel=r.channel,
                       language=r.language, subject=r.subject, body=r.body, status=r.status,
                       attempts=r.attempts, due_at=due, created_at=created,
                       deliver_after=aware(r.deliver_after), last_error=r.last_error,
                       sent_at=aware(r.sent_at), contact_id=r.contact_id)
