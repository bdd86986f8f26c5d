"""servicing: at most one not-closed line per customer and product (partial unique index)

Revision ID: 0005_open_line_per_product
Revises: 0002_servicing
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_open_line_per_product'
down_revision: str | Sequence[str] | None = '0002_servicing'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHERE = sa.text("status <> 'closed'")


def upgrade() -> None:
    # Fails on a store that already holds two open lines of one product for a customer;
    # the service has refused that since 0002, so only hand-edited data can trip it.
    op.create_index('uq_credit_lines_open_product', 'credit_lines', ['customer_id', 'product'],
                    unique=True, sqlite_where=WHERE, postgresql_where=WHERE)


def downgrade() -> None:
    op.drop_index('uq_credit_lines_open_product', table_name='credit_lines')
