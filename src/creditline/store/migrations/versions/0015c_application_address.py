"""application address: the keyed hash of the home address given, a ring link

Revision ID: 0015c_application_address
Revises: 0004_origination
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015c_application_address'
down_revision: str | Sequence[str] | None = '0004_origination'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('address_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_applications_address_hash_created', 'applications',
                    ['address_hash', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_applications_address_hash_created', table_name='applications')
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('address_hash')
