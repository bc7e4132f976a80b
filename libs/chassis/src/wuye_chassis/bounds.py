"""The documented maxima of what a client sends besides money and dates (those: ``money.MAX_AMOUNT_FEN``,
``validation.EARLIEST_DATE`` / ``LATEST_DATE``).

Each bound is the largest value a real record can have, with room to spare, so that a typing error (an area
of 1e15 dm², a surcharge for 10,000 years) is refused naming the field instead of being stored. The domain
checks them where the rule lives; the gateway states the same bound in the OpenAPI description and refuses
a body outside it before any service is called (``FIELD_BOUNDS``, by field name).
"""

from __future__ import annotations

from wuye_chassis.money import MAX_AMOUNT_FEN

#: one unit's exclusive area: 100,000 m² (a whole shopping centre under one title), in dm²
MAX_AREA_DM2 = 10_000_000
#: a mini-fund surcharge collected at once covers at most ten years
MAX_SURCHARGE_MONTHS = 120
#: a rectification deadline: at most one working year
MAX_DEADLINE_WORKING_DAYS = 250
#: a disclosure stays posted at most a year
MAX_POSTING_DAYS = 366

#: field name → (minimum, maximum, what the OpenAPI description says); a field ending in ``_fen`` or
#: holding ``_fen_`` (a rate such as ``rate_fen_per_m2``) is money and bounded by ``MONEY``
FIELD_BOUNDS: dict[str, tuple[int, int, str]] = {
    "area_dm2": (0, MAX_AREA_DM2, "exclusive area in dm² (0.01 m²), at most 100,000 m²"),
    "months": (0, MAX_SURCHARGE_MONTHS, f"whole months, at most {MAX_SURCHARGE_MONTHS}"),
    "deadline_working_days": (0, MAX_DEADLINE_WORKING_DAYS, f"working days, at most {MAX_DEADLINE_WORKING_DAYS}"),
    "posting_days": (0, MAX_POSTING_DAYS, f"days, at most {MAX_POSTING_DAYS}"),
}
MONEY = (-MAX_AMOUNT_FEN, MAX_AMOUNT_FEN, "integer fen (1 yuan = 100 fen), at most ¥10,000,000,000 either way")


def bound_of(field_name: str) -> tuple[int, int, str] | None:
    """The documented bound of a request field, None for a field without one."""
    if field_name.endswith("_fen") or "_fen_" in field_name:
        return MONEY
    return FIELD_BOUNDS.get(field_name)
