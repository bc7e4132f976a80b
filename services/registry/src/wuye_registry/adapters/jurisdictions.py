"""Jurisdiction rows ⇄ the domain ``Jurisdiction``."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.errors import AlreadyExists
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_registry.adapters.orm import jurisdictions
from wuye_registry.domain.places import Jurisdiction, JurisdictionLevel

#: the ``level`` column keeps a level as its number, city 1 … community 4, so rows sort from the city down
LEVEL_NUMBERS = {level: number for number, level in enumerate(JurisdictionLevel, start=1)}


def jurisdiction_row(jurisdiction: Jurisdiction) -> dict[str, object]:
    parent = jurisdiction.parent_path
    return {
        "code": jurisdiction.division_code,
        "name": jurisdiction.name,
        "level": LEVEL_NUMBERS[jurisdiction.level],
        "path": str(jurisdiction.path),
        "parent_code": None if parent is None else parent.code,
        "created_at": utcnow(),
    }


def _jurisdiction(row: sa.RowMapping) -> Jurisdiction:
    return Jurisdiction(path=JurisdictionPath.parse(row["path"]), name=row["name"])


class JurisdictionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, code: str) -> Jurisdiction | None:
        query = sa.select(jurisdictions).where(jurisdictions.c.code == code)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _jurisdiction(row)

    async def add(self, jurisdiction: Jurisdiction) -> None:
        try:
            await self.session.execute(jurisdictions.insert().values(**jurisdiction_row(jurisdiction)))
        except IntegrityError:
            # a concurrent registration of the same code won the race
            raise AlreadyExists(f"jurisdiction {jurisdiction.division_code} already exists", field="code") from None

    async def children(self, parent_code: str | None, *, after: str, limit: int) -> list[Jurisdiction]:
        """The jurisdictions directly under ``parent_code`` (the cities when None), in code order."""
        query = sa.select(jurisdictions).order_by(jurisdictions.c.code).limit(limit)
        query = query.where(
            jurisdictions.c.parent_code.is_(None) if parent_code is None else jurisdictions.c.parent_code == parent_code
        )
        if after:
            query = query.where(jurisdictions.c.code > after)
        return [_jurisdiction(row) for row in (await self.session.execute(query)).mappings()]

    async def along_path(self, path: str) -> list[Jurisdiction]:
        """The jurisdictions named by a path, from the city down."""
        codes = path.split("/")
        query = sa.select(jurisdictions).where(jurisdictions.c.code.in_(codes)).order_by(jurisdictions.c.level)
        return [_jurisdiction(row) for row in (await self.session.execute(query)).mappings()]
