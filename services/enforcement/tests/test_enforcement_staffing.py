"""Staffing a plan's teams (E2), plans listed by jurisdiction and period, and the compound read model fed
by the registry's events, over real gRPC and NATS."""

from __future__ import annotations

import datetime as dt

import grpc

from tests.support import eventually
from wuye.common.v1 import common_pb2
from wuye.complaints.v1 import events_pb2 as complaint_events
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.proto_values import timestamp

from .conftest import (
    ADMIN,
    ANXI_OFFICER,
    COMMUNITY,
    COMPOUND,
    COUNTY_OFFICER,
    FIRE,
    HOUSING,
    HUIAN,
    Enforcement,
    refused,
)

ANXI_COMMUNITY = "350500/350524/350524100/350524100001"
COMMUNITY_WORKER = AuthContext(user="worker-1", roles=frozenset({"community_worker"}), scope=COMMUNITY)


def assignment(plan_id: str, department: str, *inspector_ids: str) -> api.AssignInspectorsRequest:
    return api.AssignInspectorsRequest(plan_id=plan_id, department=department, inspector_ids=inspector_ids)


async def teams(enforcement: Enforcement, plan_id: str) -> dict[str, list[str]]:
    plan = (await enforcement.stub.GetPlan(api.GetPlanRequest(plan_id=plan_id), metadata=ADMIN.to_metadata())).plan
    return {team.department: list(team.inspector_ids) for team in plan.teams}


async def test_E2_complaint_triggered_plan_is_inspected_by_the_departments_own_inspectors(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    await enforcement.announce(
        complaint_events.ComplaintSubmitted(
            case_id="case-1", compound_id=COMPOUND, jurisdiction_path=COMMUNITY, category="fire_equipment",
            submitted_at=timestamp(utcnow()),
        ),
        subject="case-1",
    )
    await eventually(lambda: enforcement.count("inspection_plans", "WHERE basis = 'case-1'"))
    today = dt.date.today()
    [plan] = (
        await enforcement.stub.ListPlans(
            api.ListPlansRequest(
                jurisdiction_path=HUIAN, start_date=today.isoformat(), end_date=(today + dt.timedelta(days=30)).isoformat()
            ),
            metadata=FIRE.to_metadata(),
        )
    ).plans
    assert plan.kind == api.INSPECTION_KIND_COMPLAINT_TRIGGERED
    assert await teams(enforcement, plan.plan_id) == {"fire_rescue": []}  # the department, nobody named yet
    inspection_id = plan.visits[0].inspection_id
    fail_lane = {"severity": api.SEVERITY_MAJOR, "evidence_refs": ["photo-1"]}

    # the department names its people for the paperwork; another department cannot
    status, error = await refused(
        enforcement.stub.AssignInspectors(assignment(plan.plan_id, "fire_rescue", "housing-1"), metadata=HOUSING.to_metadata())
    )
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "department", "E2")
    staffed = await enforcement.stub.AssignInspectors(
        assignment(plan.plan_id, "fire_rescue", "fire-2"), metadata=FIRE.to_metadata()
    )
    assert [(team.department, list(team.inspector_ids)) for team in staffed.plan.teams] == [("fire_rescue", ["fire-2"])]
    # A1: who records is the post, not a name on the team: fire-1 holds a fire_rescue inspector post
    await enforcement.result(inspection_id, "FIRE-01", api.OUTCOME_FAIL, **fail_lane)
    inspection = (
        await enforcement.stub.GetInspection(api.GetInspectionRequest(inspection_id=inspection_id), metadata=FIRE.to_metadata())
    ).inspection
    assert [(result.item_code, result.inspector_id) for result in inspection.results] == [("FIRE-01", "fire-1")]


async def test_E2_county_officer_staffs_any_team_and_bad_assignments_change_nothing(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    plan = await enforcement.plan()
    staffed = await enforcement.stub.AssignInspectors(
        assignment(plan.plan_id, "housing", "housing-2"), metadata=COUNTY_OFFICER.to_metadata()
    )
    assert {team.department: list(team.inspector_ids) for team in staffed.plan.teams}["housing"] == ["housing-2"]
    before = (await enforcement.footprint(), await teams(enforcement, plan.plan_id))

    cases = [
        (assignment(plan.plan_id, "police", "p-1"), COUNTY_OFFICER, grpc.StatusCode.INVALID_ARGUMENT, "department"),
        (assignment(plan.plan_id, "housing"), COUNTY_OFFICER, grpc.StatusCode.INVALID_ARGUMENT, "inspector_ids"),
        (assignment("plan-unknown", "housing", "h-1"), COUNTY_OFFICER, grpc.StatusCode.NOT_FOUND, "plan_id"),
        (assignment(plan.plan_id, "housing", "h-1"), ANXI_OFFICER, grpc.StatusCode.PERMISSION_DENIED, "jurisdiction_path"),
        (assignment(plan.plan_id, "housing", "h-1"), COMMUNITY_WORKER, grpc.StatusCode.PERMISSION_DENIED, None),
    ]
    for request, who, expected, field in cases:
        status, error = await refused(enforcement.stub.AssignInspectors(request, metadata=who.to_metadata()))
        assert status == expected and (field is None or error.field == field), (request, error)
    assert (await enforcement.footprint(), await teams(enforcement, plan.plan_id)) == before

    # once the visit is completed the team is on record
    inspection_id = plan.visits[0].inspection_id
    await enforcement.result(inspection_id, "FIRE-01", api.OUTCOME_PASS)
    await enforcement.result(inspection_id, "LIFT-01", api.OUTCOME_PASS, who=AuthContext(
        user="housing-2", roles=frozenset({"department_inspector"}), scope=HUIAN, department="housing"
    ))
    await enforcement.complete(inspection_id)
    status, error = await refused(
        enforcement.stub.AssignInspectors(assignment(plan.plan_id, "fire_rescue", "fire-9"), metadata=FIRE.to_metadata())
    )
    assert (status, error.field) == (grpc.StatusCode.FAILED_PRECONDITION, "plan_id")


async def test_E2_plans_listed_by_jurisdiction_and_visit_period_in_cursor_pages(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    await enforcement.know_compound("compound-anxi", path=ANXI_COMMUNITY)
    march = await enforcement.plan(visit_date="2026-03-10")
    april = await enforcement.plan(visit_date="2026-04-01", kind=api.INSPECTION_KIND_SPECIAL, basis="消防专项")
    may = await enforcement.plan(visit_date="2026-05-01", kind=api.INSPECTION_KIND_SPECIAL, basis="电梯专项")
    await enforcement.plan(visit_date="2026-03-20", compound_ids=("compound-anxi",), who=ANXI_OFFICER)

    async def listed(page_token: str = "", end_date: str = "2026-06-01", who: AuthContext = COUNTY_OFFICER) -> api.ListPlansResponse:
        return await enforcement.stub.ListPlans(
            api.ListPlansRequest(
                jurisdiction_path=HUIAN, start_date="2026-03-01", end_date=end_date,
                page=common_pb2.PageRequest(page_size=2, page_token=page_token),
            ),
            metadata=who.to_metadata(),
        )

    first = await listed()
    assert [plan.plan_id for plan in first.plans] == [march.plan_id, april.plan_id] and first.page.next_page_token
    second = await listed(first.page.next_page_token)
    assert [plan.plan_id for plan in second.plans] == [may.plan_id] and not second.page.next_page_token
    # issue 14, one period convention: the last day is included (wuye_chassis.periods)
    assert [plan.plan_id for plan in (await listed(end_date="2026-04-30")).plans] == [march.plan_id, april.plan_id]
    assert [plan.plan_id for plan in (await listed(end_date="2026-05-01")).plans] == [march.plan_id, april.plan_id]
    assert [p.plan_id for p in (await listed((await listed(end_date="2026-05-01")).page.next_page_token,
                                             end_date="2026-05-01")).plans] == [may.plan_id]

    for call, expected, field in [
        (listed(who=ANXI_OFFICER), grpc.StatusCode.PERMISSION_DENIED, "jurisdiction_path"),
        (listed(end_date="2026-02-28"), grpc.StatusCode.INVALID_ARGUMENT, "end_date"),
        (listed(page_token="not a token!"), grpc.StatusCode.INVALID_ARGUMENT, "page.page_token"),
    ]:
        status, error = await refused(call)
        assert (status, error.field) == (expected, field)


async def test_registry_events_feed_known_compounds_and_the_company_inspected(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    compound = "compound-new"
    status, error = await refused(enforcement.plan(compound_ids=(compound,)))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "compound_ids[0]")
    await enforcement.announce(
        registry_events.CompoundRegistered(compound_id=compound, name="新城小区", jurisdiction_path=COMMUNITY),
        source="registry", subject=compound,
    )
    await enforcement.announce(
        registry_events.ContractStarted(
            contract_id="contract-1", compound_id=compound, company_id="company-new", jurisdiction_path=COMMUNITY
        ),
        source="registry", subject=compound,
    )
    await eventually(lambda: enforcement.count("known_compounds", "WHERE company_id = 'company-new'"))
    plan = await enforcement.plan(compound_ids=(compound,))
    inspection = (
        await enforcement.stub.GetInspection(
            api.GetInspectionRequest(inspection_id=plan.visits[0].inspection_id), metadata=FIRE.to_metadata()
        )
    ).inspection
    assert (inspection.jurisdiction_path, inspection.company_id) == (COMMUNITY, "company-new")

    await enforcement.announce(
        registry_events.ContractEnded(contract_id="contract-1", compound_id=compound, company_id="company-new"),
        source="registry", subject=compound,
    )
    await eventually(lambda: enforcement.count("known_compounds", f"WHERE compound_id = '{compound}' AND company_id IS NULL"))
    later = await enforcement.plan(compound_ids=(compound,), kind=api.INSPECTION_KIND_SPECIAL, basis="回访")
    assert await enforcement.count(
        "inspections", f"WHERE inspection_id = '{later.visits[0].inspection_id}' AND company_id IS NULL"
    ) == 1
