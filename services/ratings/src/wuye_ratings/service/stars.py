"""Handlers for the yearly star rating (R5): assess a finished year, record the city review, read the
stars; and, from other services' events, date each company's service by its contracts and withdraw its
stars when its last contract ends or a serious violation is found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.validation import optional_iso_date, parse_iso_date, require_whole
from wuye_ratings.domain import commands, sources
from wuye_ratings.domain.stars import (
    StarRating,
    contract_end_withdraws_stars,
    rating_held_on,
    service_started_on,
    withdraw_held_stars,
    yearly_evaluation_score,
)
from wuye_ratings.domain.vocabulary import StarWithdrawalReason
from wuye_ratings.service.companies import require_company_access
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

ASSESSORS = ("county_officer", "city_admin")
CITY_REVIEWERS = ("city_admin",)
READERS = ("company_staff", "community_worker", "street_officer", "county_officer", "city_admin")


@dataclass(frozen=True)
class CompanyStars:
    company_id: str
    as_of: dt.date
    held: int
    ratings: list[StarRating]


async def assess_stars(command: commands.AssessStars, uow: RatingsUnitOfWork) -> StarRating:
    caller = auth.require_role(ASSESSORS, action="assess star ratings")
    rated_year = require_whole(command.year, field="year", rule="R5", minimum=1)
    try:
        async with uow:
            company = await uow.companies.get(command.company_id)
            auth.require_access(company.jurisdiction_path, action="assess star ratings")
            if any(rating.year == rated_year for rating in await uow.stars.of_company(company.company_id)):
                raise AlreadyExists(
                    f"company {company.company_id} was already rated for {rated_year}", field="year", rule="R5"
                )
            rating = StarRating.assess(
                company_id=company.company_id,
                year=rated_year,
                score=yearly_evaluation_score(
                    await uow.evaluations.year(company_id=company.company_id, year=rated_year),
                    company_id=company.company_id, year=rated_year, weights=uow.weights,
                ),
                service_started_on=service_started_on(
                    await uow.contracts.starts(company.company_id), company_id=company.company_id
                ),
                assessed_on=uow.today(),
            )
            await uow.stars.add(rating, assessed_by=caller.user)
            if (awarded := rating.awarded) is not None:
                await uow.publish(awarded)
            await uow.commit()
    except IntegrityError:
        # a concurrent assessment of the same year committed first
        raise AlreadyExists(
            f"company {command.company_id} was already rated for {rated_year}", field="year", rule="R5"
        ) from None
    return rating


async def record_city_review(command: commands.RecordCityReview, uow: RatingsUnitOfWork) -> StarRating:
    caller = auth.require_role(CITY_REVIEWERS, action="record a star rating's city review")
    async with uow:
        company = await uow.companies.get(command.company_id)
        auth.require_access(company.jurisdiction_path, action="record a star rating's city review")
        rating = next(
            (found for found in await uow.stars.of_company(company.company_id) if found.year == command.year), None
        )
        if rating is None:
            raise NotFound(f"company {company.company_id} has no {command.year} star rating", field="year", rule="R5")
        awarded = rating.record_city_review(approved=command.approved, on=uow.today())
        await uow.stars.save_city_review(rating, reviewed_by=caller.user)
        if awarded is not None:
            await uow.publish(awarded)
        await uow.commit()
    return rating


async def get_stars(query: commands.GetStars, uow: RatingsUnitOfWork) -> CompanyStars:
    auth.require_role(READERS, action="read star ratings")
    day = optional_iso_date(query.as_of, field="as_of") or uow.today()
    async with uow.reading():
        company = await uow.companies.get(query.company_id)
        require_company_access(company, action="read star ratings")
        ratings = await uow.stars.of_company(company.company_id)
    held = rating_held_on(ratings, day)
    return CompanyStars(company.company_id, day, held.stars_on(day) if held else 0, ratings)


# --- from other services' events -----------------------------------------------------------------


async def record_contract_start(event: commands.ContractStarted, uow: RatingsUnitOfWork) -> None:
    started_on = parse_iso_date(event.start_on, field="start_on")
    async with uow:
        await uow.contracts.save_started(
            contract_id=event.contract_id, company_id=event.company_id, compound_id=event.compound_id,
            started_on=started_on,
        )
        await uow.commit()


async def record_contract_end(event: commands.ContractEnded, uow: RatingsUnitOfWork) -> None:
    """The end of the company's last serving contract withdraws its stars from that day."""
    ended_on = optional_iso_date(event.terminated_on, field="terminated_on") or uow.today()
    async with uow:
        await uow.contracts.save_ended(contract_id=event.contract_id, terminated_on=ended_on)
        if contract_end_withdraws_stars(await uow.contracts.still_serving(event.company_id)):
            await _withdraw_stars(
                uow, event.company_id, StarWithdrawalReason.CONTRACT_ENDED, ended_on,
                f"contract {event.contract_id} ended",
            )
        await uow.commit()


async def withdraw_stars_for_finding(event: commands.FindingRecorded, uow: RatingsUnitOfWork) -> None:
    """A serious finding is the serious violation that withdraws the company's stars."""
    if not sources.finding_withdraws_stars(company_id=event.company_id, severity=event.severity):
        return
    async with uow:
        await _withdraw_stars(
            uow, event.company_id, StarWithdrawalReason.SERIOUS_VIOLATION, sources.day_of(event.found_at),
            f"serious inspection finding {event.finding_id}",
        )
        await uow.commit()


async def _withdraw_stars(
    uow: RatingsUnitOfWork, company_id: str, reason: StarWithdrawalReason, on: dt.date, note: str
) -> None:
    """Withdraw the stars the company holds on ``on`` and announce it; nothing when it holds none."""
    withdrawn = withdraw_held_stars(await uow.stars.of_company(company_id), reason=reason, on=on, note=note)
    if withdrawn is not None:
        rating, event = withdrawn
        await uow.stars.save_withdrawal(rating)
        await uow.publish(event)
