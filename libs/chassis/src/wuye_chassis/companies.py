"""The company read model a service keeps from registry events: each property company's name, so a service
can name the companies its records are addressed to (names, not ids) while the registry is down.

Same shape as ``directory`` and ``compounds``: a table factory, its migration helper, the handler that
keeps it up to date through the inbox (``CompanyRegistered``), and ``company_names`` for adapters.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from alembic.operations import Operations
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.bus import event_type_of
from wuye_chassis.db import JurisdictionPathString, UtcDateTime, changed_rows, utcnow
from wuye_chassis.inbox import Handler, ReceivedEvent
from wuye_chassis.read_models import ReadModel
from wuye_chassis.uow import UnitOfWork

TABLE_NAME = "known_companies"


def add_companies_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        TABLE_NAME,
        metadata,
        sa.Column("company_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def create_companies_table(op: Operations) -> None:
    add_companies_table(sa.MetaData()).create(op.get_bind())


def handlers(table: sa.Table) -> dict[str, Handler[UnitOfWork]]:
    async def on_registered(event: ReceivedEvent, uow: UnitOfWork) -> None:
        company = event.parse(registry_events.CompanyRegistered)
        values = {"name": company.name, "jurisdiction_path": company.jurisdiction_path, "updated_at": utcnow()}
        async with uow:
            query = table.update().where(table.c.company_id == company.company_id).values(**values)
            if await changed_rows(uow.session, query) == 0:
                await uow.session.execute(table.insert().values(company_id=company.company_id, **values))
            await uow.commit()

    return {event_type_of(registry_events.CompanyRegistered): on_registered}


async def company_names(session: AsyncSession, table: sa.Table, company_ids: Iterable[str]) -> dict[str, str]:
    """Each company's name as the registry announced it, by id (ids not yet announced are left out)."""
    wanted = sorted(set(company_ids))
    if not wanted:
        return {}
    rows = await session.execute(sa.select(table.c.company_id, table.c.name).where(table.c.company_id.in_(wanted)))
    return {row.company_id: row.name for row in rows}


#: each property company's name
COMPANIES = ReadModel(TABLE_NAME, "companies", handlers)
