"""The registry's owner roster of a compound, asked over gRPC (``RegistryService.GetOwnerRoster``).

For services that need the register as it stands now (funds takes a vote's electorate from it): the
answer is plain dataclasses, so no caller handles the registry's protobuf messages. The caller's auth
context travels with the call, so the registry applies its own scope check. The channel lives as long as
the service: list the client among the service's background tasks and ``ServiceApp`` opens it at start
and closes it on shutdown.
"""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.errors import Unavailable
from wuye_chassis.grpc_client import channel
from wuye_chassis.grpc_errors import from_rpc_error

REGISTRY_SERVICE = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


@dataclass(frozen=True)
class RosterUnit:
    """One exclusive unit of the register with its owner key (V4)."""

    unit_id: str
    owner_key: str
    building_id: str
    area_dm2: int
    #: unsold, or sold but not yet delivered: all such units together are one owner
    developer_unsold: bool


class RegistryRoster:
    def __init__(self, address: str) -> None:
        self.address = address
        self._channel: grpc.aio.Channel | None = None
        self._stub: registry_pb2_grpc.RegistryServiceStub | None = None

    async def start(self) -> None:
        self._channel = channel(self.address, idempotent_methods=[(REGISTRY_SERVICE, "GetOwnerRoster")])
        self._stub = registry_pb2_grpc.RegistryServiceStub(self._channel)

    async def stop(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel, self._stub = None, None

    async def owner_roster(self, compound_id: str) -> list[RosterUnit]:
        """Every exclusive unit of the compound with its owner key, building and area, as registered now."""
        if self._stub is None:
            raise Unavailable("the registry client is not running", field="roster")
        try:
            answer = await self._stub.GetOwnerRoster(registry_pb2.GetOwnerRosterRequest(compound_id=compound_id))
        except grpc.aio.AioRpcError as failure:
            # the registry's own refusal (unknown compound, out of scope) reaches the caller as it was
            raise (from_rpc_error(failure) or Unavailable(f"the registry did not answer: {failure.code().name}")) from None
        return [
            RosterUnit(
                unit_id=unit.unit_id,
                owner_key=unit.owner_key,
                building_id=unit.building_id,
                area_dm2=unit.area_dm2,
                developer_unsold=unit.developer_unsold,
            )
            for unit in answer.units
        ]
