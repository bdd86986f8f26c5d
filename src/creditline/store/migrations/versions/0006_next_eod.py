"""servicing: credit_lines.next_eod, the day end of day must look at a line again

Revision ID: 0006_next_eod
Revises: 0005_open_line_per_product
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006_next_eod'
down_revision: str | Sequence[str] | None = '0005_open_line_per_product'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL for existing lines: each is visited at the next end of day, which sets it
    with op.batch_alter_table('credit_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_eod', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('credit_lines', schema=None) as batch_op:
        batch_op.drop_column('next_eod')
