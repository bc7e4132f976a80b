"""Complaint intake through the gateway (HTTP → JWT → gRPC → SQLite + outbox), beside a FastAPI hello.

Both run under uvicorn on this machine and are driven by the same HTTP client with the same number of
requests in flight, so the ratio shows what authentication, validation, gRPC, the database write,
encryption of the reporter's contact and the outbox cost over a bare endpoint.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from tests.platform import definition
from wuye_chassis.app import ServiceApp
from wuye_chassis.db import utcnow
from wuye_chassis.natsd import EmbeddedNats, free_port
from wuye_complaints.adapters.orm import known_compounds
from wuye_gateway.app import create_app
from wuye_gateway.settings import GatewaySettings

REQUESTS = 600
CONCURRENCY = 16
COMMUNITY = "350500/350521/350521100/350521100001"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def drive(client: httpx.AsyncClient, send) -> tuple[float, list[float]]:
    latencies: list[float] = []
    numbers = iter(range(REQUESTS))

    async def worker() -> None:
        for n in numbers:
            started = time.perf_counter()
            answer = await send(client, n)
            assert answer.status_code in (200, 201), answer.text
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return REQUESTS / (time.perf_counter() - started), latencies


async def serve(app: FastAPI, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.05)
    return server, task


async def run() -> list[tuple[str, str, str, str]]:
    hello = FastAPI()

    @hello.get("/hello")
    async def say_hello() -> dict[str, str]:
        return {"hello": "world"}

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        nats_server = EmbeddedNats(Path(folder) / "nats").start()
        complaints = ServiceApp(definition("complaints", f"sqlite+aiosqlite:///{folder}/complaints.db", nats_server.url))
        servers = []
        try:
            await complaints.start()
            async with complaints.runtime.db.sessions() as session, session.begin():
                # the state the registry's CompoundRegistered event leaves in the read model
                await session.execute(known_compounds.insert().values(
                    compound_id="bench-compound", name="凤凰城", jurisdiction_path=COMMUNITY, updated_at=utcnow()))
            hello_port, gateway_port = free_port(), free_port()
            settings = GatewaySettings(
                dev_issuer=True, complaints_addr=f"127.0.0.1:{complaints.port}", rate_limit_per_second=1e6,
                rate_limit_burst=10**6, jwt_issuer=f"http://127.0.0.1:{gateway_port}/dev",
            )
            servers = [await serve(hello, hello_port), await serve(create_app(settings), gateway_port)]
            async with httpx.AsyncClient(timeout=30) as client:
                ceiling, ceiling_lat = await drive(
                    client, lambda c, n: c.get(f"http://127.0.0.1:{hello_port}/hello")
                )
                token = (await client.post(f"http://127.0.0.1:{gateway_port}/dev/token",
                                           json={"username": "huian-resident"})).json()["access_token"]
                headers = {"Authorization": f"Bearer {token}"}
                intake, intake_lat = await drive(client, lambda c, n: c.post(
                    f"http://127.0.0.1:{gateway_port}/api/v1/complaints",
                    json={"compound_id": "bench-compound", "category": "lifts", "channel": "mobile",
                          "description": f"电梯故障 {n}", "reporter": {"name": "陈建国", "phone": "13800000001"}},
                    headers=headers | {"Idempotency-Key": f"bench-{n}"},
                ))
            rows.append(("FastAPI hello under uvicorn (bare ceiling)", f"{ceiling:,.0f}/s",
                         f"{percentile(ceiling_lat, .5):.1f} / {percentile(ceiling_lat, .99):.1f} ms", "1.00"))
            rows.append((f"complaint intake via the gateway, {CONCURRENCY} in flight (SQLite)", f"{intake:,.0f}/s",
                         f"{percentile(intake_lat, .5):.1f} / {percentile(intake_lat, .99):.1f} ms",
                         f"{intake / ceiling:.2f}"))
        finally:
            for server, task in servers:
                server.should_exit = True
                await task
            await complaints.stop()
            nats_server.stop()
    return rows
