"""portfolio: early-warning alerts (issue 17)

Revision ID: 0022c_portfolio
Revises: 0021_console
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022c_portfolio'
down_revision: str | Sequence[str] | None = '0021_console'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'portfolio_alerts',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('run_id', sa.String(length=36), nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('indicator', sa.String(length=40), nullable=False),
        sa.Column('segment', sa.String(length=60), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('threshold', sa.Float(), nullable=True),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('proposal', sa.JSON(), nullable=True),
        sa.Column('rules_version', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_alerts')),
    )
    op.create_index('ix_portfolio_alerts_date', 'portfolio_alerts', ['business_date'])


def downgrade() -> None:
    op.drop_index('ix_portfolio_alerts_date', table_name='portfolio_alerts')
    op.drop_table('portfolio_alerts')
