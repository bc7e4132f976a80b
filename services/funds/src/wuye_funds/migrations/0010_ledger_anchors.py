"""ledger heads recorded on the ledger and signed checkpoints (tamper evidence against truncation and rewrite)

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledgers") as batch:
        batch.add_column(sa.Column("head_sequence", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("head_hash", sa.String(length=64), nullable=False, server_default=""))
    # the heads of the ledgers as they stand; their checkpoints start with their next posting
    op.execute(
        """
        UPDATE ledgers SET
          head_sequence = COALESCE((SELECT MAX(e.sequence) FROM ledger_entries e WHERE e.ledger_id = ledgers.ledger_id), 0),
          head_hash = COALESCE((SELECT e.hash FROM ledger_entries e WHERE e.ledger_id = ledgers.ledger_id
                                ORDER BY e.sequence DESC LIMIT 1), '')
        """
    )
    op.create_table(
        "ledger_checkpoints",
        sa.Column("ledger_id", sa.String(length=100), sa.ForeignKey("ledgers.ledger_id"), primary_key=True),
        sa.Column("sequence", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("signed_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ledger_checkpoints")
    with op.batch_alter_table("ledgers") as batch:
        batch.drop_column("head_hash")
        batch.drop_column("head_sequence")
