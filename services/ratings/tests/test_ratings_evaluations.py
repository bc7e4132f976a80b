"""The quarterly three evaluations over real gRPC (R3)."""

from __future__ import annotations

import grpc

from wuye.ratings.v1 import ratings_pb2 as api
from wuye_ratings.domain.evaluations import Quarter

from .conftest import (
    COMPANY,
    COMPOUND,
    HOUSING,
    OTHER_STREET,
    PEER,
    PEER_STAFF,
    RESIDENT,
    STREET,
    Ratings,
    refused,
    today,
)


def this_quarter() -> str:
    return str(Quarter.of(today()))


async def survey(ratings: Ratings, household_id: str, score: int = 8) -> api.SubmitResidentSurveyResponse:
    return await ratings.stub.SubmitResidentSurvey(
        api.SubmitResidentSurveyRequest(
            compound_id=COMPOUND, household_id=household_id, quarter=this_quarter(), aspect_scores=[score] * 10
        ),
        metadata=RESIDENT.to_metadata(),
    )


async def test_R3_second_survey_same_household_same_quarter_refused_over_grpc(ratings: Ratings) -> None:
    first = await survey(ratings, "household-101")
    assert first.quarterly.company_id == COMPANY and first.quarterly.street_path == STREET
    assert first.quarterly.resident_count == 1
    before = await ratings.footprint()
    status, error = await refused(survey(ratings, "household-101", score=2))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "household_id"
    status, error = await refused(
        ratings.stub.SubmitResidentSurvey(
            api.SubmitResidentSurveyRequest(
                compound_id=COMPOUND, household_id="household-102", quarter=this_quarter(), aspect_scores=[8] * 9
            ),
            metadata=RESIDENT.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "aspect_scores"
    assert await ratings.footprint() == before


async def test_R3_three_evaluations_combine_with_the_configured_weights_over_grpc(ratings: Ratings) -> None:
    await ratings.know_company(PEER, compounds={"compound-peer": f"{STREET}/350521100002"})
    await survey(ratings, "household-101", score=8)
    await ratings.stub.SubmitPeerEvaluation(
        api.SubmitPeerEvaluationRequest(
            company_id=COMPANY, street_path=STREET, quarter=this_quarter(), aspect_scores=[10] * 12
        ),
        metadata=PEER_STAFF.to_metadata(),
    )
    answer = await ratings.stub.SubmitDepartmentEvaluation(
        api.SubmitDepartmentEvaluationRequest(
            company_id=COMPANY, street_path=STREET, quarter=this_quarter(), aspect_scores=[5] * 18
        ),
        metadata=HOUSING.to_metadata(),
    )
    quarterly = answer.quarterly
    assert (quarterly.resident_average.display, quarterly.peer_average.display) == ("80.0", "100.0")
    assert quarterly.department_average.display == "50.0"
    # residents 2/5 × 80 + peers 1/5 × 100 + departments 2/5 × 50
    assert quarterly.combined_score.display == "72.0"
    read = await ratings.stub.GetQuarterlyEvaluation(
        api.GetQuarterlyEvaluationRequest(company_id=COMPANY, street_path=STREET, quarter=this_quarter()),
        metadata=HOUSING.to_metadata(),
    )
    assert read.quarterly == quarterly


async def test_R3_a_company_from_another_street_is_not_a_peer_and_nothing_changes(ratings: Ratings) -> None:
    await ratings.know_company(PEER, compounds={"compound-far": f"{OTHER_STREET}/350521101001"})
    before = await ratings.footprint()
    status, error = await refused(
        ratings.stub.SubmitPeerEvaluation(
            api.SubmitPeerEvaluationRequest(
                company_id=COMPANY, street_path=STREET, quarter=this_quarter(), aspect_scores=[10] * 12
            ),
            metadata=PEER_STAFF.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.field == "evaluator_street_path"
    status, error = await refused(
        ratings.stub.SubmitResidentSurvey(
            api.SubmitResidentSurveyRequest(
                compound_id="compound-unknown", household_id="h", quarter=this_quarter(), aspect_scores=[8] * 10
            ),
            metadata=RESIDENT.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "compound_id"
    assert await ratings.footprint() == before
