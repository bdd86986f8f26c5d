"""Batch scoring of every line with a registered card (issue 18): one row per run
(``batch_score_runs``: who, when, which card, which date, which engine, how many lines scored
and how many skipped, by reason) and one row per line scored (``batch_scores``).

A run's row is written when it starts and completed when it ends: a row still ``running`` is
a run going on, or one that was killed.  The scores are keyed by (run, line), so a Spark task
retried after a failure replaces its partition's rows instead of adding them twice."""

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
    String,
    Table,
)

from creditline.store.tables.base import metadata

batch_score_runs = Table(
    "batch_score_runs", metadata,
    Column("id", String(36), primary_key=True),
    Column("model_id", String(36), ForeignKey("models.id"), nullable=False),
    Column("model", String(120), nullable=False),  # "name vN", as the run saw it
    Column("card_type", String(1), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("engine", String(12), nullable=False),  # local | spark
    Column("partition_size", Integer, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True), nullable=True),
    Column("status", String(10), nullable=False),  # running | finished | failed
    Column("partitions", Integer, nullable=False),
    Column("lines_scored", BigInteger, nullable=False),
    Column("skipped", JSON, nullable=False),  # reason -> lines
    Column("seconds", Float, nullable=True),  # wall time of the run (not money)
    Index("ix_batch_score_runs_model", "model_id"),
)

# narrow rows written in bulk (COPY on PostgreSQL) by many tasks at once; the run row they
# name is committed before any task starts
batch_scores = Table(
    "batch_scores", metadata,
    Column("run_id", String(36), ForeignKey("batch_score_runs.id"), nullable=False),
    Column("line_id", String(36), nullable=False),
    Column("model_id", String(36), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("feature_date", Date, nullable=False),  # the behaviour row the features came from
    Column("score", Float, nullable=False),
    Column("pd", Float, nullable=False),
    PrimaryKeyConstraint("run_id", "line_id", name="pk_batch_scores"),
    Index("ix_batch_scores_line", "line_id"),
)
