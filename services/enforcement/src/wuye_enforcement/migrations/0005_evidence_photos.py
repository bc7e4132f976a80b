"""photos of inspection evidence (their bytes are in the object store)

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
    op.create_table(
        "evidence_photos",
        sa.Column("photo_id", sa.String(36), primary_key=True),
        sa.Column("uploaded_by", sa.String(100), nullable=False),
        sa.Column("uploaded_at", UtcDateTime(), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("object_key", sa.String(200), nullable=False),
        sa.Column("held_by", sa.String(36), nullable=True),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(12), nullable=True),
    )
    op.create_index("ix_evidence_photos_held_by", "evidence_photos", ["held_by", "position"])


def downgrade() -> None:
    op.drop_index("ix_evidence_photos_held_by", table_name="evidence_photos")
    op.drop_table("evidence_photos")
