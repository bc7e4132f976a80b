"""Event consumers: complaints in violation categories open complaint-triggered inspections.

The inbox makes a redelivered ComplaintSubmitted harmless: the plan is opened once per event.
"""

from __future__ import annotations

from datetime import UTC

from sqlalchemy.ext.asyncio import AsyncSession

from wuye.complaints.v1 import events_pb2 as complaint_events
from wuye_chassis.bus import event_type_of
from wuye_chassis.inbox import ReceivedEvent, Subscription, session_handler
from wuye_enforcement.service.inspections import InspectionService


def complaint_subscription(service_name: str, inspections: InspectionService) -> Subscription:
    async def on_submitted(session: AsyncSession, event: ReceivedEvent) -> None:
        complaint = event.parse(complaint_events.ComplaintSubmitted)
        await inspections.open_for_complaint(
            session, case_id=complaint.case_id, compound_id=complaint.compound_id, category=complaint.category,
            submitted_at=complaint.submitted_at.ToDatetime(tzinfo=UTC),
        )

    return Subscription(
        durable=f"{service_name}-complaints",
        handlers={event_type_of(complaint_events.ComplaintSubmitted): session_handler(on_submitted)},
    )
