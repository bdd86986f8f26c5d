"""The portfolio context (issue 17): early-warning alerts, one row per alert raised by a
run of the indicators, with the business date, the evidence and the proposed action.  Rows
are only ever inserted: a later run raises its own alerts."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, Float, Index, String, Table

from creditline.store.tables.base import metadata

portfolio_alerts = Table(
    "portfolio_alerts", metadata,
    Column("id", String(36), primary_key=True),
    Column("run_id", String(36), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("indicator", String(40), nullable=False),
    Column("segment", String(60), nullable=False),
    Column("level", String(12), nullable=False),  # warn | alert
    Column("value", Float, nullable=True),  # a rate, ratio or index, not money
    Column("threshold", Float, nullable=True),
    Column("evidence", JSON, nullable=False),
    Column("proposal", JSON, nullable=True),
    Column("rules_version", String(40), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Index("ix_portfolio_alerts_date", "business_date"),
)
