"""consultation meetings (M1–M2): parties, matters, decisions and follow-ups

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import JurisdictionPathString, UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_meetings",
        sa.Column("meeting_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("compound_id", sa.String(64), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("parties", sa.JSON(), nullable=False),
        sa.Column("matters", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Index("ix_consultation_meetings_path_held", "jurisdiction_path", "held_on"),
    )


def downgrade() -> None:
    op.drop_table("consultation_meetings")
