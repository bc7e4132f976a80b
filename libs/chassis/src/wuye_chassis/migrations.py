"""Alembic, once for every service.

A service's ``migrations/`` package holds only its revision files; the environment (``alembic_env/env.py``)
is the chassis's. Services that keep the jurisdiction directory start from the chassis's shared first
revision (``baseline_revisions/0001_directory.py``: outbox, inbox, idempotency keys, ticket counters and
the directory table); the registry brings its own first revision. ``migrate(url, migrations)`` upgrades
to head; the service's CLI exposes it as ``python -m wuye_<service> migrate`` for the Kubernetes
pre-upgrade Job, and a service migrates on start when ``migrate_on_start`` is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from opentelemetry.instrumentation.utils import suppress_instrumentation

from wuye_chassis.db import create_engine
from wuye_chassis.messaging_tables import add_messaging_tables

ENVIRONMENT = "wuye_chassis:alembic_env"
#: the PostgreSQL advisory lock every migration run of a database holds (one database per service)
MIGRATION_LOCK_KEY = 0x77757965_6D696772  # "wuyemigr"
BASELINE = "wuye_chassis:baseline_revisions"


@dataclass(frozen=True)
class Migrations:
    """Where a service's revisions live, e.g. ``Migrations("wuye_complaints:migrations")``."""

    revisions: str
    #: the first revision is the chassis's shared baseline (every service but the registry)
    shared_baseline: bool = True

    @property
    def version_locations(self) -> list[str]:
        return [self.revisions, *([BASELINE] if self.shared_baseline else [])]


def alembic_config(url: str, migrations: Migrations) -> Config:
    config = Config()
    config.set_main_option("script_location", ENVIRONMENT)
    config.set_main_option("path_separator", "space")
    config.set_main_option("version_locations", " ".join(migrations.version_locations))
    # '%' must be escaped for ConfigParser interpolation
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, migrations: Migrations, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (blocking; call from a thread inside an event loop)."""
    command.upgrade(alembic_config(url, migrations), revision)


async def migrate_async(url: str, migrations: Migrations) -> None:
    # start-up schema work is not a request: keep its statements out of traces
    with suppress_instrumentation():
        await asyncio.to_thread(migrate, url, migrations)  # to_thread carries the context over


@contextlib.contextmanager
def _sqlite_file_lock(url: str) -> Iterator[None]:
    """SQLite's equivalent of the advisory lock: an exclusive lock on a file beside the database, so
    processes migrating one database file take turns (SQLite's DDL is not transactional)."""
    database = sa.make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:":
        with open(Path(database).with_name(Path(database).name + ".migrate-lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
    else:
        yield


def run_alembic_env() -> None:
    """The body of the chassis's ``alembic_env/env.py`` (online mode, async engine)."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None, "sqlalchemy.url must be set by alembic_config()"

    def run(connection: sa.Connection) -> None:
        if connection.dialect.name == "postgresql":
            # any number of processes may migrate one database at once (replicas, a Job beside a pod,
            # the demo import): they take turns, and those after the first find nothing left to do. The
            # lock belongs to this transaction and ends with its commit.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
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
        context.configure(url=url, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        with _sqlite_file_lock(url):
            asyncio.run(run_async())


class SchemaOperations(Protocol):
    """What the shared revision helpers use of Alembic's operations: a revision passes ``alembic.op``."""

    def get_bind(self) -> sa.Connection: ...

    def drop_table(self, table_name: str) -> None: ...


def create_messaging_tables(op: SchemaOperations) -> None:
    """Create the outbox, inbox and idempotency-key tables from their single definition (first migration)."""
    metadata = sa.MetaData()
    add_messaging_tables(metadata)
    metadata.create_all(op.get_bind())


def drop_messaging_tables(op: SchemaOperations) -> None:
    op.drop_table("ticket_counters")
    op.drop_table("idempotency_keys")
    op.drop_table("inbox")
    op.drop_table("outbox")
