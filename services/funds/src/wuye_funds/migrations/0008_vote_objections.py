"""a closed vote's result is preliminary for an objection period, then final (V8)

Votes closed before V8 already decided their use applications: they become final at their closing moment.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from wuye_chassis.db import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("votes") as votes:
        votes.add_column(sa.Column("objection_deadline", UtcDateTime(), nullable=True))
        votes.add_column(sa.Column("finalised_at", UtcDateTime(), nullable=True))
        votes.add_column(sa.Column("finalised_by", sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE votes SET state = 'final', objection_deadline = closed_at, finalised_at = closed_at "
        "WHERE state = 'closed'"
    )
    op.create_table(
        "vote_objections",
        sa.Column("objection_id", sa.String(length=36), primary_key=True),
        sa.Column("vote_id", sa.String(length=36), sa.ForeignKey("votes.vote_id"), nullable=False),
        sa.Column("owner_key", sa.String(length=64), nullable=False),
        sa.Column("raised_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_at", UtcDateTime(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_vote_objections_vote_id", "vote_objections", ["vote_id"])


def downgrade() -> None:
    op.drop_index("ix_vote_objections_vote_id", table_name="vote_objections")
    op.drop_table("vote_objections")
    op.execute("UPDATE votes SET state = 'closed' WHERE state = 'final'")
    with op.batch_alter_table("votes") as votes:
        votes.drop_column("finalised_by")
        votes.drop_column("finalised_at")
        votes.drop_column("objection_deadline")
