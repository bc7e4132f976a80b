"""The companies known to ratings and the compounds they serve: the read model the registry's events
keep (``rated_companies``, ``served_compounds``) ⇄ ``RatedCompany`` and ``ServedCompound``."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.errors import NotFound
from wuye_chassis.path_queries import at_or_below
from wuye_chassis.validation import require_text
from wuye_ratings.adapters.orm import rated_companies, served_compounds, upsert
from wuye_ratings.domain.companies import RatedCompany, ServedCompound


class CompanyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, company_id: str, *, field: str = "company_id") -> RatedCompany:
        """The company as the registry announced it; NOT_FOUND naming ``field`` when ratings does not know it."""
        wanted = require_text(company_id, field=field, max_length=64)
        path = await self.session.scalar(
            sa.select(rated_companies.c.jurisdiction_path).where(rated_companies.c.company_id == wanted)
        )
        if path is None:
            raise NotFound(
                f"company {wanted} is not known to ratings (no CompanyRegistered from the registry)", field=field
            )
        rows = await self.session.execute(
            sa.select(served_compounds.c.compound_id, served_compounds.c.jurisdiction_path).where(
                served_compounds.c.company_id == wanted
            )
        )
        return RatedCompany(wanted, path, {row.compound_id: row.jurisdiction_path for row in rows})

    async def serving(self, compound_id: str) -> ServedCompound:
        """The compound and the company serving it; NOT_FOUND when no company does."""
        wanted = require_text(compound_id, field="compound_id", max_length=64)
        row = (
            await self.session.execute(sa.select(served_compounds).where(served_compounds.c.compound_id == wanted))
        ).mappings().first()
        if row is None:
            raise NotFound(f"compound {wanted} has no property company known to ratings", field="compound_id")
        return ServedCompound(row["compound_id"], row["company_id"], row["jurisdiction_path"])

    async def in_jurisdiction(self, jurisdiction_path: str) -> list[RatedCompany]:
        """Companies registered in the jurisdiction or serving a compound there."""
        serving = sa.select(served_compounds.c.company_id).where(
            at_or_below(served_compounds.c.jurisdiction_path, jurisdiction_path)
        )
        ids = await self.session.scalars(
            sa.select(rated_companies.c.company_id)
            .where(
                sa.or_(
                    at_or_below(rated_companies.c.jurisdiction_path, jurisdiction_path),
                    rated_companies.c.company_id.in_(serving),
                )
            )
            .order_by(rated_companies.c.company_id)
        )
        return [await self.get(company_id) for company_id in ids]

    async def names(self, company_ids: list[str]) -> dict[str, str]:
        """Each company's name as the registry announced it, by id (ids ratings does not know are left out)."""
        rows = await self.session.execute(
            sa.select(rated_companies.c.company_id, rated_companies.c.name)
            .where(rated_companies.c.company_id.in_(company_ids))
        )
        return {company_id: name for company_id, name in rows.all()}

    async def save_registered(self, *, company_id: str, name: str, jurisdiction_path: str) -> None:
        await upsert(
            self.session, rated_companies, {"company_id": company_id},
            {"name": name, "jurisdiction_path": jurisdiction_path, "updated_at": utcnow()},
        )

    async def serve(self, *, compound_id: str, company_id: str, contract_id: str, jurisdiction_path: str) -> None:
        """The company serves the compound under the contract (replacing whoever served it before)."""
        await upsert(
            self.session, served_compounds, {"compound_id": compound_id},
            {"company_id": company_id, "contract_id": contract_id, "jurisdiction_path": jurisdiction_path,
             "updated_at": utcnow()},
        )

    async def stop_serving(self, *, compound_id: str, contract_id: str) -> None:
        # only the contract's own end frees the compound: a successor may already serve it
        await self.session.execute(
            served_compounds.delete().where(
                served_compounds.c.compound_id == compound_id, served_compounds.c.contract_id == contract_id
            )
        )
