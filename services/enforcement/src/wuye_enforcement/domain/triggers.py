"""Which complaints may open a complaint-triggered inspection ("执法进小区", seed 004).

The category codes are a contract with the complaints service (its ``domain/categories.py``, the
categories flagged ``violation``): they arrive as text in complaint events. Services never import each
other, so the code strings are repeated here; a test reads the complaints source to keep the two in step.

Each violation category names the departments that take part by default: the one whose law covers it
first, then those that usually check alongside.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import require_text
from wuye_enforcement.domain.vocabulary import InspectionKind

ILLEGAL_CONSTRUCTION = "illegal_construction"  # 违章搭建、侵占公共空间
FIRE_EQUIPMENT = "fire_equipment"  # 消防设施损坏、消防通道堵塞 (blocked fire lanes file here)
RENOVATION = "renovation"  # 违规装修
EBIKE_PARKING_CHARGING = "ebike_parking_charging"  # 电动自行车违规停放充电
PERSONAL_DATA_LEAK = "personal_data_leak"  # 泄露业主个人信息

TRIGGER_DEPARTMENTS: Mapping[str, tuple[str, ...]] = {
    ILLEGAL_CONSTRUCTION: ("urban_management", "natural_resources", "housing"),
    FIRE_EQUIPMENT: ("fire_rescue", "police"),
    RENOVATION: ("housing", "urban_management"),
    EBIKE_PARKING_CHARGING: ("fire_rescue", "police"),
    PERSONAL_DATA_LEAK: ("police", "market_supervision"),
}
TRIGGER_CATEGORIES: frozenset[str] = frozenset(TRIGGER_DEPARTMENTS)


def can_trigger_inspection(category: str) -> bool:
    return category in TRIGGER_CATEGORIES


@dataclass(frozen=True)
class ComplaintTrigger:
    """What a complaint-triggered plan rests on: the case (its ``basis``) and who should come."""

    case_id: str
    compound_id: str
    category: str
    departments: tuple[str, ...]

    @property
    def kind(self) -> InspectionKind:
        return InspectionKind.COMPLAINT_TRIGGERED


def complaint_trigger(*, case_id: str, compound_id: str, category: str) -> ComplaintTrigger:
    """Refuse a complaint whose category is not a violation: only violations bypass the E3 limit."""
    code = require_text(category, field="category", rule="E3")
    if not can_trigger_inspection(code):
        allowed = ", ".join(sorted(TRIGGER_CATEGORIES))
        raise InvalidArgument(
            f"complaint category {code!r} cannot open an inspection; only {allowed} can",
            field="category",
            rule="E3",
        )
    return ComplaintTrigger(
        case_id=require_text(case_id, field="case_id", rule="E3"),
        compound_id=require_text(compound_id, field="compound_id", rule="E3"),
        category=code,
        departments=TRIGGER_DEPARTMENTS[code],
    )
