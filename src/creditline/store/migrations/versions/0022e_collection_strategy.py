"""ccard: the collection strategy's decisions, one row per open case and business day (the
facts, the C-card's answer, the rules version, what was done).

Revision ID: 0022e_collection_strategy
Revises: 0021_console
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0022e_collection_strategy'
down_revision: str | Sequence[str] | None = '0021_console'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'collection_actions',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  autoincrement=True, nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('bucket', sa.SmallInteger(), nullable=False),
        sa.Column('dpd', sa.Integer(), nullable=False),
        sa.Column('owed', creditline.store.types.Money(), nullable=False),
        sa.Column('balance', creditline.store.types.Money(), nullable=False),
        sa.Column('b_pd', sa.Float(), nullable=True),
        sa.Column('months_on_book', sa.Integer(), nullable=False),
        sa.Column('past_cures', sa.Integer(), nullable=False),
        sa.Column('contactable', sa.Boolean(), nullable=False),
        sa.Column('escalation', sa.SmallInteger(), nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.Column('days_since_message', sa.Integer(), nullable=False),
        sa.Column('days_since_call', sa.Integer(), nullable=False),
        sa.Column('c_pd', sa.Float(), nullable=True),
        sa.Column('model', sa.String(length=80), nullable=True),
        sa.Column('band', sa.String(length=2), nullable=False),
        sa.Column('action', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('rules_version', sa.String(length=60), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('contact_id', sa.String(length=36), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_collection_actions')),
        sa.UniqueConstraint('case_id', 'business_date', name='uq_collection_actions_case_day'),
    )
    with op.batch_alter_table('collection_actions', schema=None) as batch_op:
        batch_op.create_index('ix_collection_actions_day_action',
                              ['business_date', 'action'], unique=False)
        batch_op.create_index('ix_collection_actions_line', ['line_id', 'business_date'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('collection_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_collection_actions_line')
        batch_op.drop_index('ix_collection_actions_day_action')
    op.drop_table('collection_actions')
