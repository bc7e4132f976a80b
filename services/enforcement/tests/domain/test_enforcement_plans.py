import dataclasses
import datetime as dt

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_enforcement.domain.catalogue import InspectionItem
from wuye_enforcement.domain.plans import (
    Assigner,
    FrequencyLimit,
    LimitWindow,
    ScheduledVisit,
    check_frequency,
)
from wuye_enforcement.domain.vocabulary import InspectionKind

LAST_VISIT = dt.date(2026, 3, 10)
ONCE_A_YEAR = FrequencyLimit()


def fire_item(code, content=None, scenario="residential_compound"):
    return InspectionItem.create(
        code=code,
        lead_department="fire_rescue",
        content=content or f"content of {code}",
        legal_basis="《消防法》",
        standard="s",
        frequency="annual",
        scenario=scenario,
    )


def routine(day, compound_id="compound-1"):
    return ScheduledVisit(compound_id, InspectionKind.ROUTINE, day)


def check(day, history, limit=ONCE_A_YEAR, kind=InspectionKind.ROUTINE):
    check_frequency(compound_id="compound-1", kind=kind, visit_date=day, history=history, limit=limit)


# --- E2: one checklist, one visit --------------------------------------------------------------


def test_E2_shared_item_appears_once_with_both_departments(new_plan):
    plan = new_plan(departments=("fire_rescue", "police"))
    codes = [line.item_code for line in plan.checklist]
    assert codes == ["FR-01", "FR-02", "PO-01"]
    assert plan.line("FR-01").departments == ("fire_rescue", "police")
    assert plan.line("FR-02").departments == ("fire_rescue",)


def test_E2_shared_item_lists_only_inspecting_departments(new_plan):
    plan = new_plan(departments=("fire_rescue",))
    assert plan.line("FR-01").departments == ("fire_rescue",)


def test_E2_partner_department_alone_still_brings_the_shared_item(new_plan):
    # the police list the fire-lane item as partner; without fire rescue they check it themselves
    plan = new_plan(departments=("police",))
    assert plan.line("FR-01").departments == ("police",)


def test_E2_one_visit_with_every_departments_inspectors(new_plan):
    plan = new_plan()
    assert plan.departments == ("fire_rescue", "police", "urban_management")
    assert set(plan.inspectors) == set(plan.departments)
    assert plan.visits == (ScheduledVisit("compound-1", InspectionKind.ROUTINE, dt.date(2026, 9, 15)),)


def test_E2_visits_saved_is_departments_minus_one_per_compound(new_plan):
    assert new_plan().separate_visits_saved == 2
    assert new_plan(departments=("housing",)).separate_visits_saved == 0
    batch = new_plan(compound_ids=["compound-1", "compound-2", "compound-3"])
    assert batch.separate_visits_saved == 6
    assert len(batch.visits) == 3


def test_E2_items_outside_the_scenarios_left_out(new_plan):
    old_compound_only = fire_item("FR-50", scenario="old_compound")
    plan = new_plan(departments=("fire_rescue",), department_items=[old_compound_only, fire_item("FR-51")])
    assert [line.item_code for line in plan.checklist] == ["FR-51"]


def test_E2_department_with_nothing_to_check_refused(new_plan):
    with pytest.raises(InvalidArgument) as refused:
        new_plan(inspectors={"fire_rescue": ["a"], "court": ["judge-1"]})
    assert (refused.value.field, refused.value.rule) == ("inspectors", "E2")
    assert "court" in refused.value.message


def test_E2_a_team_lists_its_department_with_or_without_named_people(new_plan):
    plan = new_plan(inspectors={"fire_rescue": [], "police": ["p"]})
    assert plan.inspectors == {"fire_rescue": (), "police": ("p",)}
    assert plan.departments == ("fire_rescue", "police")


def test_E2_plan_with_nothing_to_check_refused(new_plan):
    with pytest.raises(InvalidArgument) as refused:
        new_plan(scenarios=["shopping_street"])
    assert (refused.value.field, refused.value.rule) == ("department_items", "E2")


def test_E2_two_versions_of_one_item_refused(new_plan):
    with pytest.raises(InvalidArgument) as refused:
        new_plan(departments=("fire_rescue",), department_items=[fire_item("FR-50"), fire_item("FR-50", "other")])
    assert (refused.value.field, refused.value.rule) == ("department_items", "E2")


@pytest.mark.parametrize("compound_ids", [[], ["compound-1", "compound-1"], "compound-1"])
def test_E2_bad_compound_list_refused(new_plan, compound_ids):
    with pytest.raises(InvalidArgument) as refused:
        new_plan(compound_ids=compound_ids)
    assert (refused.value.field, refused.value.rule) == ("compound_ids", "E2")


# --- E3: routine frequency limit ---------------------------------------------------------------


def test_E3_second_routine_inspection_within_a_year_refused(new_plan):
    history = [routine(LAST_VISIT)]
    with pytest.raises(FailedPrecondition) as refused:
        new_plan(visit_date=dt.date(2027, 3, 9), history=history)
    assert (refused.value.field, refused.value.rule) == ("visit_date", "E3")
    assert "2026-03-10" in refused.value.message
    assert refused.value.metadata["previous_inspection_date"] == "2026-03-10"


def test_E3_rolling_year_allows_the_same_day_next_year(new_plan):
    plan = new_plan(visit_date=dt.date(2027, 3, 10), history=[routine(LAST_VISIT)])
    assert plan.visit_date == dt.date(2027, 3, 10)


def test_E3_rolling_year_counts_planned_visits_after_the_new_one():
    with pytest.raises(FailedPrecondition):
        check(dt.date(2026, 3, 11), [routine(dt.date(2027, 3, 10))])
    check(dt.date(2026, 3, 10), [routine(dt.date(2027, 3, 10))])


def test_E3_leap_day_visit_blocks_until_28_february():
    with pytest.raises(FailedPrecondition):
        check(dt.date(2029, 2, 27), [routine(dt.date(2028, 2, 29))])
    check(dt.date(2029, 2, 28), [routine(dt.date(2028, 2, 29))])


def test_E3_same_day_twice_refused():
    with pytest.raises(FailedPrecondition):
        check(LAST_VISIT, [routine(LAST_VISIT)])


def test_E3_calendar_year_window_boundary():
    limit = FrequencyLimit(window="calendar_year")
    assert limit.window is LimitWindow.CALENDAR_YEAR
    check(dt.date(2027, 1, 1), [routine(dt.date(2026, 12, 31))], limit)
    with pytest.raises(FailedPrecondition) as refused:
        check(dt.date(2026, 12, 31), [routine(dt.date(2026, 1, 1))], limit)
    assert refused.value.metadata["previous_inspection_date"] == "2026-01-01"


def test_E3_configurable_count_in_the_rolling_window():
    limit = FrequencyLimit(max_routine=2)
    two = [routine(dt.date(2026, 1, 10)), routine(dt.date(2026, 6, 1))]
    check(dt.date(2026, 6, 1), two[:1], limit)
    with pytest.raises(FailedPrecondition) as refused:
        check(dt.date(2027, 1, 9), two, limit)
    assert refused.value.metadata["previous_inspection_date"] == "2026-06-01"
    # the first visit's window has closed; only 2026-06-01 is within a year
    check(dt.date(2027, 1, 10), two, limit)


def test_E3_window_with_visits_on_both_sides_of_the_new_one():
    limit = FrequencyLimit(max_routine=2)
    history = [routine(dt.date(2026, 1, 1)), routine(dt.date(2026, 12, 1))]
    with pytest.raises(FailedPrecondition):
        check(dt.date(2026, 6, 1), history, limit)


@pytest.mark.parametrize(
    ("kind", "basis"),
    [
        (InspectionKind.COMPLAINT_TRIGGERED, "case-17"),
        (InspectionKind.SPECIAL, "2026 fire safety campaign"),
        (InspectionKind.FOLLOW_UP, "order-1"),
    ],
)
def test_E3_complaint_triggered_inspection_exempt(new_plan, kind, basis):
    plan = new_plan(kind=kind, basis=basis, visit_date=dt.date(2026, 3, 11), history=[routine(LAST_VISIT)])
    assert plan.kind is kind and plan.basis == basis


def test_E3_exempt_visits_do_not_count_against_routine(new_plan):
    history = [ScheduledVisit("compound-1", kind, LAST_VISIT) for kind in InspectionKind if kind.value != "routine"]
    assert new_plan(visit_date=dt.date(2026, 3, 11), history=history).kind is InspectionKind.ROUTINE


def test_E3_other_compounds_visits_do_not_count(new_plan):
    assert new_plan(visit_date=LAST_VISIT, history=[routine(LAST_VISIT, "compound-2")]) is not None


def test_E3_exempt_plan_must_name_its_basis(new_plan):
    with pytest.raises(InvalidArgument) as refused:
        new_plan(kind="complaint_triggered")
    assert (refused.value.field, refused.value.rule) == ("basis", "E3")


def test_E3_batch_refused_whole_when_one_compound_is_over_the_limit(new_plan):
    with pytest.raises(FailedPrecondition) as refused:
        new_plan(compound_ids=["compound-1", "compound-2"], history=[routine(dt.date(2026, 5, 1), "compound-2")])
    assert refused.value.metadata == {"previous_inspection_date": "2026-05-01", "compound_id": "compound-2"}


@pytest.mark.parametrize(("field", "value"), [("max_routine", 0), ("max_routine", True), ("window", "weekly")])
def test_E3_bad_limit_setting_refused(field, value):
    with pytest.raises(InvalidArgument) as refused:
        FrequencyLimit(**{field: value})
    assert (refused.value.field, refused.value.rule) == (field, "E3")


def test_E3_limit_is_a_value():
    assert dataclasses.replace(FrequencyLimit(), max_routine=3).max_routine == 3


def test_E2_equal_copies_from_two_departments_merge_into_one_line(new_plan):
    # each department's list is read on its own: equal items, not the same object
    plan = new_plan(departments=("fire_rescue",), department_items=[fire_item("FR-50"), fire_item("FR-50")])
    assert [line.item_code for line in plan.checklist] == ["FR-50"]


FIRE_INSPECTOR = Assigner(department="fire_rescue", coordinates_visits=False)
COUNTY_OFFICER = Assigner(department=None, coordinates_visits=True)


def test_E2_department_inspector_names_its_own_departments_people(new_plan):
    plan = new_plan(inspectors={"fire_rescue": [], "police": ["police-1"], "urban_management": []})
    staffed = plan.assign_inspectors(
        department="fire_rescue", inspector_ids=["fire-7", "fire-8", "fire-7"], assigner=FIRE_INSPECTOR,
        completed_visits=0,
    )
    assert staffed.inspectors["fire_rescue"] == ("fire-7", "fire-8")
    assert staffed.inspectors["police"] == ("police-1",)
    assert plan.inspectors["fire_rescue"] == ()  # the plan itself is unchanged


def test_E2_only_the_coordinating_county_officer_staffs_another_department(new_plan):
    plan = new_plan()
    with pytest.raises(PermissionDenied) as refused:
        plan.assign_inspectors(department="police", inspector_ids=["p-1"], assigner=FIRE_INSPECTOR, completed_visits=0)
    assert (refused.value.field, refused.value.rule) == ("department", "E2")
    staffed = plan.assign_inspectors(department="police", inspector_ids=["p-1"], assigner=COUNTY_OFFICER, completed_visits=0)
    assert staffed.inspectors["police"] == ("p-1",)


@pytest.mark.parametrize(
    ("department", "inspector_ids", "completed", "error", "field"),
    [
        ("housing", ["h-1"], 0, InvalidArgument, "department"),
        ("police", [], 0, InvalidArgument, "inspector_ids"),
        ("police", "p-1", 0, InvalidArgument, "inspector_ids"),
        ("police", ["p-1"], 1, FailedPrecondition, "plan_id"),
    ],
)
def test_E2_bad_assignment_refused_with_the_field(new_plan, department, inspector_ids, completed, error, field):
    with pytest.raises(error) as refused:
        new_plan().assign_inspectors(
            department=department, inspector_ids=inspector_ids, assigner=COUNTY_OFFICER, completed_visits=completed
        )
    assert (refused.value.field, refused.value.rule) == (field, "E2")
