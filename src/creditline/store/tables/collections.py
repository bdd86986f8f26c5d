"""The collections context: cases, their bucket history, promises to pay, the contact log
(append-only, kept at least five years), agencies, placements and legal referrals."""

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

collection_cases = Table(
    "collection_cases", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("status", String(20), nullable=False),
    Column("bucket", SmallInteger, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("updated_on", Date, nullable=False),
    Column("closed_on", Date, nullable=True),
    Column("past_due", Money, nullable=False),
    Column("balance", Money, nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("profile", String(8), nullable=False),
    Column("zone", String(60), nullable=False),
    Column("hours_agreed", Boolean, nullable=False),
    Column("assigned_to", String(100), nullable=True),
    Column("escalation", SmallInteger, nullable=False),
    Column("hold_kind", String(12), nullable=True),
    Column("hold_from", Date, nullable=True),
    Column("hold_until", Date, nullable=True),
    Column("hold_reason", Text, nullable=True),
    Column("disputed", Money, nullable=False),
    Column("dispute_reason", Text, nullable=True),
    Column("agency_id", String(36), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_collection_cases_line", "line_id", "status"),
    Index("ix_collection_cases_assigned", "assigned_to", "status"),
)

bucket_history = Table(
    "bucket_history", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("case_id", String(36), ForeignKey("collection_cases.id"), nullable=False),
    Column("line_id", String(36), nullable=False),
    Column("bucket", String(12), nullable=False),
    Column("entered_on", Date, nullable=False),
    Column("entered_past_due", Money, nullable=False),
    Column("entered_balance", Money, nullable=False),
    Column("left_on", Date, nullable=True),
    Column("left_past_due", Money, nullable=True),
    Column("left_balance", Money, nullable=True),
    Column("left_to", String(12), nullable=True),
    Index("ix_bucket_history_case", "case_id", "seq"),
    Index("ix_bucket_history_line", "line_id", "entered_on"),
)

promises = Table(
    "promises", metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(36), ForeignKey("collection_cases.id"), nullable=False),
    Column("line_id", String(36), nullable=False),
    Column("amount", Money, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("made_on", Date, nullable=False),
    Column("made_by", String(100), nullable=False),
    Column("status", String(12), nullable=False),
    Column("settled_on", Date, nullable=True),
    Column("paid", Money, nullable=True),
    Index("ix_promises_line_status", "line_id", "status"),
    Index("ix_promises_case", "case_id"),
)

contact_log = Table(
    "contact_log", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("case_id", String(36), nullable=False),
    Column("line_id", String(36), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("channel", String(12), nullable=False),
    Column("party", String(20), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("agency_id", String(36), nullable=True),
    Column("outcome", String(20), nullable=True),
    Column("allowed", Boolean, nullable=False),
    Column("rule", String(60), nullable=True),
    Column("allowed_again_at", DateTime(timezone=True), nullable=True),
    Column("profile", String(8), nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("local_time", String(40), nullable=False),
    Column("zone", String(60), nullable=False),
    Column("hours_agreed", Boolean, nullable=False),
    Column("note", Text, nullable=False),
    # the emergency contact approached (party emergency_contact; migration 0022f_contacts)
    Column("contact_id", String(36), nullable=True),
    Index("ix_contact_log_customer_at", "customer_id", "at"),
    Index("ix_contact_log_case", "case_id", "at"),
    Index("ix_contact_log_agency", "agency_id"),
)

agencies = Table(
    "agencies", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("commission_rate", Rate, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
)

placements = Table(
    "placements", metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(36), ForeignKey("collection_cases.id"), nullable=False),
    Column("agency_id", String(36), ForeignKey("agencies.id"), nullable=False),
    Column("line_id", String(36), nullable=False),
    Column("placed_on", Date, nullable=False),
    Column("placed_by", String(100), nullable=False),
    Column("recalled_on", Date, nullable=True),
    Column("recalled_by", String(100), nullable=True),
    Column("recall_reason", Text, nullable=True),
    Index("ix_placements_case", "case_id"),
    Index("ix_placements_agency", "agency_id"),
)

legal_referrals = Table(
    "legal_referrals", metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", String(36), ForeignKey("collection_cases.id"), nullable=False,
           unique=True),
    Column("referred_on", Date, nullable=False),
    Column("referred_by", String(100), nullable=False),
    Column("package", JSON, nullable=False),
    Column("sha256", String(64), nullable=False),
)
