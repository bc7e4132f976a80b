"""jurisdiction hierarchy, outbox and inbox

Revision ID: 0001
Revises:
"""

from typing import cast

import sqlalchemy as sa
from alembic import op
from alembic.operations import Operations

from wuye_chassis.db import UtcDateTime
from wuye_chassis.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
#: the ``op`` module stands for the running migration's ``Operations``
operations = cast(Operations, op)


def upgrade() -> None:
    create_messaging_tables(operations)
    op.create_table(
        "jurisdictions",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(64), nullable=False, unique=True),
        sa.Column("parent_code", sa.String(12), sa.ForeignKey("jurisdictions.code"), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_jurisdictions_parent_code", "jurisdictions", ["parent_code"])


def downgrade() -> None:
    op.drop_table("jurisdictions")
    drop_messaging_tables(operations)
