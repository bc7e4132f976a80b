"""jurisdiction read model, outbox and inbox

Revision ID: 0001
Revises:
"""

from alembic import op

from wuye_chassis.directory import create_directory_table
from wuye_chassis.migrations import create_messaging_tables, drop_messaging_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_messaging_tables(op)
    create_directory_table(op)


def downgrade() -> None:
    op.drop_table("known_jurisdictions")
    drop_messaging_tables(op)
