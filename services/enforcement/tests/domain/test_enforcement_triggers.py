import ast
from pathlib import Path

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_enforcement.domain.catalogue import STANDARD_DEPARTMENTS
from wuye_enforcement.domain.triggers import (
    TRIGGER_CATEGORIES,
    TRIGGER_DEPARTMENTS,
    can_trigger_inspection,
    complaint_trigger,
)
from wuye_enforcement.domain.vocabulary import InspectionKind

COMPLAINT_CATEGORIES = (
    Path(__file__).resolve().parents[3] / "complaints" / "src" / "wuye_complaints" / "domain" / "categories.py"
)


def complaints_violation_codes() -> set[str]:
    """The categories the complaints service flags ``violation=True``, read from its source, not imported:
    services never import each other, but the code strings are a contract between them."""
    codes = set()
    for node in ast.walk(ast.parse(COMPLAINT_CATEGORIES.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Category":
            flags = {keyword.arg: keyword.value for keyword in node.keywords}
            if isinstance(flags.get("violation"), ast.Constant) and flags["violation"].value is True:
                codes.add(node.args[0].value)
    return codes


def test_E3_trigger_categories_match_the_complaints_violation_categories():
    assert TRIGGER_CATEGORIES == complaints_violation_codes()


@pytest.mark.parametrize(
    "category",
    ["illegal_construction", "fire_equipment", "renovation", "ebike_parking_charging", "personal_data_leak"],
)
def test_E3_violation_complaint_opens_a_complaint_triggered_inspection(category):
    assert can_trigger_inspection(category)
    trigger = complaint_trigger(case_id="case-17", compound_id="compound-1", category=category)
    assert trigger.kind is InspectionKind.COMPLAINT_TRIGGERED
    assert trigger.departments == TRIGGER_DEPARTMENTS[category]


@pytest.mark.parametrize("category", ["lifts", "noise", "property_fees", ""])
def test_E3_other_complaints_cannot_open_an_inspection(category):
    assert not can_trigger_inspection(category)
    with pytest.raises(InvalidArgument) as refused:
        complaint_trigger(case_id="case-17", compound_id="compound-1", category=category)
    assert (refused.value.field, refused.value.rule) == ("category", "E3")


def test_E3_trigger_departments_are_known_departments():
    known = {department.code for department in STANDARD_DEPARTMENTS}
    assert all(set(departments) <= known for departments in TRIGGER_DEPARTMENTS.values())
