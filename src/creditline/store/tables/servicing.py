"""Servicing tables: credit lines, purchases and their installments, repayments, returns,
statements, and the journal (entries and postings).

Money is BIGINT cents (``Money``), posting amounts signed (debit positive).  A line row
caches the sums over its installments; ``creditline ledger check`` proves the cache, the
installments and the postings agree.  Locking: every write to a line, its installments or
its postings holds that line's row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
serialises writers with ``BEGIN IMMEDIATE``)."""

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
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    text,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money, Rate

_BALANCES = ("principal_unbilled", "principal_billed", "fee", "interest_accrued",
             "interest_billed", "penalty", "credit_balance")
_CYCLE = ("stmt_opening", "cyc_purchases", "cyc_returns", "cyc_repayments", "cyc_fees",
          "cyc_interest", "cyc_penalties")

credit_lines = Table(
    "credit_lines", metadata,
    Column("id", String(36), primary_key=True),
    Column("customer_id", String(36), ForeignKey("customers.id"), nullable=False, index=True),
    Column("product", String(40), nullable=False),
    Column("product_version", String(40), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(12), nullable=False),
    Column("credit_limit", Money, nullable=False),
    Column("statement_day", SmallInteger, nullable=False),
    Column("grace_days", SmallInteger, nullable=False),
    Column("penalty_rate", Rate, nullable=False),
    Column("min_share", Rate, nullable=False),
    Column("min_floor", Money, nullable=False),
    Column("waterfall", String(80), nullable=False),
    Column("fee_refund", String(20), nullable=False),
    Column("block_when_past_due", Boolean, nullable=False),
    Column("terms", JSON, nullable=False),
    Column("opened_on", Date, nullable=False),
    # not indexed: end of day rewrites it on every line every day, and without an index on
    # it PostgreSQL can do those updates in place (HOT); reads page by id instead
    Column("last_eod", Date, nullable=False),
    # the first day end of day must look at the line again (kernel.next_visit); NULL: at
    # the next end of day (every service action clears it).  Not indexed, for the same
    # reason as last_eod.
    Column("next_eod", Date, nullable=True),
    # a temporary limit above credit_limit for the days temp_limit_start..temp_limit_end
    # (all three NULL when there is none; lines.limits, migration 0007)
    Column("temp_limit", Money, nullable=True),
    Column("temp_limit_start", Date, nullable=True),
    Column("temp_limit_end", Date, nullable=True),
    # purchases held by a real-time trigger for a reviewer (lines.triggers, migration 0017)
    Column("held", Money, nullable=False, server_default="0"),
    Column("last_statement_date", Date, nullable=True),
    *(Column(name, Money, nullable=False) for name in _BALANCES),
    Column("min_remaining", Money, nullable=False),
    Column("min_due_date", Date, nullable=True),
    Column("past_due", Money, nullable=False),
    Column("past_due_since", Date, nullable=True),
    Column("dpd", Integer, nullable=False),
    *(Column(name, Money, nullable=False) for name in _CYCLE),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("version", Integer, nullable=False),
    # draws on the line were restructured (closure; migration 0018_closure): risk reports
    # (IFRS 9 staging) read it
    Column("restructured", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint("credit_limit >= 0", name="limit_not_negative"),
    CheckConstraint("principal_unbilled >= 0 AND principal_billed >= 0 AND fee >= 0 "
                    "AND interest_accrued >= 0 AND interest_billed >= 0 AND penalty >= 0 "
                    "AND credit_balance >= 0", name="balances_not_negative"),
)
# One line per customer and product that is not closed: the service checks it first (and
# names the open line); the partial unique index is what holds under concurrent requests.
OPEN_LINE_PER_PRODUCT = "uq_credit_lines_open_product"
Index(OPEN_LINE_PER_PRODUCT, credit_lines.c.customer_id, credit_lines.c.product, unique=True,
      sqlite_where=text("status <> 'closed'"), postgresql_where=text("status <> 'closed'"))

purchases = Table(
    "purchases", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False, index=True),
    Column("amount", Money, nullable=False),
    Column("merchant", String(200), nullable=False),
    Column("merchant_category", String(60), nullable=False),
    Column("periods", SmallInteger, nullable=False),
    Column("method", String(16), nullable=False),
    Column("fee_rate", Rate, nullable=False),
    Column("interest_rate", Rate, nullable=False),
    Column("made_on", Date, nullable=False),
    Column("returned", Money, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    # the draw was given a new schedule (closure; migration 0018_closure)
    Column("restructured", Boolean, nullable=False, server_default=text("false")),
    CheckConstraint("amount > 0 AND returned >= 0 AND returned <= amount", name="amounts"),
)

installments = Table(
    "installments", metadata,
    Column("purchase_id", String(36), ForeignKey("purchases.id"), primary_key=True),
    Column("seq", SmallInteger, primary_key=True, autoincrement=False),
    Column("line_id", String(36), nullable=False),
    Column("bill_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("p_orig", Money, nullable=False),
    Column("f_orig", Money, nullable=False),
    Column("p_sched", Money, nullable=False),
    Column("f_sched", Money, nullable=False),
    Column("p_paid", Money, nullable=False),
    Column("f_paid", Money, nullable=False),
    Column("i_amt", Money, nullable=False),
    Column("i_paid", Money, nullable=False),
    Column("i_carry", BigInteger, nullable=False),
    Column("pen_amt", Money, nullable=False),
    Column("pen_paid", Money, nullable=False),
    Column("pen_carry", BigInteger, nullable=False),
    Column("billed", Boolean, nullable=False),
    Column("settled", Boolean, nullable=False),
    Index("ix_installments_line_open", "line_id", "settled"),
)

statements = Table(
    "statements", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False),
    Column("statement_date", Date, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("opening", Money, nullable=False),
    Column("purchases", Money, nullable=False),
    Column("returns", Money, nullable=False),
    Column("repayments", Money, nullable=False),
    Column("fees", Money, nullable=False),
    Column("interest", Money, nullable=False),
    Column("penalties", Money, nullable=False),
    Column("closing", Money, nullable=False),
    Column("amount_due", Money, nullable=False),
    Column("minimum_payment", Money, nullable=False),
    Column("past_due", Money, nullable=False),
    UniqueConstraint("line_id", "statement_date", name="uq_statements_line_date"),
)

repayments = Table(
    "repayments", metadata,
    Column("id", String(36), primary_key=True),
    Column("line_id", String(36), ForeignKey("credit_lines.id"), nullable=False, index=True),
    Column("amount", Money, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("allocation", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
)

goods_returns = Table(
    "goods_returns", metadata,
    Column("id", String(36), primary_key=True),
    Column("purchase_id", String(36), ForeignKey("purchases.id"), nullable=False, index=True),
    Column("line_id", String(36), nullable=False),
    Column("amount", Money, nullable=False),
    Column("business_date", Date, nullable=False),
    Column("effect", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
)

journal_entries = Table(
    "journal_entries", metadata,
    Column("id", String(32), primary_key=True),
    Column("business_date", Date, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("line_id", String(36), nullable=True, index=True),
    Column("ref", String(36), nullable=True),
    Column("memo", String(200), nullable=False),
    Column("reverses", String(32), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # PostgreSQL fills this with txid_current(): postings may only join an entry in the
    # transaction that created it (see the 0002_servicing triggers).
    Column("txid", BigInteger, nullable=True),
)

postings = Table(
    "postings", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("entry_id", String(32), ForeignKey("journal_entries.id"), nullable=False, index=True),
    # no index on line_id: a line's postings are found through its entries, and one more
    # random-key index made bulk posting a third slower
    Column("line_id", String(36), nullable=True),
    Column("account", String(40), nullable=False),
    Column("amount", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("memo", String(20), nullable=False),
    CheckConstraint("amount <> 0", name="nonzero"),
)
