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
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
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


def _rsa_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


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
    #: processes of every service and of the gateway; the replicas of a service share its database, so
    #: more than one needs PostgreSQL. The ports above are the first replica's.
    replicas: int = 1
    #: NATS servers: one, or a JetStream cluster on loopback whose streams keep up to three copies
    nats_nodes: int = 1
    python: str = sys.executable
    extra_env: dict[str, str] = field(default_factory=dict)
    #: the first NATS node; ``nats_cluster`` holds every node
    nats: EmbeddedNats | None = None
    nats_cluster: list[EmbeddedNats | None] = field(default_factory=list)
    #: by process name: a service or ``gateway`` for the first replica, ``<name>-2`` … for the others
    processes: dict[str, Process] = field(default_factory=dict)
    #: each service's NATS password and the ops user's, made for this stack (wuye_chassis.nats_accounts)
    nats_passwords: dict[str, str] = field(default_factory=dict)
    replica_grpc_ports: dict[str, list[int]] = field(default_factory=dict)
    replica_metrics_ports: dict[str, list[int]] = field(default_factory=dict)
    gateway_ports: list[int] = field(default_factory=list)
    nats_ports: list[int] = field(default_factory=list)
    nats_cluster_ports: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.replicas > 1 and not self.postgres:
            raise ValueError("replicas share their service's database: more than one needs PostgreSQL")
        self.data_dir = Path(self.data_dir).resolve()
        self.nats_port = self.nats_port or free_port()
        self.gateway_port = self.gateway_port or free_port()
        for name in (*SERVICES, nats_accounts.OPS_USER):
            self.nats_passwords.setdefault(name, secrets.token_urlsafe(24))
        for name in SERVICES:
            self.grpc_ports.setdefault(name, free_port())
            self.metrics_ports.setdefault(name, free_port())
            self.replica_grpc_ports[name] = [self.grpc_ports[name], *self._more_ports(self.replicas)]
            self.replica_metrics_ports[name] = [self.metrics_ports[name], *self._more_ports(self.replicas)]
        self.gateway_ports = [self.gateway_port, *self._more_ports(self.replicas)]
        self.nats_ports = [self.nats_port, *self._more_ports(self.nats_nodes)]
        self.nats_cluster_ports = [free_port() for _ in range(self.nats_nodes)] if self.nats_nodes > 1 else []
        self.nats_cluster = [None] * self.nats_nodes

    @staticmethod
    def _more_ports(count: int) -> list[int]:
        return [free_port() for _ in range(count - 1)]

    @property
    def nats_ops_url(self) -> str:
        """NATS as the ops user sees it: stream and consumer information, nothing else (the first node)."""
        return self.nats_ops_servers[0]

    @property
    def nats_ops_servers(self) -> list[str]:
        """The ops user's address on every NATS node (``nats.connect(servers=…)`` fails over between them)."""
        password = self.nats_passwords[nats_accounts.OPS_USER]
        return [f"nats://{nats_accounts.OPS_USER}:{password}@127.0.0.1:{port}" for port in self.nats_ports]

    @property
    def nats_url(self) -> str:
        """What the processes are given: every node's address (wuye_chassis.bus.nats_servers)."""
        return ",".join(f"nats://127.0.0.1:{port}" for port in self.nats_ports)

    def embedded_nats(self, node: int = 0) -> EmbeddedNats:
        """A NATS node of the stack (not started), admitting only the stack's users."""
        suffix = "" if node == 0 else f"-{node + 1}"
        clustered = self.nats_nodes > 1
        return EmbeddedNats(
            self.data_dir / f"nats{suffix}", self.nats_ports[node], log_file=self.data_dir / "logs" / f"nats{suffix}.log",
            passwords=self.nats_passwords, server_name=f"wuye-{node + 1}" if clustered else "",
            cluster_port=self.nats_cluster_ports[node] if clustered else 0,
            peer_cluster_ports=[port for i, port in enumerate(self.nats_cluster_ports) if i != node],
        )

    def start_nats(self, node: int) -> None:
        self.nats_cluster[node] = self.embedded_nats(node).start()
        if node == 0:
            self.nats = self.nats_cluster[0]

    def kill_nats(self, node: int) -> None:
        """SIGKILL one NATS node, as a crash would."""
        server = self.nats_cluster[node]
        if server is not None:
            server.kill()

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def gateway_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.gateway_ports]

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
        signing key must outlive a restart, or the checkpoints signed before it would no longer verify;
        the development issuer's key likewise, so a token outlives the gateway replica that issued it."""
        directory = self.data_dir / "secrets"
        # an Ed25519 private key is 32 random bytes
        self._secret_file(directory, "WUYE_LEDGER_SIGNING_KEY", lambda: base64.b64encode(secrets.token_bytes(32)).decode())
        self._secret_file(directory, "WUYE_DEV_ISSUER_KEY", _rsa_private_key_pem)
        return directory

    @staticmethod
    def _secret_file(directory: Path, name: str, make: Callable[[], str]) -> None:
        key_file = directory / name
        if not key_file.exists():
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            key_file.write_text(make(), encoding="utf-8")
            key_file.chmod(0o600)

    def _base_env(self) -> dict[str, str]:
        # the WUYE_* settings the stack is started with reach every process (e.g. a raised rate limit for
        # a load test); what the stack itself decides (ports, databases, NATS) is set over them
        env = {**LOCAL_DEFAULTS, **os.environ}
        env.update({"PYTHONUNBUFFERED": "1", "WUYE_NATS_URL": self.nats_url})
        if self.nats_nodes > 1:
            env["WUYE_NATS_STREAM_REPLICAS"] = str(min(3, self.nats_nodes))
        env.update(self.extra_env)
        return env

    def service_env(self, name: str, replica: int = 0) -> dict[str, str]:
        """What a service process of this stack runs with (also for one-off commands such as an import)."""
        return self._base_env() | {
            "WUYE_DATABASE_URL": self.database_url(name),
            "WUYE_OBJECT_STORE_URL": f"file://{self.data_dir / 'objects' / name}",
            "WUYE_GRPC_HOST": "127.0.0.1",
            "WUYE_GRPC_PORT": str(self.replica_grpc_ports[name][replica]),
            "WUYE_METRICS_PORT": str(self.replica_metrics_ports[name][replica]),
            "WUYE_METRICS_HOST": "127.0.0.1",
            "OTEL_SERVICE_NAME": f"wuye-{name}",
            "WUYE_PII_KEY": DEVELOPMENT_KEY,
            "WUYE_SECRETS_DIR": str(self.secrets_dir()),
            "WUYE_NATS_USER": name,
            "WUYE_NATS_PASSWORD": self.nats_passwords[name],
            # every service may call another's gRPC API (funds reads the registry's owner roster)
            **self._service_addresses(),
        }

    def _service_addresses(self) -> dict[str, str]:
        """Each service's gRPC target: its one address, or all its replicas' (balanced round robin)."""
        def target(ports: list[int]) -> str:
            addresses = ",".join(f"127.0.0.1:{port}" for port in ports)
            return f"ipv4:{addresses}" if len(ports) > 1 else addresses

        return {f"WUYE_{name.upper()}_ADDR": target(ports) for name, ports in self.replica_grpc_ports.items()}

    @staticmethod
    def process_name(role: str, replica: int) -> str:
        return role if replica == 0 else f"{role}-{replica + 1}"

    def _role_of(self, process_name: str) -> tuple[str, int]:
        role, _, number = process_name.partition("-")
        return role, int(number) - 1 if number else 0

    def _process(self, process_name: str) -> Process:
        role, replica = self._role_of(process_name)
        log = self.data_dir / "logs" / f"{process_name}.log"
        if role == "gateway":
            env = self._base_env() | {
                "WUYE_HOST": "127.0.0.1",
                "WUYE_PORT": str(self.gateway_ports[replica]),
                "WUYE_DEV_ISSUER": "true",
                "WUYE_SECRETS_DIR": str(self.secrets_dir()),
                # every gateway replica signs and accepts the same development tokens
                "WUYE_JWT_ISSUER": f"{self.gateway_url}/dev",
                "OTEL_SERVICE_NAME": "wuye-gateway",
                **self._service_addresses(),
            }
            return Process(process_name, [self.python, "-m", "wuye_gateway", "serve"], env, log)
        return Process(process_name, [self.python, "-m", f"wuye_{role}", "serve"], self.service_env(role, replica), log)

    def port_of(self, process_name: str) -> int:
        role, replica = self._role_of(process_name)
        return self.gateway_ports[replica] if role == "gateway" else self.replica_grpc_ports[role][replica]

    def start(self) -> None:
        self.create_databases()
        for node in range(self.nats_nodes):
            self.start_nats(node)
        for role in (*SERVICES, "gateway"):
            for replica in range(self.replicas):
                name = self.process_name(role, replica)
                self.processes[name] = self._process(name)
                self.processes[name].start()

    def restart(self, name: str) -> None:
        """Start the named process afresh (after a kill or a stop) and wait until it listens."""
        process = self._process(name)
        self.processes[name] = process
        process.start()
        wait_for_port(self.port_of(name), timeout=30)

    def revive(self, supervisor: Supervisor) -> list[str]:
        """Start again, within the supervisor's backoff, every process that died; the names restarted."""
        restarted = []
        for name, process in list(self.processes.items()):
            if not process.running and supervisor.may_restart(name):
                fresh = self._process(name)
                self.processes[name] = fresh
                fresh.start()
                restarted.append(name)
            elif process.running:
                supervisor.seen_running(name)
        return restarted

    def wait_ready(self, timeout: float = 60.0) -> dict[str, str]:
        """Wait until every replica of every service listens and each gateway's /readyz says every
        service is SERVING; the first gateway's answer."""
        deadline = time.monotonic() + timeout
        last: object = "gateway not answering"
        ready: dict[str, dict[str, str]] = {}
        while time.monotonic() < deadline:
            for process in self.processes.values():
                if not process.running:
                    raise RuntimeError(f"{process.name} exited; see {process.log_path}")
            for url in self.gateway_urls:
                if url in ready:
                    continue
                try:
                    answer = httpx.get(f"{url}/readyz", timeout=2)
                    last = answer.json()
                    if answer.status_code == 200:
                        ready[url] = answer.json()["services"]
                except httpx.HTTPError as exc:
                    last = str(exc)
            if len(ready) == len(self.gateway_urls) and all(self._listens(name) for name in self.processes):
                return ready[self.gateway_url]
            time.sleep(0.25)
        raise TimeoutError(f"platform not ready after {timeout}s: {last}")

    def _listens(self, name: str) -> bool:
        try:
            wait_for_port(self.port_of(name), timeout=0.2)
        except TimeoutError:
            return False
        return True

    def stop(self) -> dict[str, int | None]:
        """SIGTERM everything, the gateways first, NATS last; returns each process's exit status."""
        codes = {}
        order = [self.process_name(role, replica) for role in ("gateway", *reversed(SERVICES))
                 for replica in range(self.replicas)]
        for name in order:
            if name in self.processes:
                codes[name] = self.processes[name].stop()
        for server in self.nats_cluster:
            if server is not None:
                server.stop()
        return codes
