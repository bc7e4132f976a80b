"""Compound, building, household and owner rows ⇄ protobuf messages."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.registry.v1 import registry_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.proto_values import enum_number
from wuye_registry.adapters.orm import buildings, compounds, households, owners
from wuye_registry.adapters.scope import within
from wuye_registry.domain.area import format_area_m2
from wuye_registry.domain.places import Compound, CompoundType, ManagementMode, OwnerLink
from wuye_registry.domain.roster import RosterUnit


def compound_message(row: sa.RowMapping) -> registry_pb2.Compound:
    return registry_pb2.Compound(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        compound_type=enum_number(registry_pb2.CompoundType, CompoundType(row["compound_type"])),
        management_mode=enum_number(registry_pb2.ManagementMode, ManagementMode(row["management_mode"])),
        jurisdiction_path=row["jurisdiction_path"],
    )


def building_message(row: sa.RowMapping) -> registry_pb2.Building:
    return registry_pb2.Building(id=row["id"], compound_id=row["compound_id"], code=row["code"], name=row["name"])


async def get_compound(session: AsyncSession, compound_id: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(compounds).where(compounds.c.id == compound_id))).mappings().first()


async def compound_code_taken(session: AsyncSession, code: str) -> bool:
    return (await session.scalar(sa.select(compounds.c.id).where(compounds.c.code == code))) is not None


async def add_compound(session: AsyncSession, compound_id: str, compound: Compound) -> None:
    now = utcnow()
    await session.execute(
        compounds.insert().values(
            id=compound_id,
            code=compound.code,
            name=compound.name,
            compound_type=compound.compound_type.value,
            management_mode=compound.management_mode.value,
            jurisdiction_path=str(compound.jurisdiction_path),
            created_at=now,
            updated_at=now,
        )
    )


async def update_compound(session: AsyncSession, compound_id: str, compound: Compound) -> None:
    await session.execute(
        compounds.update()
        .where(compounds.c.id == compound_id)
        .values(
            name=compound.name,
            compound_type=compound.compound_type.value,
            management_mode=compound.management_mode.value,
            updated_at=utcnow(),
        )
    )


async def list_compounds(session: AsyncSession, path: str, after: str | None, limit: int) -> list[sa.RowMapping]:
    query = sa.select(compounds).where(within(compounds.c.jurisdiction_path, path)).order_by(compounds.c.id)
    if after is not None:
        query = query.where(compounds.c.id > after)
    return list((await session.execute(query.limit(limit))).mappings().all())


async def get_building(session: AsyncSession, building_id: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(buildings).where(buildings.c.id == building_id))).mappings().first()


async def building_code_taken(session: AsyncSession, compound_id: str, code: str) -> bool:
    query = sa.select(buildings.c.id).where(buildings.c.compound_id == compound_id, buildings.c.code == code)
    return (await session.scalar(query)) is not None


async def add_building(session: AsyncSession, *, building_id: str, compound_id: str, code: str, name: str) -> None:
    await session.execute(
        buildings.insert().values(id=building_id, compound_id=compound_id, code=code, name=name, created_at=utcnow())
    )


async def list_buildings(session: AsyncSession, compound_id: str) -> list[sa.RowMapping]:
    query = sa.select(buildings).where(buildings.c.compound_id == compound_id).order_by(buildings.c.code)
    return list((await session.execute(query)).mappings().all())


async def get_household(session: AsyncSession, household_id: str) -> sa.RowMapping | None:
    return (await session.execute(sa.select(households).where(households.c.id == household_id))).mappings().first()


async def unit_number_taken(session: AsyncSession, building_id: str, unit_number: str) -> bool:
    query = sa.select(households.c.id).where(
        households.c.building_id == building_id, households.c.unit_number == unit_number
    )
    return (await session.scalar(query)) is not None


async def add_household(
    session: AsyncSession,
    *,
    household_id: str,
    compound_id: str,
    building_id: str,
    unit_number: str,
    area_dm2: int,
    developer_unsold: bool,
) -> None:
    now = utcnow()
    await session.execute(
        households.insert().values(
            id=household_id,
            compound_id=compound_id,
            building_id=building_id,
            unit_number=unit_number,
            area_dm2=area_dm2,
            developer_unsold=developer_unsold,
            created_at=now,
            updated_at=now,
        )
    )


async def replace_owners(
    session: AsyncSession, household_id: str, links: Sequence[OwnerLink], *, developer_unsold: bool
) -> None:
    await session.execute(owners.delete().where(owners.c.household_id == household_id))
    await session.execute(
        households.update()
        .where(households.c.id == household_id)
        .values(developer_unsold=developer_unsold, updated_at=utcnow())
    )
    if links:
        now = utcnow()
        await session.execute(
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


async def _household_messages(session: AsyncSession, rows: Sequence[sa.RowMapping]) -> list[registry_pb2.Household]:
    """The households of ``rows`` with their owners, loaded in one query for all of them."""
    shares_query = (
        sa.select(owners)
        .where(owners.c.household_id.in_([row["id"] for row in rows]))
        .order_by(owners.c.household_id, owners.c.person_id)
    )
    shares: dict[str, list[registry_pb2.OwnerShare]] = {}
    for share in (await session.execute(shares_query)).mappings():
        shares.setdefault(share["household_id"], []).append(
            registry_pb2.OwnerShare(
                person_id=share["person_id"],
                share=str(Fraction(share["share_numerator"], share["share_denominator"])),
            )
        )
    return [
        registry_pb2.Household(
            id=row["id"],
            compound_id=row["compound_id"],
            building_id=row["building_id"],
            unit_number=row["unit_number"],
            area_dm2=row["area_dm2"],
            area_m2=format_area_m2(row["area_dm2"]),
            developer_unsold=row["developer_unsold"],
            owners=shares.get(row["id"], []),
        )
        for row in rows
    ]


async def household_message(session: AsyncSession, household_id: str) -> registry_pb2.Household:
    row = await get_household(session, household_id)
    assert row is not None, "the caller has just written or found this household"
    (message,) = await _household_messages(session, [row])
    return message


async def list_households(
    session: AsyncSession, compound_id: str, *, building_id: str | None, after: str | None, limit: int
) -> list[registry_pb2.Household]:
    query = sa.select(households).where(households.c.compound_id == compound_id).order_by(households.c.id)
    if building_id is not None:
        query = query.where(households.c.building_id == building_id)
    if after is not None:
        query = query.where(households.c.id > after)
    return await _household_messages(session, (await session.execute(query.limit(limit))).mappings().all())


async def household_count(session: AsyncSession, compound_id: str) -> int:
    query = sa.select(sa.func.count()).select_from(households).where(households.c.compound_id == compound_id)
    return int(await session.scalar(query) or 0)


async def owns_unit_in(session: AsyncSession, compound_id: str, person_ids: Sequence[str]) -> set[str]:
    """Which of these people own at least one unit of the compound."""
    query = (
        sa.select(owners.c.person_id)
        .join(households, households.c.id == owners.c.household_id)
        .where(households.c.compound_id == compound_id, owners.c.person_id.in_(person_ids))
        .distinct()
    )
    return set((await session.scalars(query)).all())


async def roster_units(session: AsyncSession, compound_id: str) -> list[RosterUnit]:
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
    for unit_id, building_id, area_dm2, developer_unsold, person_id in (await session.execute(query)).all():
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
