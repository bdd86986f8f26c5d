"""documents: metadata of uploaded files (the bytes live in the file store)

Revision ID: 0013_documents
Revises: 0001_foundation
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013_documents'
down_revision: str | Sequence[str] | None = '0001_foundation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_kind', sa.String(length=30), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('uploaded_by', sa.String(length=100), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents'))
    )
    op.create_index('ix_documents_owner', 'documents', ['owner_kind', 'owner_id', 'uploaded_at'],
                    unique=False)
    op.create_index('ix_documents_sha256', 'documents', ['sha256'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_documents_sha256', table_name='documents')
    op.drop_index('ix_documents_owner', table_name='documents')
    op.drop_table('documents')
