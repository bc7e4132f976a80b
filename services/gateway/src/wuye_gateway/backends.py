"""gRPC channels to the services, opened once per gateway process.

A backend is one service process at ``WUYE_<NAME>_ADDR``; it serves every gRPC service of its API package
``wuye.<name>.v1``. The gateway finds those services, their stubs and their methods in the generated
contracts, and retries exactly the methods the contracts declare safe to repeat (``idempotency_level``),
so a new service or read RPC needs no edit here.
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from collections.abc import Iterable
from typing import Any

import grpc
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions
from grpc_health.v1 import health_pb2, health_pb2_grpc

from wuye_chassis.grpc_client import channel
from wuye_gateway.settings import SERVICES, GatewaySettings

#: what a retry cannot apply twice: reads, and calls that declare themselves idempotent (writes are made
#: safe by idempotency keys instead)
RETRIED_LEVELS = (MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT)
HEALTH_CHECK = (health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, "Check")


def api_services(backend: str) -> tuple[ServiceDescriptor, ...]:
    """Every gRPC service declared in the backend's API package ``wuye.<backend>.v1``."""
    package = importlib.import_module(f"wuye.{backend}.v1")
    modules = [
        importlib.import_module(f"{package.__name__}.{module.name}")
        for module in pkgutil.iter_modules(package.__path__)
        if module.name.endswith("_pb2")
    ]
    return tuple(service for module in modules for service in module.DESCRIPTOR.services_by_name.values())


def retried(method: MethodDescriptor) -> bool:
    return method.GetOptions().idempotency_level in RETRIED_LEVELS


def idempotent_methods(services: Iterable[ServiceDescriptor]) -> list[tuple[str, str]]:
    """(service, method) of every method these services mark safe to retry, and the health check."""
    return [
        *((service.full_name, method.name) for service in services for method in service.methods if retried(method)),
        HEALTH_CHECK,
    ]


def _stub(service: ServiceDescriptor, to: grpc.aio.Channel) -> Any:
    # wuye/funds/v1/funds.proto → wuye.funds.v1.funds_pb2_grpc.<Service>Stub
    module = importlib.import_module(service.file.name.removesuffix(".proto").replace("/", ".") + "_pb2_grpc")
    return getattr(module, f"{service.name}Stub")(to)


class Backends:
    def __init__(self, settings: GatewaySettings) -> None:
        self.settings = settings
        self.channels: dict[str, grpc.aio.Channel] = {}
        self._methods: dict[str, dict[str, Any]] = {}
        for name in SERVICES:
            services = api_services(name)
            self.channels[name] = channel(settings.address_of(name), idempotent_methods=idempotent_methods(services))
            self._methods[name] = {}
            for service in services:
                stub = _stub(service, self.channels[name])
                for method in service.methods:
                    if method.name in self._methods[name]:
                        raise ValueError(f"{name} serves {method.name} twice; the gateway could not tell which")
                    self._methods[name][method.name] = getattr(stub, method.name)

    def method(self, backend: str, rpc: str) -> Any:
        """The callable of ``rpc`` on ``backend``, whichever of its services declares it."""
        return self._methods[backend][rpc]

    async def health(self) -> dict[str, str]:
        """Each service's gRPC health ("SERVING", "NOT_SERVING", or why it could not be asked)."""

        async def check(name: str) -> tuple[str, str]:
            stub = health_pb2_grpc.HealthStub(self.channels[name])
            try:
                answer = await stub.Check(
                    health_pb2.HealthCheckRequest(service=""), timeout=self.settings.health_timeout_seconds
                )
            except grpc.aio.AioRpcError as exc:
                return name, f"UNREACHABLE ({exc.code().name})"
            return name, health_pb2.HealthCheckResponse.ServingStatus.Name(answer.status)

        return dict(await asyncio.gather(*(check(name) for name in self.channels)))

    async def close(self) -> None:
        await asyncio.gather(*(ch.close() for ch in self.channels.values()))
