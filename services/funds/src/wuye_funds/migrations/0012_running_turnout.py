"""an open vote keeps its turnout as ballots are cast, so reading it no longer recounts the snapshot

Revision ID: 0012
Revises: 0011
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: the voting key of the developer's unsold units, as the domain groups them (V4)
_DEVELOPER = "developer"


def upgrade() -> None:
    with op.batch_alter_table("votes") as votes:
        votes.add_column(sa.Column("turnout_owners", sa.Integer(), nullable=False, server_default="0"))
        votes.add_column(sa.Column("turnout_area_dm2", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_index("ix_ballots_owner", "ballots", ["vote_id", "owner_key"])
    _count_open_votes()


def _count_open_votes() -> None:
    """The turnout of the votes open now, from their snapshot and ballots (V2, V4, V6)."""
    connection = op.get_bind()
    open_votes = connection.execute(sa.text("SELECT vote_id, building_scope FROM votes WHERE state = 'open'")).all()
    for vote_id, building_scope in open_votes:
        scope = None if building_scope is None else set(json.loads(building_scope))
        voted = {key for (key,) in connection.execute(
            sa.text("SELECT DISTINCT owner_key FROM ballots WHERE vote_id = :vote_id"), {"vote_id": vote_id})}
        area: dict[str, int] = {}
        for owner_key, building_id, area_dm2, developer_unsold in connection.execute(sa.text(
            "SELECT owner_key, building_id, area_dm2, developer_unsold FROM vote_roster_units WHERE vote_id = :vote_id"
        ), {"vote_id": vote_id}):
            key = _DEVELOPER if developer_unsold else owner_key
            if key in voted and (scope is None or building_id in scope):
                area[key] = area.get(key, 0) + area_dm2
        connection.execute(
            sa.text("UPDATE votes SET turnout_owners = :owners, turnout_area_dm2 = :area WHERE vote_id = :vote_id"),
            {"owners": len(area), "area": sum(area.values()), "vote_id": vote_id},
        )


def downgrade() -> None:
    op.drop_index("ix_ballots_owner", table_name="ballots")
    with op.batch_alter_table("votes") as votes:
        votes.drop_column("turnout_area_dm2")
        votes.drop_column("turnout_owners")
