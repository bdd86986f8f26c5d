"""eod: end-of-day run records and per-stage timings (eod_runs, eod_stage_runs)

Revision ID: 0010_eod_runs
Revises: 0006_next_eod
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_eod_runs'
down_revision: str | Sequence[str] | None = '0006_next_eod'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('eod_runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('through', sa.Date(), nullable=False),
    sa.Column('stage', sa.String(length=60), nullable=True),
    sa.Column('stages', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('lines', sa.BigInteger(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eod_runs'))
    )
    op.create_table('eod_stage_runs',
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('business_date', sa.Date(), nullable=False),
    sa.Column('stage', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('lines', sa.BigInteger(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['eod_runs.id'],
                            name=op.f('fk_eod_stage_runs_run_id_eod_runs')),
    sa.PrimaryKeyConstraint('run_id', 'business_date', 'stage', name=op.f('pk_eod_stage_runs'))
    )


def downgrade() -> None:
    op.drop_table('eod_stage_runs')
    op.drop_table('eod_runs')
