"""Registry jurisdictions over real gRPC, a real database and a real NATS server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import pytest
import sqlalchemy as sa

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.natsd import EmbeddedNats
from wuye_registry.entrypoints.app import build
from wuye_registry.settings import RegistrySettings

from .conftest import refused

CITY_ADMIN = AuthContext(user="admin", roles=frozenset({"city_admin"}), scope="350500")
HUIAN_OFFICER = AuthContext(user="huian", roles=frozenset({"county_officer"}), scope="350500/350521")
ANXI_OFFICER = AuthContext(user="anxi", roles=frozenset({"county_officer"}), scope="350500/350524")
RESIDENT = AuthContext(user="resident", roles=frozenset({"resident"}), scope="350500/350521")


@dataclass
class Registry:
    app: ServiceApp
    stub: registry_pb2_grpc.RegistryServiceStub

    async def register(self, who: AuthContext, parent: str, code: str, name: str = "某地") -> common_pb2.Jurisdiction:
        answer = await self.stub.RegisterJurisdiction(
            registry_pb2.RegisterJurisdictionRequest(parent_code=parent, code=code, name=name),
            metadata=who.to_metadata(),
        )
        return answer.jurisdiction

    async def table_counts(self) -> tuple[int, int]:
        async with self.app.runtime.db.sessions() as session:
            places = await session.scalar(sa.text("SELECT count(*) FROM jurisdictions"))
            events = await session.scalar(sa.text("SELECT count(*) FROM outbox"))
        return int(places or 0), int(events or 0)


@pytest.fixture
async def registry(database_url: str, nats_server: EmbeddedNats, start_service) -> AsyncIterator[Registry]:
    app = await start_service(
        build(RegistrySettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0))
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        yield Registry(app, registry_pb2_grpc.RegistryServiceStub(channel))


async def test_hierarchy_registers_down_to_a_community_with_its_path(registry: Registry) -> None:
    await registry.register(CITY_ADMIN, "", "350500", "泉州市")
    await registry.register(CITY_ADMIN, "350500", "350521", "惠安县")
    await registry.register(HUIAN_OFFICER, "350521", "350521100", "螺城镇")
    community = await registry.register(HUIAN_OFFICER, "350521100", "350521100001", "凤凰城社区")
    assert community.path == "350500/350521/350521100/350521100001"
    assert community.level == common_pb2.JURISDICTION_LEVEL_COMMUNITY
    assert await registry.table_counts() == (4, 4)  # one event per registration, same transaction


@pytest.mark.parametrize(
    ("parent", "code", "field", "status"),
    [
        ("350500", "35052", "code", grpc.StatusCode.INVALID_ARGUMENT),  # too short for a county
        ("350500", "360521", "code", grpc.StatusCode.INVALID_ARGUMENT),  # another city's county
        ("350599", "350599100", "parent_code", grpc.StatusCode.NOT_FOUND),  # unknown parent
        ("350500", "350521", "code", grpc.StatusCode.ALREADY_EXISTS),  # duplicate code
    ],
)
async def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    registry: Registry, parent: str, code: str, field: str, status: grpc.StatusCode
) -> None:
    await registry.register(CITY_ADMIN, "", "350500", "泉州市")
    await registry.register(CITY_ADMIN, "350500", "350521", "惠安县")
    before = await registry.table_counts()
    code_seen, error = await refused(registry.register(CITY_ADMIN, parent, code))
    assert code_seen == status
    assert error.field == field
    assert await registry.table_counts() == before


async def test_empty_name_is_refused(registry: Registry) -> None:
    status, error = await refused(registry.register(CITY_ADMIN, "", "350500", "   "))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "name"
    assert await registry.table_counts() == (0, 0)


async def test_county_officer_cannot_register_in_another_county(registry: Registry) -> None:
    await registry.register(CITY_ADMIN, "", "350500", "泉州市")
    await registry.register(CITY_ADMIN, "350500", "350521", "惠安县")
    await registry.register(CITY_ADMIN, "350500", "350524", "安溪县")
    before = await registry.table_counts()
    status, error = await refused(registry.register(HUIAN_OFFICER, "350524", "350524100"))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, _ = await refused(registry.register(RESIDENT, "350521", "350521100"))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, _ = await refused(registry.register(AuthContext(), "350521", "350521100"))
    assert status == grpc.StatusCode.UNAUTHENTICATED
    assert await registry.table_counts() == before


async def test_reads_are_scoped_to_the_callers_jurisdiction(registry: Registry) -> None:
    await registry.register(CITY_ADMIN, "", "350500", "泉州市")
    await registry.register(CITY_ADMIN, "350500", "350521", "惠安县")
    await registry.register(CITY_ADMIN, "350500", "350524", "安溪县")
    await registry.register(CITY_ADMIN, "350524", "350524100", "凤城镇")
    answer = await registry.stub.GetJurisdiction(
        registry_pb2.GetJurisdictionRequest(code="350521"), metadata=HUIAN_OFFICER.to_metadata()
    )
    assert answer.jurisdiction.name == "惠安县"
    status, _ = await refused(
        registry.stub.GetJurisdiction(registry_pb2.GetJurisdictionRequest(code="350524"), metadata=HUIAN_OFFICER.to_metadata())
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, _ = await refused(
        registry.stub.ListJurisdictions(
            registry_pb2.ListJurisdictionsRequest(parent_code="350524"), metadata=HUIAN_OFFICER.to_metadata()
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED


async def test_children_are_listed_in_code_order_page_by_page(registry: Registry) -> None:
    await registry.register(CITY_ADMIN, "", "350500", "泉州市")
    for code in ("350526", "350521", "350524", "350525", "350527"):
        await registry.register(CITY_ADMIN, "350500", code)
    seen: list[str] = []
    token = ""
    while True:
        answer = await registry.stub.ListJurisdictions(
            registry_pb2.ListJurisdictionsRequest(
                parent_code="350500", page=common_pb2.PageRequest(page_size=2, page_token=token)
            ),
            metadata=CITY_ADMIN.to_metadata(),
        )
        seen += [j.code for j in answer.jurisdictions]
        token = answer.page.next_page_token
        if not token:
            break
    assert seen == ["350521", "350524", "350525", "350526", "350527"]


async def test_a_retry_with_the_same_idempotency_key_is_applied_once_and_answered_alike(registry: Registry) -> None:
    request = registry_pb2.RegisterJurisdictionRequest(code="350500", name="泉州市")
    metadata = CITY_ADMIN.to_metadata() + [("idempotency-key", "k-1")]
    first = await registry.stub.RegisterJurisdiction(request, metadata=metadata)
    retried = await registry.stub.RegisterJurisdiction(request, metadata=metadata)
    assert retried == first  # the stored response, not ALREADY_EXISTS
    assert await registry.table_counts() == (1, 1)  # one row, one event

    other = registry_pb2.RegisterJurisdictionRequest(parent_code="350500", code="350521", name="惠安县")
    status, error = await refused(registry.stub.RegisterJurisdiction(other, metadata=metadata))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "Idempotency-Key"
    assert await registry.table_counts() == (1, 1)


async def test_a_refused_request_does_not_use_up_its_idempotency_key(registry: Registry) -> None:
    metadata = CITY_ADMIN.to_metadata() + [("idempotency-key", "k-2")]
    status, _ = await refused(
        registry.stub.RegisterJurisdiction(
            registry_pb2.RegisterJurisdictionRequest(code="350500", name=" "), metadata=metadata
        )
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT
    # nothing was applied, so the corrected request may use the same key
    corrected = await registry.stub.RegisterJurisdiction(
        registry_pb2.RegisterJurisdictionRequest(code="350500", name="泉州市"), metadata=metadata
    )
    assert corrected.jurisdiction.code == "350500"
    assert await registry.table_counts() == (1, 1)
