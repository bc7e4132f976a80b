"""Set-based reads and writes for the bulk import: one statement per table per batch, never one per row.

Writes are upserts keyed by each table's natural key (``ON CONFLICT``, SQLite and PostgreSQL alike), and
an existing row is rewritten only when a compared column differs, so importing the same rows again
writes nothing. SQLAlchemy sends a list of rows as multi-row ``INSERT … VALUES (…), (…)`` statements
("insertmanyvalues"), which keeps ``RETURNING`` available: it returns exactly the rows inserted or
changed, which is how the importer knows which compounds really changed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_registry.adapters.orm import buildings, compounds, households, jurisdictions, owners, people

Row = Mapping[str, object]


def _insert(session: AsyncSession, table: sa.Table):  # type: ignore[no-untyped-def]
    """The dialect's INSERT, which knows ON CONFLICT."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


async def insert_missing(session: AsyncSession, table: sa.Table, rows: Sequence[Row], *, keys: Sequence[str]) -> None:
    """Insert the rows whose key is not in the table yet; leave the others as they are."""
    if rows:
        await session.execute(_insert(session, table).on_conflict_do_nothing(index_elements=keys), rows)


async def upsert_changed(
    session: AsyncSession,
    table: sa.Table,
    rows: Sequence[Row],
    *,
    keys: Sequence[str],
    compared: Sequence[str],
    also_set: Sequence[str] = (),
    returning: sa.Column,
) -> list[object]:
    """Insert new rows, rewrite existing ones whose ``compared`` columns differ (plus ``also_set``), and
    return ``returning`` of every row inserted or rewritten; unchanged rows are not touched."""
    if not rows:
        return []
    statement = _insert(session, table)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={column: excluded[column] for column in (*compared, *also_set)},
        where=sa.or_(*(table.c[column].is_distinct_from(excluded[column]) for column in compared)),
    ).returning(returning)
    return list((await session.scalars(statement, rows)).all())


async def jurisdiction_paths(session: AsyncSession) -> dict[str, str]:
    """Every jurisdiction's path by code (a city has a few thousand)."""
    return dict((await session.execute(sa.select(jurisdictions.c.code, jurisdictions.c.path))).tuples().all())


@dataclass(frozen=True)
class KnownCompound:
    id: str
    name: str
    compound_type: str
    management_mode: str
    jurisdiction_path: str


async def known_compounds(session: AsyncSession) -> dict[str, KnownCompound]:
    """Every compound by code (a city has a few thousand)."""
    query = sa.select(
        compounds.c.code,
        compounds.c.id,
        compounds.c.name,
        compounds.c.compound_type,
        compounds.c.management_mode,
        compounds.c.jurisdiction_path,
    )
    return {code: KnownCompound(*rest) for code, *rest in (await session.execute(query)).tuples()}


async def building_ids(session: AsyncSession, compound_ids: Collection[str]) -> dict[tuple[str, str], str]:
    """(compound id, building code) → building id, for the buildings of these compounds."""
    query = sa.select(buildings.c.compound_id, buildings.c.code, buildings.c.id).where(
        buildings.c.compound_id.in_(compound_ids)
    )
    return {(compound_id, code): building_id for compound_id, code, building_id in (await session.execute(query))}


@dataclass(frozen=True)
class KnownHousehold:
    id: str
    developer_unsold: bool


async def households_in(
    session: AsyncSession, building_id_set: Collection[str]
) -> dict[tuple[str, str], KnownHousehold]:
    """(building id, unit number) → household, for every unit of these buildings."""
    query = sa.select(
        households.c.building_id, households.c.unit_number, households.c.id, households.c.developer_unsold
    ).where(households.c.building_id.in_(building_id_set))
    return {
        (building_id, unit): KnownHousehold(household_id, bool(unsold))
        for building_id, unit, household_id, unsold in (await session.execute(query))
    }


async def people_holding_id_numbers(session: AsyncSession, id_number_indexes: Collection[str]) -> dict[str, str]:
    """ID number blind index → person id, for the indexes already registered."""
    query = sa.select(people.c.id_number_index, people.c.id).where(people.c.id_number_index.in_(id_number_indexes))
    return dict((await session.execute(query)).tuples().all())


OwnerSet = frozenset[tuple[str, Fraction]]


async def owner_sets(session: AsyncSession, household_ids: Collection[str]) -> dict[str, OwnerSet]:
    """Each household's registered owners as a set of (person id, share); a household without owners is absent."""
    query = sa.select(
        owners.c.household_id, owners.c.person_id, owners.c.share_numerator, owners.c.share_denominator
    ).where(owners.c.household_id.in_(household_ids))
    found: dict[str, set[tuple[str, Fraction]]] = {}
    for household_id, person_id, numerator, denominator in await session.execute(query):
        found.setdefault(household_id, set()).add((person_id, Fraction(numerator, denominator)))
    return {household_id: frozenset(links) for household_id, links in found.items()}


async def replace_owner_sets(session: AsyncSession, household_ids: Iterable[str], rows: Sequence[Row]) -> None:
    """Replace the owners of these households with ``rows`` (an empty list removes them all)."""
    await session.execute(owners.delete().where(owners.c.household_id.in_(list(household_ids))))
    if rows:
        await session.execute(owners.insert(), rows)
