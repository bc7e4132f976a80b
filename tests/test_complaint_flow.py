"""A resident's complaint end to end through the gateway, over the real registry and complaints services:
the compound the registry registers reaches the complaints read model by event, the grid worker files it
on the resident's behalf (a retry with the same Idempotency-Key files once), the community runs the closed loop
(accept → dispatch → handle → resolve → reply → callback → close) and the county sees it in its figures.
"""

from __future__ import annotations

import datetime as dt

import grpc
import sqlalchemy as sa

from tests.platform import StartService, definition, gateway_for
from tests.support import eventually
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.auth import AuthContext
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.workdays import SHANGHAI

HIERARCHY = [
    ("", "350500", "泉州市"),
    ("350500", "350521", "惠安县"),
    ("350521", "350521100", "螺城镇"),
    ("350521100", "350521100001", "凤凰城社区"),
]


async def test_a_complaint_runs_the_closed_loop_through_the_gateway(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    complaints = await start_service(definition("complaints", await database_url_factory("complaints"), nats_server.url))
    async with gateway_for({"registry": registry, "complaints": complaints}) as gateway:
        admin = await gateway.token("city-admin")
        for parent, code, name in HIERARCHY:
            answer = await gateway.client.post(
                "/api/v1/jurisdictions", json={"parent_code": parent, "code": code, "name": name}, headers=admin
            )
            assert answer.status_code == 201, answer.text
        city_admin = AuthContext(user="city-admin", roles=frozenset({"city_admin"}), scope="350500")
        async with grpc.aio.insecure_channel(f"127.0.0.1:{registry.port}") as channel:
            compound = (
                await registry_pb2_grpc.RegistryServiceStub(channel).RegisterCompound(
                    registry_pb2.RegisterCompoundRequest(
                        community_code="350521100001", code="FHC", name="凤凰城",
                        compound_type=registry_pb2.COMPOUND_TYPE_COMMODITY,
                        management_mode=registry_pb2.MANAGEMENT_MODE_COMPANY,
                    ),
                    metadata=city_admin.to_metadata(),
                )
            ).compound

        async def known() -> bool:
            async with complaints.runtime.db.sessions() as session:
                return bool(await session.scalar(sa.text("SELECT count(*) FROM known_compounds")))

        await eventually(known)

        # the grid worker files on the reporter's behalf: a resident files only for a compound they own a
        # unit in (A1), and nobody owns one in this test's compound
        grid = await gateway.token("huian-grid") | {"Idempotency-Key": "grid-retry-1"}
        filing = {
            "compound_id": compound.id, "category": "lifts", "channel": "mobile",
            "description": "3号楼电梯停运两天", "reporter": {"name": "张三", "phone": "13800001234"},
        }
        filed = await gateway.client.post("/api/v1/complaints", json=filing, headers=grid)
        retried = await gateway.client.post("/api/v1/complaints", json=filing, headers=grid)
        assert filed.status_code == retried.status_code == 201, filed.text
        case = filed.json()["case"]
        assert retried.json()["case"]["case_id"] == case["case_id"]
        assert case["state"] == "submitted" and case["tier"] == "community"
        assert case["reporters"][0]["phone"] == "138****1234"  # the grid worker's view is masked

        community = await gateway.token("huian-community")
        path = f"/api/v1/complaints/{case['case_id']}"
        steps = [
            ("accept", None),
            ("dispatch", {"assignee_kind": "community"}),
            ("start", None),
            ("resolve", {"summary": "更换电梯控制板"}),
            ("reply", {"message": "电梯已修复，感谢反映"}),
            ("callback", {"valid": True, "contacted": True, "solved": True, "satisfaction": "satisfied"}),
        ]
        for action, body in steps:
            answer = await gateway.client.post(f"{path}/{action}", json=body, headers=community)
            assert answer.status_code == 200, f"{action}: {answer.text}"
        closed = await gateway.client.post(f"{path}/close", headers=community)
        assert closed.status_code == 200 and closed.json()["reopened"] is False
        shown = (await gateway.client.get(path, headers=community)).json()
        assert shown["state"] == "closed"
        assert shown["reporters"][0]["phone"] == "13800001234" and shown["reporters"][0]["unmasked"]
        assert shown["first_dispatched_at"] is not None

        refused = await gateway.client.post(f"{path}/callback", json={"valid": True}, headers=community)
        assert refused.status_code == 409 and refused.json()["rule"] == "C2"

        county = await gateway.token("huian-officer")
        today = dt.datetime.now(SHANGHAI).date().isoformat()
        figures = await gateway.client.get(
            "/api/v1/complaints/figures",
            params={"jurisdiction_path": "350500/350521", "start_date": today, "end_date": today},
            headers=county,
        )
        assert figures.status_code == 200, figures.text
        numbers = figures.json()
        assert numbers["submitted"] == 1 and numbers["closed"] == 1
        assert numbers["satisfaction_rate"]["numerator"] == numbers["satisfaction_rate"]["denominator"]

        # H1, H2 through the gateway: the same period's analysis and the compound's service list
        analysis = await gateway.client.get(
            "/api/v1/complaints/hotline-analysis",
            params={"jurisdiction_path": "350500/350521", "start_date": today, "end_date": today}, headers=county,
        )
        assert analysis.status_code == 200, analysis.text
        body = analysis.json()
        assert body["total"] == 1 and [line["count"] for line in body["by_category"]] == [1]
        compound_id = shown["compound_id"]
        assert body["hotspots"][0]["compound_id"] == compound_id
        service_list = await gateway.client.get(f"/api/v1/complaints/service-lists/{compound_id}",
                                                params={"start_date": today, "end_date": today}, headers=county)
        assert service_list.status_code == 200 and service_list.json()["items"][0]["count"] == 1, service_list.text

        anxi = await gateway.token("anxi-officer")
        assert (await gateway.client.get(path, headers=anxi)).status_code == 403
