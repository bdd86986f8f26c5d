"""ecl: IFRS 9 expected credit loss runs and their per-line results (issue 17)

Revision ID: 0022d_ecl
Revises: 0021_console
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022d_ecl'
down_revision: str | Sequence[str] | None = '0021_console'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'ecl_runs',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('staging_rules', sa.String(length=40), nullable=False),
        sa.Column('parameters', sa.String(length=40), nullable=False),
        sa.Column('lines', sa.Integer(), nullable=False),
        sa.Column('ead', sa.BigInteger(), nullable=False),
        sa.Column('ecl', sa.BigInteger(), nullable=False),
        sa.Column('model', sa.JSON(), nullable=False),
        sa.Column('journal_entry', sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ecl_runs')),
    )
    op.create_index('ix_ecl_runs_as_of', 'ecl_runs', ['as_of'])
    op.create_table(
        'ecl_results',
        sa.Column('run_id', sa.String(length=32), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('product', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('industry', sa.String(length=1), nullable=True),
        sa.Column('region', sa.String(length=60), nullable=True),
        sa.Column('stage', sa.SmallInteger(), nullable=False),
        sa.Column('triggers', sa.String(length=120), nullable=False),
        sa.Column('dpd', sa.Integer(), nullable=False),
        sa.Column('score_drop', sa.Integer(), nullable=False),
        sa.Column('pd_12m', sa.Float(), nullable=False),
        sa.Column('pd_lifetime', sa.Float(), nullable=False),
        sa.Column('lgd', sa.Float(), nullable=False),
        sa.Column('ccf', sa.Float(), nullable=False),
        sa.Column('drawn', sa.BigInteger(), nullable=False),
        sa.Column('undrawn', sa.BigInteger(), nullable=False),
        sa.Column('ead', sa.BigInteger(), nullable=False),
        sa.Column('ecl', sa.BigInteger(), nullable=False),
        sa.Column('el_12m', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['ecl_runs.id'],
                                name=op.f('fk_ecl_results_run_id_ecl_runs')),
        sa.PrimaryKeyConstraint('run_id', 'line_id', name='pk_ecl_results'),
    )


def downgrade() -> None:
    op.drop_table('ecl_results')
    op.drop_index('ix_ecl_runs_as_of', table_name='ecl_runs')
    op.drop_table('ecl_runs')
