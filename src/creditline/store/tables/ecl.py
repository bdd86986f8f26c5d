"""IFRS 9 expected credit loss (issue 17): one row per ECL run (``ecl_runs``: the date
measured, the labels of the staging table and the parameters, the PD matrix and LGD used, the
provision entry posted) and one per line measured (``ecl_results``: stage, triggers, PD, LGD,
EAD and ECL), which the movement table between two runs and the API read."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
)

from creditline.store.tables.base import metadata
from creditline.store.types import Money

ecl_runs = Table(
    "ecl_runs", metadata,
    Column("id", String(32), primary_key=True),
    Column("as_of", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("source", String(12), nullable=False),  # provisions (end of day) | manual
    Column("staging_rules", String(40), nullable=False),
    Column("parameters", String(40), nullable=False),
    Column("lines", Integer, nullable=False),
    Column("ead", Money, nullable=False),
    Column("ecl", Money, nullable=False),
    Column("model", JSON, nullable=False),  # matrix, LGD per product, scenarios
    Column("journal_entry", String(32), nullable=True),  # the provision entry, if posted
    Index("ix_ecl_runs_as_of", "as_of"),
)

# narrow rows keyed by (run, line); no foreign key to the line: written in bulk (COPY)
ecl_results = Table(
    "ecl_results", metadata,
    Column("run_id", String(32), ForeignKey("ecl_runs.id"), nullable=False),
    Column("line_id", String(36), nullable=False),
    Column("product", String(40), nullable=False),
    Column("kind", String(12), nullable=False),
    Column("industry", String(1), nullable=True),
    Column("region", String(60), nullable=True),
    Column("stage", SmallInteger, nullable=False),
    Column("triggers", String(120), nullable=False),
    Column("dpd", Integer, nullable=False),
    Column("score_drop", Integer, nullable=False),
    Column("pd_12m", Float, nullable=False),
    Column("pd_lifetime", Float, nullable=False),
    Column("lgd", Float, nullable=False),
    Column("ccf", Float, nullable=False),
    Column("drawn", BigInteger, nullable=False),  # cents
    Column("undrawn", BigInteger, nullable=False),  # cents
    Column("ead", BigInteger, nullable=False),  # cents
    Column("ecl", BigInteger, nullable=False),  # cents
    Column("el_12m", BigInteger, nullable=False),  # cents: 12-month expected loss, any stage
    PrimaryKeyConstraint("run_id", "line_id", name="pk_ecl_results"),
)
