"""campaign supervision (S1–S4): task lists and tasks, supervision rounds and checks, rectification lists and items

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import JurisdictionPathString, UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_task_lists",
        sa.Column("list_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(20), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Index("ix_supervision_task_lists_path_issued", "jurisdiction_path", "issued_at"),
    )
    op.create_table(
        "supervision_tasks",
        sa.Column("task_id", sa.String(36), primary_key=True),
        sa.Column("list_id", sa.String(36), sa.ForeignKey("supervision_task_lists.list_id"), nullable=False, index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("required_result", sa.Text(), nullable=False),
        sa.Column("addressee_kind", sa.String(20), nullable=False),
        sa.Column("addressee_id", sa.String(100), nullable=False),
        sa.Column("addressee_name", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("evidence_refs", sa.JSON(), nullable=False),
        sa.Column("done_at", UtcDateTime(), nullable=True),
        sa.Column("done_by", sa.String(100), nullable=True),
        sa.Column("returned_reason", sa.Text(), nullable=True),
        sa.Column("times_returned", sa.Integer(), nullable=False),
        sa.Index("ix_supervision_tasks_path_deadline", "jurisdiction_path", "deadline"),
    )
    op.create_table(
        "supervision_rounds",
        sa.Column("round_id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("population_digest", sa.String(64), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "supervision_checks",
        sa.Column("check_id", sa.String(36), primary_key=True),
        sa.Column("round_id", sa.String(36), sa.ForeignKey("supervision_rounds.round_id"), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(100), nullable=False),
        sa.Column("target_name", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("checker_path", JurisdictionPathString, nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("recorded_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "supervision_lists",
        sa.Column("list_id", sa.String(36), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("round_id", sa.String(36), sa.ForeignKey("supervision_rounds.round_id"), nullable=True),
        sa.Column("issued_by", sa.String(100), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Index("ix_supervision_lists_path_issued", "jurisdiction_path", "issued_at"),
    )
    op.create_table(
        "supervision_items",
        sa.Column("item_id", sa.String(36), primary_key=True),
        sa.Column("list_id", sa.String(36), sa.ForeignKey("supervision_lists.list_id"), nullable=False, index=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("addressee_kind", sa.String(20), nullable=False),
        sa.Column("addressee_id", sa.String(100), nullable=False),
        sa.Column("addressee_name", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("check_id", sa.String(36), nullable=True),
        sa.Column("steps", sa.JSON(), nullable=False),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("times_reopened", sa.Integer(), nullable=False),
        sa.Column("reviewed", sa.Boolean(), nullable=False),
        sa.Index("ix_supervision_items_path_deadline", "jurisdiction_path", "deadline"),
    )


def downgrade() -> None:
    for table in (
        "supervision_items", "supervision_lists", "supervision_checks", "supervision_rounds", "supervision_tasks",
        "supervision_task_lists",
    ):
        op.drop_table(table)
