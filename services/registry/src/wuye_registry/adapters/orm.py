"""The registry's tables (its own database; no other service reads them)."""

import sqlalchemy as sa

from wuye_chassis.db import UtcDateTime
from wuye_chassis.messaging_tables import add_messaging_tables

metadata = sa.MetaData()

jurisdictions = sa.Table(
    "jurisdictions",
    metadata,
    sa.Column("code", sa.String(12), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("level", sa.Integer(), nullable=False),
    sa.Column("path", sa.String(64), nullable=False, unique=True),
    sa.Column("parent_code", sa.String(12), sa.ForeignKey("jurisdictions.code"), nullable=True, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

outbox, inbox = add_messaging_tables(metadata)
