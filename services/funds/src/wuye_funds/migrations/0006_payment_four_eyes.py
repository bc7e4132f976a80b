"""who asked for a use application's payment and who paid it: never the same person (A3)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("use_applications") as applications:
        applications.add_column(sa.Column("payment_requested_by", sa.String(length=64), nullable=True))
        applications.add_column(sa.Column("paid_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("use_applications") as applications:
        applications.drop_column("paid_by")
        applications.drop_column("payment_requested_by")
