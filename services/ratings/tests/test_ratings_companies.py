"""The companies ratings rates and the compounds they serve, from the registry's events on the real NATS
server."""

from __future__ import annotations

from tests.support import eventually
from wuye.ratings.v1 import ratings_pb2 as api
from wuye.registry.v1 import events_pb2 as registry_events

from .conftest import COMMUNITY, Ratings


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
