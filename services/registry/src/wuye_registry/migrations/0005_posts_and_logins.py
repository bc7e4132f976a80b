"""who acts (A1): people's posts, the logins bound to people, the day of a party membership change

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import JurisdictionPathString, UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as people:
        people.add_column(sa.Column("party_member_since", sa.Date(), nullable=True))
    op.create_table(
        "posts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("company_id", sa.String(length=36), nullable=True),
        sa.Column("department", sa.String(length=40), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("assigned_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_posts_person_id", "posts", ["person_id"])
    op.create_index("ix_posts_jurisdiction_path", "posts", ["jurisdiction_path"])
    op.create_table(
        "logins",
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("bound_by", sa.String(length=40), nullable=False),
        sa.Column("bound_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("subject"),
    )
    op.create_index("ix_logins_person_id", "logins", ["person_id"])


def downgrade() -> None:
    op.drop_table("logins")
    op.drop_table("posts")
    with op.batch_alter_table("people") as people:
        people.drop_column("party_member_since")
