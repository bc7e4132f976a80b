"""Handlers for compounds, buildings, households and their owners, and the reads other services and
screens need: a compound with its place and company, its buildings, its units, its voting roster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.validation import require_text
from wuye_registry.adapters.companies import CompanyRecord, PlacedContract
from wuye_registry.adapters.places import BuildingRecord, CompoundRecord, HouseholdRecord
from wuye_registry.domain import commands
from wuye_registry.domain.events import CompoundRegistered, CompoundUpdated, HouseholdRosterChanged, UnitChange
from wuye_registry.domain.places import Building, Compound, Household, Jurisdiction, OwnerLink, check_unit_owners
from wuye_registry.domain.roster import RosterUnit, VotingRoster, build_roster
from wuye_registry.service import access
from wuye_registry.service.access import REGISTRY_KEEPERS
from wuye_registry.service.unit_of_work import RegistryUnitOfWork


@dataclass(frozen=True)
class CompoundDetails:
    compound: CompoundRecord
    #: city, county, street, community
    jurisdictions: list[Jurisdiction]
    #: the company serving the compound today and its contract; None when none does
    company: CompanyRecord | None
    contract: PlacedContract | None


@dataclass(frozen=True)
class OwnerRoster:
    """The voting roster (V4, V6) and the units it counts."""

    roster: VotingRoster
    units: list[RosterUnit]


# --- compounds -----------------------------------------------------------------------------------


async def register_compound(command: commands.RegisterCompound, uow: RegistryUnitOfWork) -> CompoundRecord:
    auth.require_role(REGISTRY_KEEPERS, action="register a compound")
    async with uow:
        community = await access.jurisdiction(
            uow, command.community_code, field="community_code", action="register a compound"
        )
        value = Compound.create(
            code=command.code,
            name=command.name,
            compound_type=command.compound_type,
            management_mode=command.management_mode,
            jurisdiction_path=community.path,
        )
        if await uow.places.compound_code_taken(value.code):
            raise AlreadyExists(f"compound code {value.code} is already registered", field="code")
        compound = await uow.places.add_compound(new_id(), value)
        await uow.publish(CompoundRegistered(compound.compound_id, value))
        await uow.commit()
    return compound


async def update_compound(command: commands.UpdateCompound, uow: RegistryUnitOfWork) -> CompoundRecord:
    auth.require_role(REGISTRY_KEEPERS, action="update a compound")
    async with uow:
        current = await access.compound(uow, command.compound_id, action="update a compound")
        value = Compound.create(
            code=current.code,
            name=command.name,
            compound_type=command.compound_type,
            management_mode=command.management_mode,
            jurisdiction_path=current.jurisdiction_path,
        )
        compound = await uow.places.update_compound(current.compound_id, value)
        await uow.publish(CompoundUpdated(compound.compound_id, value))
        await uow.commit()
    return compound


async def get_compound(query: commands.GetCompound, uow: RegistryUnitOfWork) -> CompoundDetails:
    async with uow.reading():
        compound = await access.compound(uow, query.compound_id, action="read a compound")
        jurisdictions = await uow.jurisdictions.along_path(compound.jurisdiction_path)
        serving = await access.serving_contract(uow, compound.compound_id, access.today())
        if serving is None:
            return CompoundDetails(compound, jurisdictions, None, None)
        company = await uow.companies.by_uscc(serving.company_uscc)
    assert company is not None, "a contract always names a registered company"
    return CompoundDetails(
        compound, jurisdictions, company, PlacedContract(serving, compound.compound_id, company.company_id)
    )


async def list_compounds(query: commands.ListCompounds, uow: RegistryUnitOfWork) -> list[CompoundRecord]:
    """The compounds in a jurisdiction and everything below it, in id order."""
    async with uow.reading():
        place = await access.jurisdiction(
            uow, query.jurisdiction_code, field="jurisdiction_code", action="list compounds"
        )
        return await uow.places.compounds_in(str(place.path), after=query.after, limit=query.limit)


# --- buildings -----------------------------------------------------------------------------------


async def add_building(command: commands.AddBuilding, uow: RegistryUnitOfWork) -> BuildingRecord:
    auth.require_role(REGISTRY_KEEPERS, action="add a building")
    async with uow:
        parent = await access.compound(uow, command.compound_id, action="add a building")
        value = Building.create(compound_code=parent.code, code=command.code, name=command.name)
        if await uow.places.building_code_taken(parent.compound_id, value.code):
            raise AlreadyExists(f"building {value.code} already exists in compound {parent.code}", field="code")
        building = BuildingRecord(new_id(), parent.compound_id, value.code, value.name)
        await uow.places.add_building(building)
        await uow.commit()
    return building


async def list_buildings(query: commands.ListBuildings, uow: RegistryUnitOfWork) -> list[BuildingRecord]:
    async with uow.reading():
        compound = await access.compound(uow, query.compound_id, action="list buildings")
        return await uow.places.buildings_of(compound.compound_id)


# --- households and owners -----------------------------------------------------------------------


async def _owner_links(
    uow: RegistryUnitOfWork, household_id: str, owners: Sequence[commands.OwnerShareInput], *, developer_unsold: bool
) -> list[OwnerLink]:
    """The unit's owners as the domain accepts them (V4: none for developer stock), each a registered person."""
    links = [
        OwnerLink.create(household_id=household_id, person_key=owner.person_id, share=owner.share or "1")
        for owner in owners
    ]
    check_unit_owners(household_id, links, developer_unsold=developer_unsold)
    await access.require_people(uow, [link.person_key for link in links], field="owners.person_id")
    return links


async def _record_owners(
    uow: RegistryUnitOfWork, household_id: str, links: list[OwnerLink], *, developer_unsold: bool, path: str
) -> HouseholdRecord:
    """Replace the unit's owners and announce the compound's roster change."""
    await uow.places.replace_owners(household_id, links, developer_unsold=developer_unsold)
    household = await uow.places.household(household_id)
    assert household is not None, "the caller has just written or found this household"
    change = UnitChange(
        building_id=household.building_id,
        household_id=household.household_id,
        area_dm2=household.area_dm2,
        owner_count=len(household.owners),
        developer_unsold=household.developer_unsold,
    )
    await uow.publish(HouseholdRosterChanged(household.compound_id, path, change))
    return household


async def add_household(command: commands.AddHousehold, uow: RegistryUnitOfWork) -> HouseholdRecord:
    auth.require_role(REGISTRY_KEEPERS, action="add a household")
    async with uow:
        building_id = require_text(command.building_id, field="building_id", max_length=36)
        building = await uow.places.building(building_id)
        if building is None:
            raise NotFound(f"building {building_id} does not exist", field="building_id")
        parent = await access.compound(uow, building.compound_id, action="add a household", field="building_id")
        value = Household.create(
            compound_code=parent.code,
            building_code=building.code,
            unit_number=command.unit_number,
            area_dm2=command.area_dm2,
        )
        household_id = new_id()
        unsold = command.developer_unsold
        links = await _owner_links(uow, household_id, command.owners, developer_unsold=unsold)
        if await uow.places.unit_number_taken(building_id, value.unit_number):
            raise AlreadyExists(
                f"unit {value.unit_number} already exists in building {building.code}", field="unit_number"
            )
        await uow.places.add_household(
            household_id, value, compound_id=parent.compound_id, building_id=building_id, developer_unsold=unsold
        )
        household = await _record_owners(
            uow, household_id, links, developer_unsold=unsold, path=parent.jurisdiction_path
        )
        await uow.commit()
    return household


async def set_household_owners(command: commands.SetHouseholdOwners, uow: RegistryUnitOfWork) -> HouseholdRecord:
    action = "change a household's owners"
    auth.require_role(REGISTRY_KEEPERS, action=action)
    async with uow:
        household_id = require_text(command.household_id, field="household_id", max_length=36)
        current = await uow.places.household(household_id)
        if current is None:
            raise NotFound(f"household {household_id} does not exist", field="household_id")
        parent = await access.compound(uow, current.compound_id, action=action, field="household_id")
        unsold = command.developer_unsold
        links = await _owner_links(uow, household_id, command.owners, developer_unsold=unsold)
        household = await _record_owners(
            uow, household_id, links, developer_unsold=unsold, path=parent.jurisdiction_path
        )
        await uow.commit()
    return household


@dataclass(frozen=True)
class PlacedHousehold:
    household: HouseholdRecord
    jurisdiction_path: str


async def get_household(query: commands.GetHousehold, uow: RegistryUnitOfWork) -> PlacedHousehold:
    """One unit with its owners, for a caller whose scope covers its compound (services check facts, A4)."""
    household_id = require_text(query.household_id, field="household_id", max_length=36)
    async with uow.reading():
        household = await uow.places.household(household_id)
        if household is None:
            raise NotFound(f"household {household_id} does not exist", field="household_id", rule="A4")
        compound = await access.compound(uow, household.compound_id, action="read a household", field="household_id")
    return PlacedHousehold(household, compound.jurisdiction_path)


async def list_households(query: commands.ListHouseholds, uow: RegistryUnitOfWork) -> list[HouseholdRecord]:
    """The units of a compound, or of one of its buildings, in id order."""
    async with uow.reading():
        compound = await access.compound(uow, query.compound_id, action="list households")
        building_id = None
        if query.building_id:
            building_id = require_text(query.building_id, field="building_id", max_length=36)
            building = await uow.places.building(building_id)
            if building is None or building.compound_id != compound.compound_id:
                raise NotFound(f"compound {compound.compound_id} has no building {building_id}", field="building_id")
        return await uow.places.households_of(
            compound.compound_id, building_id=building_id, after=query.after, limit=query.limit
        )


async def get_owner_roster(query: commands.GetOwnerRoster, uow: RegistryUnitOfWork) -> OwnerRoster:
    """The voting roster of a compound, or of some of its buildings (V4 counting, V6 scope)."""
    async with uow.reading():
        compound = await access.compound(uow, query.compound_id, action="read an owner roster")
        units = await uow.places.roster_units(compound.compound_id)
    roster = build_roster(units, building_ids=list(query.building_ids) or None)
    counted = {unit_id for owner in roster.owners for unit_id in owner.unit_ids}
    return OwnerRoster(roster, [unit for unit in units if unit.unit_id in counted])
