"""Exact numbers: ints and Fractions only, never floats, and one rounding rule for showing them.

Rates, shares, scores and weights are computed as ``Fraction`` and decided on the exact value; rounding
happens only to show or store a figure: half away from zero (四舍五入), computed on integers.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from wuye_chassis.errors import InvalidArgument


def require_exact(value: object, *, field: str, rule: str | None = None) -> Fraction:
    """An int or a Fraction as a Fraction; floats are refused because 0.1 is not exact in binary."""
    if isinstance(value, bool) or not isinstance(value, int | Fraction):
        raise InvalidArgument(
            f"{field} must be an exact number (int or Fraction), got {value!r}", field=field, rule=rule or "exact"
        )
    return Fraction(value)


def round_half_up(value: Fraction | int, places: int = 0) -> Decimal:
    """``value`` rounded half away from zero to ``places`` decimals (84.95 → 85.0 at one place)."""
    exact = Fraction(value)
    scaled = abs(exact) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    return Decimal(-whole if exact < 0 else whole).scaleb(-places)
