"""What the enforcement service consumes: the registry read models of where compounds lie and who serves
them (kept by the chassis), and complaints in violation categories, which open complaint-triggered
inspections.

The inbox makes a redelivered ComplaintSubmitted harmless: the plan is opened once per event.
"""

from __future__ import annotations

from wuye.complaints.v1 import events_pb2 as complaint_events
from wuye_chassis import companies, compounds, directory
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.bus import event_type_of
from wuye_chassis.inbox import ReceivedEvent, Subscription
from wuye_chassis.proto_values import moment
from wuye_enforcement.domain import commands
from wuye_enforcement.service import plans
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

READ_MODELS = (directory.JURISDICTIONS, compounds.COMPOUNDS, companies.COMPANIES)


async def on_complaint_submitted(event: ReceivedEvent, uow: EnforcementUnitOfWork) -> None:
    complaint = event.parse(complaint_events.ComplaintSubmitted)
    await plans.open_complaint_inspection(
        commands.OpenComplaintInspection(
            case_id=complaint.case_id, compound_id=complaint.compound_id, category=complaint.category,
            submitted_at=moment(complaint.submitted_at),
        ),
        uow,
    )


def subscriptions(runtime: ServiceRuntime[EnforcementUnitOfWork]) -> list[Subscription[EnforcementUnitOfWork]]:
    return [
        Subscription(
            durable=f"{runtime.settings.service_name}-complaints",
            handlers={event_type_of(complaint_events.ComplaintSubmitted): on_complaint_submitted},
        )
    ]
