"""Yearly star ratings (R5) ⇄ ``star_ratings`` rows, and the contracts that date a company's service."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_ratings.adapters.orm import service_contracts, star_ratings
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


async def load_ratings(session: AsyncSession, company_id: str) -> list[StarRating]:
    """The company's ratings, newest year first."""
    rows = await session.execute(
        sa.select(star_ratings).where(star_ratings.c.company_id == company_id).order_by(star_ratings.c.year.desc())
    )
    return [_rating(row) for row in rows.mappings()]


async def add_rating(session: AsyncSession, rating: StarRating, *, assessed_by: str) -> None:
    await session.execute(
        star_ratings.insert().values(
            company_id=rating.company_id, year=rating.year, score=str(rating.score), stars=rating.stars,
            city_review_approved=rating.city_review_approved, assessed_on=rating.assessed_on,
            assessed_by=assessed_by, city_reviewed_on=rating.city_reviewed_on,
            city_reviewed_by=assessed_by if rating.city_reviewed_on else None,
        )
    )


async def save_city_review(session: AsyncSession, rating: StarRating, *, reviewed_by: str) -> None:
    await session.execute(
        star_ratings.update()
        .where(star_ratings.c.company_id == rating.company_id, star_ratings.c.year == rating.year)
        .values(
            stars=rating.stars, city_review_approved=rating.city_review_approved,
            city_reviewed_on=rating.city_reviewed_on, city_reviewed_by=reviewed_by,
        )
    )


async def save_withdrawal(session: AsyncSession, rating: StarRating) -> None:
    await session.execute(
        star_ratings.update()
        .where(star_ratings.c.company_id == rating.company_id, star_ratings.c.year == rating.year)
        .values(
            withdrawn_on=rating.withdrawn_on,
            withdrawal_reason=rating.withdrawal_reason.value if rating.withdrawal_reason else None,
            withdrawal_note=rating.withdrawal_note,
        )
    )


async def contract_starts(session: AsyncSession, company_id: str) -> list[dt.date]:
    return list(
        await session.scalars(
            sa.select(service_contracts.c.started_on).where(service_contracts.c.company_id == company_id)
        )
    )


async def record_contract_started(
    session: AsyncSession, *, contract_id: str, company_id: str, compound_id: str, started_on: dt.date
) -> None:
    values = {"company_id": company_id, "compound_id": compound_id, "started_on": started_on, "updated_at": utcnow()}
    changed = await session.execute(
        service_contracts.update().where(service_contracts.c.contract_id == contract_id).values(**values)
    )
    if changed.rowcount == 0:
        await session.execute(service_contracts.insert().values(contract_id=contract_id, **values))


async def record_contract_ended(session: AsyncSession, *, contract_id: str, terminated_on: dt.date) -> None:
    await session.execute(
        service_contracts.update()
        .where(service_contracts.c.contract_id == contract_id)
        .values(terminated_on=terminated_on, updated_at=utcnow())
    )


async def contracts_still_serving(session: AsyncSession, company_id: str) -> int:
    count = await session.scalar(
        sa.select(sa.func.count()).where(
            service_contracts.c.company_id == company_id, service_contracts.c.terminated_on.is_(None)
        )
    )
    return int(count or 0)
