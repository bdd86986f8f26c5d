"""batch scoring of every line with a registered card: runs and scores (issue 18)

Revision ID: 0023_batch_scores
Revises: 0022h_strategy_snapshots (behaviour_scores), 0003_scoring (models)
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023_batch_scores'
down_revision: str | Sequence[str] | None = ('0022h_strategy_snapshots', '0003_scoring')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'batch_score_runs',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('model_id', sa.String(length=36), nullable=False),
        sa.Column('model', sa.String(length=120), nullable=False),
        sa.Column('card_type', sa.String(length=1), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('engine', sa.String(length=12), nullable=False),
        sa.Column('partition_size', sa.Integer(), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('partitions', sa.Integer(), nullable=False),
        sa.Column('lines_scored', sa.BigInteger(), nullable=False),
        sa.Column('skipped', sa.JSON(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(['model_id'], ['models.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_batch_score_runs_model', 'batch_score_runs', ['model_id'])
    op.create_table(
        'batch_scores',
        sa.Column('run_id', sa.String(length=36), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('model_id', sa.String(length=36), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('feature_date', sa.Date(), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('pd', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['batch_score_runs.id']),
        sa.PrimaryKeyConstraint('run_id', 'line_id', name='pk_batch_scores'),
    )
    op.create_index('ix_batch_scores_line', 'batch_scores', ['line_id'])


def downgrade() -> None:
    op.drop_index('ix_batch_scores_line', table_name='batch_scores')
    op.drop_table('batch_scores')
    op.drop_index('ix_batch_score_runs_model', table_name='batch_score_runs')
    op.drop_table('batch_score_runs')
