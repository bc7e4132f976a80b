"""The gRPC client helper and server interceptor against a real grpc.aio server."""

from __future__ import annotations

import asyncio
import json
import logging

import grpc
import pytest
from opentelemetry import trace

from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.grpc_client import channel
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_chassis.grpc_server import CallInterceptor
from wuye_chassis.ids import new_id
from wuye_chassis.telemetry import JsonFormatter

SERVICE = "wuye.test.v1.ProbeService"


class Probe:
    """Methods with controllable behaviour, registered with a generic handler (raw bytes in and out)."""

    def __init__(self) -> None:
        self.flaky_calls = 0
        self.seen_users: list[str] = []

    async def flaky(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        self.flaky_calls += 1
        if self.flaky_calls < 3:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
        return b"ok"

    async def slow(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        await asyncio.sleep(5)
        return b"late"

    async def whoami(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        self.seen_users.append(auth.current().user)
        return auth.current().scope.encode()

    async def refuse(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        raise InvalidArgument("name must not be empty", field="name", rule="O1")

    async def crash(self, request: bytes, context: grpc.aio.ServicerContext) -> bytes:
        raise KeyError("secret internals")


@pytest.fixture
async def probe():
    probe = Probe()
    server = grpc.aio.server(interceptors=[CallInterceptor(default_timeout=2)])
    identity = {"request_deserializer": None, "response_serializer": None}
    handlers = {
        name: grpc.unary_unary_rpc_method_handler(getattr(probe, name.lower()), **identity)
        for name in ("Flaky", "Slow", "Whoami", "Refuse", "Crash")
    }
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, handlers)])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    yield probe, f"127.0.0.1:{port}"
    await server.stop(0)


def method(ch: grpc.aio.Channel, name: str):
    return ch.unary_unary(f"/{SERVICE}/{name}")


async def test_idempotent_method_is_retried_until_it_succeeds(probe) -> None:
    service, address = probe
    async with channel(address, idempotent_methods=[(SERVICE, "Flaky")]) as ch:
        assert await method(ch, "Flaky")(b"") == b"ok"
    assert service.flaky_calls == 3


async def test_method_not_declared_idempotent_is_not_retried(probe) -> None:
    service, address = probe
    async with channel(address) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await method(ch, "Flaky")(b"")
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    assert service.flaky_calls == 1


async def test_client_default_deadline_applies_when_the_caller_sets_none(probe) -> None:
    _, address = probe
    async with channel(address, default_deadline=0.2) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await method(ch, "Slow")(b"")
    assert failure.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


async def test_server_bounds_a_call_without_deadline(probe) -> None:
    _, address = probe
    async with grpc.aio.insecure_channel(address) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await method(ch, "Slow")(b"")  # no client deadline: the server's 2 s bound applies
    assert failure.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


async def test_the_callers_auth_context_travels_in_metadata(probe) -> None:
    service, address = probe
    caller = auth.AuthContext(user="huian", roles=frozenset({"county_officer"}), scope="350500/350521")
    token = auth.bind(caller)
    try:
        async with channel(address) as ch:
            assert await method(ch, "Whoami")(b"") == b"350500/350521"
    finally:
        auth.reset(token)
    assert service.seen_users == ["huian"]


async def test_domain_error_becomes_a_status_naming_field_and_rule(probe) -> None:
    _, address = probe
    async with channel(address) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await method(ch, "Refuse")(b"")
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    error = from_rpc_error(failure.value)
    assert isinstance(error, InvalidArgument)
    assert (error.field, error.rule, error.message) == ("name", "O1", "name must not be empty")


async def test_unexpected_error_is_internal_with_a_reference_and_no_internals(probe, caplog) -> None:
    _, address = probe
    async with channel(address) as ch:
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await method(ch, "Crash")(b"")
    assert failure.value.code() == grpc.StatusCode.INTERNAL
    details = failure.value.details() or ""
    assert "secret internals" not in details
    reference = details.rsplit(" ", 1)[-1]
    assert any(reference in record.getMessage() for record in caplog.records)


def test_json_log_lines_carry_the_trace_and_span_ids() -> None:
    with trace.get_tracer("test").start_as_current_span("work") as span:
        record = logging.LogRecord("wuye", logging.INFO, __file__, 1, "hello %s", ("world",), None)
        line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello world"
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert line["span_id"] == format(span.get_span_context().span_id, "016x")


def test_ids_are_time_ordered() -> None:
    ids = [new_id() for _ in range(1000)]
    assert ids == sorted(ids) and len(set(ids)) == 1000


async def test_a_caller_with_a_chinese_name_and_any_characters_travels_intact(probe) -> None:
    service, address = probe
    caller = auth.AuthContext(user="张三 %/,", roles=frozenset({"county_officer"}), scope="350500/350521")
    token = auth.bind(caller)
    try:
        async with channel(address) as ch:
            assert await method(ch, "Whoami")(b"") == b"350500/350521"
    finally:
        auth.reset(token)
    assert service.seen_users == ["张三 %/,"]


async def _replica(probe: Probe) -> tuple[grpc.aio.Server, int]:
    server = grpc.aio.server(interceptors=[CallInterceptor(default_timeout=2)])
    handlers: dict[str, grpc.RpcMethodHandler[bytes, bytes]] = {
        "Whoami": grpc.unary_unary_rpc_method_handler(probe.whoami)
    }
    server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, handlers)])
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    return server, port


async def test_calls_are_spread_over_every_replica_and_skip_one_that_is_down() -> None:
    first, second = Probe(), Probe()
    (server_a, port_a), (server_b, port_b) = await _replica(first), await _replica(second)
    token = auth.bind(auth.AuthContext(user="u-1", scope="350521"))
    try:
        async with channel(f"ipv4:127.0.0.1:{port_a},127.0.0.1:{port_b}") as ch:
            for _ in range(20):
                await method(ch, "Whoami")(b"", timeout=2)
            # round robin over the replicas that are connected, not pick-first (which sends all 20 to one)
            assert first.seen_users and second.seen_users
            served_by_second = len(second.seen_users)
            await server_a.stop(0)
            for _ in range(6):  # the balancer drops the stopped replica; every call reaches the other
                assert await method(ch, "Whoami")(b"", timeout=2, wait_for_ready=True) == b"350521"
        assert len(second.seen_users) == served_by_second + 6
    finally:
        auth.reset(token)
        await server_a.stop(0)
        await server_b.stop(0)
