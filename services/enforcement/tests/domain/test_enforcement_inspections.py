import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_enforcement.domain.events import FindingRecorded, InspectionCompleted
from wuye_enforcement.domain.inspections import Inspection, InspectionState, Outcome
from wuye_enforcement.domain.vocabulary import InspectionKind, Severity

from .conftest import COMMUNITY_PATH

NOW = dt.datetime(2026, 9, 15, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def inspection(new_plan):
    return Inspection.start(inspection_id="inspection-1", plan=new_plan(), compound_id="compound-1",
                            jurisdiction_path=COMMUNITY_PATH, company_id="company-1")


def record(inspection, item_code, outcome="pass", **overrides):
    values = dict(item_code=item_code, outcome=outcome, inspector_id="police-inspector", now=NOW,
                  evidence_refs=["photo-1"])
    values.update(overrides)
    inspection.record_result(**values)


def test_E2_result_for_item_not_in_checklist_refused(inspection):
    with pytest.raises(InvalidArgument) as refused:
        record(inspection, "HS-01")
    assert (refused.value.field, refused.value.rule) == ("item_code", "E2")
    assert inspection.results == {}


def test_A1_the_result_names_who_recorded_it_whatever_the_plan_names(inspection):
    # the team's named people are paperwork: the service checks the recorder's post (A1)
    record(inspection, "FR-01", inspector_id="fire-on-duty")
    assert inspection.results["FR-01"].inspector_id == "fire-on-duty"


def test_E2_inspection_only_of_a_compound_in_the_plan(new_plan):
    with pytest.raises(InvalidArgument) as refused:
        Inspection.start(
            inspection_id="i", plan=new_plan(), compound_id="compound-9", jurisdiction_path=COMMUNITY_PATH,
            company_id=None,
        )
    assert (refused.value.field, refused.value.rule) == ("compound_id", "E2")


def test_E4_failed_item_needs_severity_and_evidence(inspection):
    with pytest.raises(InvalidArgument) as no_severity:
        record(inspection, "FR-01", "fail")
    assert (no_severity.value.field, no_severity.value.rule) == ("severity", "E4")
    with pytest.raises(InvalidArgument) as no_evidence:
        record(inspection, "FR-01", "fail", severity="minor", evidence_refs=[])
    assert (no_evidence.value.field, no_evidence.value.rule) == ("evidence_refs", "E4")
    assert inspection.results == {}


def test_E4_passed_item_carries_no_severity(inspection):
    with pytest.raises(InvalidArgument) as refused:
        record(inspection, "FR-01", "pass", severity="minor")
    assert (refused.value.field, refused.value.rule) == ("severity", "E4")


def test_E4_result_may_be_corrected_before_completion(inspection):
    record(inspection, "FR-01", "pass")
    record(inspection, "FR-01", "fail", severity="serious", evidence_refs=["photo-2", "photo-2", "video-1"])
    result = inspection.results["FR-01"]
    assert (result.outcome, result.severity, result.evidence_refs) == (
        Outcome.FAIL,
        Severity.SERIOUS,
        ("photo-2", "video-1"),
    )


def test_E4_completion_requires_every_item(inspection):
    record(inspection, "FR-01")
    record(inspection, "FR-02")
    with pytest.raises(FailedPrecondition) as refused:
        inspection.complete(now=NOW)
    assert (refused.value.field, refused.value.rule) == ("results", "E4")
    assert "PO-01" in refused.value.message and "UM-01" in refused.value.message
    assert inspection.state is InspectionState.OPEN


def test_E4_failed_items_become_findings_with_events(completed_inspection):
    inspection, events = completed_inspection({"FR-01": "major", "UM-01": "serious"})
    assert [finding.finding_id for finding in inspection.findings] == ["inspection-1/FR-01", "inspection-1/UM-01"]
    assert inspection.findings[0].departments == ("fire_rescue", "police")
    completed, *found = events
    assert completed == InspectionCompleted(
        inspection_id="inspection-1",
        plan_id="plan-1",
        compound_id="compound-1",
        jurisdiction_path=COMMUNITY_PATH,
        kind=inspection.kind,
        at=NOW + dt.timedelta(hours=2),
        items_checked=4,
        findings=2,
        separate_visits_saved=2,
    )
    assert [(event.company_id, event.severity) for event in found] == [
        ("company-1", Severity.MAJOR),
        ("company-1", Severity.SERIOUS),
    ]
    assert all(isinstance(event, FindingRecorded) for event in found)


def test_E5_not_applicable_items_are_not_counted_as_checked(inspection):
    for code in ("FR-01", "FR-02", "PO-01"):
        record(inspection, code)
    record(inspection, "UM-01", "not_applicable")
    [completed] = inspection.complete(now=NOW)
    assert (completed.items_checked, completed.findings) == (3, 0)


def test_E4_completed_inspection_is_final(completed_inspection):
    inspection, _ = completed_inspection()
    with pytest.raises(FailedPrecondition) as refused:
        record(inspection, "FR-01", "fail", severity="minor")
    assert (refused.value.field, refused.value.rule) == ("state", "E4")
    with pytest.raises(FailedPrecondition):
        inspection.complete(now=NOW)


def test_E4_result_time_needs_a_time_zone(inspection):
    with pytest.raises(InvalidArgument) as refused:
        record(inspection, "FR-01", now=dt.datetime(2026, 9, 15, 9, 0))
    assert (refused.value.field, refused.value.rule) == ("now", "E4")
    assert inspection.results == {}


def test_E2_results_are_recorded_on_the_visit_day_not_before_it_in_china_time(inspection):
    """Issue 14: results before the visit date were accepted without a word."""
    shanghai = ZoneInfo("Asia/Shanghai")
    eve = dt.datetime(2026, 9, 14, 23, 59, tzinfo=shanghai)
    with pytest.raises(FailedPrecondition) as refused:
        record(inspection, "FR-01", now=eve)
    assert (refused.value.field, refused.value.rule) == ("visit_date", "E2") and "2026-09-15" in str(refused.value)
    assert inspection.results == {}
    # 2026-09-15 00:00 in Shanghai is still the 14th in UTC: the visit day counts in China's time
    record(inspection, "FR-01", now=dt.datetime(2026, 9, 15, 0, 0, tzinfo=shanghai))
    assert set(inspection.results) == {"FR-01"}


def test_E2_a_complaint_triggered_visit_may_come_before_its_latest_day(new_plan):
    plan = new_plan(kind=InspectionKind.COMPLAINT_TRIGGERED, basis="case-1")
    early = Inspection.start(inspection_id="inspection-2", plan=plan, compound_id="compound-1",
                             jurisdiction_path=COMMUNITY_PATH, company_id="company-1")
    record(early, "FR-01", now=dt.datetime(2026, 9, 14, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert set(early.results) == {"FR-01"}
