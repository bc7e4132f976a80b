"""The companies ratings rates and the compounds they serve, from the registry's events on the real NATS
server."""

from __future__ import annotations

import grpc

from tests.support import eventually
from wuye.ratings.v1 import ratings_pb2 as api
from wuye.registry.v1 import events_pb2 as registry_events

from .conftest import COMMUNITY, COMPANY, OFFICER, PEER, PEER_STAFF, STAFF, Ratings, refused


async def test_registry_company_and_contract_events_make_a_company_rated_and_a_peer(ratings: Ratings) -> None:
    company = "company-new"
    await ratings.announce(
        registry_events.CompanyRegistered(company_id=company, name="新物业", jurisdiction_path="350500/350521"),
        source="registry",
    )
    await ratings.announce(
        registry_events.ContractStarted(
            contract_id="contract-9", compound_id="compound-new", company_id=company, jurisdiction_path=COMMUNITY
        ),
        source="registry",
    )

    async def serving() -> bool:
        return await ratings.count("served_compounds", "WHERE company_id = 'company-new'") == 1

    await eventually(serving)
    record = await ratings.add_record(api.RECORD_KIND_AWARD_STREET, "2025-03-01", company_id=company)
    assert record.company_id == company
    await ratings.announce(
        registry_events.ContractEnded(contract_id="contract-9", compound_id="compound-new", company_id=company),
        source="registry",
    )

    async def ended() -> bool:
        return await ratings.count("served_compounds", "WHERE company_id = 'company-new'") == 0

    await eventually(ended)


async def test_A5_company_staff_read_only_their_own_companys_ratings(ratings: Ratings) -> None:
    await ratings.know_company(PEER, compounds={"compound-peer": COMMUNITY})
    await ratings.add_record(api.RECORD_KIND_ILLEGAL_CHARGING, "2026-03-01")
    await ratings.add_record(api.RECORD_KIND_AWARD_STREET, "2026-03-01", company_id=PEER)
    reads = {
        "records": lambda company, who: ratings.stub.ListCreditRecords(
            api.ListCreditRecordsRequest(company_id=company), metadata=who.to_metadata()
        ),
        "score card": lambda company, who: ratings.stub.GetScoreCard(
            api.GetScoreCardRequest(company_id=company), metadata=who.to_metadata()
        ),
        "stars": lambda company, who: ratings.stub.GetStars(
            api.GetStarsRequest(company_id=company), metadata=who.to_metadata()
        ),
    }
    for name, read in reads.items():
        status, error = await refused(read(COMPANY, PEER_STAFF))
        assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "company_id", "A5"), name
        await read(COMPANY, STAFF)  # their own company
        await read(PEER, PEER_STAFF)
        await read(PEER, OFFICER)  # officials read every company in their scope
    own = await ratings.stub.ListCreditRecords(api.ListCreditRecordsRequest(company_id=COMPANY), metadata=STAFF.to_metadata())
    assert [record.kind for record in own.records] == [api.RECORD_KIND_ILLEGAL_CHARGING]
