"""Imported owners: the people on each unit's register entry, with their shares, on consecutive rows.

A person is keyed by ``person_key`` within the county, so an owner of several units is one person and a
re-import finds the same person again; phone and ID number are validated, then sealed (encrypted, with a
blind index). A compound whose units changed owners has its roster announced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from wuye_chassis.errors import InvalidArgument, WuyeError
from wuye_registry.adapters.bulk_writer import KnownHousehold, OwnerSet
from wuye_registry.adapters.import_files import SourceRow
from wuye_registry.adapters.people import PersonRecord
from wuye_registry.domain.events import PartyMembershipChanged
from wuye_registry.domain.places import OwnerLink, check_unit_owners
from wuye_registry.service.bulk_import.people import party_member_since, refuse_taken_id_numbers, sealed_person
from wuye_registry.service.bulk_import.state import Batch, ImportState, Remember, nothing_to_remember
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


@dataclass(frozen=True)
class _NamedPerson:
    person: PersonRecord
    #: the first row of the batch that names the person
    row: SourceRow
    #: O3: the day the person joined the party, when the rows say so (a blank cell changes nothing)
    party_member_since: dt.date | None


#: what must agree wherever a batch names the same person: the field reported, and its stored form
SAME_DETAILS: tuple[tuple[str, Callable[[_NamedPerson], object]], ...] = (
    ("name", lambda named: named.person.name),
    ("phone", lambda named: named.person.sealed.phone_index),
    ("id_number", lambda named: named.person.sealed.id_number_index),
    ("party_member_since", lambda named: named.party_member_since),
)


@dataclass
class _Owners:
    """What the valid unit groups of a batch come to."""

    people: dict[str, _NamedPerson]
    owner_sets: dict[str, OwnerSet]
    compound_of_household: dict[str, str]


def unit_key(row: SourceRow) -> tuple[str, str, str]:
    """The unit an owner row is about; its owners are on consecutive rows."""
    return row.values["compound_code"], row.values["building_code"], row.values["unit_number"]


async def write(uow: RegistryUnitOfWork, batch: Batch, state: ImportState) -> Remember:
    await state.load_buildings(uow, batch)
    known_building_ids = set()
    for row in batch.rows:
        parent = state.compounds.get(row.values["compound_code"])
        building_id = parent and state.buildings.get((parent.compound_id, row.values["building_code"]))
        if building_id:
            known_building_ids.add(building_id)
    units = await uow.bulk.households_in(known_building_ids)
    found = _Owners({}, {}, {})
    for group in _unit_groups(batch.rows):
        _owner_group(uow, batch, state, group, units, found)
    await refuse_taken_id_numbers(uow, batch, [(named.row, named.person) for named in found.people.values()])
    if batch.errors:
        return nothing_to_remember
    await uow.bulk.upsert_people(named.person for named in found.people.values())
    await _record_party_members(uow, found.people)
    registered = await uow.bulk.owner_sets(found.owner_sets.keys())
    changed = {
        household: links
        for household, links in found.owner_sets.items()
        if registered.get(household, frozenset()) != links
    }
    await uow.bulk.replace_owner_sets(changed)
    return lambda: state.roster_changed.update(found.compound_of_household[household] for household in changed)


def _owner_group(
    uow: RegistryUnitOfWork,
    batch: Batch,
    state: ImportState,
    group: list[SourceRow],
    units: dict[tuple[str, str], KnownHousehold],
    found: _Owners,
) -> None:
    """Validate the owner rows of one unit; records the unit's owner set when all rows are good."""
    first = group[0]
    try:
        parent = state.compound(first.values["compound_code"])
        building_id = state.building(parent, first.values["building_code"])
        unit_number = first.values["unit_number"]
        unit = units.get((building_id, unit_number))
        if unit is None:
            raise InvalidArgument(
                f"unit {unit_number or '(blank)'} is not registered in building {first.values['building_code']}",
                field="unit_number",
                rule="unknown_household",
            )
        if not state.first_time(batch, first, ("owners", unit.household_id, unit_number), "unit_number"):
            return
    except WuyeError as error:
        for row in group:
            batch.refuse(row, error, {})
        return
    links: list[OwnerLink] = []
    people_of_unit: dict[str, str] = {}
    errors_before = len(batch.errors)
    for row in group:
        try:
            links.append(
                OwnerLink.create(
                    household_id=unit.household_id, person_key=row.values["person_key"], share=row.values["share"] or 1
                )
            )
            named = _NamedPerson(sealed_person(uow, row, parent.jurisdiction_path), row, party_member_since(row))
            earlier = found.people.setdefault(named.person.person_id, named)
            for field, stored in SAME_DETAILS:
                if stored(earlier) != stored(named):
                    raise InvalidArgument(
                        f"person {row.values['person_key']} appears earlier in this batch with another {field}",
                        field=field,
                        rule="same_person_same_details",
                    )
            people_of_unit[links[-1].person_key] = named.person.person_id
        except WuyeError as error:
            batch.refuse(row, error, {"household_id": "unit_number"})
    if len(batch.errors) > errors_before:
        return
    try:
        check_unit_owners(unit.household_id, links, developer_unsold=unit.developer_unsold)
    except WuyeError as error:
        batch.refuse(first, error, {"owners": "person_key"})
        return
    state.roster_named.add(parent.compound_id)
    found.owner_sets[unit.household_id] = frozenset(
        (people_of_unit[link.person_key], link.share) for link in links
    )
    found.compound_of_household[unit.household_id] = parent.compound_id


async def _record_party_members(uow: RegistryUnitOfWork, people: dict[str, _NamedPerson]) -> None:
    """O3: record the party membership the rows give, announcing each person whose record changed."""
    since = {person_id: named.party_member_since for person_id, named in people.items() if named.party_member_since}
    for person_id in await uow.bulk.record_party_members(since):
        person = people[person_id].person
        await uow.publish(PartyMembershipChanged(person_id, person.jurisdiction_path, True, since[person_id]))


def _unit_groups(rows: list[SourceRow]) -> Iterator[list[SourceRow]]:
    """Consecutive owner rows of the same unit."""
    group: list[SourceRow] = []
    for row in rows:
        if group and unit_key(group[0]) != unit_key(row):
            yield group
            group = []
        group.append(row)
    if group:
        yield group
