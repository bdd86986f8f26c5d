"""Origination tables: applications, review items, blacklists, special terms.

An application row keeps everything a decision used — inputs, the checks that fired, the
features scored, score and PD, the policy facts and answer, model and ruleset versions,
elapsed time — so a changed ruleset can be replayed over past applications.  Identity,
phone, device and IP are kept only as keyed hashes (blind index) for velocity and ring
look-ups."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money

applications = Table(
    "applications", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(36), ForeignKey("customers.id"), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("product", String(40), nullable=False),
    Column("channel", String(40), nullable=False),
    Column("status", String(20), nullable=False),  # approved | declined | referred
    Column("policy_decision", String(20), nullable=False),  # what the automated policy said
    Column("requested_limit", Money, nullable=True),
    Column("granted_limit", Money, nullable=False),  # proposed while referred; 0 if declined
    Column("score", Float, nullable=True),  # points, not money
    Column("pd", Float, nullable=True),  # a model probability, not an interest rate
    Column("band", String(4), nullable=True),
    Column("id_hash", String(64), nullable=True),
    Column("phone_hash", String(64), nullable=True),
    Column("device_hash", String(64), nullable=True),
    Column("ip_hash", String(64), nullable=True),
    Column("inputs", JSON, nullable=False),  # the request as given (device and IP masked)
    Column("checks", JSON, nullable=False),  # screening facts and the knock-outs that fired
    Column("features", JSON, nullable=False),  # what the A-card scored
    Column("facts", JSON, nullable=False),  # PolicyFacts.as_json(): the replay input
    Column("policy", JSON, nullable=False),  # PolicyDecision.as_json()
    Column("reasons", JSON, nullable=False),  # the ranked reasons with texts, as answered
    Column("ring", JSON, nullable=True),
    Column("model_id", String(36), nullable=True),
    Column("model_name", String(100), nullable=True),
    Column("model_version", Integer, nullable=True),
    Column("shadow", JSON, nullable=True),  # challenger score in shadow, when routed
    Column("rules_version", String(40), nullable=False),
    Column("rules_hash", String(64), nullable=False),
    Column("elapsed_ms", Float, nullable=False),
    Column("line_id", String(36), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_applications_customer_created", "customer_id", "created_at"),
    Index("ix_applications_id_hash_created", "id_hash", "created_at"),
    Index("ix_applications_phone_hash_created", "phone_hash", "created_at"),
    Index("ix_applications_device_hash_created", "device_hash", "created_at"),
    Index("ix_applications_ip_hash_created", "ip_hash", "created_at"),
    # fraudq: the home address as a ring link (0015c_application_address)
    Column("address_hash", String(64), nullable=True),
    Index("ix_applications_address_hash_created", "address_hash", "created_at"),
    Index("ix_applications_created_at", "created_at"),
)

reviews = Table(
    "reviews", metadata,
    Column("id", String(36), primary_key=True),
    Column("application_id", String(36), ForeignKey("applications.id"), nullable=False,
           unique=True),
    Column("status", String(20), nullable=False),  # pending | second_review | decided
    Column("proposed_limit", Money, nullable=False),
    Column("min_limit", Money, nullable=False),
    Column("max_limit", Money, nullable=False),
    Column("second_review_above", Money, nullable=False),
    Column("decisions", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_reviews_status_created", "status", "created_at"),
    # fraudq: the review SLA (0015_review_sla): when the review is due; the breach list
    Column("due_at", DateTime(timezone=True), nullable=True),
    Index("ix_reviews_status_due", "status", "due_at"),
)

blacklist = Table(
    "blacklist", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(20), nullable=False),  # id_number | phone | device
    Column("value_hash", String(64), nullable=False),
    Column("masked", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("removed_by", String(100), nullable=True),
    Column("removed_at", DateTime(timezone=True), nullable=True),
    Index("ix_blacklist_kind_hash", "kind", "value_hash"),
)

special_terms = Table(
    "special_terms", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(36), ForeignKey("customers.id"), nullable=False, index=True),
    Column("product", String(40), nullable=False),
    Column("limit_amount", Money, nullable=False),
    Column("terms", Text, nullable=False),
    Column("valid_until", Date, nullable=True),
    Column("status", String(20), nullable=False),
    Column("proposed_by", String(36), nullable=False),
    Column("proposed_by_name", String(100), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(36), nullable=True),
    Column("decided_by_name", String(100), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("comment", Text, nullable=True),
    Column("version", Integer, nullable=False, default=1),
)
