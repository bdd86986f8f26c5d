"""portfolio: early-warning alerts (issue 17), append-only: a later run raises its own
alerts; the database refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL), with a trigger
function of its own so this branch does not depend on 0009_audit's ``append_only()``.

Revision ID: 0022c_portfolio
Revises: 0021_console
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022c_portfolio'
down_revision: str | Sequence[str] | None = '0021_console'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


PG_UP = [
    """CREATE OR REPLACE FUNCTION portfolio_alerts_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'portfolio_alerts is append-only (% refused)', TG_OP; END $$""",
    """CREATE TRIGGER portfolio_alerts_append_only BEFORE UPDATE OR DELETE ON portfolio_alerts
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio_alerts_append_only()""",
    """CREATE TRIGGER portfolio_alerts_no_truncate BEFORE TRUNCATE ON portfolio_alerts
    FOR EACH STATEMENT EXECUTE FUNCTION portfolio_alerts_append_only()""",
]
PG_DOWN = ["DROP TRIGGER IF EXISTS portfolio_alerts_no_truncate ON portfolio_alerts",
           "DROP TRIGGER IF EXISTS portfolio_alerts_append_only ON portfolio_alerts",
           "DROP FUNCTION IF EXISTS portfolio_alerts_append_only()"]
SQLITE_UP = [
    f"""CREATE TRIGGER portfolio_alerts_no_{o.lower()} BEFORE {o} ON portfolio_alerts
    BEGIN SELECT RAISE(ABORT, 'portfolio_alerts is append-only ({o} refused)'); END"""
    for o in ("UPDATE", "DELETE")]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS portfolio_alerts_no_{o.lower()}"
               for o in ("UPDATE", "DELETE")]


def upgrade() -> None:
    op.create_table(
        'portfolio_alerts',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('run_id', sa.String(length=36), nullable=False),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('indicator', sa.String(length=40), nullable=False),
        sa.Column('segment', sa.String(length=60), nullable=False),
        sa.Column('level', sa.String(length=12), nullable=False),
        sa.Column('value', sa.Float(), nullable=True),
        sa.Column('threshold', sa.Float(), nullable=True),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('proposal', sa.JSON(), nullable=True),
        sa.Column('rules_version', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_alerts')),
    )
    op.create_index('ix_portfolio_alerts_date', 'portfolio_alerts', ['business_date'])
    for statement in PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    op.drop_index('ix_portfolio_alerts_date', table_name='portfolio_alerts')
    op.drop_table('portfolio_alerts')
