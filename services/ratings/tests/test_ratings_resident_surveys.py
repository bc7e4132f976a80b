"""R3 residents' surveys checked against the real registry (RULES.md A1, A4), over real gRPC: a resident
surveys the household they own, once a quarter; an invented household, another owner's household, or a
household of another compound than the one named is refused naming household_id and changes nothing."""

from __future__ import annotations

import grpc

from wuye.ratings.v1 import ratings_pb2 as api
from wuye_chassis.auth import AuthContext
from wuye_ratings.domain.evaluations import Quarter

from .conftest import (
    COMMUNITY,
    COMPANY,
    HOUSING,
    PEER,
    PEER_STAFF,
    STREET,
    Ratings,
    Register,
    refused,
    resident,
    today,
)

COMMUNITY_WORKER = AuthContext(user="worker-1", roles=frozenset({"community_worker"}), scope=COMMUNITY)


def this_quarter() -> str:
    return str(Quarter.of(today()))


def survey(
    ratings: Ratings, who: AuthContext, household_id: str, compound_id: str = "", score: int = 8, aspects: int = 10
):
    return ratings.stub.SubmitResidentSurvey(
        api.SubmitResidentSurveyRequest(
            compound_id=compound_id, household_id=household_id, quarter=this_quarter(), aspect_scores=[score] * aspects
        ),
        metadata=who.to_metadata(),
    )


async def test_R3_A1_a_resident_surveys_the_household_they_own_once_a_quarter(
    registered: tuple[Register, Ratings],
) -> None:
    register, ratings = registered
    zhang = await register.person("张三")
    home = await register.household("101", zhang)
    owner = resident(zhang, register.compound_id)
    first = await survey(ratings, owner, home, compound_id=register.compound_id)
    assert (first.quarterly.company_id, first.quarterly.street_path) == (COMPANY, STREET)
    assert first.quarterly.resident_count == 1
    before = await ratings.footprint()
    status, error = await refused(survey(ratings, owner, home, score=2))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "household_id", "R3")
    second_home = await register.household("102", zhang)
    status, error = await refused(survey(ratings, owner, second_home, aspects=9))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "aspect_scores")
    assert await ratings.footprint() == before


async def test_A1_either_co_owner_surveys_the_jointly_owned_household_once(registered: tuple[Register, Ratings]) -> None:
    register, ratings = registered
    wang, li = await register.person("王五"), await register.person("李四")
    home = await register.household("201", wang, li)
    answer = await survey(ratings, resident(li, register.compound_id), home)  # the compound is the household's
    assert answer.quarterly.resident_count == 1
    status, error = await refused(survey(ratings, resident(wang, register.compound_id), home))
    assert (status, error.field) == (grpc.StatusCode.FAILED_PRECONDITION, "household_id")  # one per household


async def test_A4_an_invented_household_is_refused_naming_household_id_and_nothing_changes(
    registered: tuple[Register, Ratings],
) -> None:
    register, ratings = registered
    zhang = await register.person("张三")
    await register.household("101", zhang)
    before = await ratings.footprint()
    for who in (resident(zhang, register.compound_id), COMMUNITY_WORKER):
        status, error = await refused(survey(ratings, who, "household-0301", compound_id=register.compound_id))
        assert (status, error.field, error.rule) == (grpc.StatusCode.NOT_FOUND, "household_id", "A4"), who.user
    status, error = await refused(survey(ratings, COMMUNITY_WORKER, ""))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "household_id")
    assert await ratings.footprint() == before


async def test_A1_a_resident_cannot_survey_another_owners_household_and_nothing_changes(
    registered: tuple[Register, Ratings],
) -> None:
    register, ratings = registered
    zhang, li = await register.person("张三"), await register.person("李四")
    await register.household("101", zhang)
    neighbours = await register.household("102", li)
    before = await ratings.footprint()
    status, error = await refused(survey(ratings, resident(zhang, register.compound_id), neighbours))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "household_id", "A1")
    assert await ratings.footprint() == before
    assert (await survey(ratings, resident(li, register.compound_id), neighbours)).quarterly.resident_count == 1


async def test_A4_a_household_of_another_compound_than_the_one_named_is_refused(
    registered: tuple[Register, Ratings],
) -> None:
    register, ratings = registered
    other_compound, other_building = await register.compound("XC")
    await ratings.know_company(PEER, compounds={other_compound: COMMUNITY})
    zhang = await register.person("张三")
    elsewhere = await register.household("101", zhang, building_id=other_building)
    before = await ratings.footprint()
    status, error = await refused(
        survey(ratings, resident(zhang, other_compound), elsewhere, compound_id=register.compound_id)
    )
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "household_id", "A4")
    assert await ratings.footprint() == before
    # the household rates the company serving its own compound
    answer = await survey(ratings, resident(zhang, other_compound), elsewhere, compound_id=other_compound)
    assert answer.quarterly.company_id == PEER


async def test_R3_a_community_worker_enters_a_households_paper_survey_but_not_of_developer_stock(
    registered: tuple[Register, Ratings],
) -> None:
    register, ratings = registered
    home = await register.household("101", await register.person("张三"))
    unsold = await register.household("102")
    answer = await survey(ratings, COMMUNITY_WORKER, home, compound_id=register.compound_id)
    assert answer.quarterly.resident_count == 1
    before = await ratings.footprint()
    status, error = await refused(survey(ratings, COMMUNITY_WORKER, unsold))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "household_id", "R3")
    assert await ratings.footprint() == before


async def test_R3_a_compound_no_company_serves_has_nobody_to_rate(registered: tuple[Register, Ratings]) -> None:
    register, ratings = registered
    unserved, building = await register.compound("WY")
    zhang = await register.person("张三")
    home = await register.household("101", zhang, building_id=building)
    before = await ratings.footprint()
    status, error = await refused(survey(ratings, resident(zhang, unserved), home))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "compound_id")
    assert await ratings.footprint() == before


async def test_R3_three_evaluations_combine_with_the_configured_weights_over_grpc(
    registered: tuple[Register, Ratings],
) -> None:
    register, ratings = registered
    await ratings.know_company(PEER, compounds={"compound-peer": f"{STREET}/350521100002"})
    zhang = await register.person("张三")
    await survey(ratings, resident(zhang, register.compound_id), await register.household("101", zhang), score=8)
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
    # A5: the peer company's staff rated it, but read only their own company's evaluation
    status, error = await refused(ratings.stub.GetQuarterlyEvaluation(
        api.GetQuarterlyEvaluationRequest(company_id=COMPANY, street_path=STREET, quarter=this_quarter()),
        metadata=PEER_STAFF.to_metadata(),
    ))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "company_id", "A5")
