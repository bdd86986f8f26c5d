"""The model registry table: every stored scorecard / GBM version with its status.

At most one champion per model name is also a database rule (a partial unique index), so two
concurrent promotions cannot both win; rows carry ``row_version`` for optimistic locking."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from creditline.store.tables.base import metadata

models = Table(
    "models", metadata,
    Column("id", String(36), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("card_type", String(1), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(20), nullable=False),
    Column("data_fingerprint", String(64), nullable=False),
    Column("metrics", JSON, nullable=False),
    Column("model_json", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("promoted_at", DateTime(timezone=True), nullable=True),
    Column("promoted_by", String(100), nullable=True),
    Column("retired_at", DateTime(timezone=True), nullable=True),
    # a traffic fraction for shadow scoring, not money or an interest rate
    Column("shadow_share", Float, nullable=False, server_default="0"),
    Column("row_version", Integer, nullable=False, server_default="1"),
    UniqueConstraint("name", "version", name="uq_models_name_version"),
    Index("ix_models_status", "status"),
    Index("uq_models_one_champion", "name", unique=True,
          postgresql_where=text("status = 'champion'"),
          sqlite_where=text("status = 'champion'")),
)
