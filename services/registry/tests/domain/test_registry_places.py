from fractions import Fraction

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_registry.domain.places import (
    Building,
    Compound,
    CompoundType,
    Household,
    Jurisdiction,
    JurisdictionLevel,
    ManagementMode,
    OwnerLink,
    check_household_owners,
    parse_share,
)

COMMUNITY = "350500/350521/350521100/350521100001"


def test_jurisdiction_children_down_to_community():
    city = Jurisdiction.create(path="350500", name="泉州市")
    county = city.child(division_code="350521", name="惠安县")
    street = county.child(division_code="350521100", name="螺城镇")
    community = street.child(division_code="350521100001", name="某社区")
    assert [j.level for j in (city, county, street, community)] == list(JurisdictionLevel)
    assert str(community.path) == COMMUNITY
    assert community.division_code == "350521100001"
    assert str(community.parent_path) == "350500/350521/350521100"


def test_jurisdiction_child_code_must_extend_parent():
    county = Jurisdiction.create(path="350500/350521", name="惠安县")
    with pytest.raises(InvalidArgument) as caught:
        county.child(division_code="350524100", name="凤城镇")  # belongs to Anxi, not Hui'an
    assert caught.value.field == "division_code"
    assert caught.value.rule == "division_code"


def test_jurisdiction_child_code_length_per_level():
    county = Jurisdiction.create(path="350500/350521", name="惠安县")
    with pytest.raises(InvalidArgument) as caught:
        county.child(division_code="3505211", name="x")
    assert caught.value.field == "division_code"


def test_jurisdiction_community_has_no_children():
    community = Jurisdiction.create(path=COMMUNITY, name="社区")
    with pytest.raises(InvalidArgument) as caught:
        community.child(division_code="350521100001001", name="x")
    assert caught.value.rule == "four_levels"


def test_jurisdiction_name_required():
    with pytest.raises(InvalidArgument) as caught:
        Jurisdiction.create(path="350500", name="  ")
    assert (caught.value.field, caught.value.rule) == ("name", "required")


def test_compound_created_in_community():
    compound = Compound.create(
        code="HA-FHC",
        name="凤凰城",
        compound_type="commodity",
        management_mode="company",
        jurisdiction_path=COMMUNITY,
    )
    assert compound.compound_type is CompoundType.COMMODITY
    assert compound.management_mode is ManagementMode.COMPANY
    assert str(compound.jurisdiction_path) == COMMUNITY


def test_compound_outside_community_refused():
    with pytest.raises(InvalidArgument) as caught:
        Compound.create(
            code="HA-FHC",
            name="凤凰城",
            compound_type="commodity",
            management_mode="company",
            jurisdiction_path="350500/350521/350521100",
        )
    assert (caught.value.field, caught.value.rule) == ("jurisdiction_path", "compound_in_community")


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"compound_type": "villa"}, "compound_type"),
        ({"management_mode": "developer"}, "management_mode"),
        ({"code": "凤凰城"}, "code"),
        ({"code": ""}, "code"),
        ({"jurisdiction_path": "350500/35052"}, "jurisdiction_path"),
    ],
)
def test_compound_bad_field_named(overrides, field):
    arguments = {
        "code": "HA-OLY",
        "name": "奥林匹克",
        "compound_type": "old",
        "management_mode": "state_owned_trusteeship",
        "jurisdiction_path": COMMUNITY,
    } | overrides
    with pytest.raises(InvalidArgument) as caught:
        Compound.create(**arguments)
    assert caught.value.field == field


def test_building_and_household():
    building = Building.create(compound_code="HA-FHC", code="B1", name="1号楼")
    household = Household.create(
        compound_code="HA-FHC", building_code=building.code, unit_number="1-301", area_dm2=8957
    )
    assert household.area_dm2 == 8957


@pytest.mark.parametrize("area", [0, -100])
def test_household_area_must_be_positive(area):
    with pytest.raises(InvalidArgument) as caught:
        Household.create(compound_code="HA-FHC", building_code="B1", unit_number="1-301", area_dm2=area)
    assert (caught.value.field, caught.value.rule) == ("area_dm2", "positive")


def test_owner_share_parsing():
    assert parse_share("1/2") == Fraction(1, 2)
    assert parse_share("0.25") == Fraction(1, 4)
    assert parse_share(1) == 1


@pytest.mark.parametrize("share", ["0", "3/2", "-1/2", "abc", "1/0"])
def test_owner_share_out_of_range_refused(share):
    with pytest.raises(InvalidArgument) as caught:
        parse_share(share)
    assert caught.value.field == "share"


def test_joint_owners_shares_sum_to_one():
    links = [
        OwnerLink.create(household_id="h1", person_key="p1", share="1/2"),
        OwnerLink.create(household_id="h1", person_key="p2", share="1/2"),
    ]
    check_household_owners("h1", links)


def test_owner_shares_not_summing_to_one_refused():
    links = [
        OwnerLink.create(household_id="h1", person_key="p1", share="1/2"),
        OwnerLink.create(household_id="h1", person_key="p2", share="1/3"),
    ]
    with pytest.raises(InvalidArgument) as caught:
        check_household_owners("h1", links)
    assert (caught.value.field, caught.value.rule) == ("share", "shares_sum_to_one")


def test_same_owner_twice_refused():
    links = [
        OwnerLink.create(household_id="h1", person_key="p1", share="1/2"),
        OwnerLink.create(household_id="h1", person_key="p1", share="1/2"),
    ]
    with pytest.raises(InvalidArgument) as caught:
        check_household_owners("h1", links)
    assert caught.value.rule == "unique_owner"


def test_household_without_owner_refused():
    with pytest.raises(InvalidArgument) as caught:
        check_household_owners("h1", [])
    assert caught.value.rule == "household_has_owner"


def test_owner_link_of_other_household_refused():
    with pytest.raises(InvalidArgument) as caught:
        check_household_owners("h1", [OwnerLink.create(household_id="h2", person_key="p1")])
    assert caught.value.field == "household_id"
