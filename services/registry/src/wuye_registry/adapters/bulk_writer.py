"""Set-based reads and writes for the bulk import: one statement per table per batch, never one per row.

Writes are upserts keyed by each table's natural key (``ON CONFLICT``, SQLite and PostgreSQL alike), and
an existing row is rewritten only when a compared column differs, so importing the same rows again
writes nothing. SQLAlchemy sends a list of rows as multi-row ``INSERT … VALUES (…), (…)`` statements
("insertmanyvalues"), which keeps ``RETURNING`` available: it returns exactly the rows inserted or
changed, which is how the importer knows which compounds really changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import dialect_insert, utcnow
from wuye_registry.adapters.companies import CompanyRecord, company_record
from wuye_registry.adapters.jurisdictions import jurisdiction_row
from wuye_registry.adapters.orm import buildings, companies, compounds, households, jurisdictions, owners, people, posts
from wuye_registry.adapters.people import PersonRecord, person_record, person_row
from wuye_registry.adapters.places import BuildingRecord, CompoundRecord, compound_columns
from wuye_registry.adapters.posts import post_record, post_row
from wuye_registry.domain.places import Compound, CompoundType, Household, Jurisdiction, ManagementMode
from wuye_registry.domain.posts import Post

Row = Mapping[str, object]
#: a unit's registered owners: (person id, share) each
OwnerSet = frozenset[tuple[str, Fraction]]


@dataclass(frozen=True)
class KnownHousehold:
    household_id: str
    developer_unsold: bool


@dataclass(frozen=True)
class ImportedUnit:
    #: the id of a new unit; an existing one keeps its own
    household_id: str
    compound_id: str
    building_id: str
    household: Household
    developer_unsold: bool


class BulkWriter:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- what the database holds -------------------------------------------------------------------

    async def jurisdiction_paths(self) -> dict[str, str]:
        """Every jurisdiction's path by code (a city has a few thousand)."""
        query = sa.select(jurisdictions.c.code, jurisdictions.c.path)
        return dict((await self.session.execute(query)).tuples().all())

    async def known_compounds(self) -> dict[str, CompoundRecord]:
        """Every compound by code (a city has a few thousand)."""
        query = sa.select(
            compounds.c.id,
            compounds.c.code,
            compounds.c.name,
            compounds.c.compound_type,
            compounds.c.management_mode,
            compounds.c.jurisdiction_path,
        )
        return {
            code: CompoundRecord(compound_id, code, name, CompoundType(kind), ManagementMode(mode), path)
            for compound_id, code, name, kind, mode, path in (await self.session.execute(query)).tuples()
        }

    async def building_ids(self, compound_ids: Collection[str]) -> dict[tuple[str, str], str]:
        """(compound id, building code) → building id, for the buildings of these compounds."""
        query = sa.select(buildings.c.compound_id, buildings.c.code, buildings.c.id).where(
            buildings.c.compound_id.in_(compound_ids)
        )
        return {
            (compound_id, code): building_id
            for compound_id, code, building_id in (await self.session.execute(query)).tuples()
        }

    async def households_in(self, building_ids: Collection[str]) -> dict[tuple[str, str], KnownHousehold]:
        """(building id, unit number) → household, for every unit of these buildings."""
        query = sa.select(
            households.c.building_id, households.c.unit_number, households.c.id, households.c.developer_unsold
        ).where(households.c.building_id.in_(building_ids))
        return {
            (building_id, unit): KnownHousehold(household_id, bool(unsold))
            for building_id, unit, household_id, unsold in (await self.session.execute(query)).tuples()
        }

    async def people_holding_id_numbers(self, id_number_indexes: Collection[str]) -> dict[str, str]:
        """ID number blind index → person id, for the indexes already registered."""
        query = sa.select(people.c.id_number_index, people.c.id).where(people.c.id_number_index.in_(id_number_indexes))
        return dict((await self.session.execute(query)).tuples().all())

    async def people_by_id(self, person_ids: Collection[str]) -> dict[str, PersonRecord]:
        """The registered people among these ids."""
        query = sa.select(people).where(people.c.id.in_(person_ids))
        return {row["id"]: person_record(row) for row in (await self.session.execute(query)).mappings()}

    async def companies_by_uscc(self, usccs: Collection[str]) -> dict[str, CompanyRecord]:
        """The registered companies among these unified social credit codes."""
        query = sa.select(companies).where(companies.c.uscc.in_(usccs))
        return {row["uscc"]: company_record(row) for row in (await self.session.execute(query)).mappings()}

    async def posts_still_held(self, person_ids: Collection[str], day: dt.date) -> list[Post]:
        """These people's posts not ended before ``day``."""
        query = sa.select(posts).where(
            posts.c.person_id.in_(person_ids), sa.or_(posts.c.end_on.is_(None), posts.c.end_on >= day)
        )
        return [post_record(row) for row in (await self.session.execute(query)).mappings()]

    async def owner_sets(self, household_ids: Collection[str]) -> dict[str, OwnerSet]:
        """Each household's registered owners; a household without owners is absent."""
        query = sa.select(
            owners.c.household_id, owners.c.person_id, owners.c.share_numerator, owners.c.share_denominator
        ).where(owners.c.household_id.in_(household_ids))
        found: dict[str, set[tuple[str, Fraction]]] = {}
        for household_id, person_id, numerator, denominator in (await self.session.execute(query)).tuples():
            found.setdefault(household_id, set()).add((person_id, Fraction(numerator, denominator)))
        return {household_id: frozenset(links) for household_id, links in found.items()}

    # --- writes ------------------------------------------------------------------------------------

    async def add_missing_jurisdictions(self, added: Iterable[Jurisdiction]) -> None:
        """Insert the jurisdictions not registered yet; leave the others as they are."""
        await self._insert_missing(jurisdictions, [jurisdiction_row(value) for value in added], keys=["code"])

    async def upsert_compounds(self, accepted: Iterable[tuple[str, Compound]]) -> set[str]:
        """Write (id, compound) pairs by compound code; returns the codes of the compounds added or changed."""
        now = utcnow()
        rows = [
            {"id": compound_id, **compound_columns(value), "created_at": now, "updated_at": now}
            for compound_id, value in accepted
        ]
        changed = await self._upsert_changed(
            compounds,
            rows,
            keys=["code"],
            compared=["name", "compound_type", "management_mode"],
            also_set=["updated_at"],
            returning=compounds.c.code,
        )
        return {str(code) for code in changed}

    async def upsert_buildings(self, accepted: Iterable[BuildingRecord]) -> None:
        """Write buildings by their code in their compound (a new name renames them)."""
        now = utcnow()
        rows = [
            {
                "id": building.building_id,
                "compound_id": building.compound_id,
                "code": building.code,
                "name": building.name,
                "created_at": now,
            }
            for building in accepted
        ]
        await self._upsert_changed(
            buildings, rows, keys=["compound_id", "code"], compared=["name"], returning=buildings.c.id
        )

    async def upsert_units(self, units: Iterable[ImportedUnit]) -> set[str]:
        """Write units by their number in their building; returns the ids of the compounds whose units changed."""
        now = utcnow()
        rows = [
            {
                "id": unit.household_id,
                "compound_id": unit.compound_id,
                "building_id": unit.building_id,
                "unit_number": unit.household.unit_number,
                "area_dm2": unit.household.area_dm2,
                "developer_unsold": unit.developer_unsold,
                "created_at": now,
                "updated_at": now,
            }
            for unit in units
        ]
        changed = await self._upsert_changed(
            households,
            rows,
            keys=["building_id", "unit_number"],
            compared=["area_dm2", "developer_unsold"],
            also_set=["updated_at"],
            returning=households.c.compound_id,
        )
        return {str(compound_id) for compound_id in changed}

    async def upsert_people(self, found: Iterable[PersonRecord]) -> None:
        """Write people by id; the name or personal data they are given replaces what is stored."""
        now = utcnow()
        await self._upsert_changed(
            people,
            [{**person_row(person), "created_at": now, "updated_at": now} for person in found],
            keys=["id"],
            compared=["name", "phone_index", "id_number_index"],
            also_set=["phone_cipher", "id_number_cipher", "updated_at"],
            returning=people.c.id,
        )

    async def record_party_members(self, since: Mapping[str, dt.date]) -> list[str]:
        """Record these people as party members since the given day (one statement per distinct day); returns
        those whose record changed."""
        by_day: dict[dt.date, list[str]] = {}
        for person_id, day in since.items():
            by_day.setdefault(day, []).append(person_id)
        changed: list[str] = []
        for day, person_ids in by_day.items():
            update = (
                people.update()
                .where(
                    people.c.id.in_(person_ids),
                    sa.or_(people.c.is_party_member.is_(False), people.c.party_member_since.is_distinct_from(day)),
                )
                .values(is_party_member=True, party_member_since=day, updated_at=utcnow())
                .returning(people.c.id)
            )
            changed.extend(await self.session.scalars(update))
        return changed

    async def add_posts(self, given: Iterable[Post], *, assigned_by: str) -> None:
        rows = [post_row(post, assigned_by=assigned_by) for post in given]
        if rows:
            await self.session.execute(posts.insert(), rows)

    async def replace_owner_sets(self, owner_sets: Mapping[str, OwnerSet]) -> None:
        """Replace the owners of these households (an empty set removes them all)."""
        now = utcnow()
        await self.session.execute(owners.delete().where(owners.c.household_id.in_(list(owner_sets))))
        rows = [
            {
                "household_id": household_id,
                "person_id": person_id,
                "share_numerator": share.numerator,
                "share_denominator": share.denominator,
                "created_at": now,
            }
            for household_id, links in owner_sets.items()
            for person_id, share in links
        ]
        if rows:
            await self.session.execute(owners.insert(), rows)

    async def _insert_missing(self, table: sa.Table, rows: Sequence[Row], *, keys: Sequence[str]) -> None:
        if rows:
            await self.session.execute(dialect_insert(self.session, table).on_conflict_do_nothing(index_elements=keys), rows)

    async def _upsert_changed(
        self,
        table: sa.Table,
        rows: Sequence[Row],
        *,
        keys: Sequence[str],
        compared: Sequence[str],
        also_set: Sequence[str] = (),
        returning: sa.Column[object],
    ) -> list[object]:
        """Insert new rows, rewrite existing ones whose ``compared`` columns differ (plus ``also_set``), and
        return ``returning`` of every row inserted or rewritten; unchanged rows are not touched."""
        if not rows:
            return []
        insert = dialect_insert(self.session, table)
        excluded = insert.excluded
        upsert = insert.on_conflict_do_update(
            index_elements=keys,
            set_={column: excluded[column] for column in (*compared, *also_set)},
            where=sa.or_(*(table.c[column].is_distinct_from(excluded[column]) for column in compared)),
        ).returning(returning)
        return list((await self.session.scalars(upsert, rows)).all())
