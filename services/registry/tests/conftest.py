"""A running registry (real gRPC, real NATS, SQLite and PostgreSQL) and helpers to fill it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass

import grpc
import pytest
import sqlalchemy as sa

from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.errors import WuyeError
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.pii import resident_id_check_character
from wuye_registry.adapters.orm import compounds
from wuye_registry.domain.companies import uscc_check_character
from wuye_registry.entrypoints.app import build
from wuye_registry.settings import RegistrySettings

CITY_ADMIN = AuthContext(user="admin", roles=frozenset({"city_admin"}), scope="350500")
HUIAN_WORKER = AuthContext(user="worker", roles=frozenset({"community_worker"}), scope="350500/350521")
ANXI_OFFICER = AuthContext(user="anxi", roles=frozenset({"county_officer"}), scope="350500/350524")
HUIAN_COMMUNITY = "350521100001"
HUIAN_STREET = "350521100"
ANXI_COMMUNITY = "350524100001"


def uscc(seed: int) -> str:
    first = f"91350521MA{seed:07d}"
    return first + uscc_check_character(first)


def resident_id(seed: int) -> str:
    first = f"35052119800101{seed:03d}"
    return first + resident_id_check_character(first)


@dataclass
class Registry:
    app: ServiceApp
    stub: registry_pb2_grpc.RegistryServiceStub

    async def call(self, rpc: str, request, who: AuthContext = CITY_ADMIN):
        return await getattr(self.stub, rpc)(request, metadata=who.to_metadata())

    async def count(self, table: str, where: str = "") -> int:
        async with self.app.runtime.db.sessions() as session:
            return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table} {where}")) or 0)

    async def events(self, event_type: str) -> int:
        return await self.count("outbox", f"WHERE event_type = 'wuye.registry.v1.{event_type}'")

    async def registered_compounds_on(self, day: str) -> None:
        """Date every compound's registration back to ``day`` (the start of that day in UTC), as if the
        registry had held them since then; gRPC always registers with today's time."""
        async with self.app.runtime.db.sessions() as session:
            await session.execute(
                sa.update(compounds).values(
                    created_at=dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), dt.UTC)
                )
            )
            await session.commit()

    async def snapshot(self, *tables: str) -> tuple[int, ...]:
        return tuple([await self.count(table) for table in (*tables, "outbox")])

    async def hierarchy(self) -> None:
        for parent, code in (
            ("", "350500"),
            ("350500", "350521"),
            ("350521", HUIAN_STREET),
            (HUIAN_STREET, HUIAN_COMMUNITY),
            ("350500", "350524"),
            ("350524", "350524100"),
            ("350524100", ANXI_COMMUNITY),
        ):
            await self.call(
                "RegisterJurisdiction",
                registry_pb2.RegisterJurisdictionRequest(parent_code=parent, code=code, name=code),
            )

    async def compound(self, code: str = "FHC", community: str = HUIAN_COMMUNITY) -> registry_pb2.Compound:
        answer = await self.call(
            "RegisterCompound",
            registry_pb2.RegisterCompoundRequest(
                community_code=community,
                code=code,
                name="凤凰城",
                compound_type=registry_pb2.COMPOUND_TYPE_COMMODITY,
                management_mode=registry_pb2.MANAGEMENT_MODE_COMPANY,
            ),
        )
        return answer.compound

    async def building(self, compound_id: str, code: str = "B1") -> registry_pb2.Building:
        answer = await self.call(
            "AddBuilding", registry_pb2.AddBuildingRequest(compound_id=compound_id, code=code, name=code)
        )
        return answer.building

    async def person(
        self,
        name: str = "张三",
        *,
        party: bool = False,
        community: str = HUIAN_COMMUNITY,
        phone: str = "",
        id_number: str = "",
    ) -> str:
        answer = await self.call(
            "RegisterPerson",
            registry_pb2.RegisterPersonRequest(
                community_code=community, name=name, is_party_member=party, phone=phone, id_number=id_number
            ),
        )
        return answer.person.id

    async def household(
        self, building_id: str, unit: str, area_dm2: int, *owners: str, developer_unsold: bool = False
    ) -> registry_pb2.Household:
        share = f"1/{len(owners)}" if owners else ""
        answer = await self.call(
            "AddHousehold",
            registry_pb2.AddHouseholdRequest(
                building_id=building_id,
                unit_number=unit,
                area_dm2=area_dm2,
                developer_unsold=developer_unsold,
                owners=[registry_pb2.OwnerShare(person_id=owner, share=share) for owner in owners],
            ),
        )
        return answer.household

    async def company(
        self,
        seed: int = 1,
        *,
        required: bool = False,
        mode: registry_pb2.PartyOrgMode.ValueType = registry_pb2.PARTY_ORG_MODE_NONE,
    ) -> registry_pb2.Company:
        answer = await self.call(
            "RegisterCompany",
            registry_pb2.RegisterCompanyRequest(
                jurisdiction_code="350521",
                uscc=uscc(seed),
                name=f"物业{seed}",
                party_org_required=required,
                party_org_mode=mode,
            ),
        )
        return answer.company

    async def contract(self, compound_id: str, company_id: str, start: str = "2020-01-01", end: str = ""):
        answer = await self.call(
            "StartContract",
            registry_pb2.StartContractRequest(
                compound_id=compound_id,
                company_id=company_id,
                mode=registry_pb2.CONTRACT_MODE_TENDER,
                start_on=start,
                end_on=end,
            ),
        )
        return answer.contract

    async def owners(self, compound_id: str, count: int, *, party: int = 0, screened: bool = True) -> list[str]:
        """``count`` people who each own one unit of the compound; the first ``party`` are party members.
        ``screened``: each also passed the negative-list screening for the compound's reserve pool (O5), as
        an owners' committee member must have."""
        building = await self.building(compound_id, code=f"OWN{await self.count('buildings')}")
        people = []
        for index in range(count):
            person_id = await self.person(f"业主{index}", party=index < party)
            await self.household(building.id, f"{index + 1:03d}", 9000, person_id)
            if screened:
                await self.screen(compound_id, person_id)
            people.append(person_id)
        return people

    async def screen(self, compound_id: str, person_id: str, *, defaulter: bool = False, on: str = "2024-01-15") -> bool:
        """The person's negative-list screening for the compound (O5): clean, or a listed judgment defaulter."""
        answer = await self.call("ProposeCandidate", registry_pb2.ProposeCandidateRequest(
            compound_id=compound_id, person_id=person_id, screened_on=on, listed_judgment_defaulter=defaulter,
            positions=[registry_pb2.RESERVE_POSITION_OWNERS_COMMITTEE_MEMBER],
        ))
        return bool(answer.candidate.eligible)


@pytest.fixture
async def registry(database_url: str, nats_server: EmbeddedNats, start_service) -> AsyncIterator[Registry]:
    app = await start_service(build(RegistrySettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0)))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        registry = Registry(app, registry_pb2_grpc.RegistryServiceStub(channel))
        await registry.hierarchy()
        yield registry


async def refused(call: Awaitable[object]) -> tuple[grpc.StatusCode, WuyeError]:
    """The status and the registry's error of a call it refuses."""
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call
    error = from_rpc_error(failure.value)
    assert error is not None, failure.value
    return failure.value.code(), error
