"""Credit records, versioned rules, score cards, appeals and rankings over real gRPC (R1, R2, R6)."""

from __future__ import annotations

import datetime as dt

import grpc

from wuye.ratings.v1 import events_pb2
from wuye.ratings.v1 import ratings_pb2 as api

from .conftest import (
    ANXI_OFFICER,
    CITY,
    CITY_ADMIN,
    COMPANY,
    HUIAN,
    OFFICER,
    PEER,
    PEER_STAFF,
    STAFF,
    Ratings,
    company_name,
    refused,
    today,
)


async def test_R1_manual_record_is_priced_by_the_rules_in_effect_and_moves_the_band_over_grpc(ratings: Ratings) -> None:
    record = await ratings.add_record(api.RECORD_KIND_COURT_LOSS_AT_FAULT, "2025-03-01")
    assert record.points.display == "-5.0" and record.rule_version == "jinan-yangzhou-2025"
    assert record.source_kind == api.SOURCE_KIND_MANUAL and record.source_reference == OFFICER.user
    assert record.valid_until == "2026-03-01"

    before = await ratings.score_card("2025-02-28")
    assert before.score.display == "70.0" and before.band == api.BAND_A and not before.counted_records
    after = await ratings.score_card("2025-03-01")
    assert after.score.display == "65.0" and after.band == api.BAND_B
    assert [counted.record_id for counted in after.counted_records] == [record.record_id]
    expired = await ratings.score_card("2026-03-01")
    assert expired.score.display == "70.0"
    assert [change.record_id for change in await ratings.events(events_pb2.CreditScoreChanged)] == [record.record_id]


async def test_score_for_an_unknown_company_or_outside_scope_is_refused_naming_the_field_and_changes_nothing(
    ratings: Ratings,
) -> None:
    before = await ratings.footprint()
    status, error = await refused(ratings.add_record(api.RECORD_KIND_ILLEGAL_CHARGING, "2025-03-01", "company-nobody"))
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "company_id"
    status, error = await refused(ratings.score_card("2025-03-01", company_id="company-nobody"))
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "company_id"
    status, error = await refused(ratings.add_record(api.RECORD_KIND_ILLEGAL_CHARGING, "2025-03-01", who=ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.field == "company_id"
    status, error = await refused(ratings.add_record(api.RECORD_KIND_UNSPECIFIED, "2025-03-01"))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "kind"
    status, _ = await refused(ratings.add_record(api.RECORD_KIND_ILLEGAL_CHARGING, "2025-03-01", who=STAFF))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert await ratings.footprint() == before


async def test_R2_a_new_rule_version_prices_later_records_while_old_records_and_scores_keep_theirs_over_grpc(
    ratings: Ratings,
) -> None:
    early = await ratings.add_record(api.RECORD_KIND_COURT_LOSS_AT_FAULT, "2025-03-01")
    added = await ratings.stub.AddRuleVersion(
        api.AddRuleVersionRequest(
            city_path=CITY, version="quanzhou-2025b", effective_from="2025-06-01",
            points=[api.PointsForKind(kind=api.RECORD_KIND_COURT_LOSS_AT_FAULT, points=api.ExactNumber(numerator=-8, denominator=1))],
        ),
        metadata=CITY_ADMIN.to_metadata(),
    )
    assert added.rule_version.version == "quanzhou-2025b"
    late = await ratings.add_record(api.RECORD_KIND_COURT_LOSS_AT_FAULT, "2025-07-01")
    assert (early.rule_version, early.points.display) == ("jinan-yangzhou-2025", "-5.0")
    assert (late.rule_version, late.points.display) == ("quanzhou-2025b", "-8.0")
    assert (await ratings.score_card("2025-05-01")).score.display == "65.0"
    card = await ratings.score_card("2025-07-01")
    assert card.score.display == "57.0" and card.band == api.BAND_C and card.rule_version == "quanzhou-2025b"

    before = await ratings.footprint()
    status, error = await refused(
        ratings.stub.AddRuleVersion(
            api.AddRuleVersionRequest(city_path=CITY, version="retroactive", effective_from="2025-05-01"),
            metadata=CITY_ADMIN.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "effective_from"
    status, _ = await refused(
        ratings.stub.AddRuleVersion(
            api.AddRuleVersionRequest(city_path=CITY, version="by-officer", effective_from="2025-09-01"),
            metadata=OFFICER.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert await ratings.footprint() == before
    versions = await ratings.stub.ListRuleVersions(api.ListRuleVersionsRequest(), metadata=OFFICER.to_metadata())
    assert [version.version for version in versions.rule_versions] == ["jinan-yangzhou-2025", "quanzhou-2025b"]


async def test_R6_past_score_reproducible_after_appeal_over_grpc(ratings: Ratings) -> None:
    occurred = today() - dt.timedelta(days=10)
    yesterday = (today() - dt.timedelta(days=1)).isoformat()
    record = await ratings.add_record(api.RECORD_KIND_ILLEGAL_CHARGING, occurred.isoformat())
    published_yesterday = await ratings.score_card(yesterday)
    assert published_yesterday.score.display == "65.0"

    filed = await ratings.stub.FileAppeal(
        api.FileAppealRequest(record_id=record.record_id, grounds="收费经物价部门核准"), metadata=STAFF.to_metadata()
    )
    decided = await ratings.stub.DecideAppeal(
        api.DecideAppealRequest(appeal_id=filed.appeal.appeal_id, outcome=api.APPEAL_OUTCOME_UPHELD, reason="核实无误"),
        metadata=OFFICER.to_metadata(),
    )
    assert decided.record.status == api.RECORD_STATUS_WITHDRAWN and decided.record.withdrawn_on == today().isoformat()
    assert [step.action for step in decided.appeal.history] == ["filed", "upheld"]

    # the score published yesterday is reproduced exactly; from today on the record no longer counts
    reproduced = await ratings.score_card(yesterday)
    assert (reproduced.score, reproduced.band) == (published_yesterday.score, published_yesterday.band)
    assert [counted.record_id for counted in reproduced.counted_records] == [record.record_id]
    assert (await ratings.score_card(today().isoformat())).score.display == "70.0"
    corrected = await ratings.score_card(yesterday, known_on=today().isoformat())
    assert corrected.score.display == "70.0" and not corrected.counted_records
    changes = [change.change for change in await ratings.events(events_pb2.CreditScoreChanged)]
    assert changes == [events_pb2.SCORE_CHANGE_RECORD_ADDED, events_pb2.SCORE_CHANGE_RECORD_WITHDRAWN]
    assert len(await ratings.events(events_pb2.AppealDecided)) == 1

    status, error = await refused(
        ratings.stub.DecideAppeal(
            api.DecideAppealRequest(appeal_id=filed.appeal.appeal_id, outcome=api.APPEAL_OUTCOME_DISMISSED, reason="再议"),
            metadata=OFFICER.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "outcome"


async def test_R6_appeal_of_another_companys_record_is_refused_and_changes_nothing(ratings: Ratings) -> None:
    await ratings.know_company(PEER)
    record = await ratings.add_record(api.RECORD_KIND_ILLEGAL_CHARGING, "2025-03-01")
    before = await ratings.footprint()
    status, error = await refused(
        ratings.stub.FileAppeal(
            api.FileAppealRequest(record_id=record.record_id, grounds="不是我们"), metadata=PEER_STAFF.to_metadata()
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.field == "appellant_company_id"
    status, error = await refused(
        ratings.stub.FileAppeal(api.FileAppealRequest(record_id=record.record_id, grounds=""), metadata=STAFF.to_metadata())
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "grounds"
    assert await ratings.footprint() == before


async def test_rankings_per_jurisdiction_put_the_best_first_and_ties_share_a_rank_over_grpc(ratings: Ratings) -> None:
    await ratings.know_company(PEER)
    await ratings.know_company("company-third")
    await ratings.know_company("company-anxi", path="350500/350524")
    await ratings.add_record(api.RECORD_KIND_AWARD_CITY, "2025-03-01")
    answer = await ratings.stub.GetRankings(
        api.GetRankingsRequest(jurisdiction_path=HUIAN, as_of="2025-04-01"), metadata=OFFICER.to_metadata()
    )
    assert [(item.rank, item.company_id, item.score.display) for item in answer.rankings] == [
        (1, COMPANY, "73.0"), (2, PEER, "70.0"), (2, "company-third", "70.0"),
    ]
    # issue 14: a ranking names each company, as its readers know it
    assert [item.company_name for item in answer.rankings] == [company_name(c) for c in (COMPANY, PEER, "company-third")]
    status, _ = await refused(
        ratings.stub.GetRankings(api.GetRankingsRequest(jurisdiction_path=HUIAN), metadata=ANXI_OFFICER.to_metadata())
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
