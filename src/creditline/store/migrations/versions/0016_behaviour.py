"""behaviour: B-card features and scores per line and day, line strategy settings, strategy
decisions (issue 13)

Revision ID: 0016_behaviour
Revises: 0007_lines
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0016_behaviour'
down_revision: str | Sequence[str] | None = '0007_lines'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the feature columns as they were at this revision (a later feature is a later migration)
_WHOLE = ("max_dpd_3m", "max_dpd_6m", "max_dpd_12m", "months_on_book", "purchases_30d",
          "category_count_90d", "clean_cycles")
_FEATURES = ("utilisation", "utilisation_trend", "payment_ratio", "max_dpd_3m", "max_dpd_6m",
             "max_dpd_12m", "months_on_book", "purchases_30d", "purchase_velocity",
             "return_frequency", "installment_share", "category_count_90d",
             "top_category_share", "clean_cycles")


def upgrade() -> None:
    op.create_table('behaviour_scores',
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('dpd', sa.Integer(), nullable=False),
    *(sa.Column(n, sa.Integer() if n in _WHOLE else sa.Float(), nullable=False)
      for n in _FEATURES),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('pd', sa.Float(), nullable=True),
    sa.Column('model', sa.String(length=60), nullable=True),
    sa.PrimaryKeyConstraint('line_id', 'business_date', name='pk_behaviour_scores')
    )
    op.create_index('ix_behaviour_scores_date', 'behaviour_scores', ['business_date'])
    op.create_table('line_strategy',
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('auto_increase_opt_out', sa.Boolean(), nullable=False),
    sa.Column('opt_out_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('opt_out_changed_by', sa.String(length=100), nullable=True),
    sa.Column('frozen_by_strategy', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_line_strategy_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('line_id', name=op.f('pk_line_strategy'))
    )
    op.create_table('strategy_decisions',
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('old_limit', creditline.store.types.Money(), nullable=False),
    sa.Column('new_limit', creditline.store.types.Money(), nullable=False),
    sa.Column('reason_codes', sa.JSON(), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('band', sa.String(length=4), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('line_id', 'business_date', name='pk_strategy_decisions')
    )
    op.create_index('ix_strategy_decisions_date', 'strategy_decisions', ['business_date'])


def downgrade() -> None:
    op.drop_index('ix_strategy_decisions_date', table_name='strategy_decisions')
    op.drop_table('strategy_decisions')
    op.drop_table('line_strategy')
    op.drop_index('ix_behaviour_scores_date', table_name='behaviour_scores')
    op.drop_table('behaviour_scores')
