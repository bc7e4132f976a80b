"""Health that tells the truth: NOT_SERVING on shutdown and while NATS is unreachable; migrations match models."""

from __future__ import annotations

import asyncio
import datetime as dt

import grpc
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from grpc_health.v1 import health_pb2, health_pb2_grpc

from deploy.services import SERVICES
from tests.platform import StartService, definition
from tests.support import eventually
from wuye_chassis.db import create_engine
from wuye_chassis.grpc_server import LIVENESS
from wuye_chassis.migrations import migrate_async
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.workdays import SHANGHAI, WorkingDayCalendar
from wuye_complaints.entrypoints.app import build
from wuye_complaints.settings import ComplaintsSettings

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


async def test_health_goes_not_serving_on_shutdown_before_the_server_stops(
    database_url: str, nats_server: EmbeddedNats
) -> None:
    from wuye_chassis.app import ServiceApp

    app = ServiceApp(definition("registry", database_url, nats_server.url))
    await app.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        watch = health_pb2_grpc.HealthStub(channel).Watch(health_pb2.HealthCheckRequest(service=""))
        statuses = [(await watch.read()).status]
        stopping = asyncio.create_task(app.stop())
        statuses.append((await watch.read()).status)
        await stopping
    assert statuses == [SERVING, NOT_SERVING]


async def test_readiness_follows_the_nats_connection(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    app = await start_service(definition("registry", database_url, nats_server.url))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)

        async def status_is(expected: int) -> bool:
            answer = await health.Check(health_pb2.HealthCheckRequest(service="wuye.registry.v1.RegistryService"))
            return answer.status == expected

        assert await status_is(SERVING)
        nats_server.kill()
        await eventually(lambda: status_is(NOT_SERVING), timeout=10)
        # alive all the same: the liveness probe must not restart a pod for a dependency outage
        liveness = await health.Check(health_pb2.HealthCheckRequest(service=LIVENESS))
        assert liveness.status == SERVING
        nats_server.start()
        await eventually(lambda: status_is(SERVING), timeout=20)


@pytest.mark.parametrize("service", SERVICES)
async def test_migrations_create_exactly_the_tables_the_code_declares(service: str, database_url: str) -> None:
    service_definition = definition(service, database_url, "nats://127.0.0.1:1")
    await migrate_async(database_url, service_definition.migrations)
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), service_definition.metadata)
            )
    finally:
        await engine.dispose()
    assert differences == []


async def test_C3_a_service_counting_working_days_is_not_ready_while_its_calendar_lacks_the_coming_year(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService, caplog: pytest.LogCaptureFixture
) -> None:
    """Today (December 2026) 2027 is 29 days away and chinese-calendar 1.11 does not know it: complaints must
    say so rather than count 2027 Monday to Friday; declared, it serves."""


    if not WorkingDayCalendar().unknown_years(dt.datetime.now(SHANGHAI).date()):
        pytest.skip("the calendar package knows this year and the next: nothing is missing today")
    settings = ComplaintsSettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0,
                                  calendar_configured_years=[])
    app = await start_service(build(settings))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        answer = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""))
    assert answer.status == NOT_SERVING
    assert any("does not know" in record.getMessage() and "WUYE_CALENDAR_CONFIGURED_YEARS" in record.getMessage()
               for record in caplog.records)


@pytest.mark.parametrize("enabled", [True, False])
async def test_grpc_reflection_answers_only_where_it_is_switched_on(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService, enabled: bool
) -> None:
    """Issue 19: production switches reflection off (chart: grpcReflection), so a process that reaches the
    port is not handed the list of every method."""
    from grpc_reflection.v1alpha import reflection_pb2

    settings = ComplaintsSettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0,
                                  grpc_reflection=enabled)
    app = await start_service(build(settings))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        # called by path: grpcio-reflection's stubs type its Stub for the synchronous channel only
        call = channel.stream_stream(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
        )()
        if enabled:
            await call.write(reflection_pb2.ServerReflectionRequest(list_services=""))
            await call.done_writing()
            answer = await call.read()
            assert isinstance(answer, reflection_pb2.ServerReflectionResponse)
            assert "wuye.complaints.v1.ComplaintsService" in {s.name for s in answer.list_services_response.service}
        else:
            # nothing written: the refusal comes when the call opens, and a write would race it
            assert await asyncio.wait_for(call.code(), timeout=10) == grpc.StatusCode.UNIMPLEMENTED
