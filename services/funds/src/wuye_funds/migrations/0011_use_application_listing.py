"""use applications listed by jurisdiction (ListUseApplications: the queues of the console's funds screen)

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_use_applications_jurisdiction_path", "use_applications", ["jurisdiction_path"])


def downgrade() -> None:
    op.drop_index("ix_use_applications_jurisdiction_path", table_name="use_applications")
