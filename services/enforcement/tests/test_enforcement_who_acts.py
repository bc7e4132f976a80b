"""Who records an inspection (RULES.md A1) over real gRPC: results, completion and re-checks are the
inspecting departments' own work, decided by the caller's department_inspector post, never by the
inspector ids a plan names."""

from __future__ import annotations

import grpc

from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye_chassis.auth import AuthContext

from .conftest import COMPOUND, COUNTY_OFFICER, FIRE, HOUSING, HUIAN, Enforcement, refused

POLICE = AuthContext(user="police-1", roles=frozenset({"department_inspector"}), scope=HUIAN, department="police")
#: a housing inspector nobody named on the plan's team
HOUSING_2 = AuthContext(user="housing-2", roles=frozenset({"department_inspector"}), scope=HUIAN, department="housing")
FAIL = {"severity": api.SEVERITY_MAJOR, "evidence_refs": ["photo-1"]}


def order_for(item_code: str) -> api.OrderSpec:
    return api.OrderSpec(item_code=item_code, addressee=api.ADDRESSEE_COMPANY, deadline_working_days=5)


async def test_A1_a_plans_teams_list_departments_and_need_name_nobody(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    answer = await enforcement.stub.CreatePlan(
        api.CreatePlanRequest(
            kind=api.INSPECTION_KIND_ROUTINE, visit_date="2026-03-10", compound_ids=[COMPOUND],
            teams=[api.Team(department="fire_rescue"), api.Team(department="housing", inspector_ids=["housing-1"])],
        ),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    assert [(team.department, list(team.inspector_ids)) for team in answer.plan.teams] == [
        ("fire_rescue", []), ("housing", ["housing-1"])
    ]


async def test_A1_a_result_is_recorded_by_an_inspector_of_a_department_checking_the_item(
    enforcement: Enforcement,
) -> None:
    await enforcement.seed_catalogue()
    inspection_id = (await enforcement.plan()).visits[0].inspection_id
    before = await enforcement.footprint()
    # the lift is housing's alone; police is on no team of the plan
    for who, item, needed in ((FIRE, "LIFT-01", "housing"), (POLICE, "FIRE-01", "fire_rescue or housing"),
                              (POLICE, "LIFT-01", "housing")):
        status, error = await refused(enforcement.result(inspection_id, item, api.OUTCOME_PASS, who=who))
        assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "post", "A1"), (who.user, item)
        assert f"needs the post department_inspector of {needed}" in error.message
    assert await enforcement.footprint() == before
    # a partner department checks the fire lane too; a housing inspector the plan does not name records all the same
    await enforcement.result(inspection_id, "FIRE-01", api.OUTCOME_FAIL, who=HOUSING, **FAIL)
    await enforcement.result(inspection_id, "LIFT-01", api.OUTCOME_PASS, who=HOUSING_2)
    inspection = (
        await enforcement.stub.GetInspection(api.GetInspectionRequest(inspection_id=inspection_id), metadata=FIRE.to_metadata())
    ).inspection
    assert sorted((result.item_code, result.inspector_id) for result in inspection.results) == [
        ("FIRE-01", "housing-1"), ("LIFT-01", "housing-2")
    ]


async def test_A1_an_item_off_the_checklist_is_refused_as_such_before_any_post_is_asked(
    enforcement: Enforcement,
) -> None:
    await enforcement.seed_catalogue()
    inspection_id = (await enforcement.plan()).visits[0].inspection_id
    status, error = await refused(enforcement.result(inspection_id, "NOPE-01", api.OUTCOME_PASS, who=POLICE))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "item_code", "E2")


async def test_A1_only_an_inspector_of_a_department_on_the_plan_completes_the_visit(enforcement: Enforcement) -> None:
    inspection_id = await enforcement.inspected_with_failure()
    before = await enforcement.footprint()
    completing = api.CompleteInspectionRequest(inspection_id=inspection_id, orders=[order_for("FIRE-01")])
    status, error = await refused(enforcement.stub.CompleteInspection(completing, metadata=POLICE.to_metadata()))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "post", "A1")
    assert "department_inspector of fire_rescue or housing" in error.message
    assert await enforcement.footprint() == before
    completed = await enforcement.stub.CompleteInspection(completing, metadata=HOUSING_2.to_metadata())
    assert completed.inspection.state == api.INSPECTION_STATE_COMPLETED


async def test_A1_a_recheck_is_recorded_by_an_inspector_of_a_department_checking_the_item(
    enforcement: Enforcement,
) -> None:
    await enforcement.seed_catalogue()
    inspection_id = (await enforcement.plan()).visits[0].inspection_id
    await enforcement.result(inspection_id, "FIRE-01", api.OUTCOME_FAIL, **FAIL)
    await enforcement.result(inspection_id, "LIFT-01", api.OUTCOME_FAIL, who=HOUSING, **FAIL)
    orders = {
        order.item_code: order.order_id
        for order in (await enforcement.complete(inspection_id, order_for("FIRE-01"), order_for("LIFT-01"))).orders
    }
    before = await enforcement.footprint()

    def recheck(item: str) -> api.RecordRecheckRequest:
        return api.RecordRecheckRequest(order_id=orders[item], inspection_id=inspection_id, passed=True,
                                        early_reason="整改单位报告已完成整改")

    for who, item, status_code in (
        (FIRE, "LIFT-01", grpc.StatusCode.PERMISSION_DENIED),  # the lift is housing's
        (POLICE, "FIRE-01", grpc.StatusCode.PERMISSION_DENIED),
        (COUNTY_OFFICER, "FIRE-01", grpc.StatusCode.PERMISSION_DENIED),  # officers plan; inspectors re-check
    ):
        status, error = await refused(enforcement.stub.RecordRecheck(recheck(item), metadata=who.to_metadata()))
        assert status == status_code, (who.user, item)
        if who.has_role("department_inspector"):
            assert (error.field, error.rule) == ("post", "A1")
    assert await enforcement.footprint() == before
    lift = (await enforcement.stub.RecordRecheck(recheck("LIFT-01"), metadata=HOUSING_2.to_metadata())).order
    lane = (await enforcement.stub.RecordRecheck(recheck("FIRE-01"), metadata=HOUSING.to_metadata())).order
    assert (lift.state, lane.state) == (api.ORDER_STATE_RECTIFIED, api.ORDER_STATE_RECTIFIED)
