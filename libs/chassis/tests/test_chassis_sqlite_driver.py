"""SQLite runs its statements on the loop's thread and answers as SQLAlchemy's own adapter does."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from wuye_chassis.db import Database

METADATA = sa.MetaData()
WIDGETS = sa.Table(
    "widgets", METADATA,
    sa.Column("widget_id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(20), nullable=False, unique=True),
)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with db.engine.begin() as connection:
        await connection.run_sync(METADATA.create_all)
    yield db
    await db.dispose()


async def test_writes_and_reads_run_on_the_event_loops_thread(database: Database) -> None:
    """SQLite itself reports the thread it runs a statement on (a function of the connection's)."""
    await database.engine.dispose()

    @sa.event.listens_for(database.engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.create_function("thread_of_statement", 0, threading.get_ident)

    loop_thread = threading.get_ident()
    async with database.sessions() as session, session.begin():
        await session.execute(WIDGETS.insert().values(name="lift"))
        assert (await session.execute(sa.text("SELECT thread_of_statement()"))).scalar_one() == loop_thread
    async with database.reads() as session:
        assert (await session.execute(sa.text("SELECT thread_of_statement()"))).scalar_one() == loop_thread


async def test_rows_counts_and_last_row_ids_are_what_sqlalchemy_reports(database: Database) -> None:
    async with database.engine.begin() as connection:
        first = await connection.execute(WIDGETS.insert().values(name="lift"))
        assert first.inserted_primary_key == (1,)
        many = await connection.execute(WIDGETS.insert(), [{"name": "pump"}, {"name": "gate"}, {"name": "roof"}])
        assert many.rowcount == 3
        changed = await connection.execute(
            WIDGETS.update().where(WIDGETS.c.widget_id > 2).values(name=WIDGETS.c.name + "!"))
        assert changed.rowcount == 2
        names = (await connection.execute(sa.select(WIDGETS.c.name).order_by(WIDGETS.c.widget_id))).scalars().all()
        assert names == ["lift", "pump", "gate!", "roof!"]
        assert (await connection.execute(sa.select(WIDGETS).where(WIDGETS.c.name == "none"))).first() is None


async def test_a_streamed_read_fetches_every_row(database: Database) -> None:
    async with database.sessions() as session, session.begin():
        await session.execute(WIDGETS.insert(), [{"name": f"w{n}"} for n in range(250)])
    for sessions in (database.reads, database.sessions):
        async with sessions() as session:
            streamed = await session.stream(sa.select(WIDGETS.c.widget_id).order_by(WIDGETS.c.widget_id))
            assert [row.widget_id async for row in streamed] == list(range(1, 251))


async def test_a_refused_statement_raises_the_dbapi_error_and_the_transaction_changes_nothing(
    database: Database,
) -> None:
    async with database.sessions() as session, session.begin():
        await session.execute(WIDGETS.insert().values(name="lift"))
    with pytest.raises(IntegrityError):
        async with database.sessions() as session, session.begin():
            await session.execute(WIDGETS.insert().values(name="pump"))
            await session.execute(WIDGETS.insert().values(name="lift"))
    async with database.reads() as session:
        assert (await session.execute(sa.select(WIDGETS.c.name))).scalars().all() == ["lift"]


async def test_a_transaction_cancelled_between_statements_is_undone_and_the_next_one_begins_cleanly(
    database: Database,
) -> None:
    """A request cancelled while it waits in its transaction (a client that gives up): the transaction is
    undone and the next one on the one pooled connection begins cleanly, without the cancelled one's row."""
    waiting = asyncio.Event()

    async def cancelled_change() -> None:
        async with database.sessions() as session, session.begin():
            await session.execute(WIDGETS.insert().values(name="given up"))
            waiting.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(cancelled_change())
    await waiting.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with database.sessions() as session, session.begin():
        await session.execute(WIDGETS.insert().values(name="next"))
    async with database.reads() as session:
        assert (await session.execute(sa.select(WIDGETS.c.name))).scalars().all() == ["next"]
