"""losses: write-offs, loss accounts, payments on written-off and sold lines, debt sales;
a partial index on the postings to the loss accounts (allowance, impairment, recoveries)

Revision ID: 0022b_losses
Revises: 0021_console
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import creditline.store.types

revision: str = '0022b_losses'
down_revision: str | Sequence[str] | None = '0021_console'
branch_labels: str | Sequence[str] | None = None
# credit_lines and postings come from 0002_servicing, which is not an ancestor of 0021_console
depends_on: str | Sequence[str] | None = '0002_servicing'

Money = creditline.store.types.Money
LOSS_ACCOUNTS = "account IN ('allowance:credit_loss', 'expense:impairment', 'income:recoveries')"


def _money(name: str) -> sa.Column:
    return sa.Column(name, Money(), nullable=False)


def upgrade() -> None:
    op.create_table(
        'write_offs',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('source', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('dpd', sa.Integer(), nullable=False),
        sa.Column('threshold_dpd', sa.Integer(), nullable=False),
        sa.Column('rules_version', sa.String(length=40), nullable=False),
        sa.Column('proposed_by', sa.String(length=100), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=100), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('business_date', sa.Date(), nullable=True),
        _money('principal_unbilled'), _money('principal_billed'), _money('fee'),
        _money('interest_accrued'), _money('interest_billed'), _money('penalty'),
        _money('credit_applied'), _money('amount'), _money('from_allowance'),
        _money('to_expense'),
        sa.Column('entry_id', sa.String(length=32), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                                name=op.f('fk_write_offs_line_id_credit_lines')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_write_offs')),
    )
    with op.batch_alter_table('write_offs', schema=None) as b:
        b.create_index('ix_write_offs_line', ['line_id', 'status'], unique=False)
        b.create_index('ix_write_offs_status', ['status', 'proposed_at'], unique=False)
    op.create_table(
        'loss_accounts',
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=True),
        sa.Column('write_off_id', sa.String(length=36), nullable=True),
        _money('written_off'),
        sa.Column('written_off_on', sa.Date(), nullable=True),
        _money('recovered'),
        sa.Column('sale_id', sa.String(length=36), nullable=True),
        sa.Column('buyer', sa.String(length=200), nullable=True),
        sa.Column('sold_on', sa.Date(), nullable=True),
        _money('sold_face'), _money('sale_price'), _money('to_buyer'),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                                name=op.f('fk_loss_accounts_line_id_credit_lines')),
        sa.PrimaryKeyConstraint('line_id', name=op.f('pk_loss_accounts')),
    )
    with op.batch_alter_table('loss_accounts', schema=None) as b:
        b.create_index('ix_loss_accounts_status', ['status'], unique=False)
    op.create_table(
        'loss_payments',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        _money('amount'),
        sa.Column('business_date', sa.Date(), nullable=False),
        sa.Column('entry_id', sa.String(length=32), nullable=False),
        sa.Column('buyer', sa.String(length=200), nullable=True),
        sa.Column('sale_id', sa.String(length=36), nullable=True),
        sa.Column('created_by', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                                name=op.f('fk_loss_payments_line_id_credit_lines')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_loss_payments')),
    )
    with op.batch_alter_table('loss_payments', schema=None) as b:
        b.create_index('ix_loss_payments_buyer', ['buyer', 'business_date'], unique=False)
        b.create_index('ix_loss_payments_line', ['line_id', 'business_date'], unique=False)
    op.create_table(
        'debt_sales',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('buyer', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('rate', creditline.store.types.Rate(length=40), nullable=False),
        sa.Column('pool', sa.JSON(), nullable=False),
        sa.Column('proposed_by', sa.String(length=100), nullable=False),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=100), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('business_date', sa.Date(), nullable=True),
        _money('from_allowance'), _money('to_expense'), _money('recovery_income'),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_debt_sales')),
    )
    with op.batch_alter_table('debt_sales', schema=None) as b:
        b.create_index('ix_debt_sales_status', ['status', 'proposed_at'], unique=False)
    op.create_table(
        'debt_sale_lines',
        sa.Column('sale_id', sa.String(length=36), nullable=False),
        sa.Column('line_id', sa.String(length=36), nullable=False),
        sa.Column('customer_id', sa.String(length=36), nullable=False),
        sa.Column('product', sa.String(length=40), nullable=False),
        _money('face'), _money('price'),
        sa.Column('written_off', sa.Boolean(), nullable=False),
        sa.Column('dpd', sa.Integer(), nullable=False),
        sa.Column('bucket', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['line_id'], ['credit_lines.id'],
                                name=op.f('fk_debt_sale_lines_line_id_credit_lines')),
        sa.ForeignKeyConstraint(['sale_id'], ['debt_sales.id'],
                                name=op.f('fk_debt_sale_lines_sale_id_debt_sales')),
        sa.PrimaryKeyConstraint('sale_id', 'line_id', name=op.f('pk_debt_sale_lines')),
    )
    op.create_index('ix_postings_loss_accounts', 'postings', ['account', 'amount'],
                    unique=False, sqlite_where=sa.text(LOSS_ACCOUNTS),
                    postgresql_where=sa.text(LOSS_ACCOUNTS))


def downgrade() -> None:
    op.drop_index('ix_postings_loss_accounts', table_name='postings')
    op.drop_table('debt_sale_lines')
    with op.batch_alter_table('debt_sales', schema=None) as b:
        b.drop_index('ix_debt_sales_status')
    op.drop_table('debt_sales')
    with op.batch_alter_table('loss_payments', schema=None) as b:
        b.drop_index('ix_loss_payments_line')
        b.drop_index('ix_loss_payments_buyer')
    op.drop_table('loss_payments')
    with op.batch_alter_table('loss_accounts', schema=None) as b:
        b.drop_index('ix_loss_accounts_status')
    op.drop_table('loss_accounts')
    with op.batch_alter_table('write_offs', schema=None) as b:
        b.drop_index('ix_write_offs_status')
        b.drop_index('ix_write_offs_line')
    op.drop_table('write_offs')
