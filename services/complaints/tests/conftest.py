"""The complaints service over real gRPC, a real database (SQLite and PostgreSQL) and a real NATS server."""

from __future__ import annotations

import base64
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import pytest
import sqlalchemy as sa

from wuye.complaints.v1 import complaints_pb2 as api
from wuye.complaints.v1 import complaints_pb2_grpc
from wuye_chassis.app import ServiceApp, ServiceDefinition
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.errors import WuyeError
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_chassis.natsd import EmbeddedNats
from wuye_complaints.adapters.orm import known_compounds
from wuye_complaints.entrypoints.app import build
from wuye_complaints.settings import ComplaintsSettings

HUIAN = "350500/350521"
STREET = f"{HUIAN}/350521100"
COMMUNITY = f"{STREET}/350521100001"
OTHER_COMMUNITY = f"{STREET}/350521100002"
COMPOUND = "compound-fenghuang"
COMPANY = "company-lvyuan"

#: an owner of a unit in COMPOUND, acting as such (the derived post "resident")
RESIDENT = AuthContext(
    user="resident-1", roles=frozenset({"resident"}), scope=COMMUNITY, post="resident", compounds=frozenset({COMPOUND})
)
OPERATOR = AuthContext(user="op-12345", roles=frozenset({"operator_12345"}), scope=HUIAN)
COMMUNITY_WORKER = AuthContext(user="cw-1", roles=frozenset({"community_worker"}), scope=COMMUNITY)
COMPANY_STAFF = AuthContext(user="staff-1", roles=frozenset({"company_staff"}), scope=HUIAN, company=COMPANY)
RIVAL_STAFF = AuthContext(user="staff-9", roles=frozenset({"company_staff"}), scope=HUIAN, company="company-rival")
STREET_OFFICER = AuthContext(user="street-1", roles=frozenset({"street_officer"}), scope=STREET)
GRID_WORKER = AuthContext(user="grid-1", roles=frozenset({"grid_worker"}), scope=COMMUNITY)
COUNTY_OFFICER = AuthContext(user="county-1", roles=frozenset({"county_officer"}), scope=HUIAN)
ANXI_OFFICER = AuthContext(user="anxi-1", roles=frozenset({"county_officer"}), scope="350500/350524")

REPORTER = api.Reporter(name="张三丰", phone="13812345678")


@dataclass
class Complaints:
    app: ServiceApp
    stub: complaints_pb2_grpc.ComplaintsServiceStub

    async def submit(
        self,
        who: AuthContext = RESIDENT,
        *,
        compound_id: str = COMPOUND,
        category: str = "lifts",
        description: str = "3号楼电梯停运两天",
        channel: int = api.CHANNEL_MOBILE,
        reporter: api.Reporter = REPORTER,
        external_id: str = "",
        photo_ids: tuple[str, ...] = (),
    ) -> api.SubmitComplaintResponse:
        return await self.stub.SubmitComplaint(
            api.SubmitComplaintRequest(
                compound_id=compound_id, category=category, channel=channel, description=description,
                reporter=reporter, external_id=external_id, photo_ids=photo_ids,
            ),
            metadata=who.to_metadata(),
        )

    async def dispatched(self, **submit: Any) -> api.Case:
        """A new case accepted and dispatched to the compound's company."""
        case = (await self.submit(**submit)).case
        await self.stub.AcceptCase(api.AcceptCaseRequest(case_id=case.case_id), metadata=COMMUNITY_WORKER.to_metadata())
        answer = await self.stub.DispatchCase(
            api.DispatchCaseRequest(case_id=case.case_id, assignee_kind=api.ASSIGNEE_KIND_COMPANY),
            metadata=COMMUNITY_WORKER.to_metadata(),
        )
        return answer.case

    async def resolved(self, **submit: Any) -> api.Case:
        """A case taken on, resolved and answered to the reporter."""
        case = await self.dispatched(**submit)
        staff = COMPANY_STAFF.to_metadata()
        await self.stub.StartHandling(api.StartHandlingRequest(case_id=case.case_id), metadata=staff)
        await self.stub.ResolveCase(api.ResolveCaseRequest(case_id=case.case_id, summary="已修复"), metadata=staff)
        answer = await self.stub.ReplyToReporter(
            api.ReplyToReporterRequest(case_id=case.case_id, message="电梯已修复"), metadata=staff
        )
        return answer.case

    async def closed(self, satisfaction: int = api.SATISFACTION_SATISFIED, **submit: Any) -> api.CloseCaseResponse:
        case = await self.resolved(**submit)
        worker = COMMUNITY_WORKER.to_metadata()
        await self.stub.RecordCallback(
            api.RecordCallbackRequest(
                case_id=case.case_id, valid=True, contacted=True, solved=True, satisfaction=satisfaction
            ),
            metadata=worker,
        )
        return await self.stub.CloseCase(api.CloseCaseRequest(case_id=case.case_id), metadata=worker)

    async def count(self, table: str, where: str = "") -> int:
        async with self.app.runtime.db.sessions() as session:
            return int(await session.scalar(sa.text(f"SELECT count(*) FROM {table} {where}")) or 0)

    async def event_types(self) -> list[str]:
        async with self.app.runtime.db.sessions() as session:
            rows = await session.execute(sa.text("SELECT event_type FROM outbox ORDER BY seq"))
            return [row[0].rsplit(".", 1)[-1] for row in rows]

    async def footprint(self) -> tuple[int, ...]:
        """Rows that any change would add: cases, reporters, history, callbacks, events, mediations, figure
        counters."""
        return tuple(
            [
                await self.count(table)
                for table in (
                    "complaint_cases", "case_reporters", "case_history", "case_callbacks", "case_escalations",
                    "outbox", "mediations", "figures_daily_submitted", "figures_daily_closed", "figures_daily_callbacks",
                )
            ]
        )

    async def know_compound(self, compound_id: str, path: str, company_id: str | None = COMPANY) -> None:
        """The registry announced the compound (the read model's state after its event)."""
        async with self.app.runtime.db.sessions() as session, session.begin():
            await session.execute(
                known_compounds.insert().values(
                    compound_id=compound_id, name=compound_id, jurisdiction_path=path, company_id=company_id,
                    updated_at=utcnow(),
                )
            )


@pytest.fixture
async def complaints(
    database_url: str, nats_server: EmbeddedNats, start_service: Callable[[ServiceDefinition[Any]], Awaitable[ServiceApp[Any]]],
    tmp_path: Path,
) -> AsyncIterator[Complaints]:
    settings = ComplaintsSettings(
        database_url=database_url,
        object_store_url=f"file://{tmp_path / 'objects'}",
        nats_url=nats_server.url,
        grpc_port=0,
        escalation_interval_seconds=0.2,
        pii_key=base64.b64encode(os.urandom(32)).decode(),
    )
    app = await start_service(build(settings))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        service = Complaints(app, complaints_pb2_grpc.ComplaintsServiceStub(channel))
        await service.know_compound(COMPOUND, COMMUNITY)
        yield service


async def refused(call: Awaitable[object]) -> tuple[grpc.StatusCode, WuyeError]:
    """The status and the service's error of a call that must fail."""
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await call
    error = from_rpc_error(failure.value)
    assert error is not None, failure.value
    return failure.value.code(), error
