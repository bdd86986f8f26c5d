"""The closure context: closure requests, negotiation cases and maker-checker plans
(migration 0018_closure).  Each aggregate is kept whole as a JSON document (its history,
findings and proposals are read and written with it), with the columns queries filter and
order on beside it."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Date, DateTime, ForeignKey, Index, Integer, String, Table, text

from creditline.store.tables.base import metadata

# a line has at most one request in these states (``closure.request.OPEN``)
OPEN_REQUEST_PER_LINE = "uq_closure_requests_open_line"
_OPEN = "status IN ('manual_review', 'awaiting_documents', 'pending_second', 'counter_offered')"

closure_requests = Table(
    "closure_requests", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("doc", JSON, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_closure_requests_status", "status", "created_at"),
    Index("ix_closure_requests_line", "line_id"),
    Index("ix_closure_requests_customer", "customer_id"),
)
Index(OPEN_REQUEST_PER_LINE, closure_requests.c.line_id, unique=True,
      sqlite_where=text(_OPEN), postgresql_where=text(_OPEN))

closure_plans = Table(
    "closure_plans", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("status", String(12), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("doc", JSON, nullable=False),
    Index("ix_closure_plans_status", "status", "proposed_at"),
    Index("ix_closure_plans_line", "line_id"),
)

negotiations = Table(
    "negotiations", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("status", String(12), nullable=False),
    Column("manager", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("doc", JSON, nullable=False),
    Index("ix_negotiations_status", "status", "created_at"),
    Index("ix_negotiations_line", "line_id"),
)
