"""Registry facts asked over gRPC, for services that must check what a client sends against the register
as it stands now (RULES.md A4): a compound and where it lies, its owner roster (funds takes a vote's
electorate and the maintenance accounts from it) and one household with its owners.

Answers are plain dataclasses, so no caller handles the registry's protobuf messages. The caller's auth
context travels with the call, so the registry applies its own scope check, and the registry's refusal
(an unknown household, a compound out of scope) reaches the caller as it was, naming the field. The
channel lives as long as the service: list the client among the service's background tasks and
``ServiceApp`` opens it at start and closes it on shutdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc

from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.errors import Unavailable
from wuye_chassis.grpc_client import channel
from wuye_chassis.grpc_errors import from_rpc_error

REGISTRY_SERVICE = registry_pb2.DESCRIPTOR.services_by_name["RegistryService"].full_name


@dataclass(frozen=True)
class RegisteredCompound:
    compound_id: str
    name: str
    #: its community's path
    jurisdiction_path: str


@dataclass(frozen=True)
class RosterUnit:
    """One exclusive unit of the register with its owner key (V4)."""

    unit_id: str
    owner_key: str
    building_id: str
    area_dm2: int
    #: unsold, or sold but not yet delivered: all such units together are one owner
    developer_unsold: bool


@dataclass(frozen=True)
class RosterOwner:
    """One voting owner (V4) and the people who may cast its ballot (A2)."""

    owner_key: str
    person_ids: tuple[str, ...]
    is_developer: bool
    unit_ids: tuple[str, ...]
    area_dm2: int


@dataclass(frozen=True)
class RegisteredHousehold:
    household_id: str
    compound_id: str
    building_id: str
    jurisdiction_path: str
    area_dm2: int
    developer_unsold: bool
    #: the owners' person ids (none for developer stock)
    owner_ids: tuple[str, ...]


class RegistryClient:
    def __init__(self, address: str) -> None:
        self.address = address
        self._channel: grpc.aio.Channel | None = None
        self._stub: registry_pb2_grpc.RegistryServiceStub | None = None

    async def start(self) -> None:
        self._channel = channel(
            self.address,
            idempotent_methods=[
                (REGISTRY_SERVICE, "GetCompound"), (REGISTRY_SERVICE, "GetOwnerRoster"), (REGISTRY_SERVICE, "GetHousehold"),
            ],
        )
        self._stub = registry_pb2_grpc.RegistryServiceStub(self._channel)

    async def stop(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel, self._stub = None, None

    async def compound(self, compound_id: str) -> RegisteredCompound:
        """One compound; NOT_FOUND naming compound_id when the registry has none."""
        answer = await self._call("GetCompound", registry_pb2.GetCompoundRequest(compound_id=compound_id))
        return RegisteredCompound(answer.compound.id, answer.compound.name, answer.compound.jurisdiction_path)

    async def owner_roster(self, compound_id: str) -> list[RosterUnit]:
        """Every exclusive unit of the compound with its owner key, building and area, as registered now."""
        answer = await self._call("GetOwnerRoster", registry_pb2.GetOwnerRosterRequest(compound_id=compound_id))
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

    async def roster_owners(self, compound_id: str) -> list[RosterOwner]:
        """The compound's voting owners (V4) with the people each stands for."""
        answer = await self._call("GetOwnerRoster", registry_pb2.GetOwnerRosterRequest(compound_id=compound_id))
        return [
            RosterOwner(
                owner_key=owner.owner_key,
                person_ids=tuple(owner.person_ids),
                is_developer=owner.is_developer,
                unit_ids=tuple(owner.unit_ids),
                area_dm2=owner.area_dm2,
            )
            for owner in answer.owners
        ]

    async def household(self, household_id: str) -> RegisteredHousehold:
        """One household with its owners; NOT_FOUND naming household_id when the registry has none."""
        answer = await self._call("GetHousehold", registry_pb2.GetHouseholdRequest(household_id=household_id))
        unit = answer.household
        return RegisteredHousehold(
            household_id=unit.id,
            compound_id=unit.compound_id,
            building_id=unit.building_id,
            jurisdiction_path=answer.jurisdiction_path,
            area_dm2=unit.area_dm2,
            developer_unsold=unit.developer_unsold,
            owner_ids=tuple(owner.person_id for owner in unit.owners),
        )

    async def _call(self, rpc: str, request: Any) -> Any:
        if self._stub is None:
            raise Unavailable("the registry client is not running", field="registry")
        try:
            return await getattr(self._stub, rpc)(request)
        except grpc.aio.AioRpcError as failure:
            # the registry's own refusal (unknown record, out of scope) reaches the caller as it was
            raise (from_rpc_error(failure) or Unavailable(f"the registry did not answer: {failure.code().name}")) from None
