"""Notify tables (migration ``0019_notify``): one row per message, per channel, that the
outbox relay made from a customer-facing event; and the customer's language and time zone.

A message's ``id`` is its dedupe key: derived from the event (``dedupe_key`` in the payload,
else the outbox row) and the channel, so fanning an event out twice yields the same ids and
the second insert does nothing; receivers get it as the SMTP ``Message-ID`` and the SMS
gateway's ``Idempotency-Key``.  The inbox is the ``inbox`` channel's sent messages."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, Integer, String, Table, Text

from creditline.store.tables.base import metadata

notify_messages = Table(
    "notify_messages", metadata,
    Column("id", String(36), primary_key=True),
    Column("event_key", String(200), nullable=False),
    Column("outbox_id", BigInteger, nullable=True),
    Column("topic", String(80), nullable=False),
    Column("template", String(80), nullable=False),
    Column("customer_id", String(36), nullable=True),
    Column("channel", String(10), nullable=False),  # inbox | email | sms
    Column("language", String(2), nullable=False),  # en | zh
    Column("subject", Text, nullable=False),
    Column("body", Text, nullable=False),
    # pending -> sending (leased) -> sent | pending (retry, back-off) | failed (gave up)
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),  # not before deliver_after
    Column("deliver_after", DateTime(timezone=True), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    # a message to one of the customer's emergency contacts (0022f_contacts), not to them
    Column("contact_id", String(36), nullable=True),
    Index("ix_notify_messages_status_due", "status", "due_at"),
    Index("ix_notify_messages_customer", "customer_id", "channel", "created_at"),
)
