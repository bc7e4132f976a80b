"""Trace contract over real processes: one request through the gateway is one trace that reaches every
service it touches, their databases, the outbox relay and every event consumer (linked across NATS).

Each process exports with the real OTLP exporter to a receiver in this test. The expected edges are
listed below; a missing edge fails the test and names it.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from deploy.localstack import SERVICES, LocalStack
from tests.otlp_sink import OtlpSink, ReceivedSpan
from tests.support import eventually

pytestmark = pytest.mark.slow

SERVER, CLIENT, PRODUCER, CONSUMER = 2, 3, 4, 5  # OTLP span kinds
EVENT = "wuye.registry.v1.JurisdictionRegistered"
RPC = "/wuye.registry.v1.RegistryService/RegisterJurisdiction"
READERS = [name for name in SERVICES if name != "registry"]


def find(spans: list[ReceivedSpan], service: str, kind: int, name_part: str) -> list[ReceivedSpan]:
    return [s for s in spans if s.service == f"wuye-{service}" and s.kind == kind and name_part in s.name]


async def test_one_gateway_request_is_one_trace_across_every_process(tmp_path: Path) -> None:
    sink = OtlpSink()
    endpoint = await sink.start()
    stack = LocalStack(
        data_dir=tmp_path / "var",
        extra_env={"OTEL_EXPORTER_OTLP_ENDPOINT": endpoint, "OTEL_EXPORTER_OTLP_INSECURE": "true",
                   "OTEL_BSP_SCHEDULE_DELAY": "100",
                   # the trace of one write, not of a login's first resolution: roles from the dev token
                   "WUYE_ROLES_FROM_TOKEN": "true"},
    )
    stack.start()
    try:
        stack.wait_ready(timeout=90)
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
            token = (await client.post("/dev/token", json={"username": "city-admin"})).json()["access_token"]
            answer = await client.post(
                "/api/v1/jurisdictions", json={"code": "350500", "name": "泉州市"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert answer.status_code == 201, answer.text

        async def all_consumed() -> bool:
            return all(find(sink.spans, name, CONSUMER, EVENT) for name in READERS)

        await eventually(all_consumed, timeout=30)
        await eventually(lambda: _settled(sink), timeout=10, interval=0.3)
    finally:
        stack.stop()
        await sink.stop()

    spans = sink.spans
    [http] = [s for s in find(spans, "gateway", SERVER, "POST /api/v1/jurisdictions")]
    trace = [s for s in spans if s.trace_id == http.trace_id]
    by_id = {s.span_id: s for s in trace}

    def parent_of(span: ReceivedSpan) -> ReceivedSpan | None:
        return by_id.get(span.parent_span_id)

    [client_call] = find(trace, "gateway", CLIENT, RPC)
    [server_call] = find(trace, "registry", SERVER, RPC)
    [publish] = find(trace, "registry", PRODUCER, EVENT)
    edges = {
        "gateway HTTP → gateway gRPC client": _descends(client_call, http, parent_of),
        "gateway gRPC client → registry gRPC server": server_call.parent_span_id == client_call.span_id,
        "registry gRPC server → registry database": any(
            s.parent_span_id == server_call.span_id and "INSERT" in s.name for s in find(trace, "registry", CLIENT, "")
        ),
        "registry request → outbox relay publish": publish.parent_span_id == server_call.span_id,
    }
    for reader in READERS:
        consumed = find(trace, reader, CONSUMER, EVENT)
        edges[f"relay publish → {reader} consumer (child + link)"] = bool(consumed) and all(
            c.parent_span_id == publish.span_id and publish.span_id in c.links for c in consumed
        )
        edges[f"{reader} consumer → {reader} database"] = bool(consumed) and any(
            s.parent_span_id == consumed[0].span_id for s in find(trace, reader, CLIENT, "")
        )
    missing = [edge for edge, present in edges.items() if not present]
    assert not missing, f"missing trace edges: {missing}"
    assert not [s for s in spans if "grpc.health" in s.name], "health checks must stay out of traces"
    roots = [s for s in spans if not s.parent_span_id and s.kind != SERVER]
    assert not roots, f"background work (polling, sweeps, start-up) must not start traces: {sorted({s.name for s in roots})}"


def _descends(span: ReceivedSpan, ancestor: ReceivedSpan, parent_of) -> bool:
    current = parent_of(span)
    while current is not None:
        if current.span_id == ancestor.span_id:
            return True
        current = parent_of(current)
    return False


_last_count = {"n": -1}


async def _settled(sink: OtlpSink) -> bool:
    """True once no new spans arrived since the previous poll (batch exporters flushed)."""
    count = len(sink.spans)
    settled = count == _last_count["n"]
    _last_count["n"] = count
    return settled
