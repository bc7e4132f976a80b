"""The voting roster of a compound (V4), optionally limited to some buildings (V6).

Counting (V4; SPC interpretation on building ownership art. 9):
- each exclusive unit counts as one owner;
- one buyer with several units counts once, with the areas summed;
- the developer's unsold or undelivered units together count as one owner.

Joint owners: the "buyer" of a unit is the set of people on its register entry, so a unit with joint
owners (e.g. a married couple) counts as one owner, and two units registered to the same set of people
count once. A unit of one of them alone is a different buyer and counts separately: the register treats
"A" and "A with B" as different ownerships, and a person's vote there is cast by a different title.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.validation import require_text
from wuye_registry.domain.area import require_positive_area


@dataclass(frozen=True)
class RosterUnit:
    unit_id: str
    building_id: str
    area_dm2: int
    owner_person_keys: tuple[str, ...]  # the people on the register entry; empty for developer stock
    developer_unsold: bool = False  # unsold, or sold but not yet delivered


#: the owner key of all developer stock together (V4)
DEVELOPER_OWNER_KEY = "developer"
JOINT_OWNER_PREFIX = "joint-"


def owner_key(person_keys: Sequence[str]) -> str:
    """A voting owner's stable id, at most 38 characters however many people own together: the developer,
    a sole owner's person id, or "joint-" and 32 hex digits of the co-owners' sorted person ids."""
    if not person_keys:
        return DEVELOPER_OWNER_KEY
    if len(person_keys) == 1:
        return person_keys[0]
    digest = hashlib.sha256(",".join(sorted(person_keys)).encode()).hexdigest()[:32]
    return JOINT_OWNER_PREFIX + digest


@dataclass(frozen=True)
class RosterOwner:
    """One voting owner: a set of co-owning people, or the developer (``person_keys`` empty)."""

    person_keys: tuple[str, ...]
    is_developer: bool
    unit_ids: tuple[str, ...]
    area_dm2: int

    @property
    def owner_key(self) -> str:
        return owner_key(self.person_keys)


@dataclass(frozen=True)
class VotingRoster:
    owners: tuple[RosterOwner, ...]
    building_ids: tuple[str, ...] | None  # the V6 scope, None for the whole compound

    @property
    def owner_count(self) -> int:
        return len(self.owners)

    @property
    def total_area_dm2(self) -> int:
        return sum(owner.area_dm2 for owner in self.owners)

    @property
    def unit_count(self) -> int:
        return sum(len(owner.unit_ids) for owner in self.owners)


def _check_unit(unit: RosterUnit) -> tuple[str, ...]:
    """Validate one unit and return its owners as a sorted tuple (the buyer's identity)."""
    require_text(unit.unit_id, field="unit_id", max_length=64)
    require_text(unit.building_id, field="building_id", max_length=64)
    require_positive_area(unit.area_dm2, field="area_dm2")
    if unit.developer_unsold:
        return ()
    if not unit.owner_person_keys:
        raise InvalidArgument(
            f"unit {unit.unit_id} has no owner and is not marked as developer stock",
            field="owner_person_keys",
            rule="V4",
        )
    persons = [require_text(key, field="owner_person_keys", max_length=64) for key in unit.owner_person_keys]
    if len(set(persons)) != len(persons):
        raise InvalidArgument(
            f"unit {unit.unit_id} lists the same owner twice", field="owner_person_keys", rule="V4"
        )
    return tuple(sorted(persons))


def build_roster(units: Sequence[RosterUnit], *, building_ids: Iterable[str] | None = None) -> VotingRoster:
    """Group units into voting owners; with ``building_ids`` only units of those buildings count (V6)."""
    scope = None if building_ids is None else tuple(sorted(set(building_ids)))
    if scope is not None:
        if not scope:
            raise InvalidArgument("a scoped roster names at least one building", field="building_ids", rule="V6")
        known = {unit.building_id for unit in units}
        missing = [building for building in scope if building not in known]
        if missing:
            raise NotFound(f"no units in building(s) {', '.join(missing)}", field="building_ids", rule="V6")
    seen_units: set[str] = set()
    # buyer identity → (unit ids, summed area); the developer's identity is the empty tuple
    grouped: dict[tuple[str, ...], tuple[list[str], int]] = {}
    for unit in units:
        buyer = _check_unit(unit)
        if unit.unit_id in seen_units:
            raise InvalidArgument(f"unit {unit.unit_id} appears twice", field="unit_id", rule="V4")
        seen_units.add(unit.unit_id)
        if scope is not None and unit.building_id not in scope:
            continue
        unit_ids, area = grouped.get(buyer, ([], 0))
        unit_ids.append(unit.unit_id)
        grouped[buyer] = (unit_ids, area + unit.area_dm2)
    owners = tuple(
        RosterOwner(
            person_keys=buyer,
            is_developer=buyer == (),
            unit_ids=tuple(sorted(unit_ids)),
            area_dm2=area,
        )
        for buyer, (unit_ids, area) in sorted(grouped.items())
    )
    return VotingRoster(owners=owners, building_ids=scope)
