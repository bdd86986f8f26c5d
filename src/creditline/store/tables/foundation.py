"""Foundation tables: users, audit chain, outbox, idempotency keys, customers, contacts.

Identity numbers, phones and e-mail addresses are stored only encrypted (``*_enc``);
identity numbers and phones also keep a keyed hash (``*_hash``, HMAC-SHA256) for look-ups
and duplicate checks.  No birth date column: it is digits 7-14 of the identity number and
is derived from the decrypted number when needed."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money

users = Table(
    "users", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # 0008_tokens: when the current token was issued (expiry counts from here, per role),
    # and who revoked the user when
    Column("token_issued_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=True),
    Column("revoked_by", String(100), nullable=True),
)

# 0008_tokens: the merchants a ``service`` user sells for (it may only buy as them and sees
# only their purchases)
user_merchants = Table(
    "user_merchants", metadata,
    Column("user_id", String(36), ForeignKey("users.id"), primary_key=True),
    Column("merchant", String(200), primary_key=True),
)

# One row per audit stream (0 = the legacy unkeyed entries, 1..AUDIT_STREAMS keyed): a writer
# locks only its stream's row.  ``mac`` signs (id, seq, hash) with the audit key.
audit_head = Table(
    "audit_head", metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("mac", String(64), nullable=True),
)

audit_log = Table(
    "audit_log", metadata,
    # global order (PostgreSQL: sequence audit_log_seq; SQLite: max + 1 under its write lock)
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("stream", Integer, nullable=False),
    Column("stream_seq", BigInteger, nullable=False),
    Column("at", String(40), nullable=False),  # ISO-8601 UTC text: hashed byte for byte
    Column("actor", String(100), nullable=False),
    Column("action", String(60), nullable=False),
    Column("entity", String(60), nullable=False),
    Column("entity_id", String(64), nullable=False, index=True),
    Column("details", Text, nullable=False),  # canonical JSON, as hashed
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),  # HMAC-SHA256 (legacy stream 0: SHA-256)
    Index("ix_audit_log_stream_position", "stream", "stream_seq", unique=True),
)

outbox = Table(
    "outbox", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("topic", String(80), nullable=False, index=True),
    Column("payload", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
)

idempotency_keys = Table(
    "idempotency_keys", metadata,
    Column("scope", String(80), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("response", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

customers = Table(
    "customers", metadata,
    Column("id", String(36), primary_key=True),
    Column("kind", String(12), nullable=False),  # person | enterprise
    Column("name", String(200), nullable=False),
    Column("id_number_enc", Text, nullable=True),
    Column("id_number_hash", String(64), nullable=True, unique=True),
    Column("phone_enc", Text, nullable=True),
    Column("phone_hash", String(64), nullable=True, index=True),
    Column("uscc", String(18), nullable=True, unique=True),
    Column("email_enc", Text, nullable=True),
    Column("monthly_income", Money, nullable=True),
    Column("employment", String(40), nullable=True),
    Column("region", String(60), nullable=True),
    Column("industry", String(1), nullable=True),
    Column("registered_on", Date, nullable=True),
    Column("legal_representative", String(200), nullable=True),
    Column("attributes", JSON, nullable=False, default=dict),
    Column("consents", JSON, nullable=False, default=dict),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # notify (0019_notify): the language messages are written in (en | zh) and the local
    # zone reminders keep their hours in
    Column("language", String(2), nullable=False, default="zh", server_default="zh"),
    Column("time_zone", String(40), nullable=False, default="Asia/Shanghai",
           server_default="Asia/Shanghai"),
)

emergency_contacts = Table(
    "emergency_contacts", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(36), ForeignKey("customers.id"), nullable=False, index=True),
    Column("position", Integer, nullable=False),  # 1..3: the order to call them in
    Column("name", String(200), nullable=False),
    Column("relation", String(40), nullable=False),
    Column("phone_enc", Text, nullable=False),
    Column("phone_hash", String(64), nullable=False, index=True),
    Column("consent", String(40), nullable=False),
    Column("consented_at", DateTime(timezone=True), nullable=False),
    Column("verification", String(20), nullable=False),  # unverified | verified | failed
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("customer_id", "phone_hash", name="uq_emergency_contacts_customer_phone"),
    UniqueConstraint("customer_id", "position", name="uq_emergency_contacts_customer_position"),
    CheckConstraint("position BETWEEN 1 AND 3", name="position_1_to_3"),
)
