"""The quarterly three evaluations over real gRPC (R3); the residents' surveys, checked against a real
registry, are in test_ratings_resident_surveys.py."""

from __future__ import annotations

import grpc

from wuye.ratings.v1 import ratings_pb2 as api
from wuye_ratings.domain.evaluations import Quarter

from .conftest import COMPANY, OTHER_STREET, PEER, PEER_STAFF, STREET, Ratings, refused, today


def this_quarter() -> str:
    return str(Quarter.of(today()))


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
    assert await ratings.footprint() == before
