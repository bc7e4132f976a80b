"""Handlers for the lists: the quarterly red/black lists (R4) and the yearly red/yellow lists (R7) — compile,
publish once, announce the consequences — and each jurisdiction's list policy (R7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import AlreadyExists, FailedPrecondition, NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import parse_choice
from wuye_ratings.domain import commands
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.events import YearlyListsPublished
from wuye_ratings.domain.list_policies import (
    JurisdictionListPolicy,
    ListScheme,
    YearlyCandidate,
    YearlyLists,
    compile_yearly_lists,
    policy_in_force,
    year_ended,
)
from wuye_ratings.domain.lists import (
    CompanyStanding,
    ListPolicy,
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
        in_force = policy_in_force(await uow.list_policies.along(path), path)
        if in_force is not None and in_force.scheme is not ListScheme.QUARTERLY_RED_BLACK:
            raise FailedPrecondition(
                f"{path} publishes yearly red/yellow lists (the policy set for {in_force.jurisdiction_path})",
                field="quarter", rule="R7",
            )
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
            policy=uow.policy if in_force is None else ListPolicy(in_force.black_includes_b),
            published_on=published_on,
            published_in=command.published_in,
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


# --- R7: list policies and yearly lists --------------------------------------------------------------

#: who sets a jurisdiction's list policy (a county officer for their own county or below)
POLICY_SETTERS = ("county_officer", "city_admin")


@dataclass(frozen=True)
class PolicyInForce:
    policy: JurisdictionListPolicy
    #: the jurisdiction whose setting holds ("" for the deployment's default), who set it and when
    set_for_path: str
    set_by: str
    set_at: dt.datetime | None


@dataclass(frozen=True)
class PublishedYearlyLists:
    lists: YearlyLists
    names: dict[str, str]


async def set_list_policy(command: commands.SetListPolicy, uow: RatingsUnitOfWork) -> PolicyInForce:
    action = "set a list policy"
    caller = auth.require_role(POLICY_SETTERS, action=action)
    policy = JurisdictionListPolicy.create(
        jurisdiction_path=command.jurisdiction_path,
        scheme=parse_choice(ListScheme, command.scheme, field="policy.scheme", rule="R7"),
        black_includes_b=command.black_includes_b, red_percent=command.red_percent,
        yellow_percent=command.yellow_percent,
    )
    auth.require_access(policy.jurisdiction_path, action=action)
    now = utcnow()
    async with uow:
        await uow.list_policies.put(policy, set_by=caller.user, set_at=now)
        await uow.commit()
    return PolicyInForce(policy, policy.jurisdiction_path, caller.user, now)


async def get_list_policy(query: commands.GetListPolicy, uow: RatingsUnitOfWork) -> PolicyInForce:
    auth.require_role(READERS, action="read a list policy")
    path = _path(query.jurisdiction_path, action="read a list policy")
    async with uow.reading():
        in_force = policy_in_force(await uow.list_policies.along(path), path)
        if in_force is None:
            default = JurisdictionListPolicy(path, ListScheme.QUARTERLY_RED_BLACK, uow.policy.black_includes_b)
            return PolicyInForce(default, "", "", None)
        setting = await uow.list_policies.set_by(in_force.jurisdiction_path)
    set_by, set_at = setting if setting is not None else ("", None)
    return PolicyInForce(JurisdictionListPolicy(path, in_force.scheme, in_force.black_includes_b,
                                                in_force.red_percent, in_force.yellow_percent),
                         in_force.jurisdiction_path, set_by, set_at)


async def publish_yearly_lists(command: commands.PublishYearlyLists, uow: RatingsUnitOfWork) -> PublishedYearlyLists:
    action = "publish red and yellow lists"
    caller = auth.require_role(PUBLISHERS, action=action)
    path = _path(command.jurisdiction_path, action=action)
    published_on = uow.today()
    year_ended(command.year, published_on)
    async with uow:
        in_force = policy_in_force(await uow.list_policies.along(path), path)
        if in_force is None or in_force.scheme is not ListScheme.YEARLY_RED_YELLOW:
            raise FailedPrecondition(f"{path} publishes quarterly red/black lists: no yearly policy holds there",
                                     field="year", rule="R7")
        if await uow.yearly_lists.get(path, command.year) is not None:
            raise AlreadyExists(f"the {command.year} lists of {path} were already published", field="year", rule="R7")
        ranked = await uow.companies.in_jurisdiction(path)
        scores = await scores_on(uow, [company.company_id for company in ranked], dt.date(command.year, 12, 31),
                                 known_on=published_on)
        lists = compile_yearly_lists(
            policy=in_force, jurisdiction_path=path, year=command.year, published_on=published_on,
            published_in=command.published_in,
            candidates=[
                YearlyCandidate(company.company_id, scores[company.company_id].score,
                                scores[company.company_id].band, tuple(company.compounds_in(path)))
                for company in ranked
            ],
        )
        await uow.yearly_lists.add(lists, published_by=caller.user)
        await uow.publish(YearlyListsPublished(path, lists.year, lists.published_on, lists.red, lists.yellow,
                                               lists.published_in))
        for consequence in lists.consequences():
            await uow.publish(consequence)
        names = await uow.companies.names([one.company_id for one in lists.standings])
        await uow.commit()
    return PublishedYearlyLists(lists, names)


async def get_yearly_lists(query: commands.GetYearlyLists, uow: RatingsUnitOfWork) -> PublishedYearlyLists:
    auth.require_role(READERS, action="read red and yellow lists")
    path = _path(query.jurisdiction_path, action="read red and yellow lists")
    async with uow.reading():
        found = await uow.yearly_lists.get(path, query.year)
        if found is None:
            raise NotFound(f"no {query.year} lists were published for {path}", field="year", rule="R7")
        return PublishedYearlyLists(found, await uow.companies.names([one.company_id for one in found.standings]))


def _path(jurisdiction_path: str, *, action: str) -> str:
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action=action)
    return path
