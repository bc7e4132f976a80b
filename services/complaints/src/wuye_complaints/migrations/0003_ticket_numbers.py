"""human ticket numbers for complaint cases

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch:
        batch.add_column(sa.Column("ticket_no", sa.String(32), nullable=True))
        batch.create_index("uq_complaint_cases_ticket_no", ["ticket_no"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch:
        batch.drop_index("uq_complaint_cases_ticket_no")
        batch.drop_column("ticket_no")
