"""company read model: each property company's name, for what supervision addresses to a company

Revision ID: 0004
Revises: 0003
"""

from typing import cast

from alembic import op
from alembic.operations import Operations

from wuye_chassis.companies import create_companies_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # alembic's ``op`` module forwards to the running Operations; its stubs type it as a module
    create_companies_table(cast(Operations, op))


def downgrade() -> None:
    op.drop_table("known_companies")
