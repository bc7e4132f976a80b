"""Handlers for credit scores (R1, R6): a company's score card for any day and the rankings of a
jurisdiction. Scores are never stored: every read recomputes them from the records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import optional_iso_date
from wuye_ratings.domain import commands
from wuye_ratings.domain.appeals import Appeal
from wuye_ratings.domain.credit import CreditRecord, CreditScore, score_under
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.rankings import Ranked, rank
from wuye_ratings.service.companies import require_company_access
from wuye_ratings.service.records import RECORD_READERS
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

#: the quarter-end scores a score card shows beside the day asked for
HISTORY_QUARTERS = 4


@dataclass(frozen=True)
class ScoreCard:
    score: CreditScore
    counted: list[CreditRecord]
    appeals: Mapping[str, list[Appeal]]
    history: list[CreditScore]


async def get_score_card(query: commands.GetScoreCard, uow: RatingsUnitOfWork) -> ScoreCard:
    auth.require_role(RECORD_READERS, action="read a score card")
    day = optional_iso_date(query.as_of, field="as_of") or uow.today()
    knowledge = optional_iso_date(query.known_on, field="known_on", rule="R6")
    async with uow.reading():
        company = await uow.companies.get(query.company_id)
        require_company_access(company, action="read a score card")
        book = await uow.rules.book()
        records = (await uow.records.of_companies([company.company_id]))[company.company_id]
        score = score_under(book, records, day, company_id=company.company_id, known_on=knowledge)
        counted = [record for record in records if record.record_id in score.counted_record_ids]
        appeals = await uow.records.appeals_of([record.record_id for record in counted])
    quarter = Quarter.of(day)
    ends: list[dt.date] = []
    for _ in range(HISTORY_QUARTERS):
        quarter = quarter.previous()
        ends.insert(0, quarter.last_day)
    history = [
        score_under(book, records, end, company_id=company.company_id, known_on=score.known_on)
        for end in ends
        if end >= book.versions[0].effective_from
    ]
    return ScoreCard(score, counted, appeals, history)


@dataclass(frozen=True)
class Rankings:
    ranked: list[Ranked]
    #: each ranked company's name, for the people who read the rankings
    names: dict[str, str]


async def get_rankings(query: commands.GetRankings, uow: RatingsUnitOfWork) -> Rankings:
    auth.require_role(RECORD_READERS, action="read rankings")
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    auth.require_access(path, action="read rankings")
    today = uow.today()
    day = optional_iso_date(query.as_of, field="as_of") or today
    async with uow.reading():
        ranked = await uow.companies.in_jurisdiction(path)
        company_ids = [company.company_id for company in ranked]
        scores = await scores_on(uow, company_ids, day, known_on=max(day, today))
        names = await uow.companies.names(company_ids)
    return Rankings(rank(scores.values()), names)


async def scores_on(
    uow: RatingsUnitOfWork, company_ids: list[str], day: dt.date, *, known_on: dt.date
) -> dict[str, CreditScore]:
    """Each company's score on ``day`` as known on ``known_on``, inside the open unit of work."""
    book = await uow.rules.book()
    records = await uow.records.of_companies(company_ids)
    return {
        company_id: score_under(book, records[company_id], day, company_id=company_id, known_on=known_on)
        for company_id in company_ids
    }
