"""The four-level party organisation (四级组织体系) of a community.

community party committee → compound branch → building group → party-member household. Every node
but the community committee hangs under a node exactly one level up.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import IntEnum

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import parse_choice, require_date, require_text


def check_membership_day(since: date, today: date, *, field: str) -> None:
    """O3: a party membership is recorded from a day that has come, never ahead of it."""
    if since > today:
        raise InvalidArgument(f"{field} cannot lie in the future", field=field, rule="O3")


class PartyLevel(IntEnum):
    COMMUNITY_COMMITTEE = 1  # 社区党组织(党委)
    COMPOUND_BRANCH = 2  # 小区党支部
    BUILDING_GROUP = 3  # 楼栋党小组
    MEMBER_HOUSEHOLD = 4  # 党员中心户


@dataclass(frozen=True)
class PartyNode:
    """One party organisation.

    ``attached_to`` is what the node organises: the community's jurisdiction path, the compound code,
    the building code or the household id, by level. ``secretary_person_key`` is the secretary of a
    committee or branch, the leader of a group, the lead member of a party-member household.
    """

    key: str
    level: PartyLevel
    name: str
    attached_to: str
    parent_key: str | None
    secretary_person_key: str | None
    established_on: date

    @classmethod
    def create(
        cls,
        *,
        key: str,
        level: int | PartyLevel,
        name: str,
        attached_to: str,
        parent: PartyNode | None,
        established_on: date,
        secretary_person_key: str | None = None,
    ) -> PartyNode:
        node_level = parse_choice(PartyLevel, level, field="level")
        check_parent(node_level, parent)
        return cls(
            key=require_text(key, field="key", max_length=64),
            level=node_level,
            name=require_text(name, field="name"),
            attached_to=require_text(attached_to, field="attached_to", max_length=64),
            parent_key=parent.key if parent else None,
            secretary_person_key=_optional_person(secretary_person_key),
            established_on=require_date(established_on, field="established_on"),
        )

    def with_secretary(self, person_key: str | None) -> PartyNode:
        """The same node with a new secretary (None when the post is vacant)."""
        return replace(self, secretary_person_key=_optional_person(person_key))


def _optional_person(person_key: str | None) -> str | None:
    if person_key is None:
        return None
    return require_text(person_key, field="secretary_person_key", max_length=64)


def check_parent(level: PartyLevel, parent: PartyNode | None) -> None:
    """A community committee has no parent; every other node's parent is exactly one level up."""
    if level is PartyLevel.COMMUNITY_COMMITTEE:
        if parent is not None:
            raise InvalidArgument(
                "a community party committee is the top level and has no parent",
                field="parent_key",
                rule="party_levels",
            )
        return
    if parent is None:
        raise InvalidArgument(
            f"a {level.name.lower()} needs a parent {PartyLevel(level - 1).name.lower()}",
            field="parent_key",
            rule="party_levels",
        )
    if parent.level != level - 1:
        raise InvalidArgument(
            f"a {level.name.lower()} must hang under a {PartyLevel(level - 1).name.lower()}, "
            f"not under {parent.key} ({parent.level.name.lower()})",
            field="parent_key",
            rule="party_levels",
        )
