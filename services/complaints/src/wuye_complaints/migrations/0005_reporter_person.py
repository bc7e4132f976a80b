"""the registry person who filed a case as themselves (a resident, A1)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch:
        batch.add_column(sa.Column("reporter_person_id", sa.String(100), nullable=True))
        batch.create_index("ix_complaint_cases_reporter_person", ["reporter_person_id", "case_id"])


def downgrade() -> None:
    with op.batch_alter_table("complaint_cases") as batch:
        batch.drop_index("ix_complaint_cases_reporter_person")
        batch.drop_column("reporter_person_id")
