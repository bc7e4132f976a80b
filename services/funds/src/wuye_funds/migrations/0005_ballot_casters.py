"""who cast each ballot, and the written authorisation of a paper or proxy ballot (A2)

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


def downgrade() -> None:
    with op.batch_alter_table("ballots") as ballots:
        ballots.drop_column("authorisation_ref")
        ballots.drop_column("cast_by")
