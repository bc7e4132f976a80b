"""The platform as real processes (the ones `make run` starts): clean start and stop, and kill -9."""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import grpc
import httpx
import nats
import pytest

from deploy import demo
from deploy.localstack import SERVICES, LocalStack
from tests.support import eventually
from wuye.common.v1 import directory_pb2, directory_pb2_grpc
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.auth import SYSTEM, AuthContext

pytestmark = pytest.mark.slow
#: signed at each call (an identity token lives two minutes: wuye_chassis.internal_tokens)
CITY_ADMIN = AuthContext(user="admin", roles=frozenset({"city_admin"}), scope="350500")
READERS = [name for name in SERVICES if name != "registry"]


@pytest.fixture
def stack(tmp_path: Path):
    local = LocalStack(data_dir=tmp_path / "var")
    local.start()
    try:
        local.wait_ready(timeout=90)
        yield local
    finally:
        local.stop()


async def known_everywhere(stack: LocalStack, code: str) -> bool:
    """True when every service's jurisdiction read model has the code."""
    for name in READERS:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.grpc_ports[name]}") as channel:
            try:
                await directory_pb2_grpc.JurisdictionDirectoryServiceStub(channel).GetKnownJurisdiction(
                    directory_pb2.GetKnownJurisdictionRequest(code=code), metadata=SYSTEM.to_metadata()
                )
            except grpc.aio.AioRpcError as exc:
                if exc.code() == grpc.StatusCode.NOT_FOUND:
                    return False
                raise
    return True


async def test_local_stack_starts_loads_the_demo_city_and_stops_cleanly(tmp_path: Path) -> None:
    local = LocalStack(data_dir=tmp_path / "var")
    local.start()
    try:
        assert set(local.wait_ready(timeout=90).values()) == {"SERVING"}
        assert "appointed" in demo.bootstrap_admin(local)
        assert "already appointed" in demo.bootstrap_admin(local)
        # the bootstrap made the city; the city admin, signed in as their person, registers the rest
        assert demo.load(local.gateway_url) == {"created": len(demo.JURISDICTIONS) - 1, "existing": 1}
        assert demo.load(local.gateway_url) == {"created": 0, "existing": len(demo.JURISDICTIONS)}
        await eventually(lambda: known_everywhere(local, "350524100001"), timeout=20)
        demo.import_county(local, Path(__file__).resolve().parent.parent / "deploy" / "demo" / "huian")
        staff = len(demo.DEV_ACCOUNTS) - 3  # not the city admin (bootstrap) nor the two owners (roster)
        assert demo.load_people(local.gateway_url) == {"appointed": staff, "existing": 0}
        assert demo.load_people(local.gateway_url) == {"appointed": 0, "existing": staff}
        # seed 000: 69 tasks in 11 areas and the "19+2" special actions; 13 rectification lists with 24 items
        assert demo.load_campaign(local.gateway_url) == {"task_lists": 22, "tasks": 90, "rectification_lists": 13,
                                                         "items": 24}
        assert demo.load_campaign(local.gateway_url) == {"task_lists": 0, "tasks": 0, "rectification_lists": 0,
                                                         "items": 0}
        # the import's events reach the complaints service: 陈建国, an owner of 凤凰城, files as himself (A1)
        await eventually(lambda: _files_a_complaint(local), timeout=30)
    finally:
        exit_codes = local.stop()
    # uvicorn finishes its graceful shutdown, then re-raises SIGTERM so the exit status tells it was signalled
    assert exit_codes.pop("gateway") in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in local.processes["gateway"].log_path.read_text()
    assert exit_codes == {name: 0 for name in reversed(SERVICES)}


async def test_registry_killed_mid_stream_loses_no_accepted_write_and_duplicates_no_event(stack: LocalStack) -> None:
    registry_address = f"127.0.0.1:{stack.grpc_ports['registry']}"
    codes = [f"3505{n:02d}" for n in range(10, 50)]
    accepted: list[str] = []

    async with grpc.aio.insecure_channel(registry_address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        await stub.RegisterJurisdiction(
            registry_pb2.RegisterJurisdictionRequest(code="350500", name="泉州市"), metadata=CITY_ADMIN.to_metadata()
        )

        async def register(code: str, delay: float) -> None:
            await asyncio.sleep(delay)
            try:
                await stub.RegisterJurisdiction(
                    registry_pb2.RegisterJurisdictionRequest(parent_code="350500", code=code, name=f"县 {code}"),
                    metadata=CITY_ADMIN.to_metadata(), timeout=5,
                )
            except grpc.aio.AioRpcError:
                return  # not accepted: the client knows it must retry
            accepted.append(code)

        writes = [asyncio.create_task(register(code, i * 0.02)) for i, code in enumerate(codes)]
        await eventually(lambda: _at_least(accepted, 12), timeout=20)
        stack.processes["registry"].kill()
        await asyncio.gather(*writes)
    assert 12 <= len(accepted) < len(codes), "the kill must land in the middle of the stream"

    stack.restart("registry")
    stack.wait_ready(timeout=60)
    async with grpc.aio.insecure_channel(registry_address) as channel:
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        listed = await stub.ListJurisdictions(
            registry_pb2.ListJurisdictionsRequest(parent_code="350500"), metadata=CITY_ADMIN.to_metadata()
        )
    stored = [j.code for j in listed.jurisdictions]
    assert set(accepted) <= set(stored), "an accepted write was lost"
    assert len(stored) == len(set(stored))

    # every stored change reaches every read model, and the stream holds exactly one event per change
    for code in stored:
        await eventually(functools.partial(known_everywhere, stack, code), timeout=30)
    connection = await nats.connect(stack.nats_ops_url)
    try:
        info = await connection.jetstream().stream_info("WUYE")
    finally:
        await connection.close()
    assert info.state.messages == len(stored) + 1  # + the city
    print(f"accepted {len(accepted)} of {len(codes)}, stored {len(stored)}, events {info.state.messages}")


async def _files_a_complaint(stack: LocalStack) -> bool:
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        admin = (await client.post("/dev/token", json={"username": "city-admin"})).json()["access_token"]
        compounds = await client.get(
            "/api/v1/jurisdictions/350521100001", headers={"Authorization": f"Bearer {admin}"}
        )
        assert compounds.status_code == 200
        async with grpc.aio.insecure_channel(f"127.0.0.1:{stack.grpc_ports['registry']}") as channel:
            listed = await registry_pb2_grpc.RegistryServiceStub(channel).ListCompounds(
                registry_pb2.ListCompoundsRequest(jurisdiction_code="350521"), metadata=CITY_ADMIN.to_metadata()
            )
        fenghuang = next(c for c in listed.compounds if c.name == "凤凰城")
        resident = (await client.post("/dev/token", json={"username": "huian-resident"})).json()["access_token"]
        me = (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {resident}"})).json()
        assert me["acting_as"]["kind"] == "resident" and fenghuang.id in {unit["compound_id"] for unit in me["units"]}
        filed = await client.post(
            "/api/v1/complaints",
            json={"compound_id": fenghuang.id, "category": "lifts", "channel": "mobile", "description": "电梯停运",
                  "reporter": {"name": "陈建国", "phone": "13800000001"}},
            headers={"Authorization": f"Bearer {resident}"},
        )
    if filed.status_code != 201:
        return False
    assert filed.json()["case"]["reporter_person_id"] == me["person_id"]
    return True


async def _at_least(items: list[str], count: int) -> bool:
    return len(items) >= count


def test_migrate_command_prepares_a_database_without_starting_the_service(tmp_path: Path) -> None:
    """What the Kubernetes pre-upgrade Job runs: ``python -m wuye_<service> migrate``."""
    database = tmp_path / "funds.db"
    env = {**os.environ, "WUYE_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "WUYE_NATS_URL": "nats://127.0.0.1:1"}
    done = subprocess.run([sys.executable, "-m", "wuye_funds", "migrate"], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    with sqlite3.connect(database) as connection:
        tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"outbox", "inbox", "known_jurisdictions", "alembic_version"} <= tables
