"""Compounds, buildings, households and the owner roster over real gRPC, NATS and databases."""

from __future__ import annotations

import grpc
import pytest

from wuye.registry.v1 import registry_pb2

from .conftest import ANXI_COMMUNITY, ANXI_OFFICER, HUIAN_STREET, HUIAN_WORKER, Registry, refused, uscc


async def test_compound_is_registered_announced_and_read_with_its_path_and_company(registry: Registry) -> None:
    compound = await registry.compound()
    assert compound.jurisdiction_path == "350500/350521/350521100/350521100001"
    assert await registry.events("CompoundRegistered") == 1
    company = await registry.company(1)
    await registry.contract(compound.id, company.id, "2020-01-01")
    answer = await registry.call("GetCompound", registry_pb2.GetCompoundRequest(compound_id=compound.id), HUIAN_WORKER)
    assert [j.code for j in answer.jurisdictions] == ["350500", "350521", HUIAN_STREET, "350521100001"]
    assert answer.current_company.uscc == uscc(1)
    assert answer.current_contract.start_on == "2020-01-01"

    updated = await registry.call(
        "UpdateCompound",
        registry_pb2.UpdateCompoundRequest(
            compound_id=compound.id,
            name="凤凰城一期",
            compound_type=registry_pb2.COMPOUND_TYPE_OLD,
            management_mode=registry_pb2.MANAGEMENT_MODE_COMPANY,
        ),
        HUIAN_WORKER,
    )
    assert updated.compound.name == "凤凰城一期" and updated.compound.code == compound.code
    assert await registry.events("CompoundUpdated") == 1


@pytest.mark.parametrize(
    ("community", "code", "status", "field"),
    [
        ("350521100999", "NEW", grpc.StatusCode.NOT_FOUND, "community_code"),  # unknown jurisdiction
        ("350521100001", "FHC", grpc.StatusCode.ALREADY_EXISTS, "code"),  # duplicate code
        (HUIAN_STREET, "NEW", grpc.StatusCode.INVALID_ARGUMENT, "jurisdiction_path"),  # a street, not a community
        ("350521100001", "bad code!", grpc.StatusCode.INVALID_ARGUMENT, "code"),
    ],
)
async def test_bad_compound_is_refused_naming_the_field_and_changes_nothing(
    registry: Registry, community: str, code: str, status: grpc.StatusCode, field: str
) -> None:
    await registry.compound("FHC")
    before = await registry.snapshot("compounds")
    seen, error = await refused(registry.compound(code, community))
    assert (seen, error.field) == (status, field)
    assert await registry.snapshot("compounds") == before


async def test_negative_area_is_refused_and_changes_nothing(registry: Registry) -> None:
    compound = await registry.compound()
    building = await registry.building(compound.id)
    owner = await registry.person()
    before = await registry.snapshot("households", "owners")
    status, error = await refused(registry.household(building.id, "101", -8957, owner))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "area_dm2")
    status, error = await refused(registry.household(building.id, "101", 8957, "no-such-person"))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "owners.person_id")
    await registry.household(building.id, "101", 8957, owner)
    status, error = await refused(registry.household(building.id, "101", 8957, owner))
    assert (status, error.field) == (grpc.StatusCode.ALREADY_EXISTS, "unit_number")
    assert await registry.snapshot("households", "owners") == (before[0] + 1, before[1] + 1, before[2] + 1)


async def test_V4_roster_counts_one_buyer_once(registry: Registry) -> None:
    compound = await registry.compound()
    tower_a = await registry.building(compound.id, "A")
    tower_b = await registry.building(compound.id, "B")
    buyer, wife, husband = await registry.person("甲"), await registry.person("乙"), await registry.person("丙")
    first = await registry.household(tower_a.id, "101", 8957, buyer)
    second = await registry.household(tower_b.id, "201", 12000, buyer)
    couple = await registry.household(tower_a.id, "102", 9000, wife, husband)
    stock = [await registry.household(tower_b.id, f"30{i}", 10000, developer_unsold=True) for i in (1, 2)]
    assert await registry.events("HouseholdRosterChanged") == 5

    roster = await registry.call("GetOwnerRoster", registry_pb2.GetOwnerRosterRequest(compound_id=compound.id))
    assert (roster.owner_count, roster.unit_count, roster.total_area_dm2) == (3, 5, 8957 + 12000 + 9000 + 20000)
    by_key = {owner.owner_key: owner for owner in roster.owners}
    assert by_key[buyer].area_dm2 == 20957 and sorted(by_key[buyer].unit_ids) == sorted([first.id, second.id])
    [joint] = [owner for owner in roster.owners if len(owner.person_ids) == 2]
    assert joint.unit_ids == [couple.id] and sorted(joint.person_ids) == sorted([wife, husband])
    assert joint.owner_key.startswith("joint-") and len(joint.owner_key) == 38  # fits a 64-character column
    assert by_key["developer"].is_developer and by_key["developer"].area_dm2 == 20000
    assert {unit.unit_id: unit.owner_key for unit in roster.units}[stock[0].id] == "developer"

    # V6: only the owners of building A vote on a repair of building A
    scoped = await registry.call(
        "GetOwnerRoster", registry_pb2.GetOwnerRosterRequest(compound_id=compound.id, building_ids=[tower_a.id])
    )
    assert (scoped.owner_count, scoped.total_area_dm2) == (2, 8957 + 9000)


async def test_A4_a_household_is_read_with_its_owners_and_an_unknown_one_is_refused_naming_the_field(
    registry: Registry,
) -> None:
    compound = await registry.compound()
    tower = await registry.building(compound.id, "A")
    wife, husband = await registry.person("乙"), await registry.person("丙")
    couple = await registry.household(tower.id, "102", 9000, wife, husband)
    found = await registry.call("GetHousehold", registry_pb2.GetHouseholdRequest(household_id=couple.id))
    assert found.household.compound_id == compound.id and found.jurisdiction_path == compound.jurisdiction_path
    assert sorted(owner.person_id for owner in found.household.owners) == sorted([wife, husband])
    status, error = await refused(
        registry.call("GetHousehold", registry_pb2.GetHouseholdRequest(household_id="no-such-unit"))
    )
    assert (status, error.field, error.rule) == (grpc.StatusCode.NOT_FOUND, "household_id", "A4")


async def test_a_sale_changes_the_roster_and_is_announced(registry: Registry) -> None:
    compound = await registry.compound()
    building = await registry.building(compound.id)
    unit = await registry.household(building.id, "101", 8957, developer_unsold=True)
    buyer = await registry.person()
    sold = await registry.call(
        "SetHouseholdOwners",
        registry_pb2.SetHouseholdOwnersRequest(household_id=unit.id, owners=[registry_pb2.OwnerShare(person_id=buyer)]),
    )
    assert [o.person_id for o in sold.household.owners] == [buyer] and not sold.household.developer_unsold
    assert await registry.events("HouseholdRosterChanged") == 2
    status, error = await refused(
        registry.call(
            "SetHouseholdOwners",
            registry_pb2.SetHouseholdOwnersRequest(
                household_id=unit.id, owners=[registry_pb2.OwnerShare(person_id=buyer, share="1/2")]
            ),
        )
    )
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "share")
    assert await registry.events("HouseholdRosterChanged") == 2


async def test_compounds_are_read_and_changed_only_inside_the_callers_scope(registry: Registry) -> None:
    huian = await registry.compound("FHC")
    anxi = await registry.compound("AX1", ANXI_COMMUNITY)
    listed = await registry.call(
        "ListCompounds", registry_pb2.ListCompoundsRequest(jurisdiction_code="350521"), HUIAN_WORKER
    )
    assert [c.id for c in listed.compounds] == [huian.id]
    everything = await registry.call("ListCompounds", registry_pb2.ListCompoundsRequest(jurisdiction_code="350500"))
    assert {c.id for c in everything.compounds} == {huian.id, anxi.id}
    status, _ = await refused(
        registry.call("GetCompound", registry_pb2.GetCompoundRequest(compound_id=huian.id), ANXI_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, _ = await refused(
        registry.call(
            "AddBuilding", registry_pb2.AddBuildingRequest(compound_id=huian.id, code="X", name="X"), ANXI_OFFICER
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert await registry.count("buildings") == 0
