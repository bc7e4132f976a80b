"""The compound read model: which compounds exist, where they lie and which company serves them.

Fed by the registry's events through the inbox (compound registered/updated for the place, contract
started/ended for the serving company), so intake keeps working while the registry is down.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.bus import event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.errors import NotFound
from wuye_chassis.inbox import ReceivedEvent, Subscription
from wuye_chassis.validation import require_text
from wuye_complaints.adapters.orm import known_compounds


@dataclass(frozen=True)
class KnownCompound:
    compound_id: str
    jurisdiction_path: str
    company_id: str | None


async def require_compound(session: AsyncSession, compound_id: str) -> KnownCompound:
    """The compound as the registry last announced it; NOT_FOUND naming ``compound_id`` when unknown."""
    wanted = require_text(compound_id, field="compound_id", max_length=64)
    row = (
        await session.execute(sa.select(known_compounds).where(known_compounds.c.compound_id == wanted))
    ).mappings().first()
    if row is None:
        raise NotFound(f"compound {wanted} is not known to the registry", field="compound_id")
    return KnownCompound(row["compound_id"], row["jurisdiction_path"], row["company_id"])


async def _upsert(session: AsyncSession, compound_id: str, *, insert: dict[str, object], update: dict[str, object]) -> None:
    values = {**update, "updated_at": utcnow()}
    changed = await session.execute(
        known_compounds.update().where(known_compounds.c.compound_id == compound_id).values(**values)
    )
    if changed.rowcount == 0:
        await session.execute(known_compounds.insert().values(compound_id=compound_id, **insert, **values))


async def on_compound(session: AsyncSession, event: ReceivedEvent) -> None:
    message_class = registry_events.CompoundRegistered
    if event.event_type == event_type_of(registry_events.CompoundUpdated):
        message_class = registry_events.CompoundUpdated
    compound = event.parse(message_class)
    await _upsert(
        session, compound.compound_id, insert={},
        update={"name": compound.name, "jurisdiction_path": compound.jurisdiction_path},
    )


async def on_contract_started(session: AsyncSession, event: ReceivedEvent) -> None:
    contract = event.parse(registry_events.ContractStarted)
    # the contract may be seen before its compound (a redelivery); the compound event fills in the name
    await _upsert(
        session, contract.compound_id,
        insert={"name": contract.compound_id, "jurisdiction_path": contract.jurisdiction_path},
        update={"company_id": contract.company_id, "contract_id": contract.contract_id},
    )


async def on_contract_ended(session: AsyncSession, event: ReceivedEvent) -> None:
    contract = event.parse(registry_events.ContractEnded)
    await session.execute(
        known_compounds.update()
        .where(
            known_compounds.c.compound_id == contract.compound_id,
            known_compounds.c.contract_id == contract.contract_id,
        )
        .values(company_id=None, contract_id=None, updated_at=utcnow())
    )


def subscription(service_name: str) -> Subscription:
    return Subscription(
        durable=f"{service_name}-compounds",
        handlers={
            event_type_of(registry_events.CompoundRegistered): on_compound,
            event_type_of(registry_events.CompoundUpdated): on_compound,
            event_type_of(registry_events.ContractStarted): on_contract_started,
            event_type_of(registry_events.ContractEnded): on_contract_ended,
        },
    )
