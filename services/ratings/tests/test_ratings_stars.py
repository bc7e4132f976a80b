"""Yearly star ratings (R5) over real gRPC, a real database and the real NATS server: assessment from the
year's evaluations, the city review, and withdrawal by registry and enforcement events."""

from __future__ import annotations

import datetime as dt

import grpc
from google.protobuf.timestamp_pb2 import Timestamp

from tests.support import eventually
from wuye.enforcement.v1 import enforcement_pb2
from wuye.enforcement.v1 import events_pb2 as enforcement_events
from wuye.ratings.v1 import events_pb2
from wuye.ratings.v1 import ratings_pb2 as api
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_ratings.adapters.orm import evaluations

from .conftest import (
    ANXI_OFFICER,
    CITY_ADMIN,
    COMMUNITY,
    COMPANY,
    COMPOUND,
    OFFICER,
    STAFF,
    STREET,
    Ratings,
    refused,
    today,
)

RATED_YEAR = 2025
SECOND_COMPOUND = "compound-taoyuan"


async def start_contract(ratings: Ratings, contract_id: str, *, compound_id: str = COMPOUND, start_on: str = "2024-06-01",
                         company_id: str = COMPANY) -> None:
    await ratings.announce(
        registry_events.ContractStarted(
            contract_id=contract_id, compound_id=compound_id, company_id=company_id, jurisdiction_path=COMMUNITY,
            start_on=start_on,
        ),
        source="registry",
    )


async def stars_consumed(ratings: Ratings, count: int) -> None:
    async def consumed() -> bool:
        return await ratings.count("inbox", "WHERE consumer = 'ratings-stars'") == count

    await eventually(consumed)


async def evaluated(ratings: Ratings, *aspect_score_by_quarter: int, company_id: str = COMPANY) -> None:
    """The housing department's evaluations of the rated year as stored when they were submitted (a past
    quarter can no longer be evaluated over the API): 18 aspects of one score per quarter, Q1 first."""
    async with ratings.app.runtime.db.sessions() as session, session.begin():
        for number, aspect_score in enumerate(aspect_score_by_quarter, start=1):
            await session.execute(
                evaluations.insert().values(
                    evaluation_id=new_id(), company_id=company_id, street_path=STREET,
                    quarter=f"{RATED_YEAR}Q{number}", kind="department", evaluator_id="housing",
                    aspect_scores=",".join([str(aspect_score)] * 18),
                    submitted_on=dt.date(RATED_YEAR, number * 3, 1), submitted_by="housing-1",
                )
            )


async def assess(ratings: Ratings, who: AuthContext = OFFICER, *, company_id: str = COMPANY, year: int = RATED_YEAR):
    answer = await ratings.stub.AssessStars(
        api.AssessStarsRequest(company_id=company_id, year=year), metadata=who.to_metadata()
    )
    return answer.rating


async def stars_held(ratings: Ratings, as_of: str = "") -> int:
    answer = await ratings.stub.GetStars(
        api.GetStarsRequest(company_id=COMPANY, as_of=as_of), metadata=STAFF.to_metadata()
    )
    return answer.stars_held


async def test_R5_five_stars_need_95_and_city_review_over_grpc(ratings: Ratings) -> None:
    await start_contract(ratings, "contract-1")
    await stars_consumed(ratings, 1)
    await evaluated(ratings, 10, 10, 10, 9)  # 97.5

    rating = await assess(ratings)
    assert (rating.stars, rating.city_review, rating.score.display) == (4, api.CITY_REVIEW_PENDING, "97.5")
    assert rating.assessed_on == today().isoformat()

    review = api.RecordCityReviewRequest(company_id=COMPANY, year=RATED_YEAR, approved=True)
    code, error = await refused(ratings.stub.RecordCityReview(review, metadata=OFFICER.to_metadata()))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    reviewed = (await ratings.stub.RecordCityReview(review, metadata=CITY_ADMIN.to_metadata())).rating
    assert (reviewed.stars, reviewed.city_review) == (5, api.CITY_REVIEW_APPROVED)
    assert await stars_held(ratings) == 5

    code, error = await refused(ratings.stub.RecordCityReview(review, metadata=CITY_ADMIN.to_metadata()))
    assert (code, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "approved", "R5")
    awarded = await ratings.events(events_pb2.StarsAwarded)
    assert [(event.year, event.stars) for event in awarded] == [(RATED_YEAR, 4), (RATED_YEAR, 5)]


async def test_R5_below_60_no_star_and_a_year_is_rated_once(ratings: Ratings) -> None:
    await start_contract(ratings, "contract-1")
    await stars_consumed(ratings, 1)
    await evaluated(ratings, 5, 6)  # 55

    rating = await assess(ratings, CITY_ADMIN)
    assert (rating.stars, rating.city_review) == (0, api.CITY_REVIEW_NOT_NEEDED)
    assert await ratings.events(events_pb2.StarsAwarded) == []
    code, error = await refused(assess(ratings))
    assert (code, error.field, error.rule) == (grpc.StatusCode.ALREADY_EXISTS, "year", "R5")
    review = api.RecordCityReviewRequest(company_id=COMPANY, year=RATED_YEAR, approved=True)
    code, error = await refused(ratings.stub.RecordCityReview(review, metadata=CITY_ADMIN.to_metadata()))
    assert (code, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "year", "R5")


async def test_R5_star_assessment_refusals_name_the_field_and_change_nothing(ratings: Ratings) -> None:
    await start_contract(ratings, "contract-1")
    newcomer = "company-newcomer"
    await ratings.know_company(newcomer)
    await start_contract(ratings, "contract-2", compound_id="compound-new", company_id=newcomer, start_on="2025-01-02")
    await stars_consumed(ratings, 2)
    await evaluated(ratings, 9, 9)
    await evaluated(ratings, 9, company_id=newcomer)
    before = await ratings.footprint()

    cases = [
        (assess(ratings, company_id="company-unknown"), grpc.StatusCode.NOT_FOUND, "company_id"),
        (assess(ratings, year=0), grpc.StatusCode.INVALID_ARGUMENT, "year"),
        (assess(ratings, year=2024), grpc.StatusCode.FAILED_PRECONDITION, "year"),  # no evaluation in 2024
        (assess(ratings, company_id=newcomer), grpc.StatusCode.FAILED_PRECONDITION, "service_started_on"),
        (assess(ratings, STAFF), grpc.StatusCode.PERMISSION_DENIED, None),
        (assess(ratings, ANXI_OFFICER), grpc.StatusCode.PERMISSION_DENIED, None),
    ]
    for call, status, field in cases:
        code, error = await refused(call)
        assert code == status
        if field is not None:
            assert error.field == field
    assert await ratings.count("star_ratings") == 0
    assert await ratings.footprint() == before


async def test_R5_stars_withdrawn_when_contract_ends(ratings: Ratings) -> None:
    """Decision: stars belong to the company, so only the end of its last serving contract withdraws them."""
    await start_contract(ratings, "contract-1")
    await start_contract(ratings, "contract-2", compound_id=SECOND_COMPOUND, start_on="2025-01-01")
    await stars_consumed(ratings, 2)
    await evaluated(ratings, 9, 9, 9, 9)
    assert (await assess(ratings)).stars == 4
    ended_on = today().isoformat()

    async def end(contract_id: str, compound_id: str) -> None:
        await ratings.announce(
            registry_events.ContractEnded(
                contract_id=contract_id, compound_id=compound_id, company_id=COMPANY, jurisdiction_path=COMMUNITY,
                terminated_on=ended_on,
            ),
            source="registry",
        )

    await end("contract-1", COMPOUND)
    await stars_consumed(ratings, 3)
    assert await stars_held(ratings) == 4 and await ratings.events(events_pb2.StarsWithdrawn) == []

    await end("contract-2", SECOND_COMPOUND)
    await stars_consumed(ratings, 4)
    [withdrawn] = await ratings.events(events_pb2.StarsWithdrawn)
    assert (withdrawn.company_id, withdrawn.year, withdrawn.stars) == (COMPANY, RATED_YEAR, 4)
    assert (withdrawn.reason, withdrawn.withdrawn_on) == (api.STAR_WITHDRAWAL_REASON_CONTRACT_ENDED, ended_on)
    answer = await ratings.stub.GetStars(api.GetStarsRequest(company_id=COMPANY), metadata=OFFICER.to_metadata())
    assert answer.stars_held == 0
    [rating] = answer.ratings
    assert (rating.stars, rating.withdrawn_on, rating.withdrawal_note) == (4, ended_on, "contract contract-2 ended")


async def test_R5_stars_withdrawn_for_a_serious_violation_not_a_major_one(ratings: Ratings) -> None:
    await start_contract(ratings, "contract-1")
    await stars_consumed(ratings, 1)
    await evaluated(ratings, 8, 8)
    assert (await assess(ratings)).stars == 3
    found_at = Timestamp()
    found_at.FromDatetime(utcnow())
    place = {"compound_id": COMPOUND, "jurisdiction_path": COMMUNITY, "company_id": COMPANY, "found_at": found_at}

    await ratings.announce(
        enforcement_events.FindingRecorded(finding_id="finding-1", severity=enforcement_pb2.SEVERITY_MAJOR, **place),
        source="enforcement",
    )
    await stars_consumed(ratings, 2)
    assert await stars_held(ratings) == 3

    await ratings.announce(
        enforcement_events.FindingRecorded(finding_id="finding-2", severity=enforcement_pb2.SEVERITY_SERIOUS, **place),
        source="enforcement",
    )
    await stars_consumed(ratings, 3)
    [withdrawn] = await ratings.events(events_pb2.StarsWithdrawn)
    assert (withdrawn.reason, withdrawn.stars) == (api.STAR_WITHDRAWAL_REASON_SERIOUS_VIOLATION, 3)
    assert await stars_held(ratings) == 0
    code, _ = await refused(
        ratings.stub.GetStars(api.GetStarsRequest(company_id=COMPANY), metadata=ANXI_OFFICER.to_metadata())
    )
    assert code == grpc.StatusCode.PERMISSION_DENIED
