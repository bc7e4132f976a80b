"""Exact per-area arithmetic shared by the funds domain (areas in dm², amounts in fen)."""

from __future__ import annotations

from fractions import Fraction

from wuye_chassis.exact import round_half_up
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_whole

SQUARE_DECIMETRES_PER_M2 = 100

def require_area(value: object, *, field: str = "area_dm2", rule: str) -> int:
    """An exclusive area in square decimetres (0.01 m²), strictly positive."""
    return require_whole(value, field=field, rule=rule, minimum=1)


def per_m2_times_area(rate_fen_per_m2: int, area_dm2: int) -> Fen:
    """``rate × area`` in fen, with the area in dm²; the exact product is rounded half up to the fen."""
    return int(round_half_up(Fraction(rate_fen_per_m2 * area_dm2, SQUARE_DECIMETRES_PER_M2)))


