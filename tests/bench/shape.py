"""The platform measured on its real shape: the processes ``make run`` starts, driven by wrk from its own
process, every figure beside ceilings measured the same way in the same run (``tests.bench.ceilings``).

For each backend (SQLite; PostgreSQL when ``WUYE_BENCH_POSTGRES`` or the local server answers) and each
connection count: complaint intake through the gateway, one page of a county's cases and the county
dashboard, beside a bare FastAPI POST, a bare FastAPI → grpc.aio passthrough and a bare INSERT + COMMIT
on the same database; the CPU seconds each process spent per request; each service's idle RSS. Then the
same three again with 10 k, 100 k and 1 M closed cases stored.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from deploy import demo
from deploy.localstack import LocalStack, Process
from deploy.services import SERVICES
from tests.bench import complaints as complaints_bench
from tests.bench import postgres, wrk
from wuye_chassis.natsd import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
CONNECTIONS = (1, 16, 64)
#: the stored cases the growth figures are measured at, and with how many connections
GROWTH = (10_000, 100_000, 1_000_000)
GROWTH_CONNECTIONS = 16
SECONDS = float(os.environ.get("WUYE_BENCH_SECONDS", "10"))
#: the load is the point: the per-client limit would otherwise refuse most of it
LOAD_SETTINGS = {"WUYE_RATE_LIMIT_PER_SECOND": "1000000", "WUYE_RATE_LIMIT_BURST": "1000000"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

Row = tuple[str, str, str, str]


@dataclass(frozen=True)
class Figure:
    name: str
    result: wrk.Result
    ceiling: wrk.Result | None = None
    cpu: str = ""

    def row(self) -> Row:
        ratio = f"{self.result.rate / self.ceiling.rate:.2f}" if self.ceiling else "1.00"
        failed = f"  ({self.result.failed} failed)" if self.result.failed else ""
        return (self.name + failed, f"{self.result.rate:,.0f}/s", self.result.latency(), ratio + self.cpu)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Ceilings:
    """The bare processes: a FastAPI hello, a grpc.aio server and a FastAPI → grpc.aio passthrough."""

    def __init__(self, folder: Path) -> None:
        self.hello_port, self.grpc_port, self.pass_port = free_port(), free_port(), free_port()
        python = sys.executable
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.processes = [
            Process("hello", [python, "-m", "tests.bench.ceilings", "hello", str(self.hello_port)], env,
                    folder / "hello.log"),
            Process("grpc", [python, "-m", "tests.bench.ceilings", "grpc", str(self.grpc_port)], env,
                    folder / "grpc.log"),
            Process("passthrough", [python, "-m", "tests.bench.ceilings", "passthrough", str(self.pass_port),
                                    f"127.0.0.1:{self.grpc_port}"], env, folder / "passthrough.log"),
        ]

    def __enter__(self) -> Ceilings:
        for process in self.processes:
            process.start()
        for port in (self.hello_port, self.grpc_port, self.pass_port):
            wait_for_port(port, timeout=30)
        return self

    def __exit__(self, *_: object) -> None:
        for process in self.processes:
            process.stop()


def insert_ceiling(url: str, connections: int) -> wrk.Result:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.ceilings", "insert", url, str(connections), str(SECONDS)],
        capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return wrk.Result(figures["rate"], figures["p50_ms"], figures["p99_ms"], 0, 0)


def measure(backend: str) -> list[Row]:
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        stack = LocalStack(
            data_dir=folder / "var", extra_env=LOAD_SETTINGS,
            postgres=postgres.SERVER if backend == "postgresql" else "",
            database_prefix=f"wuye_bench_{uuid.uuid4().hex[:8]}_",
        )
        stack.start()
        try:
            stack.wait_ready(timeout=120)
            demo.load_all(stack, ROOT / "deploy" / "demo" / "huian")
            time.sleep(3)  # the import's events reach complaints' compound read model
            pids = {name: process.popen.pid for name, process in stack.processes.items() if process.popen}
            rows.append((f"[{backend}] idle RSS per process", ", ".join(
                f"{name} {rss_mb(pid):.0f} MB" for name, pid in pids.items()), "-", "-"))
            with Ceilings(folder) as ceilings, httpx.Client(base_url=stack.gateway_url, timeout=10) as client:
                rows += _figures(backend, stack, ceilings, client, pids)
        finally:
            stack.stop()
            if backend == "postgresql":
                _drop_databases(stack)
    return rows


def _figures(
    backend: str, stack: LocalStack, ceilings: Ceilings, client: httpx.Client, pids: dict[str, int]
) -> list[Row]:
    rows: list[Row] = []
    token = client.post("/dev/token", json={"username": "huian-12345"}).raise_for_status().json()["access_token"]
    officer = client.post("/dev/token", json={"username": "huian-officer"}).raise_for_status().json()["access_token"]
    compounds = client.get("/api/v1/compounds", params={"jurisdiction_code": "350521"},
                           headers={"Authorization": f"Bearer {officer}"}).raise_for_status().json()["items"]
    compound = next(c for c in compounds if c["name"] == "凤凰城")
    intake = json.dumps({
        "compound_id": compound["id"], "category": "lifts", "channel": "hotline_12345",
        "description": "3号楼电梯停运,请尽快维修", "reporter": {"name": "张三丰", "phone": "13812345678"},
    }, ensure_ascii=False)
    json_headers = {"Content-Type": "application/json"}
    for connections in CONNECTIONS:
        label = f"[{backend}] {connections:>2} conn"
        hello = wrk.run(f"http://127.0.0.1:{ceilings.hello_port}/hello", connections=connections, seconds=SECONDS,
                        headers=json_headers, body="{}")
        passthrough = wrk.run(f"http://127.0.0.1:{ceilings.pass_port}/pass", connections=connections,
                              seconds=SECONDS, headers=json_headers, body="{}")
        inserts = insert_ceiling(stack.database_url("complaints"), connections)
        rows.append(Figure(f"{label} ceiling: bare FastAPI POST", hello).row())
        rows.append(Figure(f"{label} ceiling: FastAPI → grpc.aio passthrough", passthrough, hello).row())
        rows.append(Figure(f"{label} ceiling: INSERT + COMMIT ({backend})", inserts).row())
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        submitted = wrk.run(
            f"{stack.gateway_url}/api/v1/complaints", connections=connections, seconds=SECONDS,
            headers={**json_headers, "Authorization": f"Bearer {token}"}, body=intake,
            key_prefix=f"{backend}-{connections}-{uuid.uuid4().hex[:6]}",
        )
        spent = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
        per_request = ", ".join(
            f"{name} {1000 * spent[name] / max(1, submitted.requests):.1f}"
            for name in ("gateway", "complaints") if spent.get(name)
        )
        rows.append(Figure(f"{label} complaint intake through the gateway", submitted, passthrough,
                           f"  CPU ms/request: {per_request}").row())
        page = wrk.run(f"{stack.gateway_url}/api/v1/complaints?jurisdiction_path=350500/350521&page_size=50",
                       connections=connections, seconds=SECONDS, headers={"Authorization": f"Bearer {officer}"})
        rows.append(Figure(f"{label} one page (50) of the county's cases", page, passthrough).row())
        dashboard = wrk.run(f"{stack.gateway_url}/api/v1/views/counties/350521/dashboard", connections=connections,
                            seconds=SECONDS, headers={"Authorization": f"Bearer {officer}"})
        rows.append(Figure(f"{label} county dashboard", dashboard, passthrough).row())
        if connections == GROWTH_CONNECTIONS:
            small = (submitted, page, dashboard)
    return rows + _grown(backend, stack, token, officer, intake, small)


def _grown(
    backend: str, stack: LocalStack, token: str, officer: str, intake: str, small: tuple[wrk.Result, ...]
) -> list[Row]:
    """Intake, a page of cases and the dashboard again with 10 k, 100 k and 1 M closed cases stored (loaded
    beside the running service, its figure counters recounted as ``rebuild-figures`` does), each beside the
    same figure measured above on the demo's few cases."""
    rows: list[Row] = []
    url = stack.database_url("complaints")
    stored = 0
    for size in GROWTH:
        if backend == "postgresql":
            asyncio.run(complaints_bench.load_postgresql(url, stored, size - stored, GROWTH[-1]))
        else:
            complaints_bench.load_sqlite(Path(make_url(url).database or ""), stored, size - stored, GROWTH[-1])
        asyncio.run(complaints_bench.recount_figures(url))
        stored = size
        label = f"[{backend}] {GROWTH_CONNECTIONS} conn, {size:,} cases stored:"
        submitted = wrk.run(f"{stack.gateway_url}/api/v1/complaints", connections=GROWTH_CONNECTIONS, seconds=SECONDS,
                            headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                            body=intake, key_prefix=f"{backend}-grown-{size}-{uuid.uuid4().hex[:6]}")
        page = wrk.run(f"{stack.gateway_url}/api/v1/complaints?jurisdiction_path=350500/350521&page_size=50",
                       connections=GROWTH_CONNECTIONS, seconds=SECONDS, headers={"Authorization": f"Bearer {officer}"})
        dashboard = wrk.run(f"{stack.gateway_url}/api/v1/views/counties/350521/dashboard",
                            connections=GROWTH_CONNECTIONS, seconds=SECONDS,
                            headers={"Authorization": f"Bearer {officer}"})
        for name, result, before in zip(("complaint intake", "one page (50) of the county's cases", "county dashboard"),
                                        (submitted, page, dashboard), small, strict=True):
            rows.append(Figure(f"{label} {name} (ratio to the few cases')", result, before).row())
    return rows


def _drop_databases(stack: LocalStack) -> None:
    asyncio.run(postgres.drop(f"{stack.database_prefix}{service}" for service in SERVICES))


def run() -> list[Row]:
    if not wrk.available():
        return [("real shape: wrk is not installed (apt-get install wrk)", "-", "-", "-")]
    backends = ["sqlite"] + (["postgresql"] if postgres.answers() else [])
    rows: list[Row] = []
    for backend in backends:
        rows += measure(backend)
    return rows
