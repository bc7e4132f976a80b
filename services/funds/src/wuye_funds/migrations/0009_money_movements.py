"""sale transfers, demolition refunds and ledger reversals requested by one person, decided by another (A3)

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "money_movements",
        sa.Column("movement_id", sa.String(length=36), primary_key=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("compound_id", sa.String(length=64), nullable=False),
        sa.Column("jurisdiction_path", sa.String(length=64), nullable=False),
        sa.Column("ledger_id", sa.String(length=100), nullable=False),
        sa.Column("target", sa.String(length=120), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("owner_key", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("sequence", sa.BigInteger(), nullable=True),
        sa.Column("memo", sa.String(length=500), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=64), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("amount_fen", sa.BigInteger(), nullable=True),
    )
    for column in ("compound_id", "jurisdiction_path", "target"):
        op.create_index(f"ix_money_movements_{column}", "money_movements", [column])


def downgrade() -> None:
    for column in ("compound_id", "jurisdiction_path", "target"):
        op.drop_index(f"ix_money_movements_{column}", table_name="money_movements")
    op.drop_table("money_movements")
