"""The registry's compounds as announced (their names head the public page)

Revision ID: 0004
Revises: 0003
"""

from typing import cast

from alembic import op
from alembic.operations import Operations

from wuye_chassis.compounds import create_compounds_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_compounds_table(cast(Operations, op))


def downgrade() -> None:
    op.drop_table("known_compounds")
