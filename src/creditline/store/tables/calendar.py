"""The business calendar: one row holding the book's current business date."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String, Table

from creditline.store.tables.base import metadata

business_calendar = Table(
    "business_calendar", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("business_date", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("updated_by", String(100), nullable=False),
)
