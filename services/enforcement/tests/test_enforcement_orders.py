"""Results, completion into findings and rectification orders (E4), overdue, re-check, escalation, figures (E5),
and complaint-triggered inspections, over real gRPC and NATS."""

from __future__ import annotations

import datetime as dt

import grpc

from tests.support import eventually
from wuye.complaints.v1 import events_pb2 as complaint_events
from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye_chassis.bus import EventHeaders, event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.proto_values import timestamp
from wuye_chassis.workdays import SHANGHAI

from .conftest import COMMUNITY, COMPANY, COMPOUND, COUNTY_OFFICER, FIRE, HUIAN, Enforcement, refused


async def test_E4_failed_item_becomes_finding_and_order_to_the_company(enforcement: Enforcement) -> None:
    inspection_id = await enforcement.inspected_with_failure()
    inspection = await enforcement.complete(
        inspection_id,
        api.OrderSpec(item_code="FIRE-01", addressee=api.ADDRESSEE_COMPANY, deadline_working_days=5),
    )
    assert inspection.state == api.INSPECTION_STATE_COMPLETED
    [order] = inspection.orders
    assert order.finding_id == f"{inspection_id}/FIRE-01" and order.addressee_id == COMPANY
    assert order.state == api.ORDER_STATE_ISSUED and order.deadline.ToDatetime() > dt.datetime.now()
    assert await enforcement.event_types() == ["InspectionCompleted", "FindingRecorded"]


async def test_E4_order_without_a_deadline_is_refused_and_nothing_changes(enforcement: Enforcement) -> None:
    inspection_id = await enforcement.inspected_with_failure()
    before = await enforcement.footprint()
    status, error = await refused(
        enforcement.complete(inspection_id, api.OrderSpec(item_code="FIRE-01", addressee=api.ADDRESSEE_COMPANY))
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "deadline"
    status, error = await refused(enforcement.complete(inspection_id))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "orders"
    assert await enforcement.footprint() == before


async def test_E2_result_for_an_item_not_in_the_checklist_is_refused_and_nothing_changes(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    inspection_id = (await enforcement.plan()).visits[0].inspection_id
    before = await enforcement.footprint()
    status, error = await refused(enforcement.result(inspection_id, "GAS-99", api.OUTCOME_PASS))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "item_code"
    status, error = await refused(enforcement.result(inspection_id, "FIRE-01", api.OUTCOME_FAIL))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "severity"
    assert await enforcement.footprint() == before


async def test_E4_overdue_order_raises_event(enforcement: Enforcement) -> None:
    inspection_id = await enforcement.inspected_with_failure()
    inspection = await enforcement.complete(
        inspection_id,
        api.OrderSpec(
            item_code="FIRE-01", addressee=api.ADDRESSEE_COMPANY, deadline=timestamp(utcnow() + dt.timedelta(seconds=1))
        ),
    )
    order_id = inspection.orders[0].order_id

    async def overdue() -> bool:
        answer = await enforcement.stub.GetOrder(api.GetOrderRequest(order_id=order_id), metadata=FIRE.to_metadata())
        return answer.order.state == api.ORDER_STATE_OVERDUE

    await eventually(overdue)
    assert (await enforcement.event_types())[-1] == "RectificationOverdue"
    # not rectified after the deadline: referred to the procuratorate, which files public-interest litigation
    referred = await enforcement.stub.EscalateOrder(
        api.EscalateOrderRequest(
            order_id=order_id, kind=api.ESCALATION_KIND_REFERRAL,
            referral_kind=api.REFERRAL_KIND_PUBLIC_INTEREST_SUGGESTION,
        ),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    assert referred.order.escalation.department == "procuratorate"
    ended = await enforcement.stub.RecordEscalationOutcome(
        api.RecordEscalationOutcomeRequest(order_id=order_id, outcome=api.ESCALATION_OUTCOME_RECTIFIED),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    assert ended.order.state == api.ORDER_STATE_RECTIFIED
    assert (await enforcement.event_types())[-3:] == ["ReferralCreated", "EscalationConcluded", "RectificationCompleted"]


async def test_E4_passing_recheck_rectifies_and_E5_figures_count_it(enforcement: Enforcement) -> None:
    inspection_id = await enforcement.inspected_with_failure()
    inspection = await enforcement.complete(
        inspection_id,
        api.OrderSpec(item_code="FIRE-01", addressee=api.ADDRESSEE_COMPANY, deadline_working_days=5),
    )
    order_id = inspection.orders[0].order_id
    status, error = await refused(
        enforcement.stub.EscalateOrder(
            api.EscalateOrderRequest(order_id=order_id, kind=api.ESCALATION_KIND_PENALTY_CASE, department="urban_management"),
            metadata=COUNTY_OFFICER.to_metadata(),
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "state"
    answer = await enforcement.stub.RecordRecheck(
        api.RecordRecheckRequest(order_id=order_id, inspection_id="follow-up-1", passed=True,
                                 early_reason="整改单位报告已完成整改"),  # before the deadline: says why
        metadata=FIRE.to_metadata(),
    )
    assert answer.order.state == api.ORDER_STATE_RECTIFIED
    today = dt.date.today()
    figures = await enforcement.stub.GetEnforcementFigures(
        api.GetEnforcementFiguresRequest(
            jurisdiction_path=HUIAN, start_date=(today - dt.timedelta(days=1)).isoformat(),
            end_date=(today + dt.timedelta(days=2)).isoformat(),
        ),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    assert (figures.inspections, figures.items_checked, figures.problems_found, figures.rectified, figures.overdue) == (
        1, 2, 1, 1, 0,
    )
    assert figures.visits_saved == 1 and figures.rectification_rate.value == 1.0
    lifts = await enforcement.stub.GetEnforcementFigures(
        api.GetEnforcementFiguresRequest(
            jurisdiction_path=HUIAN, department="police", start_date=(today - dt.timedelta(days=1)).isoformat(),
            end_date=(today + dt.timedelta(days=2)).isoformat(),
        ),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    assert (lifts.inspections, lifts.problems_found) == (0, 0)

    # issue 14, one period convention: a period's last day is included, so "today to today" holds the
    # inspection completed today (Asia/Shanghai), and "yesterday to yesterday" does not
    local_today = dt.datetime.now(SHANGHAI).date()

    async def inspected_on(day: dt.date) -> int:
        answer = await enforcement.stub.GetEnforcementFigures(
            api.GetEnforcementFiguresRequest(jurisdiction_path=HUIAN, start_date=day.isoformat(), end_date=day.isoformat()),
            metadata=COUNTY_OFFICER.to_metadata(),
        )
        return answer.inspections

    assert (await inspected_on(local_today), await inspected_on(local_today - dt.timedelta(days=1))) == (1, 0)


async def test_violation_complaint_opens_complaint_triggered_inspection(enforcement: Enforcement) -> None:
    await enforcement.seed_catalogue()
    await enforcement.plan(visit_date=dt.date.today().isoformat())  # a routine visit: E3 does not stop the trigger
    submitted = complaint_events.ComplaintSubmitted(
        case_id="case-1", compound_id=COMPOUND, jurisdiction_path=COMMUNITY, category="fire_equipment",
        submitted_at=timestamp(utcnow()),
    )
    event_id = await enforcement.announce(submitted, subject="case-1")
    await enforcement.announce(
        complaint_events.ComplaintSubmitted(
            case_id="case-2", compound_id=COMPOUND, jurisdiction_path=COMMUNITY, category="lifts",
            submitted_at=timestamp(utcnow()),
        ),
        subject="case-2",
    )
    # the same event again under a new message id (a publisher retry after JetStream's duplicate window)
    headers = EventHeaders(event_id, event_type_of(submitted), "/wuye/complaints", utcnow(), "case-1").to_nats()
    headers["Nats-Msg-Id"] = new_id()
    await enforcement.app.runtime.bus.js.publish(event_type_of(submitted), submitted.SerializeToString(), headers=headers)
    # one consumer handles events in order: once case-3's plan exists, the redelivery was handled too
    await enforcement.announce(complaint_events.ComplaintSubmitted(
        case_id="case-3", compound_id=COMPOUND, jurisdiction_path=COMMUNITY, category="renovation",
        submitted_at=timestamp(utcnow()),
    ), subject="case-3")
    await eventually(lambda: enforcement.count("inspection_plans", "WHERE basis = 'case-3'"))
    assert await enforcement.count("inspection_plans", "WHERE kind = 'complaint_triggered' AND basis = 'case-1'") == 1
    assert await enforcement.count("inspection_plans", "WHERE basis = 'case-2'") == 0
