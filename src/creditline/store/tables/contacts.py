"""Emergency-contact verification, the contacts' own event log, and regional reliefs
(migration ``0022f_contacts``).

A verification code is never stored: only its keyed hash (the field cipher's blind index),
as is the reference a contact uses to withdraw.  ``contact_events`` is append-only (the
database refuses UPDATE and DELETE): who did what to which contact, kept when a withdrawn
contact's name and phone are erased from ``emergency_contacts``."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from creditline.store.tables.base import metadata

contact_verifications = Table(
    "contact_verifications", metadata,
    Column("id", String(36), primary_key=True),
    Column("contact_id", String(36), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("code_hash", String(64), nullable=False),
    Column("reference_hash", String(64), nullable=False, unique=True),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
    # pending -> verified | locked (too many wrong codes) | superseded (a new code was sent)
    Column("status", String(12), nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=True),
    Index("ix_contact_verifications_contact", "contact_id", "sent_at"),
)

contact_events = Table(
    "contact_events", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("contact_id", String(36), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("detail", JSON, nullable=False),
    Index("ix_contact_events_contact", "contact_id", "seq"),
    Index("ix_contact_events_customer", "customer_id", "seq"),
)

reliefs = Table(
    "reliefs", metadata,
    Column("id", String(36), primary_key=True),
    Column("regions", JSON, nullable=False),
    Column("region_keys", JSON, nullable=False),  # trimmed, case-folded: what is matched
    Column("start", Date, nullable=False),
    Column("end", Date, nullable=False),
    Column("reason", Text, nullable=False),
    Column("defer_due_dates", Boolean, nullable=False),
    Column("declared_by", String(100), nullable=False),
    Column("declared_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False),  # active | cancelled
    Column("cancelled_by", String(100), nullable=True),
    Column("cancelled_on", Date, nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_reliefs_dates", "start", "end"),
)
