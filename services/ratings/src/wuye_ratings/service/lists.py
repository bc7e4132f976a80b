"""Use cases for the quarterly red/black lists (R4): compile, publish once, announce the consequences."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from wuye.ratings.v1 import events_pb2
from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_ratings.adapters import companies
from wuye_ratings.adapters.events import to_message
from wuye_ratings.adapters.lists import load_lists, save_lists
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.lists import (
    CompanyStanding,
    ListPolicy,
    QuarterlyLists,
    compile_lists,
    require_quarter_ended,
    standing_day,
)
from wuye_ratings.service.common import scores_on, today

PUBLISHERS = ("street_officer", "county_officer", "city_admin")
READERS = ("company_staff", "community_worker", *PUBLISHERS)


@dataclass(frozen=True)
class PublishedLists:
    lists: QuarterlyLists
    scores: dict[str, Fraction]


class ListService:
    def __init__(self, runtime: ServiceRuntime, policy: ListPolicy) -> None:
        self.runtime = runtime
        self.policy = policy

    async def publish(self, *, jurisdiction_path: str, quarter: str) -> PublishedLists:
        caller = auth.require_role(PUBLISHERS, action="publish red and black lists")
        path = str(JurisdictionPath.parse(jurisdiction_path))
        auth.require_access(path, action="publish red and black lists")
        period = Quarter.parse(quarter)
        published_on = require_quarter_ended(period, today())
        async with self.runtime.unit_of_work() as uow:
            if await load_lists(uow.session, path, period) is not None:
                raise AlreadyExists(f"the {period} lists of {path} were already published", field="quarter", rule="R4")
            ranked = await companies.companies_in(uow.session, path)
            scores = await scores_on(
                uow.session, [company.company_id for company in ranked], standing_day(period), known_on=published_on
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
                policy=self.policy,
                published_on=published_on,
            )
            previous = await load_lists(uow.session, path, period.previous())
            consequences = lists.consequences(None if previous is None else previous[0])
            exact = {company_id: score.score for company_id, score in scores.items()}
            await save_lists(uow.session, lists, exact, published_by=caller.user)
            await uow.publish(
                events_pb2.ListsPublished(
                    jurisdiction_path=path, quarter=str(period), published_on=published_on.isoformat(),
                    red_company_ids=lists.red, black_company_ids=lists.black,
                ),
                aggregate_id=path,
            )
            for consequence in consequences:
                await uow.publish(to_message(consequence), aggregate_id=consequence.company_id)
            await uow.commit()
        return PublishedLists(lists, exact)

    async def get(self, *, jurisdiction_path: str, quarter: str) -> PublishedLists:
        auth.require_role(READERS, action="read red and black lists")
        path = str(JurisdictionPath.parse(jurisdiction_path))
        auth.require_access(path, action="read red and black lists")
        period = Quarter.parse(quarter)
        async with self.runtime.db.sessions() as session:
            found = await load_lists(session, path, period)
        if found is None:
            raise NotFound(f"no {period} lists were published for {path}", field="quarter", rule="R4")
        return PublishedLists(*found)
