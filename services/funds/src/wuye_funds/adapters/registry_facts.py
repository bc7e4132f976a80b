"""The registry port (``service.registry_facts.RegistryFacts``) served by the registry over gRPC.

The chassis client asks the registry; ``roster_unit`` gives a registered unit the shape the funds domain
counts (V4).
"""

from __future__ import annotations

from typing import Protocol

from wuye_chassis.registry_client import RegistryClient
from wuye_funds.domain.registry_facts import RegisteredHome, RegisteredPlace
from wuye_funds.domain.voting import RosterUnit


class RegisteredUnit(Protocol):
    """A unit as the registry describes it: the chassis client's dataclass, or the API's ``RosterUnit``."""

    @property
    def unit_id(self) -> str: ...

    @property
    def owner_key(self) -> str: ...

    @property
    def building_id(self) -> str: ...

    @property
    def area_dm2(self) -> int: ...

    @property
    def developer_unsold(self) -> bool: ...


def roster_unit(unit: RegisteredUnit) -> RosterUnit:
    return RosterUnit(
        unit_id=unit.unit_id,
        owner_key=unit.owner_key,
        area_dm2=unit.area_dm2,
        building_id=unit.building_id,
        is_developer_unsold=unit.developer_unsold,
    )


class RegistryOverGrpc:
    def __init__(self, registry: RegistryClient) -> None:
        self.registry = registry

    async def compound(self, compound_id: str) -> RegisteredPlace:
        compound = await self.registry.compound(compound_id)
        return RegisteredPlace(compound.compound_id, compound.jurisdiction_path)

    async def owner_roster(self, compound_id: str) -> list[RosterUnit]:
        return [roster_unit(unit) for unit in await self.registry.owner_roster(compound_id)]

    async def household(self, household_id: str) -> RegisteredHome:
        home = await self.registry.household(household_id)
        return RegisteredHome(home.household_id, home.compound_id, home.area_dm2)
