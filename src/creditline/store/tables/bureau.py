"""Bureau reporting (migration ``0022_bureau``): one run per reported month with its files
(encrypted: they carry identity numbers) and checksums; the records reported, append-only
(the history of what was reported when; the database refuses UPDATE and DELETE on runs and
records); the notices of negative reporting; disputes and corrections."""

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
    SmallInteger,
    String,
    Table,
    Text,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money

bureau_runs = Table(
    "bureau_runs", metadata,
    Column("id", String(36), primary_key=True),
    Column("month", String(7), nullable=False, unique=True),
    Column("format", String(60), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("json_sha256", String(64), nullable=False),
    Column("counts", JSON, nullable=False),
    Column("held", JSON, nullable=False),
    Column("expired", JSON, nullable=False),
    Column("text_enc", Text, nullable=False),
    Column("json_enc", Text, nullable=False),
)

bureau_records = Table(
    "bureau_records", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("run_id", String(36), nullable=False),
    Column("record_type", String(1), nullable=False),  # A | U
    Column("month", String(7), nullable=False),  # the month the record describes
    Column("line_id", String(36), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("account_type", String(4), nullable=False),
    Column("subject_type", String(1), nullable=False),
    Column("opened_on", String(10), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("credit_limit", Money, nullable=False),
    Column("balance", Money, nullable=False),
    Column("past_due", Money, nullable=False),
    Column("days_past_due", Integer, nullable=False),
    Column("account_status", String(2), nullable=False),
    Column("month_status", String(1), nullable=False),
    Column("history", String(60), nullable=False),
    Column("negative", Boolean, nullable=False),
    Column("disputed", Boolean, nullable=False),
    Column("correction_id", String(36), nullable=True),
    Index("ix_bureau_records_line", "line_id", "seq"),
    Index("ix_bureau_records_run", "run_id"),
)

bureau_notices = Table(
    "bureau_notices", metadata,
    Column("line_id", String(36), primary_key=True),
    Column("customer_id", String(36), nullable=False),
    Column("month", String(7), nullable=False),  # the run that found the first negative
    Column("event_key", String(120), nullable=False, unique=True),  # notify's dedupe key
    Column("sent_on", Date, nullable=False),
)

bureau_disputes = Table(
    "bureau_disputes", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), nullable=False),
    Column("month", String(7), nullable=False),
    Column("reason", Text, nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("raised_by", String(100), nullable=False),
    Column("status", String(10), nullable=False),
    Column("resolved_on", Date, nullable=True),
    Column("resolved_by", String(100), nullable=True),
    Column("resolution", Text, nullable=True),
    Column("version", SmallInteger, nullable=False),
    Index("ix_bureau_disputes_line", "line_id", "status"),
    Index("ix_bureau_disputes_status", "status"),
)

bureau_corrections = Table(
    "bureau_corrections", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), nullable=False),
    Column("month", String(7), nullable=False),
    Column("status", String(1), nullable=False),
    Column("reason", Text, nullable=False),
    Column("made_on", Date, nullable=False),
    Column("made_by", String(100), nullable=False),
    Column("dispute_id", String(36), nullable=True),
    Column("reported_in", String(36), nullable=True),
    Index("ix_bureau_corrections_line", "line_id"),
    Index("ix_bureau_corrections_pending", "reported_in"),
)
