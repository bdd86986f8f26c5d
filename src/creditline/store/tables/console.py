"""The console's sign-in for people: a password hash and a language per user, and the
server-side sessions behind the console's cookie (only the SHA-256 of a session id is kept,
as for bearer tokens)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, String, Table

from creditline.store.tables.base import metadata

# 0021_console: one row per user who has signed in to the console or been given a password
user_console = Table(
    "user_console", metadata,
    Column("user_id", String(36), ForeignKey("users.id"), primary_key=True),
    Column("password_hash", String(200), nullable=True),  # argon2id, PHC string
    Column("password_set_at", DateTime(timezone=True), nullable=True),
    Column("password_set_by", String(100), nullable=True),
    Column("locale", String(10), nullable=True),  # en | zh; None: the browser's choice
)

console_sessions = Table(
    "console_sessions", metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", String(36), ForeignKey("users.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True), nullable=True),
)
