"""Compound, building, household and owner rows ⇄ domain values and the records handlers return."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_registry.adapters.orm import buildings, compounds, households, owners
from wuye_registry.domain.places import Compound, CompoundType, Household, ManagementMode, OwnerLink
from wuye_registry.domain.roster import RosterUnit, owner_key


@dataclass(frozen=True)
class CompoundRecord:
    """A registered compound: the domain values with the compound's id."""

    compound_id: str
    code: str
    name: str
    compound_type: CompoundType
    management_mode: ManagementMode
    jurisdiction_path: str


@dataclass(frozen=True)
class BuildingRecord:
    building_id: str
    compound_id: str
    code: str
    name: str


@dataclass(frozen=True)
class OwnerShare:
    person_id: str
    share: Fraction


@dataclass(frozen=True)
class HouseholdRecord:
    household_id: str
    compound_id: str
    building_id: str
    unit_number: str
    area_dm2: int
    developer_unsold: bool
    #: by person id
    owners: tuple[OwnerShare, ...]


@dataclass(frozen=True)
class OwnedUnitRecord:
    household_id: str
    compound_id: str
    jurisdiction_path: str
    #: the roster owner (V4) the person is, or is one of
    owner_key: str


def compound_from_row(row: sa.RowMapping) -> CompoundRecord:
    return CompoundRecord(
        compound_id=row["id"],
        code=row["code"],
        name=row["name"],
        compound_type=CompoundType(row["compound_type"]),
        management_mode=ManagementMode(row["management_mode"]),
        jurisdiction_path=row["jurisdiction_path"],
    )


def _building(row: sa.RowMapping) -> BuildingRecord:
    return BuildingRecord(row["id"], row["compound_id"], row["code"], row["name"])


class PlaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- compounds ---------------------------------------------------------------------------------

    async def compound(self, compound_id: str) -> CompoundRecord | None:
        query = sa.select(compounds).where(compounds.c.id == compound_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else compound_from_row(row)

    async def compound_code_taken(self, code: str) -> bool:
        return (await self.session.scalar(sa.select(compounds.c.id).where(compounds.c.code == code))) is not None

    async def add_compound(self, compound_id: str, compound: Compound) -> CompoundRecord:
        now = utcnow()
        await self.session.execute(
            compounds.insert().values(id=compound_id, **compound_columns(compound), created_at=now, updated_at=now)
        )
        return compound_record(compound_id, compound)

    async def update_compound(self, compound_id: str, compound: Compound) -> CompoundRecord:
        await self.session.execute(
            compounds.update()
            .where(compounds.c.id == compound_id)
            .values(
                name=compound.name,
                compound_type=compound.compound_type.value,
                management_mode=compound.management_mode.value,
                updated_at=utcnow(),
            )
        )
        return compound_record(compound_id, compound)

    async def compounds_in(self, path: str, *, after: str, limit: int) -> list[CompoundRecord]:
        """The compounds at or below ``path``, in id order."""
        query = sa.select(compounds).where(at_or_below(compounds.c.jurisdiction_path, path)).order_by(compounds.c.id)
        if after:
            query = query.where(compounds.c.id > after)
        return [compound_from_row(row) for row in (await self.session.execute(query.limit(limit))).mappings()]

    # --- buildings ---------------------------------------------------------------------------------

    async def building(self, building_id: str) -> BuildingRecord | None:
        query = sa.select(buildings).where(buildings.c.id == building_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _building(row)

    async def building_code_taken(self, compound_id: str, code: str) -> bool:
        query = sa.select(buildings.c.id).where(buildings.c.compound_id == compound_id, buildings.c.code == code)
        return (await self.session.scalar(query)) is not None

    async def add_building(self, building: BuildingRecord) -> None:
        await self.session.execute(
            buildings.insert().values(
                id=building.building_id,
                compound_id=building.compound_id,
                code=building.code,
                name=building.name,
                created_at=utcnow(),
            )
        )

    async def buildings_of(self, compound_id: str) -> list[BuildingRecord]:
        query = sa.select(buildings).where(buildings.c.compound_id == compound_id).order_by(buildings.c.code)
        return [_building(row) for row in (await self.session.execute(query)).mappings()]

    # --- households and owners ---------------------------------------------------------------------

    async def household(self, household_id: str) -> HouseholdRecord | None:
        query = sa.select(households).where(households.c.id == household_id)
        found = await self._with_owners((await self.session.execute(query)).mappings().all())
        return found[0] if found else None

    async def unit_number_taken(self, building_id: str, unit_number: str) -> bool:
        query = sa.select(households.c.id).where(
            households.c.building_id == building_id, households.c.unit_number == unit_number
        )
        return (await self.session.scalar(query)) is not None

    async def add_household(
        self, household_id: str, household: Household, *, compound_id: str, building_id: str, developer_unsold: bool
    ) -> None:
        now = utcnow()
        await self.session.execute(
            households.insert().values(
                id=household_id,
                compound_id=compound_id,
                building_id=building_id,
                unit_number=household.unit_number,
                area_dm2=household.area_dm2,
                developer_unsold=developer_unsold,
                created_at=now,
                updated_at=now,
            )
        )

    async def replace_owners(self, household_id: str, links: Sequence[OwnerLink], *, developer_unsold: bool) -> None:
        await self.session.execute(owners.delete().where(owners.c.household_id == household_id))
        await self.session.execute(
            households.update()
            .where(households.c.id == household_id)
            .values(developer_unsold=developer_unsold, updated_at=utcnow())
        )
        if links:
            now = utcnow()
            await self.session.execute(
                owners.insert(),
                [
                    {
                        "household_id": household_id,
                        "person_id": link.person_key,
                        "share_numerator": link.share.numerator,
                        "share_denominator": link.share.denominator,
                        "created_at": now,
                    }
                    for link in links
                ],
            )

    async def households_of(
        self, compound_id: str, *, building_id: str | None, after: str, limit: int
    ) -> list[HouseholdRecord]:
        """The units of a compound (or of one of its buildings), in id order."""
        query = sa.select(households).where(households.c.compound_id == compound_id).order_by(households.c.id)
        if building_id is not None:
            query = query.where(households.c.building_id == building_id)
        if after:
            query = query.where(households.c.id > after)
        return await self._with_owners((await self.session.execute(query.limit(limit))).mappings().all())

    async def _with_owners(self, rows: Sequence[sa.RowMapping]) -> list[HouseholdRecord]:
        """The households of ``rows`` with their owners, loaded in one query for all of them."""
        shares_query = (
            sa.select(owners)
            .where(owners.c.household_id.in_([row["id"] for row in rows]))
            .order_by(owners.c.household_id, owners.c.person_id)
        )
        shares: dict[str, list[OwnerShare]] = {}
        for share in (await self.session.execute(shares_query)).mappings():
            shares.setdefault(share["household_id"], []).append(
                OwnerShare(share["person_id"], Fraction(share["share_numerator"], share["share_denominator"]))
            )
        return [
            HouseholdRecord(
                household_id=row["id"],
                compound_id=row["compound_id"],
                building_id=row["building_id"],
                unit_number=row["unit_number"],
                area_dm2=row["area_dm2"],
                developer_unsold=row["developer_unsold"],
                owners=tuple(shares.get(row["id"], ())),
            )
            for row in rows
        ]

    async def household_count(self, compound_id: str) -> int:
        query = sa.select(sa.func.count()).select_from(households).where(households.c.compound_id == compound_id)
        return int(await self.session.scalar(query) or 0)

    async def owners_among(self, compound_id: str, person_ids: Sequence[str]) -> set[str]:
        """Which of these people own at least one unit of the compound."""
        query = (
            sa.select(owners.c.person_id)
            .join(households, households.c.id == owners.c.household_id)
            .where(households.c.compound_id == compound_id, owners.c.person_id.in_(person_ids))
            .distinct()
        )
        return set((await self.session.scalars(query)).all())

    async def owned_units(self, person_id: str) -> list[OwnedUnitRecord]:
        """Every unit the person owns, alone or jointly, with the roster's owner key (V4) it votes under."""
        mine = sa.select(owners.c.household_id).where(owners.c.person_id == person_id)
        query = (
            sa.select(households.c.id, households.c.compound_id, compounds.c.jurisdiction_path, owners.c.person_id)
            .join(owners, owners.c.household_id == households.c.id)
            .join(compounds, compounds.c.id == households.c.compound_id)
            .where(households.c.id.in_(mine))
            .order_by(households.c.id)
        )
        units: dict[str, tuple[str, str, list[str]]] = {}
        for household_id, compound_id, path, owner in (await self.session.execute(query)).all():
            units.setdefault(household_id, (compound_id, path, []))[2].append(owner)
        return [
            OwnedUnitRecord(household_id, compound_id, path, owner_key(people))
            for household_id, (compound_id, path, people) in units.items()
        ]

    async def roster_units(self, compound_id: str) -> list[RosterUnit]:
        """Every unit of the compound with the people on its register entry, in one query."""
        query = (
            sa.select(
                households.c.id,
                households.c.building_id,
                households.c.area_dm2,
                households.c.developer_unsold,
                owners.c.person_id,
            )
            .outerjoin(owners, owners.c.household_id == households.c.id)
            .where(households.c.compound_id == compound_id)
            .order_by(households.c.id)
        )
        units: dict[str, tuple[str, int, bool, list[str]]] = {}
        for unit_id, building_id, area_dm2, developer_unsold, person_id in (await self.session.execute(query)).all():
            entry = units.setdefault(unit_id, (building_id, area_dm2, developer_unsold, []))
            if person_id is not None:
                entry[3].append(person_id)
        return [
            RosterUnit(
                unit_id=unit_id,
                building_id=building_id,
                area_dm2=area_dm2,
                owner_person_keys=tuple(person_ids),
                developer_unsold=developer_unsold,
            )
            for unit_id, (building_id, area_dm2, developer_unsold, person_ids) in units.items()
        ]


def compound_columns(compound: Compound) -> dict[str, object]:
    """A compound's row without its id and times (the bulk import upserts the same columns)."""
    return {
        "code": compound.code,
        "name": compound.name,
        "compound_type": compound.compound_type.value,
        "management_mode": compound.management_mode.value,
        "jurisdiction_path": str(compound.jurisdiction_path),
    }


def compound_record(compound_id: str, compound: Compound) -> CompoundRecord:
    return CompoundRecord(
        compound_id=compound_id,
        code=compound.code,
        name=compound.name,
        compound_type=compound.compound_type,
        management_mode=compound.management_mode,
        jurisdiction_path=str(compound.jurisdiction_path),
    )
