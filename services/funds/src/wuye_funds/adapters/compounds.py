"""A compound's funds settings: where it lies (for scoping) and its V5 follow-the-majority setting."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_funds.adapters.orm import compounds, known_compounds


@dataclass(frozen=True)
class FundsCompound:
    compound_id: str
    #: its community's path
    jurisdiction_path: str
    follow_majority: bool


class CompoundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, compound_id: str) -> FundsCompound | None:
        query = sa.select(compounds).where(compounds.c.compound_id == compound_id)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return FundsCompound(row["compound_id"], row["jurisdiction_path"], row["follow_majority"])

    async def registered_name(self, compound_id: str) -> str:
        """The compound's name as the registry announced it ("" until its event has arrived)."""
        query = sa.select(known_compounds.c.name).where(known_compounds.c.compound_id == compound_id)
        return str(await self.session.scalar(query) or "")

    async def add(self, compound: FundsCompound) -> None:
        await self.session.execute(compounds.insert().values(compound_id=compound.compound_id, **_values(compound)))

    async def update(self, compound: FundsCompound) -> None:
        await self.session.execute(
            compounds.update().where(compounds.c.compound_id == compound.compound_id).values(**_values(compound))
        )


def _values(compound: FundsCompound) -> dict[str, object]:
    return {
        "jurisdiction_path": compound.jurisdiction_path,
        "follow_majority": compound.follow_majority,
        "updated_at": utcnow(),
    }
