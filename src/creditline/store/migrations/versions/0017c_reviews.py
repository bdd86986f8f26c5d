"""reviews: periodic review cases of enterprise lines (issue 13)

Revision ID: 0017c_reviews
Revises: 0017b_sectors
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0017c_reviews'
down_revision: str | Sequence[str] | None = '0017b_sectors'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('review_cases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('industry', sa.String(length=1), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('statements', sa.JSON(), nullable=True),
    sa.Column('ratios', sa.JSON(), nullable=True),
    sa.Column('capacity', creditline.store.types.Money(), nullable=True),
    sa.Column('proposal', sa.String(length=12), nullable=True),
    sa.Column('proposed_limit', creditline.store.types.Money(), nullable=True),
    sa.Column('proposed_by', sa.String(length=100), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_review_cases_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_cases'))
    )
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.create_index('ix_review_cases_line', ['line_id', 'due_on'], unique=False)
        batch_op.create_index('ix_review_cases_status', ['status', 'due_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_review_cases_status')
        batch_op.drop_index('ix_review_cases_line')
    op.drop_table('review_cases')
