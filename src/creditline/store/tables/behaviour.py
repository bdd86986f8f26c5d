"""Behaviour scoring and the limit strategy (issue 13): the B-card's features and score per
line and business date (``behaviour_scores``: the history a model monitor reads), each
line's strategy settings (``line_strategy``: the customer's opt-out of automatic increases,
whether the strategy froze the line) and every decision the strategy took other than "no
change" (``strategy_decisions``: what the demo counts), and, for each line decided on its
statement day or moved, its facts as the tables saw them with the decision taken
(``strategy_snapshots``: what a replay of changed tables runs on)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
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

from creditline.lines.behaviour import FEATURES, WHOLE
from creditline.store.tables.base import metadata
from creditline.store.types import Money

# narrow rows keyed by (line, day); no foreign key: end of day writes them by COPY in bulk,
# and the line they name is locked by the same transaction
behaviour_scores = Table(
    "behaviour_scores", metadata,
    Column("line_id", String(36), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("dpd", Integer, nullable=False),
    *(Column(name, Integer if name in WHOLE else Float, nullable=False) for name in FEATURES),
    Column("score", Float, nullable=True),  # NULL: no B-card champion when it was computed
    Column("pd", Float, nullable=True),
    Column("model", String(60), nullable=True),  # "name vN" of the card that scored it
    PrimaryKeyConstraint("line_id", "business_date", name="pk_behaviour_scores"),
    Index("ix_behaviour_scores_date", "business_date"),
)

line_strategy = Table(
    "line_strategy", metadata,
    Column("line_id", String(36), ForeignKey("credit_lines.id"), primary_key=True),
    Column("auto_increase_opt_out", Boolean, nullable=False),
    Column("opt_out_changed_at", DateTime(timezone=True), nullable=True),
    Column("opt_out_changed_by", String(100), nullable=True),
    # the strategy froze it (and may reinstate it); an officer's freeze is not the strategy's
    Column("frozen_by_strategy", Boolean, nullable=False),
)

strategy_decisions = Table(
    "strategy_decisions", metadata,
    Column("line_id", String(36), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("action", String(12), nullable=False),
    Column("old_limit", Money, nullable=False),
    Column("new_limit", Money, nullable=False),
    Column("reason_codes", JSON, nullable=False),
    Column("rules_version", String(40), nullable=False),
    Column("band", String(4), nullable=True),
    Column("score", Float, nullable=True),
    PrimaryKeyConstraint("line_id", "business_date", name="pk_strategy_decisions"),
    Index("ix_strategy_decisions_date", "business_date"),
)

# a row per line decided on its statement day or moved: the facts in the shape of an
# example case (``lines.strategy.decide``), so a replay re-decides them with other tables
# exactly as the stage would have; once a cycle, not daily, to keep end of day's writes small
strategy_snapshots = Table(
    "strategy_snapshots", metadata,
    Column("line_id", String(36), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("facts", JSON, nullable=False),
    Column("action", String(12), nullable=False),
    Column("new_limit", Money, nullable=False),
    Column("rules_version", String(40), nullable=False),
    PrimaryKeyConstraint("line_id", "business_date", name="pk_strategy_snapshots"),
    Index("ix_strategy_snapshots_date", "business_date"),
)
