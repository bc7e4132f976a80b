"""Published red/black lists (R4): one row per jurisdiction and quarter plus the standings they ranked; the
list policies jurisdictions set and their published yearly red/yellow lists (R7)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import changed_rows
from wuye_ratings.adapters.orm import list_policies, list_standings, published_lists, yearly_lists, yearly_standings
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.list_policies import (
    JurisdictionListPolicy,
    ListScheme,
    YearlyListing,
    YearlyLists,
    YearlyStanding,
)
from wuye_ratings.domain.lists import CompanyStanding, ListPolicy, QuarterlyLists
from wuye_ratings.domain.vocabulary import Band


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
            head["published_on"], head["published_in"] or None,
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
                published_in=lists.published_in or "",
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


class ListPolicyRepository:
    """The list policies jurisdictions set (R7)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def along(self, path: str) -> list[JurisdictionListPolicy]:
        """The policies set for ``path`` and for each of its ancestors."""
        codes = path.split("/")
        ancestors = ["/".join(codes[:depth]) for depth in range(1, len(codes) + 1)]
        rows = (await self.session.execute(
            sa.select(list_policies).where(list_policies.c.jurisdiction_path.in_(ancestors))
        )).mappings()
        return [
            JurisdictionListPolicy(row["jurisdiction_path"], ListScheme(row["scheme"]), row["black_includes_b"],
                                   row["red_percent"], row["yellow_percent"])
            for row in rows
        ]

    async def set_by(self, path: str) -> tuple[str, dt.datetime] | None:
        row = (await self.session.execute(
            sa.select(list_policies.c.set_by, list_policies.c.set_at).where(list_policies.c.jurisdiction_path == path)
        )).first()
        return None if row is None else (row.set_by, row.set_at)

    async def put(self, policy: JurisdictionListPolicy, *, set_by: str, set_at: dt.datetime) -> None:
        values = {"scheme": policy.scheme.value, "black_includes_b": policy.black_includes_b,
                  "red_percent": policy.red_percent, "yellow_percent": policy.yellow_percent, "set_by": set_by,
                  "set_at": set_at}
        changed = await changed_rows(self.session, list_policies.update().where(
            list_policies.c.jurisdiction_path == policy.jurisdiction_path).values(**values))
        if changed == 0:
            await self.session.execute(list_policies.insert().values(jurisdiction_path=policy.jurisdiction_path,
                                                                     **values))


class YearlyListRepository:
    """Published yearly red/yellow lists (R7), each company's place as published."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, path: str, year: int) -> YearlyLists | None:
        head = (await self.session.execute(sa.select(yearly_lists).where(
            yearly_lists.c.jurisdiction_path == path, yearly_lists.c.year == year))).mappings().first()
        if head is None:
            return None
        rows = (await self.session.execute(
            sa.select(yearly_standings)
            .where(yearly_standings.c.jurisdiction_path == path, yearly_standings.c.year == year)
            .order_by(yearly_standings.c.rank, yearly_standings.c.company_id)
        )).mappings()
        return YearlyLists(
            jurisdiction_path=path, year=year, published_on=head["published_on"],
            published_in=head["published_in"] or None, red_percent=head["red_percent"],
            yellow_percent=head["yellow_percent"],
            standings=tuple(
                YearlyStanding(row["company_id"], row["rank"], Fraction(row["score"]), Band(row["band"]),
                               YearlyListing(row["listing"]),
                               tuple(compound for compound in row["compound_ids"].split(",") if compound))
                for row in rows
            ),
        )

    async def add(self, lists: YearlyLists, *, published_by: str) -> None:
        await self.session.execute(yearly_lists.insert().values(
            jurisdiction_path=lists.jurisdiction_path, year=lists.year, published_on=lists.published_on,
            published_in=lists.published_in or "", red_percent=lists.red_percent,
            yellow_percent=lists.yellow_percent, published_by=published_by,
        ))
        if lists.standings:
            await self.session.execute(yearly_standings.insert(), [
                {"jurisdiction_path": lists.jurisdiction_path, "year": lists.year, "company_id": one.company_id,
                 "rank": one.rank, "band": one.band.value, "score": str(one.score), "listing": one.listing.value,
                 "compound_ids": ",".join(one.compound_ids)}
                for one in lists.standings
            ])
