"""Handlers for the quarterly red/black lists (R4): compile, publish once, announce the consequences."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_ratings.domain import commands
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.lists import (
    CompanyStanding,
    QuarterlyLists,
    compile_lists,
    require_quarter_ended,
    standing_day,
)
from wuye_ratings.service.scores import scores_on
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

PUBLISHERS = ("street_officer", "county_officer", "city_admin")
READERS = ("company_staff", "community_worker", *PUBLISHERS)


@dataclass(frozen=True)
class PublishedLists:
    lists: QuarterlyLists
    #: each listed company's exact score on the standing day
    scores: dict[str, Fraction]
    #: each listed company's name, for the people who read the lists
    names: dict[str, str]


async def publish_lists(command: commands.PublishLists, uow: RatingsUnitOfWork) -> PublishedLists:
    caller = auth.require_role(PUBLISHERS, action="publish red and black lists")
    path = _path(command.jurisdiction_path, action="publish red and black lists")
    period = Quarter.parse(command.quarter)
    published_on = require_quarter_ended(period, uow.today())
    async with uow:
        if await uow.lists.get(path, period) is not None:
            raise AlreadyExists(f"the {period} lists of {path} were already published", field="quarter", rule="R4")
        ranked = await uow.companies.in_jurisdiction(path)
        scores = await scores_on(
            uow, [company.company_id for company in ranked], standing_day(period), known_on=published_on
        )
        lists = compile_lists(
            quarter=period,
            jurisdiction_path=path,
            standings=[
                CompanyStanding.create(
                    company_id=company.company_id, band=scores[company.company_id].band,
                    compound_ids=company.compounds_in(path),
                )
                for company in ranked
            ],
            policy=uow.policy,
            published_on=published_on,
        )
        previous = await uow.lists.get(path, period.previous())
        consequences = lists.consequences(None if previous is None else previous[0])
        exact = {company_id: score.score for company_id, score in scores.items()}
        await uow.lists.add(lists, exact, published_by=caller.user)
        await uow.publish(lists.published)
        for consequence in consequences:
            await uow.publish(consequence)
        names = await uow.companies.names(list(exact))
        await uow.commit()
    return PublishedLists(lists, exact, names)


async def get_lists(query: commands.GetLists, uow: RatingsUnitOfWork) -> PublishedLists:
    auth.require_role(READERS, action="read red and black lists")
    path = _path(query.jurisdiction_path, action="read red and black lists")
    period = Quarter.parse(query.quarter)
    async with uow.reading():
        found = await uow.lists.get(path, period)
        if found is None:
            raise NotFound(f"no {period} lists were published for {path}", field="quarter", rule="R4")
        lists, exact = found
        return PublishedLists(lists, exact, await uow.companies.names(list(exact)))


def _path(jurisdiction_path: str, *, action: str) -> str:
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action=action)
    return path
