"""The lines context: limit changes as events (``creditline.lines.limits``), appended only.
The line row itself is ``credit_lines`` (in ``tables.servicing``, where it began)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, String, Table, Text

from creditline.store.tables.base import metadata
from creditline.store.types import Money

limit_events = Table(
    "limit_events", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("old_limit", Money, nullable=False),
    Column("new_limit", Money, nullable=False),
    Column("kind", String(12), nullable=False),
    Column("source", String(20), nullable=False),
    Column("reason_codes", JSON, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("rules_version", String(40), nullable=True),
    Column("note", Text, nullable=False),
    Column("starts_on", Date, nullable=True),
    Column("ends_on", Date, nullable=True),
    Index("ix_limit_events_line_at", "line_id", "at"),
)
