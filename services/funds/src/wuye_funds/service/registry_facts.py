"""What the funds service asks the registry (a port): a compound and where it lies, its owner
roster, and one household.

The funds service never reads the registry's tables and never takes a client's word for a registry fact
(A4): a compound's place, the households of an account and a vote's electorate all come from here. The
answer is kept with what it was asked for (the vote's electorate, the account's sub-accounts), so later
register changes do not alter a running vote (V4, V7).
"""

from __future__ import annotations

from typing import Protocol

from wuye_funds.domain.registry_facts import RegisteredHome, RegisteredPlace
from wuye_funds.domain.voting import RosterUnit


class RegistryFacts(Protocol):
    async def compound(self, compound_id: str) -> RegisteredPlace:
        """The compound and its community's path; NOT_FOUND naming compound_id when the registry has none."""
        ...

    async def owner_roster(self, compound_id: str) -> list[RosterUnit]:
        """Every exclusive unit of the compound with its owner key, building and area, as registered now."""
        ...

    async def household(self, household_id: str) -> RegisteredHome:
        """One unit; NOT_FOUND naming household_id when the registry has none."""
        ...
