"""Counter tables and local days computed by the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from wuye_chassis.db import Database, UtcDateTime, accumulate, local_date

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
