"""Domain events → the protobuf events the outbox publishes (ids, codes, quarters and days only)."""

from __future__ import annotations

from fractions import Fraction

from google.protobuf.message import Message

from wuye.ratings.v1 import events_pb2
from wuye.ratings.v1 import ratings_pb2 as api
from wuye_chassis.exact import round_half_up
from wuye_chassis.proto_values import enum_number
from wuye_chassis.validation import iso_or_empty
from wuye_ratings.domain.credit import DISPLAY_PLACES
from wuye_ratings.domain.events import (
    AdmonitionTalkRequired,
    AppealDecided,
    AppealFiled,
    ContractEndAdvised,
    Event,
    StarsAwarded,
    StarsWithdrawn,
    TenderPriorityGranted,
)


def exact_number(value: Fraction | None) -> api.ExactNumber | None:
    if value is None:
        return None
    return api.ExactNumber(
        numerator=value.numerator, denominator=value.denominator, display=str(round_half_up(value, DISPLAY_PLACES))
    )


def to_message(event: Event) -> Message:
    match event:
        case TenderPriorityGranted():
            return events_pb2.TenderPriorityGranted(
                company_id=event.company_id, quarter=str(event.quarter), jurisdiction_path=event.jurisdiction_path,
                band=enum_number(api.Band, event.band),
            )
        case AdmonitionTalkRequired():
            return events_pb2.AdmonitionTalkRequired(
                company_id=event.company_id, quarter=str(event.quarter), jurisdiction_path=event.jurisdiction_path,
                band=enum_number(api.Band, event.band),
            )
        case ContractEndAdvised():
            return events_pb2.ContractEndAdvised(
                company_id=event.company_id, quarter=str(event.quarter), jurisdiction_path=event.jurisdiction_path,
                compound_ids=event.compound_ids, black_quarters=[str(q) for q in event.black_quarters],
                matter=event.matter,
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
