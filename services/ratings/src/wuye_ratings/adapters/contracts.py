"""Every contract the registry announced, kept after it ends (``service_contracts``): when a company's
service started (R5 eligibility) and whether any contract still serves when one ends (R5 withdrawal)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_ratings.adapters.orm import service_contracts, upsert


class ContractRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def starts(self, company_id: str) -> list[dt.date]:
        return list(
            await self.session.scalars(
                sa.select(service_contracts.c.started_on).where(service_contracts.c.company_id == company_id)
            )
        )

    async def save_started(self, *, contract_id: str, company_id: str, compound_id: str, started_on: dt.date) -> None:
        await upsert(
            self.session, service_contracts, {"contract_id": contract_id},
            {"company_id": company_id, "compound_id": compound_id, "started_on": started_on, "updated_at": utcnow()},
        )

    async def save_ended(self, *, contract_id: str, terminated_on: dt.date) -> None:
        await self.session.execute(
            service_contracts.update()
            .where(service_contracts.c.contract_id == contract_id)
            .values(terminated_on=terminated_on, updated_at=utcnow())
        )

    async def still_serving(self, company_id: str) -> int:
        """How many of the company's contracts have not ended."""
        count = await self.session.scalar(
            sa.select(sa.func.count()).where(
                service_contracts.c.company_id == company_id, service_contracts.c.terminated_on.is_(None)
            )
        )
        return int(count or 0)
