"""who cast each ballot, and the written authorisation of a paper or proxy ballot (A2); who asked for a
use application's payment and who paid it (A3)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ballots") as ballots:
        ballots.add_column(sa.Column("cast_by", sa.String(length=64), nullable=True))
        ballots.add_column(sa.Column("authorisation_ref", sa.String(length=100), nullable=True))
    with op.batch_alter_table("use_applications") as applications:
        applications.add_column(sa.Column("payment_requested_by", sa.String(length=64), nullable=True))
        applications.add_column(sa.Column("paid_by", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("use_applications") as applications:
        applications.drop_column("paid_by")
        applications.drop_column("payment_requested_by")
    with op.batch_alter_table("ballots") as ballots:
        ballots.drop_column("authorisation_ref")
        ballots.drop_column("cast_by")
