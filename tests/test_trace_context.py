"""Trace context survives gateway → gRPC → database → outbox → NATS → consumer, as one trace."""

from __future__ import annotations

import sqlalchemy as sa
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from tests.platform import StartService, definition, gateway_for
from tests.support import eventually
from wuye_chassis.natsd import EmbeddedNats

EVENT = "wuye.registry.v1.JurisdictionRegistered"
RPC = "/wuye.registry.v1.RegistryService/RegisterJurisdiction"


def one(spans: list[ReadableSpan], description: str, predicate) -> ReadableSpan:
    found = [span for span in spans if predicate(span)]
    assert found, f"missing span: {description}; have {[(s.name, s.kind.name) for s in spans]}"
    return found[0]


async def test_one_request_is_one_trace_from_gateway_to_every_consumer(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, spans: InMemorySpanExporter
) -> None:
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    complaints = await start_service(definition("complaints", await database_url_factory("complaints"), nats_server.url))
    async with gateway_for({"registry": registry, "complaints": complaints}) as gateway:
        headers = await gateway.token("city-admin")
        spans.clear()
        answer = await gateway.client.post(
            "/api/v1/jurisdictions", json={"code": "350500", "name": "泉州市"}, headers=headers
        )
        assert answer.status_code == 201, answer.text

    async def consumed() -> int:
        async with complaints.runtime.db.sessions() as session:
            return int(await session.scalar(sa.text("SELECT count(*) FROM known_jurisdictions")) or 0)

    await eventually(consumed)
    await eventually(lambda: _has_consumer_db_span(spans))
    finished = list(spans.get_finished_spans())

    http = one(finished, "gateway HTTP server span", lambda s: s.kind == SpanKind.SERVER and "POST" in s.name)
    trace_id = http.context.trace_id
    in_trace = [s for s in finished if s.context.trace_id == trace_id]
    client = one(in_trace, "gRPC client span", lambda s: s.kind == SpanKind.CLIENT and s.name == RPC)
    server = one(in_trace, "gRPC server span", lambda s: s.kind == SpanKind.SERVER and s.name == RPC)
    insert = one(in_trace, "registry INSERT", lambda s: s.kind == SpanKind.CLIENT and "INSERT" in s.name
                 and s.parent is not None and s.parent.span_id == server.context.span_id)
    publish = one(in_trace, "outbox relay publish", lambda s: s.kind == SpanKind.PRODUCER and s.name == f"{EVENT} publish")
    process = one(in_trace, "consumer process", lambda s: s.kind == SpanKind.CONSUMER
                  and s.attributes.get("messaging.consumer.group.name") == "complaints-jurisdictions")
    consumer_insert = one(in_trace, "consumer INSERT", lambda s: s.kind == SpanKind.CLIENT and "INSERT" in s.name
                          and s.parent is not None and s.parent.span_id == process.context.span_id)

    # the expected edges, parent → child
    assert client.parent and server.parent and publish.parent and process.parent
    assert client.parent.span_id in {s.context.span_id for s in in_trace if s.kind in (SpanKind.SERVER, SpanKind.INTERNAL)}
    assert server.parent.span_id == client.context.span_id
    assert publish.parent.span_id == server.context.span_id  # context captured with the outbox row
    assert process.parent.span_id == publish.context.span_id
    assert [link.context.span_id for link in process.links] == [publish.context.span_id]
    assert insert.context.trace_id == consumer_insert.context.trace_id == trace_id


async def _has_consumer_db_span(spans: InMemorySpanExporter) -> bool:
    return any(
        s.kind == SpanKind.CONSUMER
        and (s.attributes or {}).get("messaging.consumer.group.name") == "complaints-jurisdictions"
        for s in spans.get_finished_spans()
    )
