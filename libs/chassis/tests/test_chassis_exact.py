from decimal import Decimal
from fractions import Fraction

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.exact import require_exact, round_half_up


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Fraction(8495, 100), 1, Decimal("85.0")),  # a tie rounds up
        (Fraction(8494, 100), 1, Decimal("84.9")),
        (Fraction(-8495, 100), 1, Decimal("-85.0")),  # half away from zero
        (Fraction(23, 35) * 100, 1, Decimal("65.7")),  # Quanzhou's red-committee share
        (Fraction(5, 2), 0, Decimal("3")),
        (7, 0, Decimal("7")),
    ],
)
def test_round_half_up_is_exact_at_ties(value: Fraction, places: int, shown: Decimal) -> None:
    assert round_half_up(value, places) == shown


def test_floats_are_refused() -> None:
    with pytest.raises(InvalidArgument) as refused:
        require_exact(0.1, field="weight", rule="R3")
    assert (refused.value.field, refused.value.rule) == ("weight", "R3")
    assert require_exact(Fraction(1, 3), field="weight") == Fraction(1, 3)
