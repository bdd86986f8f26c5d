"""triggers: held purchases, triggers fired, the held amount on a line (issue 13)

Revision ID: 0017_triggers
Revises: 0011_guardrails
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0017_triggers'
down_revision: str | Sequence[str] | None = '0011_guardrails'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('credit_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', creditline.store.types.Money(), nullable=False,
                                      server_default='0'))
    op.create_table('held_purchases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('amount', creditline.store.types.Money(), nullable=False),
    sa.Column('merchant', sa.String(length=200), nullable=False),
    sa.Column('merchant_category', sa.String(length=60), nullable=False),
    sa.Column('periods', sa.SmallInteger(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=True),
    sa.Column('fee_rate', creditline.store.types.Rate(), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('triggers', sa.JSON(), nullable=False),
    sa.Column('reason_en', sa.Text(), nullable=False),
    sa.Column('reason_zh', sa.Text(), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_held_purchases_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_purchases'))
    )
    with op.batch_alter_table('held_purchases', schema=None) as batch_op:
        batch_op.create_index('ix_held_purchases_line', ['line_id'], unique=False)
        batch_op.create_index('ix_held_purchases_status', ['status', 'created_at'], unique=False)
    op.create_table('trigger_events',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('event', sa.String(length=12), nullable=False),
    sa.Column('ref_id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('reason_en', sa.Text(), nullable=False),
    sa.Column('reason_zh', sa.Text(), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_trigger_events_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_trigger_events'))
    )
    with op.batch_alter_table('trigger_events', schema=None) as batch_op:
        batch_op.create_index('ix_trigger_events_code', ['code', 'seq'], unique=False)
        batch_op.create_index('ix_trigger_events_line', ['line_id', 'seq'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('trigger_events', schema=None) as batch_op:
        batch_op.drop_index('ix_trigger_events_line')
        batch_op.drop_index('ix_trigger_events_code')
    op.drop_table('trigger_events')
    with op.batch_alter_table('held_purchases', schema=None) as batch_op:
        batch_op.drop_index('ix_held_purchases_status')
        batch_op.drop_index('ix_held_purchases_line')
    op.drop_table('held_purchases')
    with op.batch_alter_table('credit_lines', schema=None) as batch_op:
        batch_op.drop_column('held')
