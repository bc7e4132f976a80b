"""list policies per jurisdiction, yearly red/yellow lists, and where lists were published (R7)

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import JurisdictionPathString, UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("published_lists") as batch:
        batch.add_column(sa.Column("published_in", sa.String(200), nullable=False, server_default=""))
    op.create_table(
        "list_policies",
        sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
        sa.Column("scheme", sa.String(24), nullable=False),
        sa.Column("black_includes_b", sa.Boolean(), nullable=False),
        sa.Column("red_percent", sa.Integer(), nullable=False),
        sa.Column("yellow_percent", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False),
        sa.Column("set_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "yearly_lists",
        sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("published_in", sa.String(200), nullable=False),
        sa.Column("red_percent", sa.Integer(), nullable=False),
        sa.Column("yellow_percent", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(100), nullable=False),
    )
    op.create_table(
        "yearly_standings",
        sa.Column("jurisdiction_path", JurisdictionPathString, primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("company_id", sa.String(64), primary_key=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("band", sa.String(3), nullable=False),
        sa.Column("score", sa.String(40), nullable=False),
        sa.Column("listing", sa.String(10), nullable=False),
        sa.Column("compound_ids", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("yearly_standings", "yearly_lists", "list_policies"):
        op.drop_table(table)
    with op.batch_alter_table("published_lists") as batch:
        batch.drop_column("published_in")
