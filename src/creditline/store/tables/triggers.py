"""Real-time triggers and what they act on: purchases held for a reviewer and the record of
every trigger fired (``lines.triggers``, ``servicing.triggers``; migration 0017)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money, Rate

# A purchase a trigger held: not booked (no installments, no postings) until a reviewer
# releases it (then booked as purchase ``id``) or refuses it; its amount is reserved on the
# line (``credit_lines.held``) meanwhile.
held_purchases = Table(
    "held_purchases", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("amount", Money, nullable=False),
    Column("merchant", String(200), nullable=False),
    Column("merchant_category", String(60), nullable=False),
    Column("periods", SmallInteger, nullable=False),
    Column("method", String(16), nullable=True),
    Column("fee_rate", Rate, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("status", String(12), nullable=False),
    Column("triggers", JSON, nullable=False),
    Column("reason_en", Text, nullable=False),
    Column("reason_zh", Text, nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("decision_note", Text, nullable=True),
    Index("ix_held_purchases_status", "status", "created_at"),
    Index("ix_held_purchases_line", "line_id"),
)

trigger_events = Table(
    "trigger_events", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("event", String(12), nullable=False),  # purchase or return
    Column("ref_id", String(36), nullable=False),  # the held purchase / purchase / return
    Column("code", String(60), nullable=False),
    Column("action", String(12), nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("reason_en", Text, nullable=False),
    Column("reason_zh", Text, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("outcome", JSON, nullable=False),
    Index("ix_trigger_events_line", "line_id", "seq"),
    Index("ix_trigger_events_code", "code", "seq"),
)

# The sector early warning's latest answer per industry (``lines.sectors``; migration
# 0017b): rewritten by each watch, ``flagged_on`` kept while the industry stays flagged.
sector_flags = Table(
    "sector_flags", metadata,
    Column("industry", String(1), primary_key=True),
    Column("flagged", Boolean, nullable=False),
    Column("checked_on", Date, nullable=False),
    Column("flagged_on", Date, nullable=True),
    Column("lines", Integer, nullable=False),
    Column("dpd30", Integer, nullable=False),
    Column("defaults", Integer, nullable=False),
    Column("dpd30_rate", Rate, nullable=False),
    Column("default_rate", Rate, nullable=False),
    Column("why", JSON, nullable=False),
    Column("rules_version", String(40), nullable=False),
)

# One sector cut: the batch, and each line's limits before and after (to reverse it).
sector_actions = Table(
    "sector_actions", metadata,
    Column("id", String(36), primary_key=True),
    Column("industry", String(1), nullable=False),
    Column("percent", Rate, nullable=False),
    Column("reason", Text, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(12), nullable=False),
    Column("reversed_by", String(100), nullable=True),
    Column("reversed_at", DateTime(timezone=True), nullable=True),
    Index("ix_sector_actions_created", "created_at", "id"),
)

sector_action_lines = Table(
    "sector_action_lines", metadata,
    Column("action_id", String(36), ForeignKey("sector_actions.id"), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), primary_key=True),
    Column("customer_id", String(36), nullable=False),
    Column("old_limit", Money, nullable=False),
    Column("new_limit", Money, nullable=False),
)

# Periodic reviews of enterprise lines (``lines.reviews``; migration 0017c).
review_cases = Table(
    "review_cases", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("industry", String(1), nullable=False),
    Column("frequency", String(12), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("statements", JSON, nullable=True),
    Column("ratios", JSON, nullable=True),
    Column("capacity", Money, nullable=True),
    Column("proposal", String(12), nullable=True),
    Column("proposed_limit", Money, nullable=True),
    Column("proposed_by", String(100), nullable=True),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("decided_on", Date, nullable=True),
    Column("note", Text, nullable=True),
    Index("ix_review_cases_line", "line_id", "due_on"),
    Index("ix_review_cases_status", "status", "due_on"),
)
