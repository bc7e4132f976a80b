import pytest

from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_registry.domain.roster import RosterUnit, build_roster, owner_key


def unit(unit_id, building, area, *owners, developer=False):
    return RosterUnit(unit_id, building, area, tuple(owners), developer_unsold=developer)


def test_V4_each_unit_one_owner():
    roster = build_roster([unit("u1", "B1", 8957, "a"), unit("u2", "B1", 10000, "b")])
    assert (roster.owner_count, roster.total_area_dm2) == (2, 18957)


def test_V4_one_buyer_several_units_counts_once():
    roster = build_roster([unit("u1", "B1", 8957, "a"), unit("u2", "B2", 10000, "a"), unit("u3", "B1", 5000, "b")])
    assert roster.owner_count == 2
    owner_a = next(owner for owner in roster.owners if owner.person_keys == ("a",))
    assert (owner_a.unit_ids, owner_a.area_dm2) == (("u1", "u2"), 18957)


def test_V4_developer_unsold_units_count_as_one_owner():
    roster = build_roster(
        [unit("u1", "B1", 8000, developer=True), unit("u2", "B2", 9000, developer=True), unit("u3", "B1", 7000, "a")]
    )
    assert roster.owner_count == 2
    developer = next(owner for owner in roster.owners if owner.is_developer)
    assert (developer.unit_ids, developer.area_dm2, developer.person_keys) == (("u1", "u2"), 17000, ())


def test_V4_joint_owners_of_one_unit_count_once():
    roster = build_roster([unit("u1", "B1", 8957, "a", "b")])
    assert roster.owner_count == 1
    assert roster.owners[0].person_keys == ("a", "b")


def test_V4_same_joint_owners_of_two_units_count_once_in_any_order():
    roster = build_roster([unit("u1", "B1", 8000, "a", "b"), unit("u2", "B1", 9000, "b", "a")])
    assert (roster.owner_count, roster.owners[0].area_dm2) == (1, 17000)


def test_V4_sole_unit_and_joint_unit_are_different_buyers():
    roster = build_roster([unit("u1", "B1", 8000, "a", "b"), unit("u2", "B1", 9000, "a")])
    assert roster.owner_count == 2


def test_V4_area_totals_exact():
    roster = build_roster([unit(f"u{index}", "B1", 8957, f"p{index}") for index in range(1000)])
    assert (roster.owner_count, roster.unit_count, roster.total_area_dm2) == (1000, 1000, 8_957_000)


def test_V4_unit_without_owner_refused():
    with pytest.raises(InvalidArgument) as caught:
        build_roster([unit("u1", "B1", 8000)])
    assert (caught.value.field, caught.value.rule) == ("owner_person_keys", "V4")


def test_V4_duplicate_unit_refused():
    with pytest.raises(InvalidArgument) as caught:
        build_roster([unit("u1", "B1", 8000, "a"), unit("u1", "B1", 8000, "b")])
    assert (caught.value.field, caught.value.rule) == ("unit_id", "V4")


def test_V4_zero_area_refused():
    with pytest.raises(InvalidArgument) as caught:
        build_roster([unit("u1", "B1", 0, "a")])
    assert caught.value.field == "area_dm2"


def test_V6_roster_limited_to_buildings():
    units = [unit("u1", "B1", 8000, "a"), unit("u2", "B2", 9000, "a"), unit("u3", "B2", 7000, "b")]
    roster = build_roster(units, building_ids=["B1"])
    assert roster.owner_count == 1
    assert (roster.owners[0].unit_ids, roster.total_area_dm2) == (("u1",), 8000)
    assert roster.building_ids == ("B1",)


def test_V6_owner_counted_only_with_units_in_scope():
    units = [unit("u1", "B1", 8000, "a"), unit("u2", "B2", 9000, "a")]
    assert build_roster(units, building_ids={"B2"}).total_area_dm2 == 9000


def test_V6_unknown_building_refused():
    with pytest.raises(NotFound) as caught:
        build_roster([unit("u1", "B1", 8000, "a")], building_ids=["B9"])
    assert (caught.value.field, caught.value.rule) == ("building_ids", "V6")


def test_V6_empty_building_scope_refused():
    with pytest.raises(InvalidArgument) as caught:
        build_roster([unit("u1", "B1", 8000, "a")], building_ids=[])
    assert caught.value.rule == "V6"


def test_V4_owner_keys_are_stable_and_bounded_however_many_own_together():
    assert owner_key(()) == "developer" and owner_key(("person-1",)) == "person-1"
    many = tuple(f"0190f1c2-7a4b-7c3d-8e5f-{n:012d}" for n in range(12))
    assert owner_key(many) == owner_key(tuple(reversed(many))) and len(owner_key(many)) == 38
    assert owner_key(("a", "b")) != owner_key(("a", "c"))
