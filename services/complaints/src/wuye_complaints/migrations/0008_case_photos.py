"""photos filed with a complaint or its resolution (their bytes are in the object store)

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import JurisdictionPathString, UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_photos",
        sa.Column("photo_id", sa.String(36), primary_key=True),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("object_key", sa.String(200), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(12), nullable=True),
    )
    op.create_index("ix_case_photos_case", "case_photos", ["case_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_case_photos_case", table_name="case_photos")
    op.drop_table("case_photos")
