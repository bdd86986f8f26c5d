"""sectors: the sector early warning's flags and sector cuts (issue 13)

Revision ID: 0017b_sectors
Revises: 0017_triggers
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0017b_sectors'
down_revision: str | Sequence[str] | None = '0017_triggers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sector_flags',
    sa.Column('industry', sa.String(length=1), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('flagged_on', sa.Date(), nullable=True),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('dpd30', sa.Integer(), nullable=False),
    sa.Column('defaults', sa.Integer(), nullable=False),
    sa.Column('dpd30_rate', creditline.store.types.Rate(), nullable=False),
    sa.Column('default_rate', creditline.store.types.Rate(), nullable=False),
    sa.Column('why', sa.JSON(), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('industry', name=op.f('pk_sector_flags'))
    )
    op.create_table('sector_actions',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('industry', sa.String(length=1), nullable=False),
    sa.Column('percent', creditline.store.types.Rate(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reversed_by', sa.String(length=100), nullable=True),
    sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector_actions'))
    )
    with op.batch_alter_table('sector_actions', schema=None) as batch_op:
        batch_op.create_index('ix_sector_actions_created', ['created_at', 'id'], unique=False)
    op.create_table('sector_action_lines',
    sa.Column('action_id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('old_limit', creditline.store.types.Money(), nullable=False),
    sa.Column('new_limit', creditline.store.types.Money(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['sector_actions.id'],
                            name=op.f('fk_sector_action_lines_action_id_sector_actions')),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_sector_action_lines_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('action_id', 'line_id', name=op.f('pk_sector_action_lines'))
    )


def downgrade() -> None:
    op.drop_table('sector_action_lines')
    with op.batch_alter_table('sector_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_sector_actions_created')
    op.drop_table('sector_actions')
    op.drop_table('sector_flags')
