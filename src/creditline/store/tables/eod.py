"""End-of-day run records: one row per run (``eod_runs``) and, per business day it closed,
one row per stage with the seconds it took and the lines it saw (``eod_stage_runs``).

A run's row is written when it starts and completed when it ends: a row without
``finished_at`` is a run still going, or one that was killed (its committed days still have
their stage rows and their audit entries)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
)

from creditline.store.tables.base import metadata

eod_runs = Table(
    "eod_runs", metadata,
    Column("id", String(36), primary_key=True),
    Column("through", Date, nullable=False),  # the business date asked for
    Column("stage", String(60), nullable=True),  # set when one stage ran alone
    Column("stages", JSON, nullable=False),  # the stage names that ran, in order
    Column("actor", String(100), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("days", Integer, nullable=False),
    Column("lines", BigInteger, nullable=False),
    Column("seconds", Float, nullable=True),  # wall time of the whole run (not money)
)

eod_stage_runs = Table(
    "eod_stage_runs", metadata,
    Column("run_id", String(36), ForeignKey("eod_runs.id"), primary_key=True),
    Column("business_date", Date, primary_key=True),
    Column("stage", String(60), primary_key=True),
    Column("position", Integer, nullable=False),  # the stage's place in the pipeline
    Column("lines", BigInteger, nullable=False),  # lines the stage computed over that day
    Column("seconds", Float, nullable=False),
)
