from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest

from services.funds.tests.funds_support import Funds
from tests.platform import definition
from wuye_chassis.natsd import EmbeddedNats


@pytest.fixture
async def funds(database_url: str, nats_server: EmbeddedNats, start_service) -> AsyncIterator[Funds]:
    app = await start_service(definition("funds", database_url, nats_server.url))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        yield Funds(app, channel)
