"""Exclusive area as an exact integer of square decimetres (1 dm² = 0.01 m²; 89.57 m² = 8957).

The property register states area in m² with two decimals, so hundredths of a m² are exact and sums
of areas (V2/V3 thresholds) never meet a float rounding error.
"""

from __future__ import annotations

import re
from decimal import Decimal

from wuye_chassis.bounds import MAX_AREA_DM2
from wuye_chassis.errors import InvalidArgument

AREA_DM2_PER_M2 = 100
# plain decimal notation only: no exponent, no thousands separator, no "NaN"
_DECIMAL_TEXT = re.compile(r"^[+-]?[0-9]+(\.[0-9]+)?$")


def parse_area_m2(text: str, *, field: str = "exclusive_area") -> int:
    """Parse an area written in m² ("89.57") into dm² (8957); refuses ≤ 0 and fractions of 0.01 m²."""
    if not isinstance(text, str) or not _DECIMAL_TEXT.match(text.strip()):
        raise InvalidArgument(f"{field} must be a decimal number of m², got {text!r}", field=field, rule="decimal")
    value = Decimal(text.strip()) * AREA_DM2_PER_M2
    if value <= 0:
        raise InvalidArgument(f"{field} must be greater than zero, got {text!r}", field=field, rule="positive")
    if value != value.to_integral_value():
        raise InvalidArgument(
            f"{field} has more than two decimal places: {text!r}", field=field, rule="max_two_decimals"
        )
    return _within_maximum(int(value), field=field)


def require_positive_area(area_dm2: object, *, field: str = "area_dm2") -> int:
    """An area already in dm²: a whole number greater than zero."""
    if not isinstance(area_dm2, int) or isinstance(area_dm2, bool):
        raise InvalidArgument(f"{field} must be a whole number of dm², got {area_dm2!r}", field=field, rule="integer")
    if area_dm2 <= 0:
        raise InvalidArgument(f"{field} must be greater than zero, got {area_dm2}", field=field, rule="positive")
    return _within_maximum(area_dm2, field=field)


def _within_maximum(area_dm2: int, *, field: str) -> int:
    if area_dm2 > MAX_AREA_DM2:
        raise InvalidArgument(
            f"{field} must be at most {format_area_m2(MAX_AREA_DM2)} m² (one unit of the register), "
            f"got {format_area_m2(area_dm2)} m²",
            field=field, rule="max_area",
        )
    return area_dm2


def format_area_m2(area_dm2: int) -> str:
    """Format dm² as m² with exactly two decimals (8957 → "89.57")."""
    sign = "-" if area_dm2 < 0 else ""
    whole, hundredths = divmod(abs(area_dm2), AREA_DM2_PER_M2)
    return f"{sign}{whole}.{hundredths:02d}"
