"""The compound read model a service keeps from registry events: where each compound lies and which
company serves it, so the service can scope and charge its records while the registry is down.

Same shape as ``directory``: a table factory, its migration helper, the handlers that keep it up to date
through the inbox (compound registered/updated for the place, contract started/ended for the company),
and ``require_compound`` for use cases.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.operations import Operations
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.bus import event_type_of
from wuye_chassis.db import JurisdictionPathString, UtcDateTime, changed_rows, utcnow
from wuye_chassis.errors import NotFound
from wuye_chassis.inbox import Handler, ReceivedEvent
from wuye_chassis.read_models import ReadModel
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text

TABLE_NAME = "known_compounds"


def add_compounds_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        TABLE_NAME,
        metadata,
        sa.Column("compound_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("jurisdiction_path", JurisdictionPathString, nullable=False, index=True),
        sa.Column("company_id", sa.String(64), nullable=True),
        # the contract that made company_id current: only its own end clears it
        sa.Column("contract_id", sa.String(64), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )


def create_compounds_table(op: Operations) -> None:
    add_compounds_table(sa.MetaData()).create(op.get_bind())


@dataclass(frozen=True)
class KnownCompound:
    compound_id: str
    jurisdiction_path: str
    company_id: str | None


@functools.cache
def _compound_by_id(table: sa.Table, lock: bool) -> sa.Select[Any]:
    """Built once per table: every request that names a compound runs it."""
    query = sa.select(table).where(table.c.compound_id == sa.bindparam("wanted"))
    return query.with_for_update() if lock else query


async def require_compound(
    session: AsyncSession, table: sa.Table, compound_id: str, *, field: str = "compound_id", lock: bool = False
) -> KnownCompound:
    """The compound as the registry last announced it; NOT_FOUND naming ``field`` when unknown.

    ``lock`` holds the row until the transaction ends (PostgreSQL), so two writers checking a rule per
    compound (a frequency limit) take turns; SQLite transactions are serial anyway.
    """
    wanted = require_text(compound_id, field=field, max_length=64)
    row = (await session.execute(_compound_by_id(table, lock), {"wanted": wanted})).mappings().first()
    if row is None:
        raise NotFound(f"compound {wanted} is not known to the registry", field=field)
    return KnownCompound(row["compound_id"], row["jurisdiction_path"], row["company_id"])


def handlers(table: sa.Table) -> dict[str, Handler[UnitOfWork]]:
    async def upsert(session: AsyncSession, compound_id: str, insert: dict[str, object], update: dict[str, object]) -> None:
        values = {**update, "updated_at": utcnow()}
        changed = await changed_rows(session, table.update().where(table.c.compound_id == compound_id).values(**values))
        if changed == 0:
            await session.execute(table.insert().values(compound_id=compound_id, **insert, **values))

    async def on_compound(event: ReceivedEvent, uow: UnitOfWork) -> None:
        message_class: type[registry_events.CompoundRegistered | registry_events.CompoundUpdated]
        message_class = registry_events.CompoundRegistered
        if event.event_type == event_type_of(registry_events.CompoundUpdated):
            message_class = registry_events.CompoundUpdated
        compound = event.parse(message_class)
        async with uow:
            await upsert(
                uow.session, compound.compound_id, {},
                {"name": compound.name, "jurisdiction_path": compound.jurisdiction_path},
            )
            await uow.commit()

    async def on_contract_started(event: ReceivedEvent, uow: UnitOfWork) -> None:
        contract = event.parse(registry_events.ContractStarted)
        async with uow:
            # the contract may be seen before its compound (a redelivery); the compound event fills in the name
            await upsert(
                uow.session, contract.compound_id,
                {"name": contract.compound_id, "jurisdiction_path": contract.jurisdiction_path},
                {"company_id": contract.company_id, "contract_id": contract.contract_id},
            )
            await uow.commit()

    async def on_contract_ended(event: ReceivedEvent, uow: UnitOfWork) -> None:
        contract = event.parse(registry_events.ContractEnded)
        async with uow:
            await uow.session.execute(
                table.update()
                .where(table.c.compound_id == contract.compound_id, table.c.contract_id == contract.contract_id)
                .values(company_id=None, contract_id=None, updated_at=utcnow())
            )
            await uow.commit()

    return {
        event_type_of(registry_events.CompoundRegistered): on_compound,
        event_type_of(registry_events.CompoundUpdated): on_compound,
        event_type_of(registry_events.ContractStarted): on_contract_started,
        event_type_of(registry_events.ContractEnded): on_contract_ended,
    }


#: where each compound lies and which company serves it
COMPOUNDS = ReadModel(TABLE_NAME, "compounds", handlers)
