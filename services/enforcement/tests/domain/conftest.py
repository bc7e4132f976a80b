"""Builders for enforcement domain tests: a small catalogue, plans, inspections walked to completion, orders."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wuye_enforcement.domain.catalogue import Catalogue, InspectionItem
from wuye_enforcement.domain.inspections import Inspection
from wuye_enforcement.domain.plans import FrequencyLimit, plan_joint_inspection
from wuye_enforcement.domain.rectification import RectificationOrder
from wuye_enforcement.domain.vocabulary import InspectionKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Tuesday 2026-09-15 09:00 Shanghai
NOW = dt.datetime(2026, 9, 15, 9, 0, tzinfo=SHANGHAI)
VISIT_DAY = dt.date(2026, 9, 15)
#: where compound-1 lies
COMMUNITY_PATH = "350500/350521/350521100/350521100001"


def item(code: str, lead: str, *partners: str, content: str | None = None, scenario: str = "residential_compound"):
    return InspectionItem.create(
        code=code,
        lead_department=lead,
        partner_departments=partners,
        content=content or f"content of {code}",
        legal_basis=f"legal basis of {code}",
        standard=f"standard of {code}",
        frequency="annual",
        scenario=scenario,
    )


#: fire lanes are led by fire rescue with the police as partner: the shared item of E2
FIRE_LANE = item("FR-01", "fire_rescue", "police", content="消防通道畅通 fire lanes kept clear")
HYDRANTS = item("FR-02", "fire_rescue", content="消火栓完好 hydrants working")
ILLEGAL_BUILDING = item("UM-01", "urban_management", "natural_resources", content="无违法建设 no illegal construction")
SURVEILLANCE = item("PO-01", "police", content="监控完好 surveillance cameras working")
LIFT_NOTICE = item("HS-01", "housing", content="电梯维保公示 lift maintenance notice posted")

#: each department's own list, as the departments would bring them to the plan
DEPARTMENT_LISTS = {
    "fire_rescue": (FIRE_LANE, HYDRANTS),
    "police": (FIRE_LANE, SURVEILLANCE),
    "urban_management": (ILLEGAL_BUILDING,),
    "housing": (LIFT_NOTICE,),
}


@pytest.fixture
def catalogue() -> Catalogue:
    return Catalogue(items=(FIRE_LANE, HYDRANTS, ILLEGAL_BUILDING, SURVEILLANCE, LIFT_NOTICE))


@pytest.fixture
def new_plan():
    """``new_plan(departments=(...), **overrides)`` → a routine plan for compound-1 on VISIT_DAY."""

    def build(departments=("fire_rescue", "police", "urban_management"), **overrides):
        values = dict(
            plan_id="plan-1",
            kind=InspectionKind.ROUTINE,
            compound_ids=["compound-1"],
            visit_date=VISIT_DAY,
            scenarios=["residential_compound"],
            inspectors={department: [f"{department}-inspector"] for department in departments},
            department_items=[entry for department in departments for entry in DEPARTMENT_LISTS[department]],
            history=[],
            limit=FrequencyLimit(),
        )
        values.update(overrides)
        return plan_joint_inspection(**values)

    return build


@pytest.fixture
def completed_inspection(new_plan):
    """``completed_inspection(failures={code: severity})`` → an inspection of plan-1 completed at NOW + 2 h,
    every other line passed. Returns ``(inspection, events)``."""

    def walk(failures=None, company_id="company-1"):
        inspection = Inspection.start(
            inspection_id="inspection-1", plan=new_plan(), compound_id="compound-1",
            jurisdiction_path=COMMUNITY_PATH, company_id=company_id,
        )
        for line in inspection.checklist:
            severity = (failures or {}).get(line.item_code)
            inspection.record_result(
                item_code=line.item_code,
                outcome="fail" if severity else "pass",
                severity=severity,
                evidence_refs=[f"photo-{line.item_code}"],
                inspector_id="fire_rescue-inspector",
                now=NOW + dt.timedelta(hours=1),
            )
        events = inspection.complete(now=NOW + dt.timedelta(hours=2))
        return inspection, events

    return walk


@pytest.fixture
def new_order(completed_inspection):
    """``new_order(**overrides)`` → an order on the failed fire-lane finding, issued at NOW + 3 h to company-1,
    due seven days later."""

    def build(**overrides):
        inspection, _ = completed_inspection({"FR-01": "major"})
        [finding] = inspection.findings
        values = dict(
            order_id="order-1",
            finding=finding,
            addressee="company",
            addressee_id="company-1",
            deadline=NOW + dt.timedelta(days=7, hours=3),
            now=NOW + dt.timedelta(hours=3),
        )
        values.update(overrides)
        return RectificationOrder.issue(**values)

    return build
