"""Use cases for the yearly star rating (R5): assess a finished year, record the city review, read the
stars, and withdraw them when another service's event says so (``adapters.star_events``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.validation import require_whole
from wuye_ratings.adapters import companies, stars
from wuye_ratings.adapters.evaluations import load_year
from wuye_ratings.adapters.events import to_message
from wuye_ratings.domain.evaluations import EvaluationWeights
from wuye_ratings.domain.stars import (
    StarRating,
    rating_held_on,
    service_started_on,
    withdraw_held_stars,
    yearly_evaluation_score,
)
from wuye_ratings.domain.vocabulary import StarWithdrawalReason
from wuye_ratings.service.common import Publish, day_or_today, today

ASSESSORS = ("county_officer", "city_admin")
CITY_REVIEWERS = ("city_admin",)
READERS = ("company_staff", "community_worker", "street_officer", "county_officer", "city_admin")


@dataclass(frozen=True)
class CompanyStars:
    company_id: str
    as_of: dt.date
    held: int
    ratings: list[StarRating]


async def withdraw_stars(
    session: AsyncSession, publish: Publish, *, company_id: str, reason: StarWithdrawalReason, on: dt.date, note: str
) -> None:
    """Withdraw the stars the company holds on ``on`` and announce it; nothing when it holds none."""
    withdrawn = withdraw_held_stars(await stars.load_ratings(session, company_id), reason=reason, on=on, note=note)
    if withdrawn is not None:
        rating, event = withdrawn
        await stars.save_withdrawal(session, rating)
        await publish(to_message(event), aggregate_id=company_id)


class StarService:
    def __init__(self, runtime: ServiceRuntime, weights: EvaluationWeights) -> None:
        self.runtime = runtime
        self.weights = weights

    async def assess(self, *, company_id: str, year: int) -> StarRating:
        caller = auth.require_role(ASSESSORS, action="assess star ratings")
        rated_year = require_whole(year, field="year", rule="R5", minimum=1)
        try:
            async with self.runtime.unit_of_work() as uow:
                company = await companies.require_company(uow.session, company_id)
                auth.require_access(company.jurisdiction_path, action="assess star ratings")
                if any(rating.year == rated_year for rating in await stars.load_ratings(uow.session, company.company_id)):
                    raise AlreadyExists(
                        f"company {company.company_id} was already rated for {rated_year}", field="year", rule="R5"
                    )
                rating = StarRating.assess(
                    company_id=company.company_id,
                    year=rated_year,
                    score=yearly_evaluation_score(
                        await load_year(uow.session, company_id=company.company_id, year=rated_year),
                        company_id=company.company_id, year=rated_year, weights=self.weights,
                    ),
                    service_started_on=service_started_on(
                        await stars.contract_starts(uow.session, company.company_id), company_id=company.company_id
                    ),
                    assessed_on=today(),
                )
                await stars.add_rating(uow.session, rating, assessed_by=caller.user)
                if (awarded := rating.awarded) is not None:
                    await uow.publish(to_message(awarded), aggregate_id=rating.company_id)
                await uow.commit()
        except IntegrityError:
            # a concurrent assessment of the same year committed first
            raise AlreadyExists(f"company {company_id} was already rated for {rated_year}", field="year", rule="R5") from None
        return rating

    async def record_city_review(self, *, company_id: str, year: int, approved: bool) -> StarRating:
        caller = auth.require_role(CITY_REVIEWERS, action="record a star rating's city review")
        async with self.runtime.unit_of_work() as uow:
            company = await companies.require_company(uow.session, company_id)
            auth.require_access(company.jurisdiction_path, action="record a star rating's city review")
            rating = next(
                (found for found in await stars.load_ratings(uow.session, company.company_id) if found.year == year), None
            )
            if rating is None:
                raise NotFound(f"company {company.company_id} has no {year} star rating", field="year", rule="R5")
            awarded = rating.record_city_review(approved=approved, on=today())
            await stars.save_city_review(uow.session, rating, reviewed_by=caller.user)
            if awarded is not None:
                await uow.publish(to_message(awarded), aggregate_id=rating.company_id)
            await uow.commit()
        return rating

    async def get(self, *, company_id: str, as_of: str) -> CompanyStars:
        auth.require_role(READERS, action="read star ratings")
        day = day_or_today(as_of, field="as_of")
        async with self.runtime.db.sessions() as session:
            company = await companies.require_company(session, company_id)
            company.require_access(action="read star ratings")
            ratings = await stars.load_ratings(session, company.company_id)
        held = rating_held_on(ratings, day)
        return CompanyStars(company.company_id, day, held.stars_on(day) if held else 0, ratings)
