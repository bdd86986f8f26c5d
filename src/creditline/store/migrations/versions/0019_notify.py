"""notify: messages per channel (notify_messages); the customer's language and time zone

Revision ID: 0019_notify
Revises: 0001_foundation
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019_notify'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('notify_messages',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('event_key', sa.String(length=200), nullable=False),
    sa.Column('outbox_id', sa.BigInteger(), nullable=True),
    sa.Column('topic', sa.String(length=80), nullable=False),
    sa.Column('template', sa.String(length=80), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deliver_after', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_messages'))
    )
    with op.batch_alter_table('notify_messages', schema=None) as batch_op:
        batch_op.create_index('ix_notify_messages_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_notify_messages_customer',
                              ['customer_id', 'channel', 'created_at'], unique=False)
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=False,
                                      server_default='zh'))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=40), nullable=False,
                                      server_default='Asia/Shanghai'))


def downgrade() -> None:
    with op.batch_alter_table('customers', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
        batch_op.drop_column('language')
    with op.batch_alter_table('notify_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_notify_messages_customer')
        batch_op.drop_index('ix_notify_messages_status_due')
    op.drop_table('notify_messages')
