"""contacts: emergency-contact verification codes (hashed), the contacts' append-only event
log, regional reliefs; the contact log and messages name the emergency contact concerned

Revision ID: 0022f_contacts
Revises: 0021_console, 0020_collections, 0019_notify
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022f_contacts'
# 0021_console as the lane brief says; the contact log (0020_collections) and the messages
# (0019_notify) gain a column, so this also merges those two heads (a ``depends_on`` would
# leave them listed as script heads that the database no longer records)
down_revision: str | Sequence[str] | None = ('0021_console', '0020_collections', '0019_notify')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PG_UP = [
    """CREATE TRIGGER contact_events_append_only BEFORE UPDATE OR DELETE ON contact_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()""",
    """CREATE TRIGGER contact_events_no_truncate BEFORE TRUNCATE ON contact_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()""",
]
PG_DOWN = ["DROP TRIGGER IF EXISTS contact_events_no_truncate ON contact_events",
           "DROP TRIGGER IF EXISTS contact_events_append_only ON contact_events"]
SQLITE_UP = [
    f"""CREATE TRIGGER contact_events_no_{o.lower()} BEFORE {o} ON contact_events
    BEGIN SELECT RAISE(ABORT, 'contact_events is append-only ({o} refused)'); END"""
    for o in ("UPDATE", "DELETE")]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS contact_events_no_{o.lower()}"
               for o in ("UPDATE", "DELETE")]


def upgrade() -> None:
    op.create_table(
        'contact_verifications',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('contact_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('reference_hash', sa.String(length=64), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_verifications')),
        sa.UniqueConstraint('reference_hash', name=op.f('uq_contact_verifications_reference_hash')),
    )
    op.create_index('ix_contact_verifications_contact', 'contact_verifications',
                    ['contact_id', 'sent_at'], unique=False)
    op.create_table(
        'contact_events',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  autoincrement=True, nullable=False),
        sa.Column('contact_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_contact_events')),
    )
    op.create_index('ix_contact_events_contact', 'contact_events', ['contact_id', 'seq'],
                    unique=False)
    op.create_index('ix_contact_events_customer', 'contact_events', ['customer_id', 'seq'],
                    unique=False)
    op.create_table(
        'reliefs',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('regions', sa.JSON(), nullable=False),
        sa.Column('region_keys', sa.JSON(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('defer_due_dates', sa.Boolean(), nullable=False),
        sa.Column('declared_by', sa.String(length=100), nullable=False),
        sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('cancelled_by', sa.String(length=100), nullable=True),
        sa.Column('cancelled_on', sa.Date(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reliefs')),
    )
    op.create_index('ix_reliefs_dates', 'reliefs', ['start', 'end'], unique=False)
    # plain ADD COLUMN (no table rebuild on SQLite: the contact log's append-only triggers stay)
    op.add_column('contact_log', sa.Column('contact_id', sa.String(length=36), nullable=True))
    op.add_column('notify_messages', sa.Column('contact_id', sa.String(length=36),
                                               nullable=True))
    for statement in PG_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN:
        op.execute(statement)
    op.drop_column('notify_messages', 'contact_id')
    op.drop_column('contact_log', 'contact_id')
    op.drop_index('ix_reliefs_dates', table_name='reliefs')
    op.drop_table('reliefs')
    op.drop_index('ix_contact_events_customer', table_name='contact_events')
    op.drop_index('ix_contact_events_contact', table_name='contact_events')
    op.drop_table('contact_events')
    op.drop_index('ix_contact_verifications_contact', table_name='contact_verifications')
    op.drop_table('contact_verifications')
