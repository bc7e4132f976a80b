"""The owner roster port (``service.roster.OwnerRosterSource``) served by the registry.

The chassis client asks the registry; this gives its units the shape the funds domain counts (V4).
"""

from __future__ import annotations

from wuye_chassis.registry_roster import RegistryRoster
from wuye_funds.domain.voting import RosterUnit


class RegistryOwnerRoster:
    def __init__(self, registry: RegistryRoster) -> None:
        self.registry = registry

    async def owner_roster(self, compound_id: str) -> list[RosterUnit]:
        return [
            RosterUnit(
                unit_id=unit.unit_id,
                owner_key=unit.owner_key,
                area_dm2=unit.area_dm2,
                building_id=unit.building_id,
                is_developer_unsold=unit.developer_unsold,
            )
            for unit in await self.registry.owner_roster(compound_id)
        ]
