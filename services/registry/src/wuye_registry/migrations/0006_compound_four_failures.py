"""the failures found in a compound (O7: 四失小区)

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "compound_four_failures",
        sa.Column("compound_id", sa.String(length=36), sa.ForeignKey("compounds.id"), primary_key=True),
        sa.Column("failures", sa.String(length=120), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("compound_four_failures")
