"""guardrails: limit_proposals (manual limit raises waiting for a second person)

Revision ID: 0011_guardrails
Revises: 0007_lines
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0011_guardrails'
down_revision: str | Sequence[str] | None = '0007_lines'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('limit_proposals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('old_limit', creditline.store.types.Money(), nullable=False),
    sa.Column('new_limit', creditline.store.types.Money(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by', sa.String(length=100), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_limit_proposals_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_limit_proposals'))
    )
    with op.batch_alter_table('limit_proposals', schema=None) as batch_op:
        batch_op.create_index('ix_limit_proposals_line', ['line_id'], unique=False)
        batch_op.create_index('ix_limit_proposals_status', ['status', 'proposed_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('limit_proposals', schema=None) as batch_op:
        batch_op.drop_index('ix_limit_proposals_status')
        batch_op.drop_index('ix_limit_proposals_line')
    op.drop_table('limit_proposals')
