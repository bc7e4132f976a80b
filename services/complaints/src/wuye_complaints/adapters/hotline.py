"""The counts behind the hotline analysis (H1) and the service lists (H2): one grouped scan per breakdown,
counted by submission time, never a case loaded into Python."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_complaints.adapters.figures import FigureScope, submitted_filters
from wuye_complaints.adapters.orm import cases, known_compounds

#: the breakdowns H1 gives, by the case column each one groups on
BREAKDOWN_COLUMNS = {
    "category": cases.c.category,
    "channel": cases.c.channel,
    "tier": cases.c.tier,
    "company": cases.c.company_id,
    "compound": cases.c.compound_id,
}


class HotlineCounts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by(self, scope: FigureScope, breakdown: str) -> dict[str, int]:
        """The period's complaints counted by one column (cases a community holds have no company and are
        left out of the company breakdown)."""
        column = BREAKDOWN_COLUMNS[breakdown]
        query = (
            sa.select(column, sa.func.count())
            .where(*submitted_filters(scope), column.is_not(None))
            .group_by(column)
        )
        return {str(key): int(count) for key, count in (await self.session.execute(query)).all()}

    async def held(self, scope: FigureScope, compound_id: str) -> dict[tuple[str, str | None], int]:
        """A compound's complaints of the period by (category, the company holding them or None)."""
        query = (
            sa.select(cases.c.category, cases.c.company_id, sa.func.count())
            .where(*submitted_filters(scope), cases.c.compound_id == compound_id)
            .group_by(cases.c.category, cases.c.company_id)
        )
        return {(category, company): int(count) for category, company, count in (await self.session.execute(query)).all()}

    async def categories_of(self, scope: FigureScope, compound_ids: list[str]) -> dict[str, dict[str, int]]:
        """The period's complaints of each of these compounds by category, in one grouped scan."""
        query = (
            sa.select(cases.c.compound_id, cases.c.category, sa.func.count())
            .where(*submitted_filters(scope), cases.c.compound_id.in_(compound_ids))
            .group_by(cases.c.compound_id, cases.c.category)
        )
        found: dict[str, dict[str, int]] = {}
        for compound_id, category, count in (await self.session.execute(query)).all():
            found.setdefault(compound_id, {})[category] = int(count)
        return found

    async def compound_names(self, compound_ids: list[str]) -> dict[str, str]:
        rows = await self.session.execute(
            sa.select(known_compounds.c.compound_id, known_compounds.c.name)
            .where(known_compounds.c.compound_id.in_(compound_ids))
        )
        return {compound_id: name for compound_id, name in rows.all()}
