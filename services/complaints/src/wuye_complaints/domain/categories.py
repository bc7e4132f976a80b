"""Complaint categories (C1): the ten top problems of seed 004 first, then the others.

Each category carries its resolve deadline in working days (C3: 5 by default; a category may set a
longer one, never a shorter one) and a ``violation`` flag for the kinds of complaint that can also
trigger an enforcement inspection ("执法进小区", seed 004: 违规装修、乱搭乱建、侵占公共空间、
堵塞消防通道、泄露业主个人信息).

Two choices beyond the literal C1 list:

- ``fire_equipment`` also covers blocked fire lanes. Seed 004 lists a damaged fire system among the ten
  top problems and a blocked fire lane among the violations; both go to the same fire-rescue
  inspection, so one category keeps the top-ten list intact and makes blocked lanes reportable.
- ``personal_data_leak`` is added before ``other``. Seed 004 and DESIGN.md name leaking owners'
  personal information as a violation; no C1 category covers it, and filing it under ``other`` would
  lose the violation flag that sends it to enforcement.

``ebike_parking_charging`` is flagged because charging e-bikes in corridors and stairwells is a fire
safety violation, even though many of its complaints are about missing charging points.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import require_count
from wuye_complaints.domain.deadlines import DEFAULT_RESOLVE_WORKING_DAYS


@dataclass(frozen=True)
class Category:
    code: str
    label_zh: str
    label_en: str
    resolve_working_days: int = DEFAULT_RESOLVE_WORKING_DAYS
    violation: bool = False  # may also trigger an enforcement inspection
    top_ten: bool = False  # one of the ten top problems (小区管理十件实事)

    @property
    def label(self) -> str:
        """Chinese beside English, as user-facing labels show it."""
        return f"{self.label_zh} {self.label_en}"


TEN_TOP_PROBLEMS: tuple[Category, ...] = (
    Category("security", "保安服务", "Security guarding", top_ten=True),
    Category("cleaning", "保洁服务", "Cleaning", top_ten=True),
    Category(
        "fire_equipment", "消防设施损坏、消防通道堵塞", "Fire equipment damaged, fire lane blocked",
        violation=True, top_ten=True,
    ),
    Category(
        "ebike_parking_charging", "电动自行车停放充电", "E-bike parking and charging", violation=True, top_ten=True
    ),
    Category("lifts", "电梯故障", "Lift breakdowns", top_ten=True),
    Category("vehicle_parking", "车辆停放无序", "Disorderly vehicle parking", top_ten=True),
    Category("drain_blockage", "下水道堵塞", "Drain blockage", top_ten=True),
    Category("road_damage", "路面破损", "Road damage", top_ten=True),
    Category("public_lighting", "公共照明不足", "Insufficient public lighting", top_ten=True),
    Category("bare_green_land", "绿地裸露", "Bare green land", top_ten=True),
)

MORE_CATEGORIES: tuple[Category, ...] = (
    Category("property_fees", "物业费", "Property fees"),
    Category("noise", "噪声扰民", "Noise"),
    Category(
        "illegal_construction", "违章搭建、侵占公共空间", "Illegal construction, encroachment on common space",
        violation=True,
    ),
    Category("renovation", "装修管理", "Renovation", violation=True),
    Category("pets", "饲养宠物", "Pets"),
    Category("water_supply", "供水", "Water supply"),
    Category("common_income", "公共收益", "Common-parts income"),
    Category("committee", "业主委员会", "Owners' committee"),
    Category("personal_data_leak", "泄露业主个人信息", "Owners' personal data leaked", violation=True),
    Category("other", "其他", "Other"),
)

CATEGORIES: tuple[Category, ...] = TEN_TOP_PROBLEMS + MORE_CATEGORIES


class CategoryCatalogue:
    """The categories in C1 order, with the resolve deadlines configured for this deployment.

    ``longer_resolve_days`` maps a category code to its own resolve deadline; C3 allows a category to
    set a longer deadline than the default, so a shorter or equal one is refused as a likely mistake.
    """

    def __init__(self, longer_resolve_days: Mapping[str, int] | None = None) -> None:
        by_code = {category.code: category for category in CATEGORIES}
        for code, days in (longer_resolve_days or {}).items():
            if code not in by_code:
                raise InvalidArgument(f"unknown complaint category {code!r}", field="category", rule="C1")
            require_count(days, field="resolve_working_days", rule="C3")
            if days <= DEFAULT_RESOLVE_WORKING_DAYS:
                raise InvalidArgument(
                    f"category {code!r} may only set a resolve deadline longer than "
                    f"{DEFAULT_RESOLVE_WORKING_DAYS} working days, got {days}",
                    field="resolve_working_days",
                    rule="C3",
                )
            by_code[code] = replace(by_code[code], resolve_working_days=days)
        self._by_code = by_code

    def get(self, code: object) -> Category:
        if not isinstance(code, str) or code.strip() not in self._by_code:
            raise InvalidArgument(f"unknown complaint category {code!r}", field="category", rule="C1")
        return self._by_code[code.strip()]

    def __iter__(self) -> Iterator[Category]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def violations(self) -> tuple[Category, ...]:
        return tuple(category for category in self if category.violation)
