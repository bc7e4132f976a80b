"""Catalogue rows ⇄ the domain ``Catalogue``: the standard departments and every item on record."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_enforcement.adapters.orm import inspection_items
from wuye_enforcement.domain.catalogue import STANDARD_DEPARTMENTS, Catalogue, Frequency, InspectionItem


def _item(row: sa.RowMapping) -> InspectionItem:
    return InspectionItem(
        code=row["code"],
        lead_department=row["lead_department"],
        partner_departments=tuple(row["partner_departments"]),
        content=row["content"],
        legal_basis=row["legal_basis"],
        standard=row["standard"],
        frequency=Frequency(row["frequency"]),
        scenario=row["scenario"],
    )


def _values(item: InspectionItem, actor_id: str) -> dict[str, object]:
    return {
        "lead_department": item.lead_department,
        "partner_departments": list(item.partner_departments),
        "content": item.content,
        "legal_basis": item.legal_basis,
        "standard": item.standard,
        "frequency": item.frequency.value,
        "scenario": item.scenario,
        "updated_by": actor_id,
        "updated_at": utcnow(),
    }


class CatalogueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load(self) -> Catalogue:
        rows = (await self.session.execute(sa.select(inspection_items).order_by(inspection_items.c.code))).mappings()
        return Catalogue(STANDARD_DEPARTMENTS, [_item(row) for row in rows])

    async def add(self, item: InspectionItem, *, actor_id: str) -> None:
        await self.session.execute(inspection_items.insert().values(code=item.code, **_values(item, actor_id)))

    async def replace(self, item: InspectionItem, *, actor_id: str) -> None:
        await self.session.execute(
            inspection_items.update().where(inspection_items.c.code == item.code).values(**_values(item, actor_id))
        )
