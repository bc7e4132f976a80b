"""The chassis tables every service carries in its own database: outbox, inbox, idempotency keys, tickets.

Defined once here and added to each service's metadata by ``add_messaging_tables``; each service's
first Alembic migration creates them with ``wuye_chassis.migrations.create_messaging_tables``.
"""

from __future__ import annotations

import sqlalchemy as sa

from wuye_chassis.db import UtcDateTime
from wuye_chassis.idempotency import add_idempotency_table
from wuye_chassis.tickets import add_ticket_counter_table

# SQLite only auto-increments an INTEGER PRIMARY KEY, PostgreSQL gets a 64-bit identity
_Sequence = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def add_messaging_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """Add the outbox, the inbox, the idempotency keys and the ticket counters; returns outbox and inbox."""
    add_idempotency_table(metadata)
    add_ticket_counter_table(metadata)
    outbox = sa.Table(
        "outbox",
        metadata,
        # publication order: a monotonically increasing sequence
        sa.Column("seq", _Sequence, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("aggregate_id", sa.String(200), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("trace_context", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("last_error", sa.String(1000), nullable=True),
        sa.Index(
            "ix_outbox_pending",
            "seq",
            sqlite_where=sa.text("published_at IS NULL"),
            postgresql_where=sa.text("published_at IS NULL"),
        ),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("handled_at", UtcDateTime(), nullable=False),
    )
    return outbox, inbox
