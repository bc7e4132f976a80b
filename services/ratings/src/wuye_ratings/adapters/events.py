"""Domain events → the protobuf events the outbox publishes (ids, codes, quarters and days only).

The service's ``EventTranslator``: the unit of work calls ``outgoing`` for every event a handler
publishes. The subject (aggregate id) is the company, or the jurisdiction for ``ListsPublished``.
"""

from __future__ import annotations

from google.protobuf.message import Message

from wuye.ratings.v1 import events_pb2
from wuye.ratings.v1 import ratings_pb2 as api
from wuye_chassis.proto_values import enum_number
from wuye_chassis.uow import OutgoingEvent
from wuye_chassis.validation import iso_or_empty
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.events import (
    AdmonitionTalkRequired,
    AppealDecided,
    AppealFiled,
    CommunityPartyTalkRequired,
    ContractEndAdvised,
    CreditRecordAdded,
    CreditRecordWithdrawn,
    Event,
    ListsPublished,
    StarsAwarded,
    StarsWithdrawn,
    TenderPriorityGranted,
    YearlyListsPublished,
)


def outgoing(event: Event) -> OutgoingEvent:
    subject = event.jurisdiction_path if isinstance(event, ListsPublished | YearlyListsPublished) else event.company_id
    return OutgoingEvent(_message(event), subject)


def _quarter(quarter: Quarter | None) -> str:
    return "" if quarter is None else str(quarter)


def _period(quarter: Quarter | None, year: int | None) -> str:
    """A list's period: its quarter ("2026Q3"), or its year ("2026") for a yearly list (R7)."""
    return str(quarter) if quarter is not None else str(year)


def _message(event: Event) -> Message:
    match event:
        case CreditRecordAdded():
            return _score_changed(event, events_pb2.SCORE_CHANGE_RECORD_ADDED)
        case CreditRecordWithdrawn():
            return _score_changed(event, events_pb2.SCORE_CHANGE_RECORD_WITHDRAWN)
        case ListsPublished():
            return events_pb2.ListsPublished(
                jurisdiction_path=event.jurisdiction_path, quarter=str(event.quarter), period=str(event.quarter),
                scheme=api.LIST_SCHEME_QUARTERLY_RED_BLACK, published_on=event.published_on.isoformat(),
                red_company_ids=event.red_company_ids, black_company_ids=event.black_company_ids,
                published_in=event.published_in or "",
            )
        case YearlyListsPublished():
            return events_pb2.ListsPublished(
                jurisdiction_path=event.jurisdiction_path, period=str(event.year),
                scheme=api.LIST_SCHEME_YEARLY_RED_YELLOW, published_on=event.published_on.isoformat(),
                red_company_ids=event.red_company_ids, yellow_company_ids=event.yellow_company_ids,
                published_in=event.published_in or "",
            )
        case TenderPriorityGranted():
            return events_pb2.TenderPriorityGranted(
                company_id=event.company_id, quarter=_quarter(event.quarter), period=_period(event.quarter, event.year),
                jurisdiction_path=event.jurisdiction_path, band=enum_number(api.Band, event.band),
            )
        case CommunityPartyTalkRequired():
            return events_pb2.CommunityPartyTalkRequired(
                company_id=event.company_id, period=str(event.year), jurisdiction_path=event.jurisdiction_path,
                band=enum_number(api.Band, event.band), rank=event.rank,
            )
        case AdmonitionTalkRequired():
            return events_pb2.AdmonitionTalkRequired(
                company_id=event.company_id, quarter=str(event.quarter), jurisdiction_path=event.jurisdiction_path,
                band=enum_number(api.Band, event.band),
            )
        case ContractEndAdvised():
            return events_pb2.ContractEndAdvised(
                company_id=event.company_id, quarter=_quarter(event.quarter), period=_period(event.quarter, event.year),
                jurisdiction_path=event.jurisdiction_path, compound_ids=event.compound_ids,
                black_quarters=[str(q) for q in event.black_quarters], matter=event.matter,
            )
        case AppealFiled():
            return events_pb2.AppealFiled(
                appeal_id=event.appeal_id, record_id=event.record_id, company_id=event.company_id
            )
        case AppealDecided():
            return events_pb2.AppealDecided(
                appeal_id=event.appeal_id, record_id=event.record_id, company_id=event.company_id,
                outcome=enum_number(api.AppealOutcome, event.outcome),
                record_withdrawn_on=iso_or_empty(event.record_withdrawn_on),
            )
        case StarsAwarded():
            return events_pb2.StarsAwarded(
                company_id=event.company_id, year=event.year, stars=event.stars, awarded_on=event.on.isoformat()
            )
        case StarsWithdrawn():
            return events_pb2.StarsWithdrawn(
                company_id=event.company_id, year=event.year, stars=event.stars,
                reason=enum_number(api.StarWithdrawalReason, event.reason), withdrawn_on=event.on.isoformat(),
            )
    raise TypeError(f"no protobuf event for {type(event).__name__}")


def _score_changed(
    event: CreditRecordAdded | CreditRecordWithdrawn, change: events_pb2.ScoreChange.ValueType
) -> events_pb2.CreditScoreChanged:
    return events_pb2.CreditScoreChanged(
        company_id=event.company_id, record_id=event.record_id, change=change,
        effective_on=event.effective_on.isoformat(), rule_version=event.rule_version,
    )
