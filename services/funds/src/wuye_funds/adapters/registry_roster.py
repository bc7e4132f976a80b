"""The owner roster port served by the registry over gRPC (``RegistryService.GetOwnerRoster``).

The caller's auth context travels with the call, so the registry applies its own scope check. The
channel lives as long as the service: ``ServiceApp`` starts it with the background tasks and closes it
on shutdown.
"""

from __future__ import annotations

import grpc

from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.errors import Unavailable
from wuye_chassis.grpc_client import channel
from wuye_chassis.grpc_errors import from_rpc_error
from wuye_funds.domain.voting import RosterUnit

REGISTRY_SERVICE = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


class RegistryOwnerRoster:
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
                area_dm2=unit.area_dm2,
                building_id=unit.building_id,
                is_developer_unsold=unit.developer_unsold,
            )
            for unit in answer.units
        ]
