import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_complaints.domain.categories import CATEGORIES, CategoryCatalogue
from wuye_complaints.domain.deadlines import DEFAULT_RESOLVE_WORKING_DAYS

TEN_TOP_PROBLEMS_IN_SEED_ORDER = [
    "security",
    "cleaning",
    "fire_equipment",
    "ebike_parking_charging",
    "lifts",
    "vehicle_parking",
    "drain_blockage",
    "road_damage",
    "public_lighting",
    "bare_green_land",
]
MORE_IN_RULE_ORDER = [
    "property_fees",
    "noise",
    "illegal_construction",
    "renovation",
    "pets",
    "water_supply",
    "common_income",
    "committee",
    "personal_data_leak",
    "other",
]


def test_C1_ten_top_problems_come_first_in_seed_order():
    codes = [category.code for category in CategoryCatalogue()]
    assert codes[:10] == TEN_TOP_PROBLEMS_IN_SEED_ORDER
    assert all(category.top_ten for category in list(CategoryCatalogue())[:10])


def test_C1_more_categories_follow_and_other_is_last():
    catalogue = list(CategoryCatalogue())
    assert [category.code for category in catalogue[10:]] == MORE_IN_RULE_ORDER
    assert not any(category.top_ten for category in catalogue[10:])


def test_C1_every_category_has_unique_code_and_both_labels():
    codes = [category.code for category in CATEGORIES]
    assert len(codes) == len(set(codes)) == 20
    for category in CATEGORIES:
        assert category.label_zh.strip() and category.label_en.strip()
        assert category.label == f"{category.label_zh} {category.label_en}"
    assert CategoryCatalogue().get("lifts").label == "电梯故障 Lift breakdowns"


def test_C1_violation_flag_marks_the_enforcement_categories():
    violations = {category.code for category in CategoryCatalogue().violations()}
    assert violations == {
        "fire_equipment",
        "ebike_parking_charging",
        "illegal_construction",
        "renovation",
        "personal_data_leak",
    }


def test_C3_default_resolve_deadline_is_five_working_days():
    assert DEFAULT_RESOLVE_WORKING_DAYS == 5
    assert {category.resolve_working_days for category in CategoryCatalogue()} == {5}


def test_C3_category_may_set_a_longer_resolve_deadline_and_keeps_its_place():
    catalogue = CategoryCatalogue({"illegal_construction": 6, "road_damage": 15})
    assert catalogue.get("illegal_construction").resolve_working_days == 6
    assert catalogue.get("road_damage").resolve_working_days == 15
    assert catalogue.get("lifts").resolve_working_days == 5
    assert [category.code for category in catalogue][:10] == TEN_TOP_PROBLEMS_IN_SEED_ORDER


@pytest.mark.parametrize("days", [5, 4, 1, 0])
def test_C3_category_may_not_set_five_or_fewer_days(days):
    with pytest.raises(InvalidArgument) as caught:
        CategoryCatalogue({"lifts": days})
    assert (caught.value.field, caught.value.rule) == ("resolve_working_days", "C3")


@pytest.mark.parametrize("days", [-1, True, "7", 7.0, None])
def test_C3_resolve_days_must_be_a_whole_number(days):
    with pytest.raises(InvalidArgument) as caught:
        CategoryCatalogue({"lifts": days})
    assert (caught.value.field, caught.value.rule) == ("resolve_working_days", "C3")


@pytest.mark.parametrize("code", ["flying_cars", "", "LIFTS", None, 3])
def test_C1_unknown_category_refused_naming_field(code):
    with pytest.raises(InvalidArgument) as caught:
        CategoryCatalogue().get(code)
    assert (caught.value.field, caught.value.rule) == ("category", "C1")


def test_C1_unknown_category_in_settings_refused():
    with pytest.raises(InvalidArgument) as caught:
        CategoryCatalogue({"flying_cars": 10})
    assert (caught.value.field, caught.value.rule) == ("category", "C1")


def test_C1_category_code_is_trimmed():
    assert CategoryCatalogue().get(" noise ").code == "noise"
