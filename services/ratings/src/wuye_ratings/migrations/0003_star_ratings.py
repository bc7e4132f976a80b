"""service contracts (registry read model) and yearly star ratings (R5)

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
        "service_contracts",
        sa.Column("contract_id", sa.String(length=64), primary_key=True),
        sa.Column("company_id", sa.String(length=64), nullable=False),
        sa.Column("compound_id", sa.String(length=64), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_service_contracts_company_id", "service_contracts", ["company_id"])
    op.create_table(
        "star_ratings",
        sa.Column("company_id", sa.String(length=64), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("score", sa.String(length=40), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("city_review_approved", sa.Boolean(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("assessed_by", sa.String(length=100), nullable=False),
        sa.Column("city_reviewed_on", sa.Date(), nullable=True),
        sa.Column("city_reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawal_reason", sa.String(length=20), nullable=True),
        sa.Column("withdrawal_note", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("star_ratings")
    op.drop_table("service_contracts")
