"""closure: closure_requests, closure_plans, negotiations; the restructured flag on
credit_lines and purchases

Revision ID: 0018_closure
Revises: 0007_lines
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018_closure'
down_revision: str | Sequence[str] | None = '0007_lines'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = "status IN ('manual_review', 'awaiting_documents', 'pending_second', 'counter_offered')"


def upgrade() -> None:
    op.create_table('closure_requests',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('doc', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_closure_requests_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_requests'))
    )
    with op.batch_alter_table('closure_requests', schema=None) as batch_op:
        batch_op.create_index('ix_closure_requests_status', ['status', 'created_at'])
        batch_op.create_index('ix_closure_requests_line', ['line_id'])
        batch_op.create_index('ix_closure_requests_customer', ['customer_id'])
        batch_op.create_index('uq_closure_requests_open_line', ['line_id'], unique=True,
                              sqlite_where=sa.text(_OPEN), postgresql_where=sa.text(_OPEN))
    op.create_table('closure_plans',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('doc', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_closure_plans_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_plans'))
    )
    with op.batch_alter_table('closure_plans', schema=None) as batch_op:
        batch_op.create_index('ix_closure_plans_status', ['status', 'proposed_at'])
        batch_op.create_index('ix_closure_plans_line', ['line_id'])
    op.create_table('negotiations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('manager', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('doc', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_negotiations_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_negotiations'))
    )
    with op.batch_alter_table('negotiations', schema=None) as batch_op:
        batch_op.create_index('ix_negotiations_status', ['status', 'created_at'])
        batch_op.create_index('ix_negotiations_line', ['line_id'])
    for table in ('credit_lines', 'purchases'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('restructured', sa.Boolean(), nullable=False,
                                          server_default=sa.text('false')))


def downgrade() -> None:
    for table in ('purchases', 'credit_lines'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('restructured')
    op.drop_table('negotiations')
    op.drop_table('closure_plans')
    op.drop_table('closure_requests')
