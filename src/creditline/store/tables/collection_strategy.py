"""The collection strategy's decisions (ccard): one row per open case and business day, with
the facts the tables and the C-card read, the C-card's answer, the rules version and what
was done (migration ``0022e_collection_strategy``)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money

collection_actions = Table(
    "collection_actions", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
           autoincrement=True),
    Column("case_id", String(36), nullable=False),
    Column("line_id", String(36), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("business_date", Date, nullable=False),
    # the facts at the decision (the C-card's features and the tables' inputs)
    Column("bucket", SmallInteger, nullable=False),
    Column("dpd", Integer, nullable=False),
    Column("owed", Money, nullable=False),
    Column("balance", Money, nullable=False),
    Column("b_pd", Float, nullable=True),
    Column("months_on_book", Integer, nullable=False),
    Column("past_cures", Integer, nullable=False),
    Column("contactable", Boolean, nullable=False),
    Column("escalation", SmallInteger, nullable=False),
    Column("contacts", Integer, nullable=False),
    Column("days_since_message", Integer, nullable=False),
    Column("days_since_call", Integer, nullable=False),
    # the decision
    Column("c_pd", Float, nullable=True),
    Column("model", String(80), nullable=True),
    Column("band", String(2), nullable=False),
    Column("action", String(10), nullable=False),
    Column("reason", String(40), nullable=False),
    Column("rules_version", String(60), nullable=False),
    # what was done: sent / refused / queued / placed / referred / no_agency / recorded
    Column("outcome", String(20), nullable=False),
    Column("contact_id", String(36), nullable=True),
    Column("note", Text, nullable=False),
    UniqueConstraint("case_id", "business_date", name="uq_collection_actions_case_day"),
    Index("ix_collection_actions_day_action", "business_date", "action"),
    Index("ix_collection_actions_line", "line_id", "business_date"),
)
