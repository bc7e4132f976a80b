"""``make bench``: figures for the chassis, each beside the bare ceiling measured in the same run.

Prints a table; asserts nothing about timings (benchmarks are not tests). Everything runs on this
machine: an embedded NATS server, SQLite files in a temporary folder, in-process services.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import grpc
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tests.bench import complaints as complaints_bench
from tests.bench import gateway_intake, propagation
from tests.bench import registry_import as registry_import_bench
from tests.bench import votes as votes_bench
from tests.platform import definition
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.telemetry import setup_telemetry

CALLS = 1000
CONCURRENCY = 16
EVENTS = 200
CITY_ADMIN = AuthContext(user="bench", roles=frozenset({"city_admin"}), scope="350500").to_metadata()


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def timed_calls(make_call, count: int, concurrency: int) -> tuple[float, list[float]]:
    """Run ``count`` calls with ``concurrency`` in flight; returns (calls per second, latencies in ms)."""
    latencies: list[float] = []
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            started = time.perf_counter()
            await make_call(index)
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started), latencies


async def main() -> None:
    setup_telemetry("wuye-bench")  # no exporter: tracing overhead is measured as it runs in production
    with tempfile.TemporaryDirectory() as folder:
        nats_server = EmbeddedNats(Path(folder) / "nats").start()
        registry = ServiceApp(definition("registry", f"sqlite+aiosqlite:///{folder}/registry.db", nats_server.url))
        complaints = ServiceApp(definition("complaints", f"sqlite+aiosqlite:///{folder}/complaints.db", nats_server.url))
        try:
            await registry.start()
            await complaints.start()
            rows = await measure(registry, complaints)
        finally:
            await complaints.stop()
            await registry.stop()
            nats_server.stop()
    rows += await gateway_intake.run()
    rows += await propagation.run()
    rows += await votes_bench.run()
    rows += await complaints_bench.run()
    # the full million households takes about three minutes here: WUYE_BENCH_FULL=1
    rows += await registry_import_bench.run(1_000_000 if os.environ.get("WUYE_BENCH_FULL") else 100_000)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  {'rate':>10}  {'p50 / p99':>18}  ratio to ceiling")
    for name, rate, latency, ratio in rows:
        print(f"{name:<{width}}  {rate:>10}  {latency:>18}  {ratio}")


async def measure(registry: ServiceApp, complaints: ServiceApp) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry.port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        stub = registry_pb2_grpc.RegistryServiceStub(channel)
        ceiling, ceiling_lat = await timed_calls(
            lambda i: health.Check(health_pb2.HealthCheckRequest()), CALLS, CONCURRENCY
        )
        await stub.RegisterJurisdiction(
            registry_pb2.RegisterJurisdictionRequest(code="350500", name="泉州市"), metadata=CITY_ADMIN
        )
        streets = [_street(n) for n in range(CALLS)]
        for county in sorted({street[:6] for street in streets}):
            await stub.RegisterJurisdiction(
                registry_pb2.RegisterJurisdictionRequest(parent_code="350500", code=county, name="县"),
                metadata=CITY_ADMIN,
            )
        writes, write_lat = await timed_calls(
            lambda i: stub.RegisterJurisdiction(
                registry_pb2.RegisterJurisdictionRequest(parent_code=streets[i][:6], code=streets[i], name="街道"),
                metadata=CITY_ADMIN,
            ),
            CALLS,
            CONCURRENCY,
        )
        rows.append(("gRPC health Check (bare ceiling)", f"{ceiling:,.0f}/s",
                     f"{percentile(ceiling_lat, .5):.1f} / {percentile(ceiling_lat, .99):.1f} ms", "1.00"))
        rows.append((f"RegisterJurisdiction, write + outbox (SQLite, {CONCURRENCY} in flight)", f"{writes:,.0f}/s",
                     f"{percentile(write_lat, .5):.1f} / {percentile(write_lat, .99):.1f} ms",
                     f"{writes / ceiling:.2f}"))

        # raw JetStream publish, acked: the ceiling for the relay
        js = registry.runtime.bus.js
        started = time.perf_counter()
        for i in range(EVENTS * 5):
            await js.publish("wuye.bench.v1.Raw", b"x" * 64, headers={"Nats-Msg-Id": f"raw-{i}"})
        raw_rate = EVENTS * 5 / (time.perf_counter() - started)

        # propagation: commit in the registry → applied in the complaints read model, one at a time
        latencies = []
        for n in range(EVENTS):
            code = _street(n, first=300)
            started = time.perf_counter()
            await stub.RegisterJurisdiction(
                registry_pb2.RegisterJurisdictionRequest(parent_code=code[:6], code=code, name="街道"),
                metadata=CITY_ADMIN,
            )
            while not await _known(complaints, code):
                await asyncio.sleep(0.001)
            latencies.append((time.perf_counter() - started) * 1000)
    propagation_rate = 1000 / statistics.mean(latencies)
    rows.append(("raw JetStream publish, acked, sequential (bare ceiling)", f"{raw_rate:,.0f}/s", "-", "1.00"))
    rows.append(("write → outbox → relay → NATS → consumer + inbox, sequential", f"{propagation_rate:,.0f}/s",
                 f"{percentile(latencies, .5):.1f} / {percentile(latencies, .99):.1f} ms",
                 f"{propagation_rate / raw_rate:.2f}"))
    return rows


def _street(n: int, first: int = 100) -> str:
    """A distinct street code: 100 streets in each of the counties 350510, 350511, …"""
    return f"3505{10 + n // 100:02d}{first + n % 100:03d}"


async def _known(app: ServiceApp, code: str) -> bool:
    async with app.runtime.db.sessions() as session:
        return bool(await session.scalar(sa.text("SELECT 1 FROM known_jurisdictions WHERE code = :c"), {"c": code}))


if __name__ == "__main__":
    asyncio.run(main())
