"""Yearly star ratings (R5) ⇄ ``star_ratings`` rows."""

from __future__ import annotations

from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_ratings.adapters.orm import star_ratings
from wuye_ratings.domain.stars import StarRating
from wuye_ratings.domain.vocabulary import StarWithdrawalReason


def _rating(row: sa.RowMapping) -> StarRating:
    return StarRating(
        company_id=row["company_id"],
        year=row["year"],
        score=Fraction(row["score"]),
        stars=row["stars"],
        city_review_approved=row["city_review_approved"],
        assessed_on=row["assessed_on"],
        city_reviewed_on=row["city_reviewed_on"],
        withdrawn_on=row["withdrawn_on"],
        withdrawal_reason=StarWithdrawalReason(row["withdrawal_reason"]) if row["withdrawal_reason"] else None,
        withdrawal_note=row["withdrawal_note"],
    )


class StarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_company(self, company_id: str) -> list[StarRating]:
        """The company's ratings, newest year first."""
        rows = await self.session.execute(
            sa.select(star_ratings).where(star_ratings.c.company_id == company_id).order_by(star_ratings.c.year.desc())
        )
        return [_rating(row) for row in rows.mappings()]

    async def add(self, rating: StarRating, *, assessed_by: str) -> None:
        await self.session.execute(
            star_ratings.insert().values(
                company_id=rating.company_id, year=rating.year, score=str(rating.score), stars=rating.stars,
                city_review_approved=rating.city_review_approved, assessed_on=rating.assessed_on,
                assessed_by=assessed_by, city_reviewed_on=rating.city_reviewed_on,
                city_reviewed_by=assessed_by if rating.city_reviewed_on else None,
            )
        )

    async def save_city_review(self, rating: StarRating, *, reviewed_by: str) -> None:
        await self._update(
            rating, stars=rating.stars, city_review_approved=rating.city_review_approved,
            city_reviewed_on=rating.city_reviewed_on, city_reviewed_by=reviewed_by,
        )

    async def save_withdrawal(self, rating: StarRating) -> None:
        await self._update(
            rating, withdrawn_on=rating.withdrawn_on,
            withdrawal_reason=rating.withdrawal_reason.value if rating.withdrawal_reason else None,
            withdrawal_note=rating.withdrawal_note,
        )

    async def _update(self, rating: StarRating, **values: object) -> None:
        await self.session.execute(
            star_ratings.update()
            .where(star_ratings.c.company_id == rating.company_id, star_ratings.c.year == rating.year)
            .values(**values)
        )
