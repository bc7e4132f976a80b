from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.funds.tests.funds_support import Funds, funds_beside_registry
from wuye_chassis.natsd import EmbeddedNats


@pytest.fixture
async def funds(
    database_url: str, database_url_factory, nats_server: EmbeddedNats, start_service
) -> AsyncIterator[Funds]:
    async with funds_beside_registry(
        database_url, await database_url_factory("registry"), nats_server.url, start_service
    ) as running:
        yield running
