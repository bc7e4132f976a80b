"""Domain events → the protobuf events the outbox publishes (ids, codes, states and times only).

The service's ``EventTranslator``: the unit of work calls ``outgoing`` for every event a handler publishes.
"""

from __future__ import annotations

from google.protobuf.message import Message

from wuye.complaints.v1 import complaints_pb2 as api
from wuye.complaints.v1 import events_pb2
from wuye_chassis.proto_values import enum_number, timestamp
from wuye_chassis.uow import OutgoingEvent
from wuye_complaints.domain.events import (
    Accepted,
    CallbackRecorded,
    Closed,
    Dispatched,
    Escalated,
    Event,
    Rejected,
    Reopened,
    Resolved,
    SentBack,
    Submitted,
)


def outgoing(event: Event) -> OutgoingEvent:
    return OutgoingEvent(_message(event), event.case_id)


def _message(event: Event) -> Message:
    match event:
        case Submitted():
            return events_pb2.ComplaintSubmitted(
                case_id=event.case_id, compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
                category=event.category, channel=enum_number(api.Channel, event.channel),
                submitted_at=timestamp(event.at), accept_due_at=timestamp(event.accept_due_at),
            )
        case Accepted():
            return events_pb2.ComplaintAccepted(
                case_id=event.case_id, accepted_at=timestamp(event.at), overdue=event.overdue
            )
        case Rejected():
            return events_pb2.ComplaintRejected(
                case_id=event.case_id, rejected_at=timestamp(event.at),
                reason=enum_number(api.RejectReason, event.reason), duplicate_of=event.duplicate_of or "",
            )
        case Dispatched():
            return events_pb2.ComplaintDispatched(
                case_id=event.case_id, dispatched_at=timestamp(event.at),
                assignee_kind=enum_number(api.AssigneeKind, event.assignee_kind), assignee_id=event.assignee_id,
                first_dispatch=event.first_dispatch, resolve_due_at=timestamp(event.resolve_due_at),
                tier=enum_number(api.Tier, event.tier), compound_id=event.compound_id,
                jurisdiction_path=event.jurisdiction_path,
            )
        case SentBack():
            return events_pb2.ComplaintSentBack(
                case_id=event.case_id, sent_back_at=timestamp(event.at),
                assignee_kind=enum_number(api.AssigneeKind, event.assignee_kind), assignee_id=event.assignee_id,
            )
        case Escalated():
            return events_pb2.ComplaintEscalated(
                case_id=event.case_id, escalated_at=timestamp(event.at),
                from_tier=enum_number(api.Tier, event.from_tier), to_tier=enum_number(api.Tier, event.to_tier),
                reason=enum_number(api.EscalationReason, event.reason), actor_id=event.actor_id,
                tier_due_at=timestamp(event.tier_due_at), jurisdiction_path=event.jurisdiction_path,
            )
        case Resolved():
            return events_pb2.ComplaintResolved(
                case_id=event.case_id, resolved_at=timestamp(event.at), overdue=event.overdue,
                company_id=event.company_id or "", tier=enum_number(api.Tier, event.tier),
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
            )
        case CallbackRecorded():
            return events_pb2.ComplaintCallbackRecorded(
                case_id=event.case_id, recorded_at=timestamp(event.at), valid=event.valid,
                contacted=bool(event.contacted), solved=bool(event.solved),
                satisfaction=enum_number(api.Satisfaction, event.satisfaction),
            )
        case Closed():
            return events_pb2.ComplaintClosed(
                case_id=event.case_id, closed_at=timestamp(event.at),
                satisfaction=enum_number(api.Satisfaction, event.satisfaction), overdue=event.overdue,
                company_id=event.company_id or "", tier=enum_number(api.Tier, event.tier),
                category=event.category, compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
            )
        case Reopened():
            return events_pb2.ComplaintReopened(
                case_id=event.case_id, reopened_at=timestamp(event.at),
                assignee_kind=enum_number(api.AssigneeKind, event.assignee_kind), assignee_id=event.assignee_id,
                tier_due_at=timestamp(event.tier_due_at),
            )
    raise TypeError(f"no protobuf event for {type(event).__name__}")
