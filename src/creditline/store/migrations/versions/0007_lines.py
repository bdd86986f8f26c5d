"""lines: limit_events (limit changes as events) and temporary limits on credit_lines

Revision ID: 0007_lines
Revises: 0006_next_eod
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0007_lines'
down_revision: str | Sequence[str] | None = '0006_next_eod'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for existing lines: none has a temporary limit
    with op.batch_alter_table('credit_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('temp_limit', creditline.store.types.Money(), nullable=True))
        batch_op.add_column(sa.Column('temp_limit_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('temp_limit_end', sa.Date(), nullable=True))
    op.create_table('limit_events',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('old_limit', creditline.store.types.Money(), nullable=False),
    sa.Column('new_limit', creditline.store.types.Money(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('reason_codes', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_limit_events_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_limit_events'))
    )
    with op.batch_alter_table('limit_events', schema=None) as batch_op:
        batch_op.create_index('ix_limit_events_line_seq', ['line_id', 'seq'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('limit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_limit_events_line_seq')
    op.drop_table('limit_events')
    with op.batch_alter_table('credit_lines', schema=None) as batch_op:
        batch_op.drop_column('temp_limit_end')
        batch_op.drop_column('temp_limit_start')
        batch_op.drop_column('temp_limit')
