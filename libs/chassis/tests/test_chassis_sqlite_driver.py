"""The SQLite driver: each statement is one trip to aiosqlite's thread, and it answers as SQLAlchemy's own does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiosqlite
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


@contextmanager
def trips_to_the_driver_thread() -> Iterator[list[str]]:
    """The functions handed to aiosqlite's thread while the block runs."""
    trips: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    aiosqlite.Connection._execute = counted  # type: ignore[method-assign]
    try:
        yield trips
    finally:
        aiosqlite.Connection._execute = original  # type: ignore[method-assign]


async def test_a_transaction_is_one_trip_per_statement_and_one_to_end_it(database: Database) -> None:
    async with database.sessions() as session:
        await session.execute(WIDGETS.insert().values(name="warm-up"))  # the pool's first connect
        await session.commit()
    with trips_to_the_driver_thread() as trips:
        async with database.sessions() as session, session.begin():
            inserted = await session.execute(WIDGETS.insert().values(name="lift").returning(WIDGETS.c.widget_id))
            assert inserted.scalar_one() == 2
            await session.execute(WIDGETS.update().where(WIDGETS.c.name == "lift").values(name="pump"))
    # BEGIN IMMEDIATE, the insert, the update, the commit; and no rollback when the connection goes back
    assert trips == ["_run_statement", "_run_statement", "_run_statement", "commit"]
    with trips_to_the_driver_thread() as trips:
        async with database.reads() as session:
            assert (await session.execute(sa.select(sa.func.count()).select_from(WIDGETS))).scalar_one() == 2
    # a read ends its open transaction with a rollback, once
    assert trips == ["_run_statement", "_run_statement", "rollback"]


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


async def test_a_streamed_read_still_fetches_in_pieces(database: Database) -> None:
    async with database.sessions() as session, session.begin():
        await session.execute(WIDGETS.insert(), [{"name": f"w{n}"} for n in range(250)])
    async with database.reads() as session:
        streamed = await session.stream(sa.select(WIDGETS.c.widget_id).order_by(WIDGETS.c.widget_id))
        seen = [row.widget_id async for row in streamed]
    assert seen == list(range(1, 251))


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


async def test_a_transaction_cancelled_mid_statement_is_undone_and_the_next_one_begins_cleanly(
    database: Database,
) -> None:
    """A request cancelled while its statement runs on the driver's thread (a client that gives up): the
    statement finishes there unseen; the transaction is undone (SQLAlchemy gives the connection up) and the
    next transaction on the one pooled connection begins cleanly, without the cancelled one's row."""
    slow = sa.text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) "
                   "SELECT count(*) FROM n")

    async def cancelled_change() -> None:
        async with database.sessions() as session, session.begin():
            await session.execute(WIDGETS.insert().values(name="given up"))
            await session.execute(slow)

    task = asyncio.create_task(cancelled_change())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    async with database.sessions() as session, session.begin():
        await session.execute(WIDGETS.insert().values(name="next"))
    async with database.reads() as session:
        assert (await session.execute(sa.select(WIDGETS.c.name))).scalars().all() == ["next"]
