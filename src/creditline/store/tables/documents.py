"""Documents: the metadata of uploaded files (the bytes live in the file store, found by
their SHA-256; never in the database)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, String, Table

from creditline.store.tables.base import metadata

documents = Table(
    "documents", metadata,
    Column("id", String(36), primary_key=True),
    Column("owner_kind", String(30), nullable=False),
    Column("owner_id", String(64), nullable=False),
    Column("purpose", String(40), nullable=False),
    Column("media_type", String(40), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("uploaded_by", String(100), nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Index("ix_documents_owner", "owner_kind", "owner_id", "uploaded_at"),
    Index("ix_documents_sha256", "sha256"),
)
