"""committee terms (dates, filing, per-term figures) and the O2 flags of property management committees
overdue for dissolution

Existing committees get a row for their current term; earlier terms' dates were never stored, so past
dates before the current term count as the current term did (the best the old schema knows).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "committee_terms",
        sa.Column("committee_id", sa.String(length=36), nullable=False),
        sa.Column("term_number", sa.Integer(), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("is_red", sa.Boolean(), nullable=False),
        sa.Column("is_dual_role", sa.Boolean(), nullable=False),
        sa.Column("two_committee_members", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["committees.id"]),
        sa.PrimaryKeyConstraint("committee_id", "term_number"),
    )
    op.execute(
        "INSERT INTO committee_terms (committee_id, term_number, term_start, term_end, filed_on, is_red, "
        "is_dual_role, two_committee_members) SELECT id, term_number, term_start, term_end, filed_on, is_red, "
        "is_dual_role, two_committee_members FROM committees"
    )
    op.create_table(
        "pmc_dissolution_overdue",
        sa.Column("committee_id", sa.String(length=36), nullable=False),
        sa.Column("owners_committee_id", sa.String(length=36), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("flagged_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["committees.id"]),
        sa.ForeignKeyConstraint(["owners_committee_id"], ["committees.id"]),
        sa.PrimaryKeyConstraint("committee_id"),
    )


def downgrade() -> None:
    op.drop_table("pmc_dissolution_overdue")
    op.drop_table("committee_terms")
