"""Use cases for rules, credit records, score cards, rankings and appeals (R1, R2, R6).

Every change runs in one unit of work: rows and outbox events commit together, and a refusal (bad input,
unknown company, someone else's record, wrong role or scope) leaves no row and no event behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession

from wuye.ratings.v1 import events_pb2
from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument, PermissionDenied
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.validation import optional_iso_date, parse_iso_date
from wuye_ratings.adapters import companies
from wuye_ratings.adapters.events import to_message
from wuye_ratings.adapters.records import RecordRepository
from wuye_ratings.adapters.rules import add_rule_version, load_rule_book
from wuye_ratings.domain.appeals import Appeal
from wuye_ratings.domain.credit import CreditRecord, CreditScore, SourceKind
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.rankings import Ranked, rank
from wuye_ratings.domain.rules import RuleSet
from wuye_ratings.domain.vocabulary import RecordKind
from wuye_ratings.service.common import Publish, day_or_today, score_with_book, scores_on, today

RULE_KEEPERS = ("city_admin",)
RECORD_KEEPERS = ("street_officer", "county_officer", "city_admin")
APPELLANTS = ("company_staff",)
#: appeals are decided above the street that usually enters records, so nobody reviews their own entry
APPEAL_REVIEWERS = ("county_officer", "city_admin")
HISTORY_QUARTERS = 4


@dataclass(frozen=True)
class ScoreCard:
    score: CreditScore
    counted: list[CreditRecord]
    appeals: Mapping[str, list[Appeal]]
    history: list[CreditScore]


@dataclass(frozen=True)
class RecordPage:
    records: list[CreditRecord]
    appeals: Mapping[str, list[Appeal]]
    next_page_token: str


async def add_record(
    session: AsyncSession,
    publish: Publish,
    *,
    company_id: str,
    kind: RecordKind | str,
    source_kind: SourceKind,
    source_reference: str,
    occurred_on: dt.date,
    valid_until: dt.date | None = None,
    note: str | None = None,
) -> CreditRecord:
    """Price a record by the rules in effect on the day it occurred, store it and announce the change."""
    book = await load_rule_book(session)
    record = CreditRecord.create(
        record_id=new_id(),
        company_id=company_id,
        kind=kind,
        ruleset=book.in_effect_on(occurred_on),
        source_kind=source_kind,
        source_reference=source_reference,
        occurred_on=occurred_on,
        valid_until=valid_until,
        note=note,
    )
    await RecordRepository(session).add(record)
    await publish(
        events_pb2.CreditScoreChanged(
            company_id=record.company_id, record_id=record.record_id,
            change=events_pb2.SCORE_CHANGE_RECORD_ADDED, effective_on=record.occurred_on.isoformat(),
            rule_version=record.rule_version,
        ),
        aggregate_id=record.company_id,
    )
    return record


class CreditService:
    def __init__(self, runtime: ServiceRuntime) -> None:
        self.runtime = runtime

    # --- rules ---------------------------------------------------------------------------------

    async def add_rule_version(
        self, *, city_path: str, version: str, effective_from: str, base_score: int | None,
        points: Mapping[str, Fraction],
    ) -> RuleSet:
        caller = auth.require_role(RULE_KEEPERS, action="add a rule version")
        city = JurisdictionPath.parse(city_path, field="city_path")
        if city.level != "city":
            raise InvalidArgument(f"city_path must be a city path, got a {city.level} path", field="city_path", rule="R1")
        auth.require_access(str(city), action="add a rule version")
        starts = parse_iso_date(effective_from, field="effective_from", rule="R1")
        async with self.runtime.unit_of_work() as uow:
            book = await load_rule_book(uow.session)
            latest = book.versions[-1]
            # kinds not named keep the latest version's points (not the defaults)
            changes: dict[str, object] = {"points": {**latest.points, **points}}
            if base_score is not None:
                changes["base_score"] = base_score
            ruleset = latest.revised(version=version, effective_from=starts, **changes)
            book.add(ruleset)  # refuses a repeated version id or a retroactive date
            await add_rule_version(uow.session, ruleset, added_by=caller.user)
            await uow.commit()
        return ruleset

    async def rule_versions(self) -> tuple[RuleSet, ...]:
        auth.require_role((*RECORD_KEEPERS, *APPELLANTS, *APPEAL_REVIEWERS), action="read the rule versions")
        async with self.runtime.db.sessions() as session:
            return (await load_rule_book(session)).versions

    # --- records -------------------------------------------------------------------------------

    async def add_manual_record(
        self, *, company_id: str, kind: str, occurred_on: str, valid_until: str, note: str
    ) -> CreditRecord:
        caller = auth.require_role(RECORD_KEEPERS, action="add a credit record")
        occurred = parse_iso_date(occurred_on, field="occurred_on", rule="R1")
        ends = optional_iso_date(valid_until, field="valid_until", rule="R1")
        async with self.runtime.unit_of_work() as uow:
            company = await companies.require_company(uow.session, company_id)
            company.require_access(action="add a credit record")
            record = await add_record(
                uow.session, uow.publish, company_id=company.company_id, kind=kind,
                source_kind=SourceKind.MANUAL, source_reference=caller.user, occurred_on=occurred,
                valid_until=ends, note=note,
            )
            await uow.commit()
        return record

    async def list_records(self, company_id: str, *, requested_size: int, page_token: str) -> RecordPage:
        auth.require_role((*RECORD_KEEPERS, *APPELLANTS), action="list credit records")
        size = page_size(requested_size)
        after = decode_cursor(page_token)
        async with self.runtime.db.sessions() as session:
            company = await companies.require_company(session, company_id)
            company.require_access(action="list credit records")
            repository = RecordRepository(session)
            records = await repository.page(company.company_id, after=after, size=size)
            appeals = await repository.appeals_of([record.record_id for record in records])
        token = encode_cursor(records[-1].record_id) if len(records) == size else ""
        return RecordPage(records, appeals, token)

    # --- scores --------------------------------------------------------------------------------

    async def score_card(self, company_id: str, *, as_of: str, known_on: str) -> ScoreCard:
        auth.require_role((*RECORD_KEEPERS, *APPELLANTS), action="read a score card")
        day = day_or_today(as_of, field="as_of")
        knowledge = optional_iso_date(known_on, field="known_on", rule="R6")
        async with self.runtime.db.sessions() as session:
            company = await companies.require_company(session, company_id)
            company.require_access(action="read a score card")
            repository = RecordRepository(session)
            book = await load_rule_book(session)
            records = (await repository.of_companies([company.company_id]))[company.company_id]
            score = score_with_book(book, records, company.company_id, day, known_on=knowledge)
            counted = [record for record in records if record.record_id in score.counted_record_ids]
            appeals = await repository.appeals_of([record.record_id for record in counted])
        quarter = Quarter.of(day)
        ends = []
        for _ in range(HISTORY_QUARTERS):
            quarter = quarter.previous()
            ends.insert(0, quarter.last_day)
        history = [
            score_with_book(book, records, company.company_id, end, known_on=score.known_on)
            for end in ends
            if end >= book.versions[0].effective_from
        ]
        return ScoreCard(score, counted, appeals, history)

    async def rankings(self, jurisdiction_path: str, *, as_of: str) -> list[Ranked]:
        auth.require_role((*RECORD_KEEPERS, *APPELLANTS), action="read rankings")
        path = str(JurisdictionPath.parse(jurisdiction_path))
        auth.require_access(path, action="read rankings")
        day = day_or_today(as_of, field="as_of")
        async with self.runtime.db.sessions() as session:
            ranked = await companies.companies_in(session, path)
            scores = await scores_on(session, [company.company_id for company in ranked], day, known_on=max(day, today()))
        return rank(scores.values())

    # --- appeals -------------------------------------------------------------------------------

    async def file_appeal(self, record_id: str, *, grounds: str) -> Appeal:
        caller = auth.require_role(APPELLANTS, action="appeal a credit record")
        if not caller.company:
            raise PermissionDenied(
                f"appealing needs the caller's company ({auth.COMPANY_KEY})", field="appellant_company_id", rule="R6"
            )
        async with self.runtime.unit_of_work() as uow:
            repository = RecordRepository(uow.session)
            record = await repository.get(record_id)
            appeal, filed = Appeal.file(
                appeal_id=new_id(), record=record, appellant_company_id=caller.company, filed_by=caller.user,
                grounds=grounds, now=utcnow(), appeals_of_record=(await repository.appeals_of([record.record_id]))[record.record_id],
            )
            company = await companies.require_company(uow.session, record.company_id, field="record_id")
            company.require_access(action="appeal a credit record")
            await repository.add_appeal(appeal)
            await uow.publish(to_message(filed), aggregate_id=record.company_id)
            await uow.commit()
        return appeal

    async def decide_appeal(self, appeal_id: str, *, outcome: str, reason: str) -> tuple[Appeal, CreditRecord]:
        caller = auth.require_role(APPEAL_REVIEWERS, action="decide an appeal")
        async with self.runtime.unit_of_work() as uow:
            repository = RecordRepository(uow.session)
            appeal = await repository.get_appeal(appeal_id)
            company = await companies.require_company(uow.session, appeal.company_id, field="appeal_id")
            company.require_access(action="decide an appeal")
            record = await repository.get(appeal.record_id)
            decided = appeal.decide(record=record, outcome=outcome, reviewer_id=caller.user, reason=reason, now=utcnow())
            await repository.save_decision(appeal)
            await uow.publish(to_message(decided), aggregate_id=record.company_id)
            if decided.record_withdrawn_on is not None:
                await repository.save_withdrawal(record)
                await uow.publish(
                    events_pb2.CreditScoreChanged(
                        company_id=record.company_id, record_id=record.record_id,
                        change=events_pb2.SCORE_CHANGE_RECORD_WITHDRAWN,
                        effective_on=decided.record_withdrawn_on.isoformat(), rule_version=record.rule_version,
                    ),
                    aggregate_id=record.company_id,
                )
            await uow.commit()
        return appeal, record

