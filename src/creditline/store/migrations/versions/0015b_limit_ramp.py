"""limit ramp: a new customer's line grows from the product's first limit to its target

Revision ID: 0015b_limit_ramp
Revises: 0002_servicing
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from creditline.store.types import Money

revision: str = '0015b_limit_ramp'
down_revision: str | Sequence[str] | None = '0002_servicing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('limit_ramps',
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('target', Money(), nullable=False),
    sa.Column('growth', sa.String(length=12), nullable=False),
    sa.Column('last_step_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                            name=op.f('fk_limit_ramps_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('line_id', name=op.f('pk_limit_ramps'))
    )


def downgrade() -> None:
    op.drop_table('limit_ramps')
