"""review SLA: when each review is due (reviews.due_at), and the index the breach list reads

Reviews opened before this revision get the shipped default SLA (24 hours after they were
created): the catalogue that referred them carried no SLA.

Revision ID: 0015_review_sla
Revises: 0004_origination
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision: str = '0015_review_sla'
down_revision: str | Sequence[str] | None = '0004_origination'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_SLA = timedelta(hours=24)


def upgrade() -> None:
    with op.batch_alter_table('reviews') as batch:
        batch.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    reviews = sa.table('reviews', sa.column('id', sa.String), sa.column('created_at',
                       sa.DateTime(timezone=True)), sa.column('due_at', sa.DateTime(timezone=True)))
    bind = op.get_bind()
    for row in bind.execute(sa.select(reviews.c.id, reviews.c.created_at)).all():
        bind.execute(reviews.update().where(reviews.c.id == row.id)
                     .values(due_at=row.created_at + DEFAULT_SLA))
    op.create_index('ix_reviews_status_due', 'reviews', ['status', 'due_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_reviews_status_due', table_name='reviews')
    with op.batch_alter_table('reviews') as batch:
        batch.drop_column('due_at')
