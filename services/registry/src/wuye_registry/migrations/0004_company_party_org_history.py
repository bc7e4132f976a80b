"""history of companies' party organisation modes (O6 coverage for a past date)

Each existing company gets its current mode from the day it was registered.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "company_party_org_modes",
        sa.Column("company_id", sa.String(length=36), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"]),
        sa.PrimaryKeyConstraint("company_id", "effective_from"),
    )
    # SQLite keeps UTC datetimes as text; PostgreSQL as timestamptz
    registered_on = "date(created_at)" if op.get_bind().dialect.name == "sqlite" else "CAST(created_at AS DATE)"
    op.execute(
        "INSERT INTO company_party_org_modes (company_id, effective_from, mode, created_at) "
        f"SELECT id, {registered_on}, party_org_mode, created_at FROM companies"
    )


def downgrade() -> None:
    op.drop_table("company_party_org_modes")
