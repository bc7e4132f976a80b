"""The ceilings the platform's figures stand beside, each a process of its own, driven the same way:

- ``hello``: a bare FastAPI POST under uvicorn, as the gateway runs;
- ``grpc``: a bare grpc.aio server (health only), as a service runs;
- ``passthrough``: a bare FastAPI POST that makes one grpc.aio call to the ``grpc`` ceiling — the shape's
  ceiling for anything the gateway forwards;
- ``insert``: one INSERT + COMMIT per operation on the same database engine the services use, with as many
  in flight as the load's connections (the database's ceiling).

``python -m tests.bench.ceilings hello PORT`` and so on; ``insert`` prints its figures as JSON.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import grpc
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from wuye_chassis.db import create_engine


def hello_app() -> FastAPI:
    app = FastAPI()

    @app.post("/hello")
    async def hello(body: dict[str, object]) -> dict[str, bool]:
        return {"ok": True}

    return app


def passthrough_app(grpc_address: str) -> FastAPI:
    app = FastAPI()
    state: dict[str, health_pb2_grpc.HealthStub] = {}

    @app.on_event("startup")
    async def connect() -> None:
        state["stub"] = health_pb2_grpc.HealthStub(grpc.aio.insecure_channel(grpc_address))

    @app.post("/pass")
    async def passthrough(body: dict[str, object]) -> dict[str, int]:
        answer = await state["stub"].Check(health_pb2.HealthCheckRequest(service=""))
        return {"status": answer.status}

    return app


async def serve_grpc(port: int) -> None:
    server = grpc.aio.server()
    servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    await server.wait_for_termination()


async def insert_commit(url: str, concurrency: int, seconds: float) -> dict[str, float]:
    engine = create_engine(url)
    metadata = sa.MetaData()
    table = sa.Table("bench_rows", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("payload", sa.String(200)))
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
        await connection.run_sync(metadata.create_all)
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            async with engine.begin() as connection:
                await connection.execute(table.insert().values(payload="x" * 100))
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    async with engine.begin() as connection:
        await connection.run_sync(metadata.drop_all)
    await engine.dispose()
    ordered = sorted(latencies)
    return {"rate": len(ordered) / elapsed, "p50_ms": ordered[len(ordered) // 2] * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


def main(argv: list[str]) -> None:
    kind = argv[0]
    if kind == "insert":
        print(json.dumps(asyncio.run(insert_commit(argv[1], int(argv[2]), float(argv[3])))))
        return
    port = int(argv[1])
    if kind == "grpc":
        asyncio.run(serve_grpc(port))
        return
    app = hello_app() if kind == "hello" else passthrough_app(argv[2])
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
