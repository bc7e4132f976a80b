"""Use cases for compounds, buildings, households and their owners."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye.registry.v1 import events_pb2, registry_pb2
from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.proto_values import enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_registry.adapters import places as repository
from wuye_registry.domain.places import Building, Compound, Household, OwnerLink, check_unit_owners
from wuye_registry.domain.roster import VotingRoster, build_roster
from wuye_registry.service.access import REGISTRY_KEEPERS, compound, jurisdiction, require_people

DEVELOPER_OWNER_KEY = "developer"


def compound_event(event_type: type, compound_id: str, value: Compound):  # type: ignore[no-untyped-def]
    return event_type(
        compound_id=compound_id,
        code=value.code,
        name=value.name,
        jurisdiction_path=str(value.jurisdiction_path),
        compound_type=value.compound_type.value,
        management_mode=value.management_mode.value,
    )


async def register_compound(uow: UnitOfWork, request: registry_pb2.RegisterCompoundRequest) -> registry_pb2.Compound:
    auth.require_role(REGISTRY_KEEPERS, action="register a compound")
    async with uow:
        community = await jurisdiction(
            uow.session, request.community_code, field="community_code", action="register a compound"
        )
        value = Compound.create(
            code=request.code,
            name=request.name,
            compound_type=enum_text(registry_pb2.CompoundType, request.compound_type),
            management_mode=enum_text(registry_pb2.ManagementMode, request.management_mode),
            jurisdiction_path=community["path"],
        )
        if await repository.compound_code_taken(uow.session, value.code):
            raise AlreadyExists(f"compound code {value.code} is already registered", field="code")
        compound_id = new_id()
        await repository.add_compound(uow.session, compound_id, value)
        await uow.publish(compound_event(events_pb2.CompoundRegistered, compound_id, value), aggregate_id=compound_id)
        row = await repository.get_compound(uow.session, compound_id)
        await uow.commit()
    assert row is not None
    return repository.compound_message(row)


async def update_compound(uow: UnitOfWork, request: registry_pb2.UpdateCompoundRequest) -> registry_pb2.Compound:
    auth.require_role(REGISTRY_KEEPERS, action="update a compound")
    async with uow:
        current = await compound(uow.session, request.compound_id, action="update a compound")
        value = Compound.create(
            code=current["code"],
            name=request.name,
            compound_type=enum_text(registry_pb2.CompoundType, request.compound_type),
            management_mode=enum_text(registry_pb2.ManagementMode, request.management_mode),
            jurisdiction_path=current["jurisdiction_path"],
        )
        await repository.update_compound(uow.session, current["id"], value)
        await uow.publish(compound_event(events_pb2.CompoundUpdated, current["id"], value), aggregate_id=current["id"])
        row = await repository.get_compound(uow.session, current["id"])
        await uow.commit()
    assert row is not None
    return repository.compound_message(row)


async def add_building(uow: UnitOfWork, request: registry_pb2.AddBuildingRequest) -> registry_pb2.Building:
    auth.require_role(REGISTRY_KEEPERS, action="add a building")
    async with uow:
        parent = await compound(uow.session, request.compound_id, action="add a building")
        value = Building.create(compound_code=parent["code"], code=request.code, name=request.name)
        if await repository.building_code_taken(uow.session, parent["id"], value.code):
            raise AlreadyExists(f"building {value.code} already exists in compound {parent['code']}", field="code")
        building_id = new_id()
        await repository.add_building(
            uow.session, building_id=building_id, compound_id=parent["id"], code=value.code, name=value.name
        )
        await uow.commit()
    return registry_pb2.Building(id=building_id, compound_id=parent["id"], code=value.code, name=value.name)


def _owner_links(household_id: str, owners: Sequence[registry_pb2.OwnerShare]) -> list[OwnerLink]:
    return [
        OwnerLink.create(household_id=household_id, person_key=owner.person_id, share=owner.share or "1")
        for owner in owners
    ]


async def _announce_roster_change(uow: UnitOfWork, household: registry_pb2.Household, jurisdiction_path: str) -> None:
    event = events_pb2.HouseholdRosterChanged(
        compound_id=household.compound_id,
        jurisdiction_path=jurisdiction_path,
        building_id=household.building_id,
        household_id=household.id,
        area_dm2=household.area_dm2,
        owner_count=len(household.owners),
        developer_unsold=household.developer_unsold,
    )
    await uow.publish(event, aggregate_id=household.compound_id)


async def add_household(uow: UnitOfWork, request: registry_pb2.AddHouseholdRequest) -> registry_pb2.Household:
    auth.require_role(REGISTRY_KEEPERS, action="add a household")
    async with uow:
        building_id = require_text(request.building_id, field="building_id", max_length=36)
        building = await repository.get_building(uow.session, building_id)
        if building is None:
            raise NotFound(f"building {building_id} does not exist", field="building_id")
        parent = await compound(uow.session, building["compound_id"], action="add a household", field="building_id")
        value = Household.create(
            compound_code=parent["code"],
            building_code=building["code"],
            unit_number=request.unit_number,
            area_dm2=request.area_dm2,
        )
        household_id = new_id()
        links = _owner_links(household_id, request.owners)
        check_unit_owners(household_id, links, developer_unsold=request.developer_unsold)
        await require_people(uow.session, [link.person_key for link in links], field="owners.person_id")
        if await repository.unit_number_taken(uow.session, building_id, value.unit_number):
            raise AlreadyExists(
                f"unit {value.unit_number} already exists in building {building['code']}", field="unit_number"
            )
        await repository.add_household(
            uow.session,
            household_id=household_id,
            compound_id=parent["id"],
            building_id=building_id,
            unit_number=value.unit_number,
            area_dm2=value.area_dm2,
            developer_unsold=request.developer_unsold,
        )
        await repository.replace_owners(uow.session, household_id, links, developer_unsold=request.developer_unsold)
        household = await repository.household_message(uow.session, household_id)
        await _announce_roster_change(uow, household, parent["jurisdiction_path"])
        await uow.commit()
    return household


async def set_household_owners(
    uow: UnitOfWork, request: registry_pb2.SetHouseholdOwnersRequest
) -> registry_pb2.Household:
    auth.require_role(REGISTRY_KEEPERS, action="change a household's owners")
    async with uow:
        household_id = require_text(request.household_id, field="household_id", max_length=36)
        current = await repository.get_household(uow.session, household_id)
        if current is None:
            raise NotFound(f"household {household_id} does not exist", field="household_id")
        parent = await compound(
            uow.session, current["compound_id"], action="change a household's owners", field="household_id"
        )
        links = _owner_links(household_id, request.owners)
        check_unit_owners(household_id, links, developer_unsold=request.developer_unsold)
        await require_people(uow.session, [link.person_key for link in links], field="owners.person_id")
        await repository.replace_owners(uow.session, household_id, links, developer_unsold=request.developer_unsold)
        household = await repository.household_message(uow.session, household_id)
        await _announce_roster_change(uow, household, parent["jurisdiction_path"])
        await uow.commit()
    return household


def _owner_key(person_ids: Sequence[str]) -> str:
    return "+".join(person_ids) if person_ids else DEVELOPER_OWNER_KEY


def roster_message(roster: VotingRoster) -> registry_pb2.GetOwnerRosterResponse:
    owners = [
        registry_pb2.RosterOwner(
            owner_key=_owner_key(owner.person_keys),
            person_ids=owner.person_keys,
            is_developer=owner.is_developer,
            unit_ids=owner.unit_ids,
            area_dm2=owner.area_dm2,
        )
        for owner in roster.owners
    ]
    return registry_pb2.GetOwnerRosterResponse(
        owners=owners,
        owner_count=roster.owner_count,
        unit_count=roster.unit_count,
        total_area_dm2=roster.total_area_dm2,
    )


async def owner_roster(
    sessions: async_sessionmaker[AsyncSession], request: registry_pb2.GetOwnerRosterRequest
) -> registry_pb2.GetOwnerRosterResponse:
    async with sessions() as session:
        parent = await compound(session, request.compound_id, action="read an owner roster")
        units = await repository.roster_units(session, parent["id"])
    roster = build_roster(units, building_ids=list(request.building_ids) or None)
    answer = roster_message(roster)
    in_scope = {unit_id for owner in roster.owners for unit_id in owner.unit_ids}
    key_of_unit = {unit_id: owner.owner_key for owner in answer.owners for unit_id in owner.unit_ids}
    answer.units.extend(
        registry_pb2.RosterUnit(
            unit_id=unit.unit_id,
            building_id=unit.building_id,
            area_dm2=unit.area_dm2,
            owner_key=key_of_unit[unit.unit_id],
            developer_unsold=unit.developer_unsold,
        )
        for unit in units
        if unit.unit_id in in_scope
    )
    return answer
