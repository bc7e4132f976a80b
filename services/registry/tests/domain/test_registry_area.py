import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_registry.domain.area import format_area_m2, parse_area_m2, require_positive_area


def test_area_two_decimals_parsed_exactly():
    assert parse_area_m2("89.57") == 8957
    assert parse_area_m2(" 120 ") == 12000
    assert parse_area_m2("0.01") == 1


def test_area_trailing_zero_beyond_two_decimals_is_still_exact():
    assert parse_area_m2("89.570") == 8957


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("-89.57", "positive"),
        ("0", "positive"),
        ("0.00", "positive"),
        ("89.575", "max_two_decimals"),
        ("0.001", "max_two_decimals"),
        ("abc", "decimal"),
        ("1e2", "decimal"),
        ("NaN", "decimal"),
        ("", "decimal"),
    ],
)
def test_area_bad_text_refused_naming_field(text, rule):
    with pytest.raises(InvalidArgument) as caught:
        parse_area_m2(text, field="exclusive_area")
    assert caught.value.field == "exclusive_area"
    assert caught.value.rule == rule


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "100"])
def test_area_dm2_must_be_positive_integer(value):
    with pytest.raises(InvalidArgument) as caught:
        require_positive_area(value)
    assert caught.value.field == "area_dm2"


def test_area_formats_back_to_two_decimals():
    assert format_area_m2(8957) == "89.57"
    assert format_area_m2(12005) == "120.05"
    assert format_area_m2(parse_area_m2("0.1")) == "0.10"


def test_area_of_one_unit_is_at_most_100000_square_metres():
    assert require_positive_area(10_000_000) == 10_000_000
    assert parse_area_m2("100000.00") == 10_000_000
    for refused_call in (lambda: require_positive_area(10_000_001), lambda: parse_area_m2("100000.01")):
        with pytest.raises(InvalidArgument) as refused:
            refused_call()
        assert refused.value.rule == "max_area"
