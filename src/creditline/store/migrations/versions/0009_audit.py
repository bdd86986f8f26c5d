"""audit: keyed per-stream chains, signed heads, append-only audit log and ledger

- audit_log gains ``stream`` and ``stream_seq``; the entries already there become the legacy
  stream 0 (their unkeyed SHA-256 chain is kept and still verified).  ``seq`` stays the global
  order; on PostgreSQL it is drawn from the new sequence ``audit_log_seq``.
- audit_head: the single head row (id 1) becomes stream 0's; rows 1..16 are the keyed streams,
  each starting from stream 0's last hash (so the first keyed entry seals the legacy ones);
  ``mac`` signs each head with the audit key.
- Append-only, enforced by the database: audit_log, journal_entries and postings refuse UPDATE
  and DELETE (SQLite and PostgreSQL) and TRUNCATE (PostgreSQL).  PostgreSQL already refused
  UPDATE/DELETE on the ledger (0002_servicing); SQLite had nothing.

Revision ID: 0009_audit
Revises: 0002_servicing
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_audit'
down_revision: str | Sequence[str] | None = '0002_servicing'  # needs the ledger tables
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STREAMS = 16  # creditline.audit.AUDIT_STREAMS when this revision was written
APPEND_ONLY = ("audit_log", "journal_entries", "postings")

PG_UP = [
    """
    CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'check_violation';
    END $$
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()
    """,
    *(f"""
    CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION append_only()
    """ for t in APPEND_ONLY),
]
PG_DOWN = [
    *(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}" for t in APPEND_ONLY),
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS append_only()",
]
SQLITE_UP = [
    f"""
    CREATE TRIGGER {t}_no_{op_.lower()} BEFORE {op_} ON {t}
    BEGIN SELECT RAISE(ABORT, '{t} is append-only ({op_} refused)'); END
    """
    for t in APPEND_ONLY for op_ in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {t}_no_{op_.lower()}"
               for t in APPEND_ONLY for op_ in ("UPDATE", "DELETE")]


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    op.add_column('audit_log', sa.Column('stream', sa.Integer(), nullable=False,
                                         server_default='0'))
    op.add_column('audit_log', sa.Column('stream_seq', sa.BigInteger(), nullable=False,
                                         server_default='0'))
    op.execute("UPDATE audit_log SET stream_seq = seq")
    if pg:
        op.alter_column('audit_log', 'stream', server_default=None)
        op.alter_column('audit_log', 'stream_seq', server_default=None)
        op.execute("CREATE SEQUENCE audit_log_seq AS bigint OWNED BY audit_log.seq")
        op.execute("SELECT setval('audit_log_seq', COALESCE(MAX(seq), 0) + 1, false) FROM audit_log")
    op.create_index('ix_audit_log_stream_position', 'audit_log', ['stream', 'stream_seq'],
                    unique=True)
    op.add_column('audit_head', sa.Column('mac', sa.String(length=64), nullable=True))
    op.execute("UPDATE audit_head SET id = 0 WHERE id = 1")
    legacy = op.get_bind().execute(sa.text("SELECT hash FROM audit_head WHERE id = 0")).scalar()
    op.bulk_insert(sa.table("audit_head", sa.column("id", sa.Integer),
                            sa.column("seq", sa.BigInteger), sa.column("hash", sa.String)),
                   [{"id": s, "seq": 0, "hash": legacy or "0" * 64} for s in range(1, STREAMS + 1)])
    if legacy is None:  # a store whose head row was never seeded
        op.execute(f"INSERT INTO audit_head (id, seq, hash) VALUES (0, 0, '{'0' * 64}')")
    for statement in PG_UP if pg else SQLITE_UP:
        op.execute(statement)


def downgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    keyed = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM audit_log WHERE stream > 0")).scalar()
    if keyed:
        raise RuntimeError("audit_log holds keyed entries: they cannot be turned back into "
                           "the single unkeyed chain of 0001_foundation")
    for statement in PG_DOWN if pg else SQLITE_DOWN:
        op.execute(statement)
    op.execute("DELETE FROM audit_head WHERE id > 0")
    op.execute("UPDATE audit_head SET id = 1 WHERE id = 0")
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('mac')
    op.drop_index('ix_audit_log_stream_position', table_name='audit_log')
    if pg:
        op.execute("DROP SEQUENCE IF EXISTS audit_log_seq")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('stream_seq')
        batch_op.drop_column('stream')
