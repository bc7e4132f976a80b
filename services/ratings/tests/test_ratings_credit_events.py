"""Credit records from other services' events (R2), published to the real NATS server: priced, applied
once (the inbox), announced in the same transaction."""

from __future__ import annotations

import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp

from tests.support import eventually
from wuye.complaints.v1 import complaints_pb2
from wuye.complaints.v1 import events_pb2 as complaint_events
from wuye.enforcement.v1 import enforcement_pb2
from wuye.enforcement.v1 import events_pb2 as enforcement_events
from wuye.ratings.v1 import events_pb2
from wuye.ratings.v1 import ratings_pb2 as api

from .conftest import COMMUNITY, COMPANY, COMPOUND, OFFICER, Ratings

CLOSED_AT = dt.datetime(2025, 3, 31, 17, 0, tzinfo=dt.UTC)  # 1 April in Asia/Shanghai


def stamp(moment: dt.datetime) -> Timestamp:
    value = Timestamp()
    value.FromDatetime(moment)
    return value


def closed(case_id: str, *, satisfaction: int, overdue: bool = False, company_id: str = COMPANY) -> complaint_events.ComplaintClosed:
    return complaint_events.ComplaintClosed(
        case_id=case_id, closed_at=stamp(CLOSED_AT), satisfaction=satisfaction, overdue=overdue,
        company_id=company_id, compound_id=COMPOUND, jurisdiction_path=COMMUNITY, category="lifts",
    )


async def records(ratings: Ratings) -> list[api.CreditRecord]:
    answer = await ratings.stub.ListCreditRecords(
        api.ListCreditRecordsRequest(company_id=COMPANY), metadata=OFFICER.to_metadata()
    )
    return list(answer.records)


async def test_unsatisfied_complaint_event_creates_one_bad_record_even_if_redelivered(ratings: Ratings) -> None:
    event = closed("case-1", satisfaction=complaints_pb2.SATISFACTION_UNSATISFIED)
    event_id = await ratings.announce(event, source="complaints")
    # the same event again under another message id: JetStream lets it through, the inbox must stop it
    await ratings.announce(event, source="complaints", event_id=event_id, msg_id=f"{event_id}-again")
    await ratings.announce(closed("case-2", satisfaction=complaints_pb2.SATISFACTION_SATISFIED), source="complaints")
    async def both_handled() -> bool:
        return await ratings.count("inbox", "WHERE consumer = 'ratings-credit-events'") == 2

    await eventually(both_handled)
    [record] = await records(ratings)
    assert record.kind == api.RECORD_KIND_COMPLAINT_UNSATISFIED and record.points.display == "-1.0"
    assert record.source_kind == api.SOURCE_KIND_EVENT and record.source_reference == event_id
    assert record.occurred_on == "2025-04-01" and record.rule_version == "jinan-yangzhou-2025"
    assert [change.record_id for change in await ratings.events(events_pb2.CreditScoreChanged)] == [record.record_id]
    assert (await ratings.score_card("2025-04-01")).score.display == "69.0"


async def test_overdue_unsatisfied_complaint_makes_two_records_and_a_community_case_none(ratings: Ratings) -> None:
    await ratings.announce(
        closed("case-3", satisfaction=complaints_pb2.SATISFACTION_UNSATISFIED, overdue=True), source="complaints"
    )
    await ratings.announce(
        closed("case-4", satisfaction=complaints_pb2.SATISFACTION_UNSATISFIED, company_id=""), source="complaints"
    )

    async def both_handled() -> bool:
        return await ratings.count("inbox", "WHERE consumer = 'ratings-credit-events'") == 2

    await eventually(both_handled)
    kinds = sorted(record.kind for record in await records(ratings))
    assert kinds == [api.RECORD_KIND_COMPLAINT_UNSATISFIED, api.RECORD_KIND_COMPLAINT_OVERDUE]


async def test_enforcement_finding_overdue_rectification_and_referral_events_create_priced_records(ratings: Ratings) -> None:
    at = stamp(dt.datetime(2025, 5, 6, 2, 0, tzinfo=dt.UTC))
    place = {"compound_id": COMPOUND, "jurisdiction_path": COMMUNITY, "company_id": COMPANY}
    await ratings.announce(
        enforcement_events.FindingRecorded(
            finding_id="finding-1", severity=enforcement_pb2.SEVERITY_MAJOR, found_at=at, **place
        ),
        source="enforcement",
    )
    await ratings.announce(
        enforcement_events.RectificationOverdue(order_id="order-1", finding_id="finding-1", overdue_at=at, **place),
        source="enforcement",
    )
    await ratings.announce(
        enforcement_events.ReferralCreated(
            order_id="order-1", escalation_id="esc-1", referral_kind=enforcement_pb2.REFERRAL_KIND_COURT_ONSITE_HEARING,
            referred_at=at, **place,
        ),
        source="enforcement",
    )

    async def all_handled() -> bool:
        return await ratings.count("credit_records") == 3

    await eventually(all_handled)
    found = {record.kind: record.points.display for record in await records(ratings)}
    assert found == {
        api.RECORD_KIND_FINDING_GENERAL: "-2.0",
        api.RECORD_KIND_RECTIFICATION_OVERDUE: "-3.0",
        api.RECORD_KIND_JUDICIAL_REFERRAL: "-5.0",
    }
    assert (await ratings.score_card("2025-05-06")).score.display == "60.0"


async def test_S3_R2_a_company_late_on_campaign_work_or_found_back_by_the_review_loses_points(ratings: Ratings) -> None:
    """Supervision events (S1, S3): a late task or item and a reopened item count against the company; on
    time, or addressed to a street, they count nothing."""
    at = stamp(dt.datetime(2025, 6, 10, 2, 0, tzinfo=dt.UTC))
    await ratings.announce(enforcement_events.SupervisionTaskDone(
        task_id="task-late", list_id="list-1", addressee_id=COMPANY, company_id=COMPANY, done_at=at, late=True,
        jurisdiction_path=COMMUNITY), source="enforcement")
    await ratings.announce(enforcement_events.SupervisionTaskDone(
        task_id="task-on-time", list_id="list-1", addressee_id=COMPANY, company_id=COMPANY, done_at=at, late=False,
        jurisdiction_path=COMMUNITY), source="enforcement")
    await ratings.announce(enforcement_events.SupervisionItemClosed(
        item_id="item-late", list_id="rl-1", addressee_id=COMPANY, company_id=COMPANY, closed_at=at, late=True,
        jurisdiction_path=COMMUNITY), source="enforcement")
    await ratings.announce(enforcement_events.SupervisionItemReopened(
        item_id="item-late", list_id="rl-1", addressee_id=COMPANY, company_id=COMPANY, reopened_at=at,
        jurisdiction_path=COMMUNITY), source="enforcement")
    await ratings.announce(enforcement_events.SupervisionItemReopened(
        item_id="item-street", list_id="rl-1", addressee_id="350500/350521/350521100", company_id="",
        reopened_at=at, jurisdiction_path=COMMUNITY), source="enforcement")

    async def all_handled() -> bool:
        return await ratings.count("inbox", "WHERE consumer = 'ratings-credit-events'") == 5

    await eventually(all_handled)
    kinds = sorted((record.kind, record.points.display) for record in await records(ratings))
    assert kinds == [(api.RECORD_KIND_SUPERVISION_LATE, "-1.0"), (api.RECORD_KIND_SUPERVISION_LATE, "-1.0"),
                     (api.RECORD_KIND_SUPERVISION_REOPENED, "-2.0")]
    assert (await ratings.score_card("2025-06-10")).score.display == "66.0"
