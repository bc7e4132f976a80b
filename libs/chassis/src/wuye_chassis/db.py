"""Async SQLAlchemy engine and sessions: aiosqlite locally, asyncpg for PostgreSQL.

SQLite gets WAL, foreign keys and ``BEGIN IMMEDIATE`` transactions: several tasks of one process
(request handlers, the outbox relay, consumers) write to the same file, and a deferred transaction that
later upgrades to a write lock fails at once instead of waiting for the busy timeout.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from opentelemetry.instrumentation.utils import suppress_instrumentation
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, make_url
from sqlalchemy.ext import asyncio as sa_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

#: execution option of ``Database.reads`` sessions (SQLite: a deferred transaction instead of BEGIN IMMEDIATE)
READ_ONLY_OPTION = "wuye_read_only"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


#: a jurisdiction path column: byte-wise comparison on every backend, so the paths below a prefix are one
#: index range (``wuye_chassis.jurisdiction.below_path_range``); SQLite compares bytes already
JurisdictionPathString = sa.String(64).with_variant(sa.String(64, collation="C"), "postgresql")


def backend_insert(table: sa.Table, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """The named backend's own INSERT, which knows ON CONFLICT (insert-if-absent, upserts)."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def dialect_insert(session: AsyncSession, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    """The session's backend's own INSERT (see ``backend_insert``)."""
    return backend_insert(table, session.get_bind().dialect.name)


#: each backend's SQL with ``:name`` binds, which ``sa.text`` reads back
_NAMED: dict[str, sa.Dialect] = {
    "postgresql": postgresql.base.PGDialect(paramstyle="named"),  # type: ignore[no-untyped-call]
    "sqlite": sqlite.base.SQLiteDialect(paramstyle="named"),
}


def compiled_once(statement: sa.Insert, dialect: str) -> sa.TextClause | sa.TextualSelect:
    """A backend's INSERT … ON CONFLICT as SQL text compiled once, its binds typed as the statement's.

    SQLAlchemy caches the compiled form of most statements, but not of these (the dialects' ON CONFLICT
    clauses have no cache key), so it compiles them again at every execution. The text is cached like any
    other; values still go through each column type's bind processing, and RETURNING columns keep their
    types. For statements built once and run on every request: a ticket number, a key, a counter.
    """
    compiled = statement.compile(dialect=_NAMED[dialect])
    binds = {
        name: sa.bindparam(name, value=bind.value, type_=bind.type) for bind, name in compiled.bind_names.items()
    }
    text = sa.text(str(compiled)).bindparams(*binds.values())
    returning = list(statement.exported_columns)  # what RETURNING names, if anything
    return text.columns(*returning) if returning else text


@functools.cache
def _insert_if_absent(table: sa.Table, dialect: str) -> sa.TextClause | sa.TextualSelect:
    return compiled_once(backend_insert(table, dialect).on_conflict_do_nothing(), dialect)


async def insert_if_absent(session: AsyncSession, table: sa.Table, row: dict[str, object]) -> bool:
    """Insert ``row`` unless its key is taken (ON CONFLICT DO NOTHING); whether it was inserted.

    The statement is built once per table and backend and the row passed at execution: on a hot path
    (every request's idempotency key, every consumed event's inbox entry) that skips building and
    hashing a statement each time. A concurrent insert of the same key waits for that transaction.
    """
    statement = _insert_if_absent(table, session.get_bind().dialect.name)
    return await changed_rows(session, statement, row) > 0


@functools.cache
def _accumulate(table: sa.Table, dialect: str) -> sa.TextClause | sa.TextualSelect:
    insert = backend_insert(table, dialect)
    return compiled_once(insert.on_conflict_do_update(
        index_elements=[column.name for column in table.primary_key.columns],
        set_={column.name: column + insert.excluded[column.name] for column in table.columns if not column.primary_key},
    ), dialect)


async def accumulate(session: AsyncSession, table: sa.Table, rows: list[dict[str, object]]) -> None:
    """Add each row's counts to the stored row with its key, inserting it with these counts when absent
    (a counter table: every column outside the primary key is a count). One statement per table and
    backend, built once; rows added in one order by every caller take their row locks in that order."""
    if rows:
        await session.execute(_accumulate(table, session.get_bind().dialect.name), rows)


class local_date(FunctionElement[dt.date]):  # noqa: N801 - an SQL function, named as SQL names them
    """The Asia/Shanghai calendar day of a ``UtcDateTime`` column, computed by the database (China keeps
    UTC+8 all year, so SQLite adds eight hours to the naive UTC text it stores, cut to whole seconds first:
    its date arithmetic rounds 23:59:59.9995 up into the next day)."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_date, "sqlite")
def _local_date_sqlite(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date(substr({compiler.process(element.clauses, **kw)}, 1, 19), '+8 hours')"


@compiles(local_date, "postgresql")
def _local_date_postgresql(element: local_date, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'Asia/Shanghai') AS DATE)"


async def changed_rows(
    session: AsyncSession, statement: sa.Executable, parameters: dict[str, object] | None = None
) -> int:
    """Execute an INSERT, UPDATE or DELETE and answer how many rows it changed."""
    result = await session.execute(statement, parameters)
    # a DML statement's result is a CursorResult, the one kind of result with a rowcount
    return cast(CursorResult[Any], result).rowcount


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    # looked up on the module at call time, so the OpenTelemetry instrumentation's wrapper applies
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # one connection: SQLite has a single writer anyway, and queueing for the pool in asyncio is far
        # cheaper and fairer than SQLite's sleeping busy handler (measured: p99 1.1 s → see README)
        engine = sa_asyncio.create_async_engine(
            url, echo=echo, connect_args={"timeout": 30}, pool_size=1, max_overflow=0, pool_timeout=60
        )
        _configure_sqlite(engine)
        return engine
    return sa_asyncio.create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    # Any: the driver's connection (the aiosqlite adapter), whose isolation_level no DB-API protocol declares
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # let SQLAlchemy's "begin" event below decide how transactions start
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        # a read-only session never writes, so it need not queue for the write lock: a deferred
        # transaction reads a WAL snapshot while a writer works
        read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(self.engine, expire_on_commit=False)
        #: sessions for reads only: no write lock on SQLite, a READ ONLY transaction on PostgreSQL
        self.reads: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine.execution_options(**{READ_ONLY_OPTION: True, "postgresql_readonly": True}),
            expire_on_commit=False,
        )
        self.is_sqlite = is_sqlite(url)

    async def ping(self) -> bool:
        try:
            # a readiness probe every second is not worth a trace
            with suppress_instrumentation():
                async with self.engine.connect() as connection:
                    await connection.execute(sa.text("SELECT 1"))
            return True
        except Exception:  # readiness reports any failure as "not ready"
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
