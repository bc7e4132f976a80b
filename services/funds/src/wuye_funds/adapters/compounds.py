"""A compound as the funds service knows it: where the registry places it (for scoping) and its funds
settings (the V5 follow-the-majority clause).

The place comes from the registry's events (``known_compounds``); the settings row is the funds
service's own, made the first time a record of this service is written for the compound, and it keeps a
copy of the place for compounds the events have not reached yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_funds.adapters.orm import compounds, known_compounds


@dataclass(frozen=True)
class FundsCompound:
    compound_id: str
    #: its community's path, as the registry places it
    jurisdiction_path: str
    follow_majority: bool
    #: whether this service has its settings row yet
    settled: bool = True


class CompoundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, compound_id: str) -> FundsCompound | None:
        """The compound once the registry announced it or this service holds records for it."""
        announced = (
            await self.session.execute(
                sa.select(known_compounds.c.jurisdiction_path).where(known_compounds.c.compound_id == compound_id)
            )
        ).first()
        settings = (
            await self.session.execute(
                sa.select(compounds.c.jurisdiction_path, compounds.c.follow_majority)
                .where(compounds.c.compound_id == compound_id)
            )
        ).first()
        if settings is None:
            if announced is None:
                return None
            return FundsCompound(compound_id, announced.jurisdiction_path, follow_majority=False, settled=False)
        # the registry's latest word on the place; the copy only until its event has arrived
        path = settings.jurisdiction_path if announced is None else announced.jurisdiction_path
        return FundsCompound(compound_id, path, follow_majority=bool(settings.follow_majority))

    async def registered_name(self, compound_id: str) -> str:
        """The compound's name as the registry announced it ("" until its event has arrived)."""
        query = sa.select(known_compounds.c.name).where(known_compounds.c.compound_id == compound_id)
        return str(await self.session.scalar(query) or "")

    async def settle(self, compound: FundsCompound) -> None:
        """Give the compound its settings row (the clause off, as V5 starts)."""
        await self.session.execute(
            compounds.insert().values(
                compound_id=compound.compound_id, jurisdiction_path=compound.jurisdiction_path,
                follow_majority=compound.follow_majority, updated_at=utcnow(),
            )
        )

    async def set_follow_majority(self, compound_id: str, follow_majority: bool) -> None:
        await self.session.execute(
            compounds.update()
            .where(compounds.c.compound_id == compound_id)
            .values(follow_majority=follow_majority, updated_at=utcnow())
        )
