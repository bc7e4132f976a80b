"""known_compounds.jurisdiction_path compares bytes on PostgreSQL, like every other path column

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from wuye_chassis.db import JurisdictionPathString

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # SQLite compares bytes already; only PostgreSQL's column needs the "C" collation
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("known_compounds", "jurisdiction_path", type_=JurisdictionPathString)


def downgrade() -> None:
    """Nothing to undo: the "C" collation only changes how the index orders paths."""
