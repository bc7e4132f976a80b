"""Human ticket numbers (complaints, orders, applications): ``<series>-<YYYYMMDD>-<nnnnn>``.

A series is usually a county's division code, so "350521-20261125-00042" reads as the 42nd ticket of
Hui'an on 25 November 2026 (Asia/Shanghai). The counter row is bumped with one atomic upsert inside the
caller's transaction: two concurrent tickets never share a number, and a rolled-back request gives its
number back. The row ids stay UUIDs; the ticket number is what people read out on the phone.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import backend_insert, compiled_once
from wuye_chassis.workdays import SHANGHAI


def add_ticket_counter_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "ticket_counters",
        metadata,
        sa.Column("series", sa.String(40), primary_key=True),
        sa.Column("day", sa.String(8), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )


@functools.cache
def _bump(table: sa.Table, dialect: str) -> sa.TextClause | sa.TextualSelect:
    return compiled_once(backend_insert(table, dialect).on_conflict_do_update(
        index_elements=["series", "day"], set_={"last": table.c.last + 1}
    ).returning(table.c.last), dialect)


async def next_ticket(session: AsyncSession, table: sa.Table, series: str, moment: dt.datetime) -> str:
    day = moment.astimezone(SHANGHAI).strftime("%Y%m%d")
    # built once per table and backend; the values go with each execution
    statement = _bump(table, session.get_bind().dialect.name)
    number = (await session.execute(statement, {"series": series, "day": day, "last": 1})).scalar_one()
    return f"{series}-{day}-{number:05d}"
