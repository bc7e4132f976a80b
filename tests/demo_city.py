"""The platform as ``make run`` starts it — every service and the gateway a process of its own — with the
demo city loaded as the operator loads it (``deploy/demo.py``), for the tests that use it as its people do."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from deploy import demo
from deploy.localstack import LocalStack
from deploy.services import SERVICES
from tests.support import drop_postgres_database, postgres_admin_url

DEMO_COUNTY = Path(__file__).resolve().parents[1] / "deploy" / "demo" / "huian"


@contextmanager
def demo_city(tmp_path: Path, backend: str = "sqlite") -> Iterator[LocalStack]:
    """The stack on SQLite files, or on fresh PostgreSQL databases (dropped afterwards) for "postgresql"."""
    admin = postgres_admin_url() if backend == "postgresql" else None
    postgres = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False) if admin else ""
    stack = LocalStack(data_dir=tmp_path / "var", postgres=postgres,
                       database_prefix=f"wuye_city_{uuid.uuid4().hex[:8]}_")
    stack.start()
    try:
        stack.wait_ready(timeout=90)
        demo.load_all(stack, DEMO_COUNTY)
        yield stack
    finally:
        stack.stop()
        if admin:
            for service in SERVICES:
                asyncio.run(drop_postgres_database(admin, stack.database_url(service)))
