"""limit strategy: each line's facts on its statement days and moves, for replays

Revision ID: 0022h_strategy_snapshots
Revises: 0016_behaviour
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0022h_strategy_snapshots'
down_revision: str | Sequence[str] | None = '0016_behaviour'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'strategy_snapshots',
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('facts', sa.JSON(), nullable=False),
        sa.Column('action', sa.String(length=12), nullable=False),
        sa.Column('new_limit', creditline.store.types.Money(), nullable=False),
        sa.Column('rules_version', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('line_id', 'business_date', name='pk_strategy_snapshots'),
    )
    op.create_index('ix_strategy_snapshots_date', 'strategy_snapshots', ['business_date'])


def downgrade() -> None:
    op.drop_index('ix_strategy_snapshots_date', table_name='strategy_snapshots')
    op.drop_table('strategy_snapshots')
