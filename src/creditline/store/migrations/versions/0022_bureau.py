"""bureau: monthly credit-bureau runs, the records reported (append-only), notices of
negative reporting, disputes and corrections

Revision ID: 0022_bureau
Revises: 0021_console
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0022_bureau'
down_revision: str | Sequence[str] | None = '0021_console'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = ('0009_audit',)  # append_only() on PostgreSQL

APPEND_ONLY = ("bureau_runs", "bureau_records")
PG_UP = [stmt for t in APPEND_ONLY for stmt in (
    f"""CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()""",
    f"""CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()""")]
PG_DOWN = [stmt for t in APPEND_ONLY for stmt in (
    f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}",
    f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}")]
SQLITE_UP = [
    f"""CREATE TRIGGER {t}_no_{o.lower()} BEFORE {o} ON {t}
    BEGIN SELECT RAISE(ABORT, '{t} is append-only ({o} refused)'); END"""
    for t in APPEND_ONLY for o in ("UPDATE", "DELETE")]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {t}_no_{o.lower()}"
               for t in APPEND_ONLY for o in ("UPDATE", "DELETE")]


def upgrade() -> None:
    op.create_table(
        'bureau_runs',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('format', sa.String(length=60), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('text_sha256', sa.String(length=64), nullable=False),
        sa.Column('json_sha256', sa.String(length=64), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('held', sa.JSON(), nullable=False),
        sa.Column('expired', sa.JSON(), nullable=False),
        sa.Column('text_enc', sa.Text(), nullable=False),
        sa.Column('json_enc', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau_runs')),
        sa.UniqueConstraint('month', name=op.f('uq_bureau_runs_month')),
    )
    op.create_table(
        'bureau_records',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  autoincrement=True, nullable=False),
        sa.Column('run_id', sa.String(length=36), nullable=False),
        sa.Column('record_type', sa.String(length=1), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('account_type', sa.String(length=4), nullable=False),
        sa.Column('subject_type', sa.String(length=1), nullable=False),
        sa.Column('opened_on', sa.String(length=10), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('credit_limit', creditline.store.types.Money(), nullable=False),
        sa.Column('balance', creditline.store.types.Money(), nullable=False),
        sa.Column('past_due', creditline.store.types.Money(), nullable=False),
        sa.Column('days_past_due', sa.Integer(), nullable=False),
        sa.Column('account_status', sa.String(length=2), nullable=False),
        sa.Column('month_status', sa.String(length=1), nullable=False),
        sa.Column('history', sa.String(length=60), nullable=False),
        sa.Column('negative', sa.Boolean(), nullable=False),
        sa.Column('disputed', sa.Boolean(), nullable=False),
        sa.Column('correction_id', sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_bureau_records')),
    )
    with op.batch_alter_table('bureau_records', schema=None) as batch_op:
        batch_op.create_index('ix_bureau_records_line', ['line_id', 'seq'], unique=False)
        batch_op.create_index('ix_bureau_records_run', ['run_id'], unique=False)
    op.create_table(
        'bureau_notices',
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('event_key', sa.String(length=120), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint('line_id', name=op.f('pk_bureau_notices')),
        sa.UniqueConstraint('event_key', name=op.f('uq_bureau_notices_event_key')),
    )
    op.create_table(
        'bureau_disputes',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('raised_on', sa.Date(), nullable=False),
        sa.Column('raised_by', sa.String(length=100), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('resolved_on', sa.Date(), nullable=True),
        sa.Column('resolved_by', sa.String(length=100), nullable=True),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.Column('version', sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau_disputes')),
    )
    with op.batch_alter_table('bureau_disputes', schema=None) as batch_op:
        batch_op.create_index('ix_bureau_disputes_line', ['line_id', 'status'], unique=False)
        batch_op.create_index('ix_bureau_disputes_status', ['status'], unique=False)
    op.create_table(
        'bureau_corrections',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('month', sa.String(length=7), nullable=False),
        sa.Column('status', sa.String(length=1), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('made_on', sa.Date(), nullable=False),
        sa.Column('made_by', sa.String(length=100), nullable=False),
        sa.Column('dispute_id', sa.String(length=36), nullable=True),
        sa.Column('reported_in', sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bureau_corrections')),
    )
    with op.batch_alter_table('bureau_corrections', schema=None) as batch_op:
        batch_op.create_index('ix_bureau_corrections_line', ['line_id'], unique=False)
        batch_op.create_index('ix_bureau_corrections_pending', ['reported_in'], unique=False)

    for statement in PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    for table, indexes in (('bureau_corrections', ('ix_bureau_corrections_line',
                                                   'ix_bureau_corrections_pending')),
                           ('bureau_disputes', ('ix_bureau_disputes_line',
                                                'ix_bureau_disputes_status')),
                           ('bureau_notices', ()),
                           ('bureau_records', ('ix_bureau_records_line',
                                               'ix_bureau_records_run')),
                           ('bureau_runs', ())):
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for ix in indexes:
                    batch_op.drop_index(ix)
        op.drop_table(table)
