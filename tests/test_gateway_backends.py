"""The gateway's retry list comes from the contracts: every read RPC of every backend is retried, no write is.

A read is named Get…, List…, Find… or Verify…, or is ResolveActor (the gateway resolving a login to its person); the contracts mark it ``idempotency_level = NO_SIDE_EFFECTS``
(or IDEMPOTENT where a read is audited), and the gateway derives its retry list from those marks alone.
"""

from __future__ import annotations

import re

import pytest

from wuye_gateway.backends import HEALTH_CHECK, Backends, api_services, idempotent_methods
from wuye_gateway.settings import SERVICES, GatewaySettings

READ = re.compile(r"(Get|List|Find|Verify)[A-Z]|ResolveActor$")


@pytest.mark.parametrize("name", SERVICES)
def test_every_read_rpc_of_a_backend_is_retried_and_no_write_is(name: str) -> None:
    services = api_services(name)
    assert services, f"no gRPC service found in wuye.{name}.v1"
    retried = set(idempotent_methods(services))
    reads = {(s.full_name, m.name) for s in services for m in s.methods if READ.match(m.name)}
    writes = {(s.full_name, m.name) for s in services for m in s.methods} - reads
    assert reads - retried == set(), "reads the contracts do not mark NO_SIDE_EFFECTS"
    assert retried & writes == set(), "writes the contracts mark safe to retry"
    assert HEALTH_CHECK in retried


async def test_the_gateway_calls_every_rpc_of_a_backend_by_name_whichever_service_declares_it() -> None:
    backends = Backends(GatewaySettings())
    try:
        for name in SERVICES:
            for service in api_services(name):
                for method in service.methods:
                    assert callable(backends.method(name, method.name)), (name, method.name)
    finally:
        await backends.close()
