"""Shared by the funds service tests: callers, 凤凰城 in a real registry, and a funds service over real gRPC.

Funds takes no registry fact from a client (A4), so every test runs the registry beside it: 凤凰城 is
registered there, and ``open_account`` registers its households with one owner each, named by the
test's short names ("h-101"), which ``household`` and ``name_of`` translate to and from register ids.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.message import Message

from tests.platform import definition
from wuye.funds.v1 import funds_pb2, funds_pb2_grpc
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp, ServiceDefinition
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.errors import WuyeError
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_funds.adapters.orm import votes
from wuye_funds.entrypoints.app import build
from wuye_funds.settings import FundsSettings

M = TypeVar("M", bound=Message)

COMMUNITY = "350500/350521/350521100/350521100001"
COMMUNITY_WORKER = AuthContext(user="cw-1", roles=frozenset({"community_worker"}), scope=COMMUNITY)
STREET_OFFICER = AuthContext(user="street", roles=frozenset({"street_officer"}), scope="350500/350521/350521100")
COUNTY_OFFICER = AuthContext(user="huian", roles=frozenset({"county_officer"}), scope="350500/350521")
CITY_ADMIN = AuthContext(user="admin", roles=frozenset({"city_admin"}), scope="350500")
ANXI_OFFICER = AuthContext(user="anxi", roles=frozenset({"county_officer"}), scope="350500/350524")
AUDITOR = AuthContext(user="inspector", roles=frozenset({"auditor"}), scope="350500")
#: the P2 reviewers of 凤凰城's community, by the step each post decides (A3)
REVIEWERS = {
    "community_party_branch": AuthContext(user="party-secretary", roles=frozenset({"party_branch_reviewer"}),
                                          scope=COMMUNITY),
    "residents_committee": AuthContext(user="rc-director", roles=frozenset({"residents_committee_reviewer"}),
                                       scope=COMMUNITY),
}


def committee_member(compound_id: str, *, scope: str = COMMUNITY, person_id: str = "committee-chair") -> AuthContext:
    """A member of the compound's owners' committee acting in that seat (the post is the committee's id)."""
    return AuthContext(user=person_id, roles=frozenset({"committee_member"}), scope=scope,
                       post=f"committee-of-{compound_id}", compounds=frozenset({compound_id}))


def resident(owner_key: str, *, person_id: str = "") -> AuthContext:
    """An owner acting as themselves: the person ``person_id`` (the owner key for a sole owner)."""
    return AuthContext(user=person_id or owner_key, roles=frozenset({"resident"}), scope=COMMUNITY,
                       owner_keys=frozenset({owner_key}))


async def refused(call: Awaitable[object]) -> tuple[grpc.StatusCode, WuyeError]:
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call
    error = from_rpc_error(failure.value)
    assert error is not None
    return failure.value.code(), error


def stubs(channel: grpc.aio.Channel) -> dict[str, Any]:
    """Each RPC of the funds API, by name, on the stub of the gRPC service that has it."""
    routed = {}
    for service in funds_pb2.DESCRIPTOR.services_by_name.values():
        stub = getattr(funds_pb2_grpc, f"{service.name}Stub")(channel)
        routed.update({method.name: stub for method in service.methods})
    return routed


@dataclass
class Registry:
    """The real registry service, called as the city administrator sets up the register."""

    stub: registry_pb2_grpc.RegistryServiceStub
    buildings: dict[tuple[str, str], str] = field(default_factory=dict)

    async def call(self, method: str, request: object) -> Any:
        return await getattr(self.stub, method)(request, metadata=CITY_ADMIN.to_metadata())

    async def place(self, code: str = "FHC", name: str = "凤凰城", *, community: str = COMMUNITY) -> str:
        """A compound in ``community`` (its jurisdictions registered on first use); its id."""
        codes = community.split("/")
        for parent, jurisdiction in zip(["", *codes], codes):
            try:
                await self.call("RegisterJurisdiction", registry_pb2.RegisterJurisdictionRequest(
                    parent_code=parent, code=jurisdiction, name=jurisdiction))
            except grpc.aio.AioRpcError as failure:
                if failure.code() != grpc.StatusCode.ALREADY_EXISTS:
                    raise
        answer = await self.call("RegisterCompound", registry_pb2.RegisterCompoundRequest(
            community_code=codes[-1], code=code, name=name,
            compound_type=registry_pb2.COMPOUND_TYPE_COMMODITY, management_mode=registry_pb2.MANAGEMENT_MODE_COMPANY,
        ))
        return str(answer.compound.id)

    async def person(self, name: str) -> str:
        answer = await self.call("RegisterPerson", registry_pb2.RegisterPersonRequest(
            community_code=COMMUNITY[-12:], name=name))
        return str(answer.person.id)

    async def building(self, compound_id: str, code: str) -> str:
        """The id of the compound's building ``code``, added on first use."""
        if (compound_id, code) not in self.buildings:
            added = await self.call("AddBuilding", registry_pb2.AddBuildingRequest(
                compound_id=compound_id, code=code, name=code))
            self.buildings[compound_id, code] = added.building.id
        return self.buildings[compound_id, code]

    async def household(self, compound_id: str, building: str, unit: str, area_dm2: int, owner_ids: list[str]) -> str:
        """A unit of ``building`` (added on first use) with these owners in equal shares, or developer stock
        when there are none; its id."""
        answer = await self.call("AddHousehold", registry_pb2.AddHouseholdRequest(
            building_id=await self.building(compound_id, building), unit_number=unit, area_dm2=area_dm2,
            developer_unsold=not owner_ids,
            owners=[registry_pb2.OwnerShare(person_id=owner, share=f"1/{len(owner_ids)}") for owner in owner_ids],
        ))
        return str(answer.household.id)

    async def owner_key(self, compound_id: str, person_ids: set[str]) -> str:
        """The roster's key of the owner these people are together (V4: co-owners are one owner)."""
        roster = await self.call("GetOwnerRoster", registry_pb2.GetOwnerRosterRequest(compound_id=compound_id))
        return str(next(owner.owner_key for owner in roster.owners if set(owner.person_ids) == person_ids))


@dataclass
class Funds:
    app: ServiceApp
    channel: grpc.aio.Channel
    registry: Registry
    #: 凤凰城's register id
    compound: str
    stubs: dict[str, Any] = field(init=False)
    #: the test's short household names → register ids, and each household's owner key
    households: dict[str, str] = field(default_factory=dict)
    owner_keys: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.stubs = stubs(self.channel)

    @property
    def ledger(self) -> str:
        """凤凰城's maintenance ledger."""
        return f"{self.compound}/maintenance"

    def household(self, name: str) -> str:
        """The register id of a household ``open_account`` registered (an unknown name stays as it is)."""
        return self.households.get(name, name)

    def building(self, code: str) -> str:
        """The register id of 凤凰城's building ``code`` (an unknown code stays as it is)."""
        return self.registry.buildings.get((self.compound, code), code)

    def name_of(self, household_id: str) -> str:
        return next((name for name, registered in self.households.items() if registered == household_id), household_id)

    async def call(self, method: str, request: object, who: AuthContext = COMMUNITY_WORKER) -> Any:
        return await getattr(self.stubs[method], method)(request, metadata=who.to_metadata())

    async def configure(
        self, *, compound_id: str = "", follow_majority: bool = False, who: AuthContext = COMMUNITY_WORKER,
    ) -> funds_pb2.Compound:
        answer = await self.call(
            "ConfigureCompound",
            funds_pb2.ConfigureCompoundRequest(
                compound=funds_pb2.Compound(compound_id=compound_id or self.compound, follow_majority=follow_majority)
            ),
            who,
        )
        return answer.compound

    async def register_households(self, households: dict[str, tuple[str, int]]) -> None:
        """Households of 凤凰城 in the registry, each with its own owner; ``households``: name → (building,
        area dm²)."""
        for name, (building, area) in households.items():
            owner = await self.registry.person(f"业主{name}")
            self.households[name] = await self.registry.household(self.compound, building, name, area, [owner])
            self.owner_keys[name] = owner

    async def owners(self, count: int, *, area_dm2: int = 10_000, buildings: int = 1) -> list[str]:
        """``count`` new people each owning one unit of 凤凰城 of ``area_dm2``, the n-th (from 1) in building
        ``b{n % buildings + 1}``; their owner keys (a sole owner's key is their person id), in order."""
        numbers = range(len(self.owner_keys) + 1, len(self.owner_keys) + count + 1)
        for code in sorted({f"b{n % buildings + 1}" for n in numbers}):
            await self.registry.building(self.compound, code)
        # registered side by side: hundreds of owners one call at a time would dominate the test's time
        people = await asyncio.gather(*(self.registry.person(f"业主{n}") for n in numbers))
        units = await asyncio.gather(*(
            self.registry.household(self.compound, f"b{n % buildings + 1}", f"{n:03d}", area_dm2, [person])
            for n, person in zip(numbers, people, strict=True)
        ))
        for n, person, unit in zip(numbers, people, units, strict=True):
            self.households[f"u-{n:03d}"], self.owner_keys[f"u-{n:03d}"] = unit, person
        return list(people)

    async def open_account(self, households: dict[str, tuple[str, int]], *, rate: int = 3_000, cost: int = 50_000) -> None:
        """凤凰城's maintenance fund account over these households, registered first."""
        await self.register_households(households)
        await self.call(
            "OpenMaintenanceAccount",
            funds_pb2.OpenMaintenanceAccountRequest(
                compound_id=self.compound, rate_fen_per_m2=rate, construction_cost_fen_per_m2=cost
            ),
        )

    async def balances(self) -> dict[str, int]:
        """Each household's balance, by the test's name for it."""
        answer = await self.call("GetMaintenanceAccount", funds_pb2.GetMaintenanceAccountRequest(compound_id=self.compound))
        return {self.name_of(sub.household_id): sub.balance_fen for sub in answer.account.sub_accounts}

    async def count(self, table: str) -> int:
        async with self.app.runtime.db.sessions() as session:
            return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)

    async def counts(self, *tables: str) -> dict[str, int]:
        return {table: await self.count(table) for table in (*tables, "outbox")}

    async def rows(self, query: str) -> list[tuple[Any, ...]]:
        async with self.app.runtime.db.sessions() as session:
            return [tuple(row) for row in (await session.execute(sa.text(query))).all()]

    async def events(self, message_type: type[M]) -> list[M]:
        """The events of this type in the outbox, in the order they were written."""
        async with self.app.runtime.db.sessions() as session:
            rows = await session.execute(
                sa.text("SELECT payload FROM outbox WHERE event_type = :type ORDER BY seq"),
                {"type": message_type.DESCRIPTOR.full_name},
            )
            return [message_type.FromString(payload) for (payload,) in rows.all()]

    async def objection_period_passes(self, vote_id: str) -> None:
        """V8: as if the closed vote's objection days had gone by (its deadline moved to a moment ago)."""
        async with self.app.runtime.db.sessions() as session:  # through the table, so the moment is stored as UTC
            await session.execute(sa.update(votes).where(votes.c.vote_id == vote_id).values(
                objection_deadline=utcnow() - dt.timedelta(seconds=1)))
            await session.commit()

    async def execute(self, statement: str, **params: object) -> None:
        """Raw SQL behind the service's back, as someone with database access could."""
        async with self.app.runtime.db.sessions() as session:
            await session.execute(sa.text(statement), params)
            await session.commit()


@asynccontextmanager
async def funds_beside_registry(
    database_url: str, registry_database_url: str, nats_url: str,
    start_service: Callable[[ServiceDefinition], Awaitable[ServiceApp]],
) -> AsyncIterator[Funds]:
    """The funds service beside a real registry (its own database, the same NATS), 凤凰城 registered."""
    registry_app = await start_service(definition("registry", registry_database_url, nats_url))
    funds_app = await start_service(
        build(FundsSettings(database_url=database_url, nats_url=nats_url, grpc_port=0,
                            registry_addr=f"127.0.0.1:{registry_app.port}"))
    )
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{registry_app.port}") as registry_channel,
        grpc.aio.insecure_channel(f"127.0.0.1:{funds_app.port}") as funds_channel,
    ):
        registry = Registry(registry_pb2_grpc.RegistryServiceStub(registry_channel))
        yield Funds(funds_app, funds_channel, registry, compound=await registry.place())
