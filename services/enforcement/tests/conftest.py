"""The enforcement service over real gRPC, a real database (SQLite and PostgreSQL) and a real NATS server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import sqlalchemy as sa
from google.protobuf.message import Message

from tests.support import phone_photo
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.bus import EventHeaders, event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.errors import WuyeError
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_chassis.ids import new_id
from wuye_chassis.natsd import EmbeddedNats
from wuye_enforcement.adapters.orm import known_compounds
from wuye_enforcement.entrypoints.app import build
from wuye_enforcement.settings import EnforcementSettings

HUIAN = "350500/350521"
COMMUNITY = f"{HUIAN}/350521100/350521100001"
COMPOUND = "compound-fenghuang"
SECOND_COMPOUND = "compound-xincheng"
COMPANY = "company-lvyuan"

ADMIN = AuthContext(user="admin-1", roles=frozenset({"city_admin"}), scope="350500")
COUNTY_OFFICER = AuthContext(user="county-1", roles=frozenset({"county_officer"}), scope=HUIAN)
ANXI_OFFICER = AuthContext(user="anxi-1", roles=frozenset({"county_officer"}), scope="350500/350524")
FIRE = AuthContext(user="fire-1", roles=frozenset({"department_inspector"}), scope=HUIAN, department="fire_rescue")
HOUSING = AuthContext(user="housing-1", roles=frozenset({"department_inspector"}), scope=HUIAN, department="housing")

TEAMS = [api.Team(department="fire_rescue", inspector_ids=["fire-1"]), api.Team(department="housing", inspector_ids=["housing-1"])]


def item(code: str, lead: str, content: str, partners: tuple[str, ...] = ()) -> api.InspectionItem:
    return api.InspectionItem(
        code=code, lead_department=lead, partner_departments=partners, content=content,
        legal_basis="《消防法》第十八条", standard="通道畅通，无占用", frequency=api.FREQUENCY_ANNUAL,
    )


@dataclass
class Enforcement:
    app: ServiceApp
    stub: enforcement_pb2_grpc.EnforcementServiceStub

    async def count(self, table: str, where: str = "") -> int:
        async with self.app.runtime.db.sessions() as session:
            return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table} {where}")) or 0)

    async def event_types(self) -> list[str]:
        async with self.app.runtime.db.sessions() as session:
            rows = await session.execute(sa.text("SELECT event_type FROM outbox ORDER BY seq"))
            return [row[0].rsplit(".", 1)[-1] for row in rows]

    async def footprint(self) -> tuple[int, ...]:
        """Rows any change would add or complete: items, plans, inspections, results, orders, events."""
        return (
            await self.count("inspection_items"),
            await self.count("inspection_plans"),
            await self.count("inspections", "WHERE state = 'completed'"),
            await self.count("inspection_results"),
            await self.count("rectification_orders"),
            await self.count("outbox"),
        )

    async def know_compound(self, compound_id: str, path: str = COMMUNITY, company_id: str | None = COMPANY) -> None:
        """The registry announced the compound (the read model's state after its events)."""
        async with self.app.runtime.db.sessions() as session, session.begin():
            await session.execute(
                known_compounds.insert().values(
                    compound_id=compound_id, name=compound_id, jurisdiction_path=path, company_id=company_id,
                    updated_at=utcnow(),
                )
            )

    async def seed_catalogue(self) -> None:
        """Fire lanes led by fire and checked by housing too; lifts by housing alone."""
        await self.stub.CreateInspectionItem(
            api.CreateInspectionItemRequest(item=item("FIRE-01", "fire_rescue", "消防通道是否畅通", ("housing",))),
            metadata=ADMIN.to_metadata(),
        )
        await self.stub.CreateInspectionItem(
            api.CreateInspectionItemRequest(item=item("LIFT-01", "housing", "电梯年检是否有效")),
            metadata=ADMIN.to_metadata(),
        )

    async def plan(
        self, *, visit_date: str = "2026-03-10", kind: int = api.INSPECTION_KIND_ROUTINE, basis: str = "",
        compound_ids: tuple[str, ...] = (COMPOUND,), who: AuthContext = COUNTY_OFFICER,
    ) -> api.Plan:
        answer = await self.stub.CreatePlan(
            api.CreatePlanRequest(
                kind=kind, basis=basis, visit_date=visit_date, compound_ids=compound_ids, teams=TEAMS
            ),
            metadata=who.to_metadata(),
        )
        return answer.plan

    async def result(self, inspection_id: str, item_code: str, outcome: int, who: AuthContext = FIRE, **more: object) -> None:
        await self.stub.RecordResult(
            api.RecordResultRequest(inspection_id=inspection_id, item_code=item_code, outcome=outcome, **more),
            metadata=who.to_metadata(),
        )

    async def complete(self, inspection_id: str, *orders: api.OrderSpec) -> api.Inspection:
        answer = await self.stub.CompleteInspection(
            api.CompleteInspectionRequest(inspection_id=inspection_id, orders=orders), metadata=FIRE.to_metadata()
        )
        return answer.inspection

    async def announce(self, event: Message, *, subject: str, source: str = "complaints") -> str:
        """Publish another service's event the way its outbox relay does; returns its id."""
        event_id = new_id()
        headers = EventHeaders(event_id, event_type_of(event), f"/wuye/{source}", utcnow(), subject)
        await self.app.runtime.bus.js.publish(event_type_of(event), event.SerializeToString(), headers=headers.to_nats())
        return event_id

    async def inspected_with_failure(self) -> str:
        """An inspection of COMPOUND with FIRE-01 failed and LIFT-01 passed; returns its id."""
        await self.seed_catalogue()
        inspection_id = (await self.plan()).visits[0].inspection_id
        await self.result(
            inspection_id, "FIRE-01", api.OUTCOME_FAIL, severity=api.SEVERITY_MAJOR, evidence_refs=["photo-1"]
        )
        await self.result(inspection_id, "LIFT-01", api.OUTCOME_PASS, who=HOUSING)
        return inspection_id


@pytest.fixture
async def enforcement(
    database_url: str, nats_server: EmbeddedNats, start_service, tmp_path: Path
) -> AsyncIterator[Enforcement]:
    settings = EnforcementSettings(
        database_url=database_url, nats_url=nats_server.url, grpc_port=0, overdue_interval_seconds=0.2,
        object_store_url=f"file://{tmp_path / 'objects'}",
    )
    app = await start_service(build(settings))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        service = Enforcement(app, enforcement_pb2_grpc.EnforcementServiceStub(channel))
        await service.know_compound(COMPOUND)
        yield service


async def upload(enforcement: Enforcement, who: AuthContext = FIRE, content: bytes | None = None,
                 content_type: str = "image/jpeg") -> api.EvidencePhoto:
    answer = await enforcement.stub.UploadEvidencePhoto(
        api.UploadEvidencePhotoRequest(content=phone_photo(1200, 900) if content is None else content,
                                       content_type=content_type),
        metadata=who.to_metadata(),
    )
    return answer.photo


def photo_ref(photo: api.EvidencePhoto) -> str:
    return f"photo:{photo.photo_id}"


async def refused(call: Awaitable[object]) -> tuple[grpc.StatusCode, WuyeError]:
    """The status and the service's error of a call that must fail."""
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call
    error = from_rpc_error(failure.value)
    assert error is not None, failure.value
    return failure.value.code(), error
