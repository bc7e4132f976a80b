"""Published red/black lists (R4): one row per jurisdiction and quarter plus the standings they ranked."""

from __future__ import annotations

from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_ratings.adapters.orm import list_standings, published_lists
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.lists import CompanyStanding, ListPolicy, QuarterlyLists


class ListRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, jurisdiction_path: str, quarter: Quarter) -> tuple[QuarterlyLists, dict[str, Fraction]] | None:
        """The published lists and each listed company's exact score, or None when not published."""
        head = (
            await self.session.execute(
                sa.select(published_lists).where(
                    published_lists.c.jurisdiction_path == jurisdiction_path, published_lists.c.quarter == str(quarter)
                )
            )
        ).mappings().first()
        if head is None:
            return None
        rows = (
            await self.session.execute(
                sa.select(list_standings)
                .where(list_standings.c.jurisdiction_path == jurisdiction_path, list_standings.c.quarter == str(quarter))
                .order_by(list_standings.c.company_id)
            )
        ).mappings().all()
        standings = tuple(
            CompanyStanding.create(
                company_id=row["company_id"],
                band=row["band"],
                compound_ids=[compound for compound in row["compound_ids"].split(",") if compound],
            )
            for row in rows
        )
        lists = QuarterlyLists(
            quarter, jurisdiction_path, standings, ListPolicy.create(black_includes_b=head["black_includes_b"]),
            head["published_on"],
        )
        return lists, {row["company_id"]: Fraction(row["score"]) for row in rows}

    async def add(self, lists: QuarterlyLists, scores: dict[str, Fraction], *, published_by: str) -> None:
        await self.session.execute(
            published_lists.insert().values(
                jurisdiction_path=lists.jurisdiction_path,
                quarter=str(lists.quarter),
                published_on=lists.published_on,
                black_includes_b=lists.policy.black_includes_b,
                published_by=published_by,
            )
        )
        if lists.standings:
            await self.session.execute(
                list_standings.insert(),
                [
                    {
                        "jurisdiction_path": lists.jurisdiction_path,
                        "quarter": str(lists.quarter),
                        "company_id": standing.company_id,
                        "band": standing.band.value,
                        "score": str(scores[standing.company_id]),
                        "compound_ids": ",".join(standing.compound_ids),
                    }
                    for standing in lists.standings
                ],
            )
