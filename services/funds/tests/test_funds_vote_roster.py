"""V4/V7 with the real registry: a vote's electorate is the registry roster at opening, kept with the vote.

Both services run in this process over real gRPC, each on its own database, with a real NATS server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import pytest

from services.funds.tests.funds_support import CITY_ADMIN, COMMUNITY, COMMUNITY_WORKER, Funds, refused
from tests.platform import definition
from wuye.funds.v1 import funds_pb2
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.natsd import EmbeddedNats
from wuye_funds.entrypoints.app import build
from wuye_funds.settings import FundsSettings


@dataclass
class Registry:
    stub: registry_pb2_grpc.RegistryServiceStub

    async def call(self, method: str, request: object):
        return await getattr(self.stub, method)(request, metadata=CITY_ADMIN.to_metadata())

    async def owner(self, building_id: str, unit: str, name: str) -> tuple[str, str]:
        """A new person owning a new 100 m² unit; returns (person id, household id)."""
        person = (
            await self.call("RegisterPerson", registry_pb2.RegisterPersonRequest(community_code=COMMUNITY[-12:], name=name))
        ).person.id
        household = await self.call(
            "AddHousehold",
            registry_pb2.AddHouseholdRequest(
                building_id=building_id, unit_number=unit, area_dm2=10_000,
                owners=[registry_pb2.OwnerShare(person_id=person, share="1")],
            ),
        )
        return person, household.household.id


@pytest.fixture
async def services(
    database_url: str, database_url_factory, nats_server: EmbeddedNats, start_service
) -> AsyncIterator[tuple[Registry, Funds]]:
    registry_app = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    funds_app = await start_service(
        build(
            FundsSettings(
                database_url=database_url, nats_url=nats_server.url, grpc_port=0,
                registry_addr=f"127.0.0.1:{registry_app.port}",
            )
        )
    )
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{registry_app.port}") as registry_channel,
        grpc.aio.insecure_channel(f"127.0.0.1:{funds_app.port}") as funds_channel,
    ):
        yield (
            Registry(registry_pb2_grpc.RegistryServiceStub(registry_channel)),
            Funds(funds_app, funds_channel),
        )


async def test_V4_the_electorate_is_the_registry_roster_at_opening_and_later_changes_do_not_reach_a_running_vote(
    services: tuple[Registry, Funds],
) -> None:
    registry, funds = services
    codes = COMMUNITY.split("/")
    for parent, code in zip(["", *codes], codes):
        await registry.call("RegisterJurisdiction", registry_pb2.RegisterJurisdictionRequest(parent_code=parent, code=code, name=code))
    compound = (
        await registry.call(
            "RegisterCompound",
            registry_pb2.RegisterCompoundRequest(
                community_code=codes[-1], code="FHC", name="凤凰城",
                compound_type=registry_pb2.COMPOUND_TYPE_COMMODITY, management_mode=registry_pb2.MANAGEMENT_MODE_COMPANY,
            ),
        )
    ).compound
    building = (await registry.call("AddBuilding", registry_pb2.AddBuildingRequest(compound_id=compound.id, code="B1", name="1幢"))).building
    zhang, _ = await registry.owner(building.id, "101", "张三")
    li, _ = await registry.owner(building.id, "102", "李四")
    wang, wangs_unit = await registry.owner(building.id, "103", "王五")
    await funds.configure(compound_id=compound.id)

    running = (
        await funds.call("OpenVote", funds_pb2.OpenVoteRequest(compound_id=compound.id, matter=4, title="续聘物业"))
    ).vote
    assert (running.electorate.owners, running.electorate.area_dm2) == (3, 30_000)

    # after opening: 王五 sells his unit to 张三, and a newcomer buys a new unit
    await registry.call(
        "SetHouseholdOwners",
        registry_pb2.SetHouseholdOwnersRequest(household_id=wangs_unit, owners=[registry_pb2.OwnerShare(person_id=zhang, share="1")]),
    )
    newcomer, _ = await registry.owner(building.id, "104", "赵六")
    status, error = await refused(
        funds.call("CastBallot", funds_pb2.CastBallotRequest(vote_id=running.vote_id, owner_key=newcomer, choice=funds_pb2.CHOICE_YES, authorisation_ref="授权书-1"))
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V4"
    for owner in (wang, li):  # 王五 still votes in the vote that opened while he owned the unit
        await funds.call("CastBallot", funds_pb2.CastBallotRequest(vote_id=running.vote_id, owner_key=owner, choice=funds_pb2.CHOICE_YES, authorisation_ref="授权书-1"))
    result = (await funds.call("CloseVote", funds_pb2.CloseVoteRequest(vote_id=running.vote_id))).vote.result
    assert (result.electorate.owners, result.yes.owners, result.passed) == (3, 2, True)

    later = (
        await funds.call("OpenVote", funds_pb2.OpenVoteRequest(compound_id=compound.id, matter=4, title="选聘物业"))
    ).vote
    assert (later.electorate.owners, later.electorate.area_dm2) == (3, 40_000)  # 张三 (2 units), 李四, 赵六


async def test_V4_a_compound_the_registry_does_not_know_is_refused_and_opens_nothing(
    services: tuple[Registry, Funds],
) -> None:
    _, funds = services
    await funds.configure(compound_id="not-in-the-registry")
    status, error = await refused(
        funds.call(
            "OpenVote", funds_pb2.OpenVoteRequest(compound_id="not-in-the-registry", matter=4, title="x"), COMMUNITY_WORKER
        )
    )
    assert status == grpc.StatusCode.NOT_FOUND
    assert await funds.counts("votes", "vote_roster_units") == {"votes": 0, "vote_roster_units": 0, "outbox": 0}
