"""Counter tables and local days computed by the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.engine.interfaces import CacheStats

from wuye_chassis.db import Database, UtcDateTime, accumulate, insert_if_absent, local_date
from wuye_chassis.tickets import add_ticket_counter_table, next_ticket

UTC = dt.UTC


async def test_accumulate_adds_to_the_row_of_a_key_and_starts_an_absent_one_at_its_counts(database_url: str) -> None:
    metadata = sa.MetaData()
    counts = sa.Table("counts", metadata, sa.Column("place", sa.String(20), primary_key=True),
                      sa.Column("day", sa.Date(), primary_key=True), sa.Column("seen", sa.Integer(), nullable=False),
                      sa.Column("late", sa.Integer(), nullable=False))
    db = Database(database_url)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        day = dt.date(2026, 12, 6)
        async with db.sessions() as session, session.begin():
            await accumulate(session, counts, [{"place": "a", "day": day, "seen": 2, "late": 1}])
        async with db.sessions() as session, session.begin():
            await accumulate(session, counts, [{"place": "a", "day": day, "seen": -1, "late": 0},
                                               {"place": "b", "day": day, "seen": 5, "late": 0}])
            await accumulate(session, counts, [])
        async with db.sessions() as session:
            rows = sorted(tuple(row) for row in (await session.execute(sa.select(counts))).all())
    finally:
        await db.dispose()
    assert rows == [("a", day, 1, 1), ("b", day, 5, 0)]


async def test_local_date_is_the_shanghai_day_of_an_instant_changing_at_local_midnight(database_url: str) -> None:
    metadata = sa.MetaData()
    moments = sa.Table("moments", metadata, sa.Column("n", sa.Integer(), primary_key=True),
                       sa.Column("at", UtcDateTime(), nullable=False))
    instants = [dt.datetime(2026, 12, 5, 15, 59, 59, 999_999, tzinfo=UTC),  # 23:59:59.999999 on the 5th in Shanghai
                dt.datetime(2026, 12, 5, 16, 0, tzinfo=UTC),  # midnight: the 6th
                dt.datetime(2026, 12, 31, 23, 0, tzinfo=UTC)]  # 07:00 on 1 January 2027
    db = Database(database_url)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            await connection.execute(moments.insert(), [{"n": n, "at": at} for n, at in enumerate(instants)])
        async with db.sessions() as session:
            days = list((await session.scalars(sa.select(local_date(moments.c.at)).order_by(moments.c.n))).all())
    finally:
        await db.dispose()
    assert days == [dt.date(2026, 12, 5), dt.date(2026, 12, 6), dt.date(2027, 1, 1)]


async def test_the_on_conflict_statements_of_every_request_are_compiled_once_not_at_each_execution(
    database_url: str,
) -> None:
    """A ticket number, a counter and an insert-if-absent (idempotency keys, inbox entries) are run on every
    request; their second execution finds its compiled form in SQLAlchemy's cache, and each still does
    what it says (the values typed as their columns: a date, a number)."""
    metadata = sa.MetaData()
    counts = sa.Table("counts", metadata, sa.Column("day", sa.Date(), primary_key=True),
                      sa.Column("seen", sa.Integer(), nullable=False))
    tickets = add_ticket_counter_table(metadata)
    day, moment = dt.date(2026, 12, 8), dt.datetime(2026, 12, 8, 2, tzinfo=UTC)
    db = Database(database_url)
    compilations: list[object] = []

    def seen(connection, cursor, statement, parameters, context: DefaultExecutionContext, executemany) -> None:  # noqa: ANN001
        if "ON CONFLICT" in statement:
            compilations.append(context.cache_hit)

    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        sa.event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
        numbers, inserted = [], []
        for _ in range(2):
            async with db.sessions() as session, session.begin():
                numbers.append(await next_ticket(session, tickets, "350521", moment))
                await accumulate(session, counts, [{"day": day, "seen": 2}])
                inserted.append(await insert_if_absent(session, counts, {"day": day, "seen": 9}))
        async with db.sessions() as session:
            stored = (await session.execute(sa.select(counts))).all()
    finally:
        await db.dispose()
    assert numbers == ["350521-20261208-00001", "350521-20261208-00002"]
    assert inserted == [False, False] and [tuple(row) for row in stored] == [(day, 4)]
    assert compilations[3:] == [CacheStats.CACHE_HIT] * 3, compilations
