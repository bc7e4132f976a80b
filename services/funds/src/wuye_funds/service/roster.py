"""Where a vote's electorate comes from: the registry's owner roster of a compound (a port).

The funds service never reads the registry's tables; it asks the registry at the moment a vote opens
and keeps the answer with the vote, so later register changes do not alter a running vote (V4, V7).
"""

from __future__ import annotations

from typing import Protocol

from wuye_funds.domain.voting import RosterUnit


class OwnerRosterSource(Protocol):
    async def owner_roster(self, compound_id: str) -> list[RosterUnit]:
        """Every exclusive unit of the compound with its owner key, building and area, as registered now."""
        ...
