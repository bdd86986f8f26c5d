"""collections: cases, bucket history, promises, the contact log, agencies, placements and
legal referrals.  The contact log is append-only, enforced by the database like the audit log
(``0009_audit``'s ``append_only()`` on PostgreSQL): every contact attempt is kept at least
five years and there is no deletion path.

Revision ID: 0020_collections
Revises: 0009_audit
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0020_collections'
down_revision: str | Sequence[str] | None = '0009_audit'  # credit_lines, append_only()
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


PG_UP = [
    """CREATE TRIGGER contact_log_append_only BEFORE UPDATE OR DELETE ON contact_log
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()""",
    """CREATE TRIGGER contact_log_no_truncate BEFORE TRUNCATE ON contact_log
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()""",
]
PG_DOWN = ["DROP TRIGGER IF EXISTS contact_log_no_truncate ON contact_log",
           "DROP TRIGGER IF EXISTS contact_log_append_only ON contact_log"]
SQLITE_UP = [
    f"""CREATE TRIGGER contact_log_no_{o.lower()} BEFORE {o} ON contact_log
    BEGIN SELECT RAISE(ABORT, 'contact_log is append-only ({o} refused)'); END"""
    for o in ("UPDATE", "DELETE")]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS contact_log_no_{o.lower()}" for o in ("UPDATE", "DELETE")]


def upgrade() -> None:
    op.create_table('agencies',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('commission_rate', creditline.store.types.Rate(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agencies')),
    sa.UniqueConstraint('name', name=op.f('uq_agencies_name'))
    )
    op.create_table('contact_log',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('party', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('allowed', sa.Boolean(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=True),
    sa.Column('allowed_again_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('profile', sa.String(length=8), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('local_time', sa.String(length=40), nullable=False),
    sa.Column('zone', sa.String(length=60), nullable=False),
    sa.Column('hours_agreed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_contact_log')),
    sa.UniqueConstraint('id', name=op.f('uq_contact_log_id'))
    )
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.create_index('ix_contact_log_agency', ['agency_id'], unique=False)
        batch_op.create_index('ix_contact_log_case', ['case_id', 'at'], unique=False)
        batch_op.create_index('ix_contact_log_customer_at', ['customer_id', 'at'], unique=False)

    op.create_table('collection_cases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('customer_id', sa.String(length=36), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('bucket', sa.SmallInteger(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('updated_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('past_due', creditline.store.types.Money(), nullable=False),
    sa.Column('balance', creditline.store.types.Money(), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('profile', sa.String(length=8), nullable=False),
    sa.Column('zone', sa.String(length=60), nullable=False),
    sa.Column('hours_agreed', sa.Boolean(), nullable=False),
    sa.Column('assigned_to', sa.String(length=100), nullable=True),
    sa.Column('escalation', sa.SmallInteger(), nullable=False),
    sa.Column('hold_kind', sa.String(length=12), nullable=True),
    sa.Column('hold_from', sa.Date(), nullable=True),
    sa.Column('hold_until', sa.Date(), nullable=True),
    sa.Column('hold_reason', sa.Text(), nullable=True),
    sa.Column('disputed', creditline.store.types.Money(), nullable=False),
    sa.Column('dispute_reason', sa.Text(), nullable=True),
    sa.Column('agency_id', sa.String(length=36), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'], name=op.f('fk_collection_cases_line_id_credit_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_cases'))
    )
    with op.batch_alter_table('collection_cases', schema=None) as batch_op:
        batch_op.create_index('ix_collection_cases_assigned', ['assigned_to', 'status'], unique=False)
        batch_op.create_index('ix_collection_cases_line', ['line_id', 'status'], unique=False)

    op.create_table('bucket_history',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('bucket', sa.String(length=12), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('entered_past_due', creditline.store.types.Money(), nullable=False),
    sa.Column('entered_balance', creditline.store.types.Money(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('left_past_due', creditline.store.types.Money(), nullable=True),
    sa.Column('left_balance', creditline.store.types.Money(), nullable=True),
    sa.Column('left_to', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['collection_cases.id'], name=op.f('fk_bucket_history_case_id_collection_cases')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_bucket_history'))
    )
    with op.batch_alter_table('bucket_history', schema=None) as batch_op:
        batch_op.create_index('ix_bucket_history_case', ['case_id', 'seq'], unique=False)
        batch_op.create_index('ix_bucket_history_line', ['line_id', 'entered_on'], unique=False)

    op.create_table('legal_referrals',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('referred_on', sa.Date(), nullable=False),
    sa.Column('referred_by', sa.String(length=100), nullable=False),
    sa.Column('package', sa.JSON(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['collection_cases.id'], name=op.f('fk_legal_referrals_case_id_collection_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_referrals')),
    sa.UniqueConstraint('case_id', name=op.f('uq_legal_referrals_case_id'))
    )
    op.create_table('placements',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('agency_id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('placed_on', sa.Date(), nullable=False),
    sa.Column('placed_by', sa.String(length=100), nullable=False),
    sa.Column('recalled_on', sa.Date(), nullable=True),
    sa.Column('recalled_by', sa.String(length=100), nullable=True),
    sa.Column('recall_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_placements_agency_id_agencies')),
    sa.ForeignKeyConstraint(['case_id'], ['collection_cases.id'], name=op.f('fk_placements_case_id_collection_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placements'))
    )
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.create_index('ix_placements_agency', ['agency_id'], unique=False)
        batch_op.create_index('ix_placements_case', ['case_id'], unique=False)

    op.create_table('promises',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('line_id', sa.String(length=36), nullable=False),
    sa.Column('amount', creditline.store.types.Money(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('made_on', sa.Date(), nullable=False),
    sa.Column('made_by', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('paid', creditline.store.types.Money(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['collection_cases.id'], name=op.f('fk_promises_case_id_collection_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_promises'))
    )
    with op.batch_alter_table('promises', schema=None) as batch_op:
        batch_op.create_index('ix_promises_case', ['case_id'], unique=False)
        batch_op.create_index('ix_promises_line_status', ['line_id', 'status'], unique=False)

    for statement in PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    with op.batch_alter_table('promises', schema=None) as batch_op:
        batch_op.drop_index('ix_promises_line_status')
        batch_op.drop_index('ix_promises_case')

    op.drop_table('promises')
    with op.batch_alter_table('placements', schema=None) as batch_op:
        batch_op.drop_index('ix_placements_case')
        batch_op.drop_index('ix_placements_agency')

    op.drop_table('placements')
    op.drop_table('legal_referrals')
    with op.batch_alter_table('bucket_history', schema=None) as batch_op:
        batch_op.drop_index('ix_bucket_history_line')
        batch_op.drop_index('ix_bucket_history_case')

    op.drop_table('bucket_history')
    with op.batch_alter_table('collection_cases', schema=None) as batch_op:
        batch_op.drop_index('ix_collection_cases_line')
        batch_op.drop_index('ix_collection_cases_assigned')

    op.drop_table('collection_cases')
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_log_customer_at')
        batch_op.drop_index('ix_contact_log_case')
        batch_op.drop_index('ix_contact_log_agency')

    op.drop_table('contact_log')
    op.drop_table('agencies')
