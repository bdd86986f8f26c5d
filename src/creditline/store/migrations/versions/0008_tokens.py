"""foundation: token lifecycle (issue time for expiry, revocation) and service users'
merchants

Revision ID: 0008_tokens
Revises: 0001_foundation
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008_tokens'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_issued_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_by', sa.String(length=100), nullable=True))
    # existing tokens count their age from the user's creation; deactivated users count as
    # revoked (by whoever did the UPDATE, which nobody recorded)
    op.execute("UPDATE users SET token_issued_at = created_at")
    op.execute("UPDATE users SET revoked_at = created_at, revoked_by = 'unknown' "
               "WHERE active = false")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('token_issued_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
    op.create_table(
        'user_merchants',
        sa.Column('user_id', sa.String(length=36), nullable=False),
        sa.Column('merchant', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
        sa.PrimaryKeyConstraint('user_id', 'merchant'),
    )


def downgrade() -> None:
    op.drop_table('user_merchants')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('revoked_by')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('token_issued_at')
