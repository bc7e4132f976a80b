"""The ratings service over real gRPC, a real database (SQLite and PostgreSQL) and a real NATS server."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.message import Message

from tests.platform import definition
from wuye.ratings.v1 import ratings_pb2 as api
from wuye.ratings.v1 import ratings_pb2_grpc
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.bus import EventHeaders, event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_chassis.ids import new_id
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.workdays import SHANGHAI
from wuye_ratings.adapters.orm import rated_companies, served_compounds
from wuye_ratings.entrypoints.app import build
from wuye_ratings.settings import RatingsSettings

CITY = "350500"
HUIAN = "350500/350521"
STREET = f"{HUIAN}/350521100"
OTHER_STREET = f"{HUIAN}/350521101"
COMMUNITY = f"{STREET}/350521100001"
ANXI = "350500/350524"
COMPANY = "company-lvyuan"
PEER = "company-peer"
COMPOUND = "compound-fenghuang"

OFFICER = AuthContext(user="county-1", roles=frozenset({"county_officer"}), scope=HUIAN)
STREET_OFFICER = AuthContext(user="street-1", roles=frozenset({"street_officer"}), scope=STREET)
CITY_ADMIN = AuthContext(user="admin-1", roles=frozenset({"city_admin"}), scope=CITY)
ANXI_OFFICER = AuthContext(user="anxi-1", roles=frozenset({"county_officer"}), scope=ANXI)
STAFF = AuthContext(user="staff-1", roles=frozenset({"company_staff"}), scope=HUIAN, company=COMPANY)
PEER_STAFF = AuthContext(user="staff-2", roles=frozenset({"company_staff"}), scope=HUIAN, company=PEER)
RESIDENT = AuthContext(user="resident-1", roles=frozenset({"resident"}), scope=COMMUNITY)
HOUSING = AuthContext(
    user="housing-1", roles=frozenset({"department_inspector"}), scope=HUIAN, department="housing"
)


def today() -> dt.date:
    return utcnow().astimezone(SHANGHAI).date()


def company_name(company_id: str) -> str:
    """The name the registry announced for a company of these tests."""
    return f"{company_id}物业服务有限公司"


@dataclass
class Ratings:
    app: ServiceApp
    stub: ratings_pb2_grpc.RatingsServiceStub

    async def add_record(
        self, kind: int, occurred_on: str, company_id: str = COMPANY, who: AuthContext = OFFICER
    ) -> api.CreditRecord:
        answer = await self.stub.AddCreditRecord(
            api.AddCreditRecordRequest(company_id=company_id, kind=kind, occurred_on=occurred_on),
            metadata=who.to_metadata(),
        )
        return answer.record

    async def score_card(self, as_of: str, known_on: str = "", company_id: str = COMPANY) -> api.GetScoreCardResponse:
        return await self.stub.GetScoreCard(
            api.GetScoreCardRequest(company_id=company_id, as_of=as_of, known_on=known_on),
            metadata=OFFICER.to_metadata(),
        )

    async def count(self, table: str, where: str = "") -> int:
        async with self.app.runtime.db.sessions() as session:
            return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table} {where}")) or 0)

    async def footprint(self) -> tuple[int, ...]:
        """Rows any change would add."""
        return tuple(
            [
                await self.count(table)
                for table in (
                    "credit_records", "appeals", "evaluations", "rule_versions", "published_lists", "outbox",
                )
            ]
        )

    async def events(self, message_class: type[Message]) -> list[Message]:
        """The outbox events of one type, oldest first, parsed."""
        async with self.app.runtime.db.sessions() as session:
            rows = await session.execute(
                sa.text("SELECT payload FROM outbox WHERE event_type = :type ORDER BY seq"),
                {"type": event_type_of(message_class)},
            )
            return [message_class.FromString(bytes(row[0])) for row in rows]

    async def know_company(self, company_id: str, path: str = HUIAN, compounds: dict[str, str] | None = None) -> None:
        """The registry announced the company and its contracts (the read model's state after its events)."""
        async with self.app.runtime.db.sessions() as session, session.begin():
            await session.execute(
                rated_companies.insert().values(
                    company_id=company_id, name=company_name(company_id), jurisdiction_path=path, updated_at=utcnow()
                )
            )
            for compound_id, compound_path in (compounds or {}).items():
                await session.execute(
                    served_compounds.insert().values(
                        compound_id=compound_id, company_id=company_id, contract_id=f"contract-{compound_id}",
                        jurisdiction_path=compound_path, updated_at=utcnow(),
                    )
                )

    async def announce(self, event: Message, *, source: str, event_id: str | None = None, msg_id: str | None = None) -> str:
        """Publish another service's event the way its outbox relay does; ``msg_id`` differing from the
        event id gets past JetStream's de-duplication, so only the inbox stands between it and a repeat."""
        event_id = event_id or new_id()
        headers = EventHeaders(event_id, event_type_of(event), f"/wuye/{source}", utcnow(), event_id).to_nats()
        if msg_id is not None:
            headers["Nats-Msg-Id"] = msg_id
        await self.app.runtime.bus.js.publish(event_type_of(event), event.SerializeToString(), headers=headers)
        return event_id


@pytest.fixture
async def ratings(database_url: str, nats_server: EmbeddedNats, start_service) -> AsyncIterator[Ratings]:
    settings = RatingsSettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0)
    app = await start_service(build(settings))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        service = Ratings(app, ratings_pb2_grpc.RatingsServiceStub(channel))
        await service.know_company(COMPANY, compounds={COMPOUND: COMMUNITY})
        yield service


@dataclass
class Register:
    """The real registry over gRPC, written to as the city admin: the register resident surveys are checked
    against (A4)."""

    stub: registry_pb2_grpc.RegistryServiceStub
    #: a compound of COMMUNITY registered in it, served by COMPANY as far as ratings knows
    compound_id: str = ""
    building_id: str = ""

    async def call(self, method: str, request: Message) -> Any:
        return await getattr(self.stub, method)(request, metadata=CITY_ADMIN.to_metadata())

    async def compound(self, code: str, community: str = COMMUNITY) -> tuple[str, str]:
        """A new compound of the community with one building; returns (compound id, building id)."""
        compound = (await self.call("RegisterCompound", registry_pb2.RegisterCompoundRequest(
            community_code=community.rsplit("/", 1)[-1], code=code, name=f"小区{code}",
            compound_type=registry_pb2.COMPOUND_TYPE_COMMODITY, management_mode=registry_pb2.MANAGEMENT_MODE_COMPANY,
        ))).compound
        building = (await self.call(
            "AddBuilding", registry_pb2.AddBuildingRequest(compound_id=compound.id, code="B1", name="1幢")
        )).building
        return compound.id, building.id

    async def person(self, name: str) -> str:
        return (await self.call("RegisterPerson", registry_pb2.RegisterPersonRequest(
            community_code=COMMUNITY.rsplit("/", 1)[-1], name=name,
        ))).person.id

    async def household(self, unit: str, *owners: str, building_id: str = "") -> str:
        """A 100 m² unit of the building owned by these people in equal shares (developer stock without)."""
        shares = [registry_pb2.OwnerShare(person_id=owner, share=f"1/{len(owners)}") for owner in owners]
        return (await self.call("AddHousehold", registry_pb2.AddHouseholdRequest(
            building_id=building_id or self.building_id, unit_number=unit, area_dm2=10_000,
            developer_unsold=not owners, owners=shares,
        ))).household.id


def resident(person_id: str, *compounds: str) -> AuthContext:
    """The person acting as the owner they are (the derived post "resident")."""
    return AuthContext(user=person_id, roles=frozenset({"resident"}), scope=COMMUNITY, post="resident",
                       compounds=frozenset(compounds))


@pytest.fixture
async def registered(
    database_url: str, database_url_factory, nats_server: EmbeddedNats, start_service
) -> AsyncIterator[tuple[Register, Ratings]]:
    """Ratings asking a real registry for households, with one compound of COMMUNITY registered there and
    served by COMPANY (the ratings read model)."""
    registry_app = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    settings = RatingsSettings(
        database_url=database_url, nats_url=nats_server.url, grpc_port=0, registry_addr=f"127.0.0.1:{registry_app.port}"
    )
    ratings_app = await start_service(build(settings))
    async with (
        grpc.aio.insecure_channel(f"127.0.0.1:{registry_app.port}") as registry_channel,
        grpc.aio.insecure_channel(f"127.0.0.1:{ratings_app.port}") as ratings_channel,
    ):
        register = Register(registry_pb2_grpc.RegistryServiceStub(registry_channel))
        codes = COMMUNITY.split("/")
        for parent, code in zip(["", *codes], codes):
            await register.call(
                "RegisterJurisdiction", registry_pb2.RegisterJurisdictionRequest(parent_code=parent, code=code, name=code)
            )
        register.compound_id, register.building_id = await register.compound("FHC")
        service = Ratings(ratings_app, ratings_pb2_grpc.RatingsServiceStub(ratings_channel))
        await service.know_company(COMPANY, compounds={register.compound_id: COMMUNITY})
        yield register, service


async def refused(call) -> tuple[grpc.StatusCode, object]:
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call
    return failure.value.code(), from_rpc_error(failure.value)


