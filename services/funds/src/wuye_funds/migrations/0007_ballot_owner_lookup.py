"""a ballot looks up only its owner's units of the electorate snapshot, not the whole roster

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_vote_roster_units_owner", "vote_roster_units", ["vote_id", "owner_key"])


def downgrade() -> None:
    op.drop_index("ix_vote_roster_units_owner", table_name="vote_roster_units")
