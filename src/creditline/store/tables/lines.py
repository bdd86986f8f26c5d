"""The lines context: limit changes as events (``creditline.lines.limits``), appended only.
The line row itself is ``credit_lines`` (in ``tables.servicing``, where it began)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money

limit_events = Table(
    "limit_events", metadata,
    # the order events were written (``at`` can tie: one clock tick, or a fixed clock)
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
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
    Index("ix_limit_events_line_seq", "line_id", "seq"),
)

# manual limit raises waiting for a second person (``lines.proposals``); decided rows stay
limit_proposals = Table(
    "limit_proposals", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("old_limit", Money, nullable=False),
    Column("new_limit", Money, nullable=False),
    Column("reason", Text, nullable=False),
    Column("proposed_by", String(100), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decision_note", Text, nullable=True),
    Index("ix_limit_proposals_status", "status", "proposed_at"),
    Index("ix_limit_proposals_line", "line_id"),
)

# fraudq: the new-customer limit ramp (lines.ramp; migration 0015b_limit_ramp): a line opened
# at the product's first limit grows toward ``target`` at each clean statement
limit_ramps = Table(
    "limit_ramps", metadata,
    Column("line_id", String(36), ForeignKey("credit_lines.id"), primary_key=True),
    Column("target", Money, nullable=False),
    Column("growth", String(12), nullable=False),  # a decimal share, e.g. "0.50"
    Column("last_step_on", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
