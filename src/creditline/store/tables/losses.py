"""The losses context: write-offs, the loss account of each written-off or sold line, the
payments received on them (recoveries, and money owed on to a debt buyer), and debt sales
with the lines in each."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)

from creditline.store.tables.base import metadata
from creditline.store.tables.servicing import postings
from creditline.store.types import Money, Rate

write_offs = Table(
    "write_offs", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("customer_id", String(36), nullable=False),
    Column("status", String(12), nullable=False),
    Column("source", String(12), nullable=False),
    Column("reason", Text, nullable=False),
    Column("dpd", Integer, nullable=False),
    Column("threshold_dpd", Integer, nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("proposed_by", String(100), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=True),
    Column("business_date", Date, nullable=True),
    Column("principal_unbilled", Money, nullable=False),
    Column("principal_billed", Money, nullable=False),
    Column("fee", Money, nullable=False),
    Column("interest_accrued", Money, nullable=False),
    Column("interest_billed", Money, nullable=False),
    Column("penalty", Money, nullable=False),
    Column("credit_applied", Money, nullable=False),
    Column("amount", Money, nullable=False),
    Column("from_allowance", Money, nullable=False),
    Column("to_expense", Money, nullable=False),
    Column("entry_id", String(32), nullable=True),
    Column("version", Integer, nullable=False),
    Index("ix_write_offs_line", "line_id", "status"),
    Index("ix_write_offs_status", "status", "proposed_at"),
)

loss_accounts = Table(
    "loss_accounts", metadata,
    Column("line_id", String(36), ForeignKey("credit_lines.id"), primary_key=True),
    Column("customer_id", String(36), nullable=False),
    Column("status", String(12), nullable=False),
    Column("case_id", String(36), nullable=True),
    Column("write_off_id", String(36), nullable=True),
    Column("written_off", Money, nullable=False),
    Column("written_off_on", Date, nullable=True),
    Column("recovered", Money, nullable=False),
    Column("sale_id", String(36), nullable=True),
    Column("buyer", String(200), nullable=True),
    Column("sold_on", Date, nullable=True),
    Column("sold_face", Money, nullable=False),
    Column("sale_price", Money, nullable=False),
    Column("to_buyer", Money, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_loss_accounts_status", "status"),
)

loss_payments = Table(
    "loss_payments", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("amount", Money, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("entry_id", String(32), nullable=False),
    Column("buyer", String(200), nullable=True),
    Column("sale_id", String(36), nullable=True),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_loss_payments_line", "line_id", "business_date"),
    Index("ix_loss_payments_buyer", "buyer", "business_date"),
)

debt_sales = Table(
    "debt_sales", metadata,
    Column("id", String(36), primary_key=True),
    Column("buyer", String(200), nullable=False),
    Column("status", String(12), nullable=False),
    Column("method", String(20), nullable=False),
    Column("rate", Rate, nullable=False),
    Column("pool", JSON, nullable=False),
    Column("proposed_by", String(100), nullable=False),
    Column("proposed_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(100), nullable=True),
    Column("decided_at", DateTime(timezone=True), nullable=True),
    Column("note", Text, nullable=True),
    Column("business_date", Date, nullable=True),
    Column("from_allowance", Money, nullable=False),
    Column("to_expense", Money, nullable=False),
    Column("recovery_income", Money, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_debt_sales_status", "status", "proposed_at"),
)

debt_sale_lines = Table(
    "debt_sale_lines", metadata,
    Column("sale_id", String(36), ForeignKey("debt_sales.id"), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), primary_key=True),
    Column("customer_id", String(36), nullable=False),
    Column("product", String(40), nullable=False),
    Column("face", Money, nullable=False),
    Column("price", Money, nullable=False),
    Column("written_off", Boolean, nullable=False),
    Column("dpd", Integer, nullable=False),
    Column("bucket", Integer, nullable=False),
)

# The allowance's balance is read on every write-off and sale: a partial index on the few
# postings to it (the allowance, impairment, recoveries) keeps that read off a scan of the
# whole journal, at no cost to the bulk postings of end of day (other accounts skip it).
_LOSS_ACCOUNTS = "('allowance:credit_loss', 'expense:impairment', 'income:recoveries')"
Index("ix_postings_loss_accounts", postings.c.account, postings.c.amount,
      sqlite_where=text(f"account IN {_LOSS_ACCOUNTS}"),
      postgresql_where=text(f"account IN {_LOSS_ACCOUNTS}"))
