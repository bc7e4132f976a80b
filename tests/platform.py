"""In-process platform for cross-service tests: chosen services as ServiceApps plus the gateway app."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from deploy.services import SERVICES
from wuye_chassis.app import ServiceApp, ServiceDefinition
from wuye_gateway.app import create_app
from wuye_gateway.settings import GatewaySettings

ISSUER = "http://testserver/dev"


def definition(service: str, database_url: str, nats_url: str) -> ServiceDefinition:
    """The real service definition, configured for a test (free gRPC port, given database and NATS)."""
    module = __import__(f"wuye_{service}.entrypoints.app", fromlist=["build"])
    settings_module = __import__(f"wuye_{service}.settings", fromlist=["x"])
    settings_class = getattr(settings_module, f"{service.capitalize()}Settings")
    # its files (photos) in a folder of its own, never the checkout's var/
    objects = f"file://{tempfile.mkdtemp(prefix=f'wuye-{service}-objects-')}"
    return module.build(settings_class(database_url=database_url, nats_url=nats_url, grpc_port=0,
                                       object_store_url=objects))


@dataclass
class Gateway:
    app: FastAPI
    client: httpx.AsyncClient
    #: the in-process services it is wired to
    apps: dict[str, ServiceApp]

    async def token(self, username: str) -> dict[str, str]:
        answer = await self.client.post("/dev/token", json={"username": username})
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}


@asynccontextmanager
async def gateway_for(
    services: dict[str, ServiceApp], *, unreachable_port: int = 1, **settings_overrides: Any
) -> AsyncIterator[Gateway]:
    """The gateway app wired to the given in-process services (others point at a closed port)."""
    addresses: dict[str, Any] = {
        f"{name}_addr": f"127.0.0.1:{services[name].port if name in services else unreachable_port}"
        for name in SERVICES
    }
    settings = GatewaySettings(
        # roles_from_token: the suites written before logins were people (A1) take roles from the dev tokens;
        # tests of who acts pass roles_from_token=False and meet the registry's people (tests/people.py)
        # 2 s: a loaded CI machine once took longer than 0.5 s to answer a health check; a service that is
        # down fails at once (connection refused), so the margin costs the tests nothing
        **{"dev_issuer": True, "jwt_issuer": ISSUER, "health_timeout_seconds": 2.0, "roles_from_token": True,
           **addresses, **settings_overrides}
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Gateway(app, client, services)


StartService = Callable[[ServiceDefinition], Awaitable[ServiceApp]]
