"""Domain events → the protobuf events the outbox publishes (ids, codes, counts, places and times only).

The service's ``EventTranslator``: the unit of work calls ``outgoing`` for every event a handler publishes.
"""

from __future__ import annotations

from wuye.enforcement.v1 import enforcement_pb2 as api
from wuye.enforcement.v1 import events_pb2
from wuye.enforcement.v1 import supervision_pb2 as supervision_api
from wuye_chassis.proto_values import enum_number, timestamp
from wuye_chassis.uow import OutgoingEvent
from wuye_enforcement.domain.events import (
    EscalationConcluded,
    Event,
    FindingRecorded,
    InspectionCompleted,
    PenaltyCaseOpened,
    RectificationCompleted,
    RectificationOverdue,
    ReferralCreated,
    SupervisionItemClosed,
    SupervisionItemReopened,
    SupervisionTaskDone,
)


def outgoing(event: Event) -> OutgoingEvent:
    """The protobuf form of ``event``, with the aggregate it is about (its subject)."""
    match event:
        case InspectionCompleted():
            return OutgoingEvent(events_pb2.InspectionCompleted(
                inspection_id=event.inspection_id, plan_id=event.plan_id, compound_id=event.compound_id,
                jurisdiction_path=event.jurisdiction_path, kind=enum_number(api.InspectionKind, event.kind),
                completed_at=timestamp(event.at), items_checked=event.items_checked, findings=event.findings,
                separate_visits_saved=event.separate_visits_saved,
            ), event.inspection_id)
        case FindingRecorded():
            return OutgoingEvent(events_pb2.FindingRecorded(
                finding_id=event.finding_id, inspection_id=event.inspection_id, compound_id=event.compound_id,
                jurisdiction_path=event.jurisdiction_path, company_id=event.company_id or "", item_code=event.item_code,
                severity=enum_number(api.Severity, event.severity), found_at=timestamp(event.at),
            ), event.finding_id)
        case RectificationCompleted():
            return OutgoingEvent(events_pb2.RectificationCompleted(
                order_id=event.order_id, finding_id=event.finding_id, compound_id=event.compound_id,
                jurisdiction_path=event.jurisdiction_path, company_id=event.company_id or "",
                addressee=enum_number(api.Addressee, event.addressee), rectified_at=timestamp(event.at), late=event.late,
            ), event.order_id)
        case RectificationOverdue():
            return OutgoingEvent(events_pb2.RectificationOverdue(
                order_id=event.order_id, finding_id=event.finding_id, compound_id=event.compound_id,
                jurisdiction_path=event.jurisdiction_path, company_id=event.company_id or "",
                addressee=enum_number(api.Addressee, event.addressee), deadline=timestamp(event.deadline),
                overdue_at=timestamp(event.at),
            ), event.order_id)
        case PenaltyCaseOpened():
            return OutgoingEvent(events_pb2.PenaltyCaseOpened(
                order_id=event.order_id, escalation_id=event.escalation_id, department=event.department,
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
                company_id=event.company_id or "", opened_at=timestamp(event.at),
            ), event.order_id)
        case ReferralCreated():
            return OutgoingEvent(events_pb2.ReferralCreated(
                order_id=event.order_id, escalation_id=event.escalation_id,
                referral_kind=enum_number(api.ReferralKind, event.referral_kind), department=event.department,
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
                company_id=event.company_id or "", referred_at=timestamp(event.at),
            ), event.order_id)
        case EscalationConcluded():
            return OutgoingEvent(events_pb2.EscalationConcluded(
                order_id=event.order_id, escalation_id=event.escalation_id,
                outcome=enum_number(api.EscalationOutcome, event.outcome), company_id=event.company_id or "",
                concluded_at=timestamp(event.at),
            ), event.order_id)
        case SupervisionTaskDone():
            return OutgoingEvent(events_pb2.SupervisionTaskDone(
                task_id=event.task_id, list_id=event.list_id,
                addressee_kind=enum_number(supervision_api.AddresseeKind, event.addressee_kind),
                addressee_id=event.addressee_id, jurisdiction_path=event.jurisdiction_path,
                company_id=event.company_id or "", done_at=timestamp(event.at), late=event.late,
            ), event.task_id)
        case SupervisionItemClosed():
            return OutgoingEvent(events_pb2.SupervisionItemClosed(
                item_id=event.item_id, list_id=event.list_id,
                addressee_kind=enum_number(supervision_api.AddresseeKind, event.addressee_kind),
                addressee_id=event.addressee_id, jurisdiction_path=event.jurisdiction_path,
                company_id=event.company_id or "", closed_at=timestamp(event.at), late=event.late,
            ), event.item_id)
        case SupervisionItemReopened():
            return OutgoingEvent(events_pb2.SupervisionItemReopened(
                item_id=event.item_id, list_id=event.list_id,
                addressee_kind=enum_number(supervision_api.AddresseeKind, event.addressee_kind),
                addressee_id=event.addressee_id, jurisdiction_path=event.jurisdiction_path,
                company_id=event.company_id or "", reopened_at=timestamp(event.at),
            ), event.item_id)
    raise TypeError(f"no protobuf event for {type(event).__name__}")
