"""Alembic, once for every service.

Each service keeps its own ``migrations/`` folder (versions + a three-line ``env.py`` that calls
``run_alembic_env``). ``migrate(url, script_location)`` upgrades to head; the service's CLI exposes it as
``python -m wuye_<service> migrate`` for the Kubernetes pre-upgrade Job, and the local runner calls it on
start.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from alembic.operations import Operations
from opentelemetry.instrumentation.utils import suppress_instrumentation

from wuye_chassis.db import create_engine
from wuye_chassis.messaging_tables import add_messaging_tables


def alembic_config(url: str, script_location: str) -> Config:
    config = Config()
    config.set_main_option("script_location", script_location)
    # '%' must be escaped for ConfigParser interpolation
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, script_location: str, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (blocking; call from a thread inside an event loop)."""
    command.upgrade(alembic_config(url, script_location), revision)


async def migrate_async(url: str, script_location: str) -> None:
    # start-up schema work is not a request: keep its statements out of traces
    with suppress_instrumentation():
        await asyncio.to_thread(migrate, url, script_location)  # to_thread carries the context over


def run_alembic_env(target_metadata: sa.MetaData) -> None:
    """The body of every service's ``migrations/env.py`` (online mode, async engine)."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None, "sqlalchemy.url must be set by alembic_config()"

    def run(connection: sa.Connection) -> None:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                await connection.run_sync(run)
                await connection.commit()
        finally:
            await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())


def create_messaging_tables(op: Operations) -> None:
    """Create the outbox, inbox and idempotency-key tables from their single definition (first migration)."""
    metadata = sa.MetaData()
    add_messaging_tables(metadata)
    metadata.create_all(op.get_bind())


def drop_messaging_tables(op: Operations) -> None:
    op.drop_table("ticket_counters")
    op.drop_table("idempotency_keys")
    op.drop_table("inbox")
    op.drop_table("outbox")
