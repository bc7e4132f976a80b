"""The whole platform as local processes: embedded NATS, every service on its own SQLite file, the gateway.

Used by ``make run`` (deploy/run.py), by the end-to-end and fault tests, and by the benchmarks, so all
three exercise the same processes a developer runs.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from deploy.services import SERVICES
from wuye_chassis import internal_tokens, nats_accounts
from wuye_chassis.natsd import EmbeddedNats, free_port, wait_for_port
from wuye_chassis.pii import DEVELOPMENT_KEY

STOP_TIMEOUT_SECONDS = 15


@dataclass
class Process:
    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        # own session: a Ctrl-C in the terminal reaches the runner only, which then stops children in order
        self.popen = subprocess.Popen(
            self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to clean up, as in a crash."""
        if self.running:
            assert self.popen is not None
            self.popen.kill()
            self.popen.wait()

    def stop(self) -> int | None:
        if not self.running:
            return self.popen.returncode if self.popen else None
        assert self.popen is not None
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()


#: settings of the local stack a caller may override. chinese-calendar 1.11 has no 2027 yet, so the local
#: stack declares 2027 with New Year's Day only, a stand-in until its published schedule is entered:
#: a deployment enters the State Council's dates (WUYE_EXTRA_HOLIDAYS / WUYE_EXTRA_WORKDAYS)
LOCAL_DEFAULTS = {
    "WUYE_CALENDAR_CONFIGURED_YEARS": "2027", "WUYE_EXTRA_HOLIDAYS": "2027-01-01",
    # every process of the stack signs and verifies who acts with one key (wuye_chassis.internal_tokens)
    internal_tokens.KEY_VARIABLE: internal_tokens.DEVELOPMENT_KEY,
}


@dataclass
class Supervisor:
    """Restart policy of ``make run``: a process that dies is started again after 1 s, then 2, 4 … at most
    ``max_delay`` seconds; a process that stayed up ``stable_after`` seconds starts the count afresh."""

    max_delay: float = 30.0
    stable_after: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _next_try: dict[str, float] = field(default_factory=dict)
    _delay: dict[str, float] = field(default_factory=dict)
    _up_since: dict[str, float] = field(default_factory=dict)

    def may_restart(self, name: str) -> bool:
        now = self.clock()
        self._up_since.pop(name, None)
        if name not in self._next_try:
            self._delay[name] = 1.0 if name not in self._delay else min(self.max_delay, self._delay[name] * 2)
            self._next_try[name] = now + self._delay[name]
            return False
        if now < self._next_try[name]:
            return False
        del self._next_try[name]
        return True

    def seen_running(self, name: str) -> None:
        now = self.clock()
        since = self._up_since.setdefault(name, now)
        if now - since >= self.stable_after:
            self._delay.pop(name, None)


@dataclass
class LocalStack:
    data_dir: Path
    nats_port: int = 0
    gateway_port: int = 0
    grpc_ports: dict[str, int] = field(default_factory=dict)
    #: a PostgreSQL server (``postgresql://user@host:port/postgres``): one database per service on it,
    #: named ``<database_prefix><service>``; empty: SQLite files under ``data_dir/db``
    postgres: str = ""
    database_prefix: str = "wuye_"
    #: each service's Prometheus endpoint (the gateway serves /metrics on its own port)
    metrics_ports: dict[str, int] = field(default_factory=dict)
    python: str = sys.executable
    extra_env: dict[str, str] = field(default_factory=dict)
    nats: EmbeddedNats | None = None
    processes: dict[str, Process] = field(default_factory=dict)
    #: each service's NATS password and the ops user's, made for this stack (wuye_chassis.nats_accounts)
    nats_passwords: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).resolve()
        self.nats_port = self.nats_port or free_port()
        self.gateway_port = self.gateway_port or free_port()
        for name in (*SERVICES, nats_accounts.OPS_USER):
            self.nats_passwords.setdefault(name, secrets.token_urlsafe(24))
        for name in SERVICES:
            self.grpc_ports.setdefault(name, free_port())
            self.metrics_ports.setdefault(name, free_port())

    @property
    def nats_ops_url(self) -> str:
        """NATS as the ops user sees it: stream and consumer information, nothing else."""
        return f"nats://{nats_accounts.OPS_USER}:{self.nats_passwords[nats_accounts.OPS_USER]}@127.0.0.1:{self.nats_port}"

    def embedded_nats(self) -> EmbeddedNats:
        """The stack's NATS server (not started), admitting only the stack's users."""
        return EmbeddedNats(self.data_dir / "nats", self.nats_port, log_file=self.data_dir / "logs" / "nats.log",
                            passwords=self.nats_passwords)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    def database_url(self, service: str) -> str:
        if self.postgres:
            return make_url(self.postgres).set(
                drivername="postgresql+asyncpg", database=f"{self.database_prefix}{service}"
            ).render_as_string(hide_password=False)
        return f"sqlite+aiosqlite:///{self.data_dir / 'db' / (service + '.db')}"

    def create_databases(self) -> None:
        """On PostgreSQL, the database of every service that does not exist yet (each service migrates its own)."""
        if not self.postgres:
            return

        async def create() -> None:
            admin = make_url(self.postgres).set(drivername="postgresql").render_as_string(hide_password=False)
            connection = await asyncpg.connect(admin)
            try:
                existing = {row["datname"] for row in await connection.fetch("SELECT datname FROM pg_database")}
                for service in SERVICES:
                    name = f"{self.database_prefix}{service}"
                    if name not in existing:
                        await connection.execute(f'CREATE DATABASE "{name}"')
            finally:
                await connection.close()

        # start() is called from synchronous code and from running event loops (the tests) alike
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, create()).result()

    def secrets_dir(self) -> Path:
        """The stack's secret files (``WUYE_SECRETS_DIR``), made once and kept with its data: the ledger
        signing key must outlive a restart, or the checkpoints signed before it would no longer verify."""
        directory = self.data_dir / "secrets"
        key_file = directory / "WUYE_LEDGER_SIGNING_KEY"
        if not key_file.exists():
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            # an Ed25519 private key is 32 random bytes
            key_file.write_text(base64.b64encode(secrets.token_bytes(32)).decode(), encoding="utf-8")
            key_file.chmod(0o600)
        return directory

    def _base_env(self) -> dict[str, str]:
        # the WUYE_* settings the stack is started with reach every process (e.g. a raised rate limit for
        # a load test); what the stack itself decides (ports, databases, NATS) is set over them
        env = {**LOCAL_DEFAULTS, **os.environ}
        env.update({"PYTHONUNBUFFERED": "1", "WUYE_NATS_URL": f"nats://127.0.0.1:{self.nats_port}"})
        env.update(self.extra_env)
        return env

    def service_env(self, name: str) -> dict[str, str]:
        """What a service process of this stack runs with (also for one-off commands such as an import)."""
        return self._base_env() | {
            "WUYE_DATABASE_URL": self.database_url(name),
            "WUYE_GRPC_HOST": "127.0.0.1",
            "WUYE_GRPC_PORT": str(self.grpc_ports[name]),
            "WUYE_METRICS_PORT": str(self.metrics_ports[name]),
            "WUYE_METRICS_HOST": "127.0.0.1",
            "OTEL_SERVICE_NAME": f"wuye-{name}",
            "WUYE_PII_KEY": DEVELOPMENT_KEY,
            "WUYE_SECRETS_DIR": str(self.secrets_dir()),
            "WUYE_NATS_USER": name,
            "WUYE_NATS_PASSWORD": self.nats_passwords[name],
            # every service may call another's gRPC API (funds reads the registry's owner roster)
            **self._service_addresses(),
        }

    def _service_process(self, name: str) -> Process:
        return Process(
            name, [self.python, "-m", f"wuye_{name}", "serve"], self.service_env(name),
            self.data_dir / "logs" / f"{name}.log",
        )

    def _service_addresses(self) -> dict[str, str]:
        return {f"WUYE_{name.upper()}_ADDR": f"127.0.0.1:{port}" for name, port in self.grpc_ports.items()}

    def _gateway_process(self) -> Process:
        env = self._base_env() | {
            "WUYE_HOST": "127.0.0.1",
            "WUYE_PORT": str(self.gateway_port),
            "WUYE_DEV_ISSUER": "true",
            "WUYE_JWT_ISSUER": f"{self.gateway_url}/dev",
            "OTEL_SERVICE_NAME": "wuye-gateway",
            **self._service_addresses(),
        }
        return Process("gateway", [self.python, "-m", "wuye_gateway", "serve"], env, self.data_dir / "logs" / "gateway.log")

    def start(self) -> None:
        self.create_databases()
        self.nats = self.embedded_nats().start()
        for name in SERVICES:
            self.processes[name] = self._service_process(name)
            self.processes[name].start()
        self.processes["gateway"] = self._gateway_process()
        self.processes["gateway"].start()

    def restart(self, name: str) -> None:
        process = self._service_process(name) if name in SERVICES else self._gateway_process()
        self.processes[name] = process
        process.start()
        wait_for_port(self.grpc_ports[name] if name in SERVICES else self.gateway_port, timeout=30)

    def revive(self, supervisor: Supervisor) -> list[str]:
        """Start again, within the supervisor's backoff, every process that died; the names restarted."""
        restarted = []
        for name, process in list(self.processes.items()):
            if not process.running and supervisor.may_restart(name):
                fresh = self._service_process(name) if name in SERVICES else self._gateway_process()
                self.processes[name] = fresh
                fresh.start()
                restarted.append(name)
            elif process.running:
                supervisor.seen_running(name)
        return restarted

    def wait_ready(self, timeout: float = 60.0) -> dict[str, str]:
        """Wait until the gateway's /readyz says every service is SERVING."""
        deadline = time.monotonic() + timeout
        last: object = "gateway not answering"
        while time.monotonic() < deadline:
            for process in self.processes.values():
                if not process.running:
                    raise RuntimeError(f"{process.name} exited; see {process.log_path}")
            try:
                answer = httpx.get(f"{self.gateway_url}/readyz", timeout=2)
                last = answer.json()
                if answer.status_code == 200:
                    return answer.json()["services"]
            except httpx.HTTPError as exc:
                last = str(exc)
            time.sleep(0.25)
        raise TimeoutError(f"platform not ready after {timeout}s: {last}")

    def stop(self) -> dict[str, int | None]:
        """SIGTERM everything, gateway first, NATS last; returns each process's exit status."""
        codes = {}
        for name in ["gateway", *reversed(SERVICES)]:
            if name in self.processes:
                codes[name] = self.processes[name].stop()
        if self.nats is not None:
            self.nats.stop()
        return codes
