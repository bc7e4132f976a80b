"""The rule book: the default version from the domain plus every version a city added (R1, R2)."""

from __future__ import annotations

from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_ratings.adapters.orm import rule_versions
from wuye_ratings.domain.rules import DEFAULT_RULES, RuleBook, RuleSet


class RuleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def book(self) -> RuleBook:
        book = RuleBook((DEFAULT_RULES,))
        rows = (
            await self.session.execute(sa.select(rule_versions).order_by(rule_versions.c.effective_from))
        ).mappings()
        for row in rows:
            book = book.add(
                RuleSet.create(
                    version=row["version"],
                    effective_from=row["effective_from"],
                    base_score=Fraction(row["base_score"]),
                    band_floors={band: Fraction(floor) for band, floor in row["band_floors"].items()},
                    points={kind: Fraction(points) for kind, points in row["points"].items()},
                    automatic_c_kinds=row["automatic_c_kinds"],
                    validity_years=row["validity_years"],
                )
            )
        return book

    async def add(self, ruleset: RuleSet, *, added_by: str) -> None:
        await self.session.execute(
            rule_versions.insert().values(
                version=ruleset.version,
                effective_from=ruleset.effective_from,
                base_score=str(ruleset.base_score),
                band_floors={band.value: str(floor) for band, floor in ruleset.band_floors.items()},
                points={kind.value: str(points) for kind, points in ruleset.points.items()},
                automatic_c_kinds=sorted(kind.value for kind in ruleset.automatic_c_kinds),
                validity_years=ruleset.validity_years,
                added_by=added_by,
                added_at=utcnow(),
            )
        )
