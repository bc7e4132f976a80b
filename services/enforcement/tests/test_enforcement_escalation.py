"""Overdue orders (E4): penalty-case escalation, a failed re-check after the deadline, the re-check and
overdue lists, and refusals by role and scope on results and orders, over real gRPC and NATS."""

from __future__ import annotations

import asyncio
import datetime as dt

import grpc

from tests.support import eventually, run_at_once_on_both
from wuye.common.v1 import common_pb2
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye.enforcement.v1 import enforcement_pb2_grpc
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.proto_values import timestamp
from wuye_enforcement.domain import commands
from wuye_enforcement.entrypoints.app import build
from wuye_enforcement.service import orders
from wuye_enforcement.settings import EnforcementSettings

from .conftest import ANXI_OFFICER, COMMUNITY, COMPOUND, COUNTY_OFFICER, FIRE, HOUSING, HUIAN, Enforcement, refused

COMMUNITY_WORKER = AuthContext(user="worker-1", roles=frozenset({"community_worker"}), scope=COMMUNITY)
ANXI_FIRE = AuthContext(
    user="fire-1", roles=frozenset({"department_inspector"}), scope="350500/350524", department="fire_rescue"
)


def short_order(item_code: str, seconds: float) -> api.OrderSpec:
    return api.OrderSpec(
        item_code=item_code, addressee=api.ADDRESSEE_COMPANY, deadline=timestamp(utcnow() + dt.timedelta(seconds=seconds))
    )


async def order_state(enforcement: Enforcement, order_id: str) -> api.RectificationOrder:
    return (await enforcement.stub.GetOrder(api.GetOrderRequest(order_id=order_id), metadata=FIRE.to_metadata())).order


async def overdue_order(enforcement: Enforcement) -> str:
    """FIRE-01 failed with a one-second deadline, marked overdue by the sweeper; returns the order id."""
    inspection = await enforcement.complete(await enforcement.inspected_with_failure(), short_order("FIRE-01", 1))
    order_id = inspection.orders[0].order_id

    async def overdue() -> bool:
        return (await order_state(enforcement, order_id)).state == api.ORDER_STATE_OVERDUE

    await eventually(overdue)
    return order_id


async def listed(enforcement: Enforcement, rpc: str, *, department: str = "", page_token: str = "", size: int = 0,
                 who: AuthContext = COUNTY_OFFICER):
    request_class = getattr(api, f"{rpc}Request")
    return await getattr(enforcement.stub, rpc)(
        request_class(
            jurisdiction_path=HUIAN, department=department,
            page=common_pb2.PageRequest(page_size=size, page_token=page_token),
        ),
        metadata=who.to_metadata(),
    )


async def test_E4_penalty_case_escalation_ends_with_an_allowed_outcome(enforcement: Enforcement) -> None:
    order_id = await overdue_order(enforcement)
    escalated = (
        await enforcement.stub.EscalateOrder(
            api.EscalateOrderRequest(order_id=order_id, kind=api.ESCALATION_KIND_PENALTY_CASE, department="urban_management"),
            metadata=COUNTY_OFFICER.to_metadata(),
        )
    ).order
    assert escalated.state == api.ORDER_STATE_ESCALATED
    assert (escalated.escalation.kind, escalated.escalation.department) == (api.ESCALATION_KIND_PENALTY_CASE, "urban_management")
    assert (await enforcement.event_types())[-1] == "PenaltyCaseOpened"
    assert [order.order_id for order in (await listed(enforcement, "ListOverdueOrders")).orders] == []

    before = await enforcement.footprint()
    outcome = api.RecordEscalationOutcomeRequest(order_id=order_id, outcome=api.ESCALATION_OUTCOME_LITIGATION_FILED)
    status, error = await refused(enforcement.stub.RecordEscalationOutcome(outcome, metadata=COUNTY_OFFICER.to_metadata()))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "outcome", "E4")
    assert await enforcement.footprint() == before

    outcome.outcome = api.ESCALATION_OUTCOME_PENALTY_IMPOSED
    concluded = (await enforcement.stub.RecordEscalationOutcome(outcome, metadata=COUNTY_OFFICER.to_metadata())).order
    assert concluded.state == api.ORDER_STATE_ESCALATED
    assert concluded.escalation.outcome == api.ESCALATION_OUTCOME_PENALTY_IMPOSED
    assert (await enforcement.event_types())[-1] == "EscalationConcluded"
    status, error = await refused(enforcement.stub.RecordEscalationOutcome(outcome, metadata=COUNTY_OFFICER.to_metadata()))
    assert (status, error.field) == (grpc.StatusCode.FAILED_PRECONDITION, "outcome")


async def test_E4_failed_recheck_after_deadline_keeps_order_overdue(enforcement: Enforcement) -> None:
    order_id = await overdue_order(enforcement)
    due = await listed(enforcement, "ListOrdersDueRecheck")
    assert [order.order_id for order in due.orders] == [order_id]

    failed = (
        await enforcement.stub.RecordRecheck(
            api.RecordRecheckRequest(order_id=order_id, inspection_id="follow-up-1", passed=False),
            metadata=FIRE.to_metadata(),
        )
    ).order
    assert failed.state == api.ORDER_STATE_OVERDUE
    assert [(recheck.inspection_id, recheck.passed) for recheck in failed.rechecks] == [("follow-up-1", False)]
    assert (await enforcement.event_types()).count("RectificationOverdue") == 1  # overdue once, not again
    # the re-check after the deadline was made: no longer due, still overdue
    assert list((await listed(enforcement, "ListOrdersDueRecheck")).orders) == []
    assert [order.order_id for order in (await listed(enforcement, "ListOverdueOrders")).orders] == [order_id]


async def test_E4_overdue_orders_listed_by_deadline_in_cursor_pages_per_department(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    inspection_id = (await enforcement.plan()).visits[0].inspection_id
    for code, who in (("FIRE-01", FIRE), ("LIFT-01", HOUSING)):
        await enforcement.result(inspection_id, code, api.OUTCOME_FAIL, who=who, severity=api.SEVERITY_MINOR, evidence_refs=["p"])
    orders = (await enforcement.complete(inspection_id, short_order("FIRE-01", 1), short_order("LIFT-01", 1.5))).orders
    fire, lift = sorted(orders, key=lambda order: order.deadline.ToDatetime())

    async def both_overdue() -> bool:
        return await enforcement.count("rectification_orders", "WHERE state = 'overdue'") == 2

    await eventually(both_overdue)
    first = await listed(enforcement, "ListOverdueOrders", size=1)
    second = await listed(enforcement, "ListOverdueOrders", size=1, page_token=first.page.next_page_token)
    assert [order.order_id for order in [*first.orders, *second.orders]] == [fire.order_id, lift.order_id]
    assert not second.page.next_page_token
    # the fire lane is checked by fire and housing, the lift by housing alone
    assert [order.item_code for order in (await listed(enforcement, "ListOverdueOrders", department="fire_rescue")).orders] == [
        "FIRE-01"
    ]
    assert len((await listed(enforcement, "ListOrdersDueRecheck", department="housing")).orders) == 2

    for call, expected, field in [
        (listed(enforcement, "ListOverdueOrders", who=ANXI_OFFICER), grpc.StatusCode.PERMISSION_DENIED, "jurisdiction_path"),
        (listed(enforcement, "ListOrdersDueRecheck", size=501), grpc.StatusCode.INVALID_ARGUMENT, "page.page_size"),
        (listed(enforcement, "ListOverdueOrders", page_token="bm8gYmFy"), grpc.StatusCode.INVALID_ARGUMENT, "page.page_token"),
    ]:
        status, error = await refused(call)
        assert (status, error.field) == (expected, field)


async def test_E4_results_and_orders_refused_by_role_and_scope_change_nothing(enforcement: Enforcement) -> None:
    order_id = await overdue_order(enforcement)
    other_inspection = (
        await enforcement.plan(visit_date="2026-09-01", kind=api.INSPECTION_KIND_SPECIAL, basis="消防专项")
    ).visits[0].inspection_id
    before = await enforcement.footprint()
    result = api.RecordResultRequest(inspection_id=other_inspection, item_code="LIFT-01", outcome=api.OUTCOME_PASS)
    recheck = api.RecordRecheckRequest(order_id=order_id, inspection_id="follow-up-1", passed=True)
    escalate = api.EscalateOrderRequest(
        order_id=order_id, kind=api.ESCALATION_KIND_PENALTY_CASE, department="urban_management"
    )
    calls = [
        (enforcement.stub.RecordResult, result, COUNTY_OFFICER),  # officers plan; inspectors record
        (enforcement.stub.RecordResult, result, ANXI_FIRE),  # an inspector outside the compound's county
        (enforcement.stub.CompleteInspection, api.CompleteInspectionRequest(inspection_id=other_inspection), COUNTY_OFFICER),
        (enforcement.stub.RecordRecheck, recheck, COMMUNITY_WORKER),
        (enforcement.stub.RecordRecheck, recheck, ANXI_FIRE),
        (enforcement.stub.EscalateOrder, escalate, ANXI_OFFICER),
        (enforcement.stub.EscalateOrder, escalate, COMMUNITY_WORKER),
        (
            enforcement.stub.RecordEscalationOutcome,
            api.RecordEscalationOutcomeRequest(order_id=order_id, outcome=api.ESCALATION_OUTCOME_DISMISSED),
            COMMUNITY_WORKER,
        ),
    ]
    for rpc, request, who in calls:
        status, _ = await refused(rpc(request, metadata=who.to_metadata()))
        assert status == grpc.StatusCode.PERMISSION_DENIED, (request, who.user)
    assert await enforcement.footprint() == before
    assert (await order_state(enforcement, order_id)).state == api.ORDER_STATE_OVERDUE


async def test_E4_two_replicas_sweeping_at_once_mark_each_overdue_order_once(
    database_url: str, nats_server: EmbeddedNats, start_service
) -> None:
    """Replicas share the database and each runs the sweep: the order row is locked, so the replica that
    comes second finds it overdue already and does nothing (one RectificationOverdue, not two)."""
    def replica_settings() -> EnforcementSettings:  # the sweep is run by hand below, both at the same moment
        return EnforcementSettings(database_url=database_url, nats_url=nats_server.url, grpc_port=0,
                                   overdue_interval_seconds=3600)

    first, second = await start_service(build(replica_settings())), await start_service(build(replica_settings()))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{first.port}") as channel:
        enforcement = Enforcement(first, enforcement_pb2_grpc.EnforcementServiceStub(channel))
        await enforcement.know_compound(COMPOUND)
        inspection = await enforcement.complete(await enforcement.inspected_with_failure(), short_order("FIRE-01", 0.5))
        order_id = inspection.orders[0].order_id
        await asyncio.sleep(0.6)
        marked = await run_at_once_on_both(first, second, lambda replica: orders.mark_order_overdue(
            commands.MarkOrderOverdue(order_id), replica.runtime.unit_of_work()))
        assert marked == [False, False, False, True]
        assert (await order_state(enforcement, order_id)).state == api.ORDER_STATE_OVERDUE
        assert (await enforcement.event_types()).count("RectificationOverdue") == 1
