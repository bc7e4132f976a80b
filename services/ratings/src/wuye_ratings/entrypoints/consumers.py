"""What the ratings service consumes: other services' events → a command → its handler.

- ``ratings-companies``: the registry's companies and contracts, the read model of who serves where;
- ``ratings-credit-events``: closed complaints and enforcement's findings, overdue rectifications,
  referrals and campaign supervision (late tasks and list items, items reopened by 回头看), the credit
  records they make (R2);
- ``ratings-stars``: the contracts that date a company's service and the findings and contract ends that
  withdraw its stars (R5); one consumer takes them in stream order, so a contract's start is known
  before its end.

Each handler runs in the unit of work the consumer made for the event, so the event's inbox entry
commits with its effect (and the events it publishes): a redelivered event changes nothing. The
jurisdiction read model is the chassis's (``READ_MODELS``).
"""

from __future__ import annotations

from wuye.complaints.v1 import complaints_pb2
from wuye.complaints.v1 import events_pb2 as complaint_events
from wuye.enforcement.v1 import enforcement_pb2
from wuye.enforcement.v1 import events_pb2 as enforcement_events
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis import directory
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.bus import event_type_of
from wuye_chassis.inbox import ReceivedEvent, Subscription
from wuye_chassis.proto_values import enum_text, moment
from wuye_ratings.domain import commands
from wuye_ratings.service import companies, records, stars
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

READ_MODELS = (directory.JURISDICTIONS,)


# --- the events, as the handlers take them -------------------------------------------------------


def contract_started(event: ReceivedEvent) -> commands.ContractStarted:
    contract = event.parse(registry_events.ContractStarted)
    return commands.ContractStarted(
        contract_id=contract.contract_id, company_id=contract.company_id, compound_id=contract.compound_id,
        jurisdiction_path=contract.jurisdiction_path, start_on=contract.start_on,
    )


def contract_ended(event: ReceivedEvent) -> commands.ContractEnded:
    contract = event.parse(registry_events.ContractEnded)
    return commands.ContractEnded(
        contract_id=contract.contract_id, company_id=contract.company_id, compound_id=contract.compound_id,
        terminated_on=contract.terminated_on,
    )


def finding_recorded(event: ReceivedEvent) -> commands.FindingRecorded:
    finding = event.parse(enforcement_events.FindingRecorded)
    return commands.FindingRecorded(
        event_id=event.event_id, finding_id=finding.finding_id, company_id=finding.company_id,
        severity=enum_text(enforcement_pb2.Severity, finding.severity), found_at=moment(finding.found_at),
    )


# --- ratings-companies ---------------------------------------------------------------------------


async def on_company_registered(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    company = event.parse(registry_events.CompanyRegistered)
    await companies.record_company(
        commands.CompanyRegistered(
            company_id=company.company_id, name=company.name, jurisdiction_path=company.jurisdiction_path
        ),
        uow,
    )


async def on_contract_started_serving(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    await companies.start_serving(contract_started(event), uow)


async def on_contract_ended_serving(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    await companies.stop_serving(contract_ended(event), uow)


# --- ratings-credit-events -----------------------------------------------------------------------


async def on_complaint_closed(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    closed = event.parse(complaint_events.ComplaintClosed)
    await records.record_closed_complaint(
        commands.ComplaintClosed(
            event_id=event.event_id, case_id=closed.case_id, company_id=closed.company_id,
            satisfaction=enum_text(complaints_pb2.Satisfaction, closed.satisfaction), overdue=closed.overdue,
            closed_at=moment(closed.closed_at),
        ),
        uow,
    )


async def on_finding_recorded(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    await records.record_finding(finding_recorded(event), uow)


async def on_rectification_overdue(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    order = event.parse(enforcement_events.RectificationOverdue)
    await records.record_overdue_rectification(
        commands.RectificationOverdue(
            event_id=event.event_id, order_id=order.order_id, company_id=order.company_id,
            overdue_at=moment(order.overdue_at),
        ),
        uow,
    )


async def on_referral_created(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    referral = event.parse(enforcement_events.ReferralCreated)
    await records.record_referral(
        commands.ReferralCreated(
            event_id=event.event_id, order_id=referral.order_id, company_id=referral.company_id,
            referred_at=moment(referral.referred_at),
        ),
        uow,
    )


async def on_supervision_task_done(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    done = event.parse(enforcement_events.SupervisionTaskDone)
    await records.record_supervision_done(
        commands.SupervisionDone(event_id=event.event_id, subject=f"task {done.task_id}", company_id=done.company_id,
                                 late=done.late, at=moment(done.done_at)),
        uow,
    )


async def on_supervision_item_closed(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    closed = event.parse(enforcement_events.SupervisionItemClosed)
    await records.record_supervision_done(
        commands.SupervisionDone(event_id=event.event_id, subject=f"list item {closed.item_id}",
                                 company_id=closed.company_id, late=closed.late, at=moment(closed.closed_at)),
        uow,
    )


async def on_supervision_item_reopened(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    reopened = event.parse(enforcement_events.SupervisionItemReopened)
    await records.record_supervision_reopened(
        commands.SupervisionReopened(event_id=event.event_id, item_id=reopened.item_id,
                                     company_id=reopened.company_id, at=moment(reopened.reopened_at)),
        uow,
    )


# --- ratings-stars -------------------------------------------------------------------------------


async def on_contract_started_dating_service(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    await stars.record_contract_start(contract_started(event), uow)


async def on_contract_ended_withdrawing_stars(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    await stars.record_contract_end(contract_ended(event), uow)


async def on_finding_withdrawing_stars(event: ReceivedEvent, uow: RatingsUnitOfWork) -> None:
    await stars.withdraw_stars_for_finding(finding_recorded(event), uow)


def subscriptions(runtime: ServiceRuntime[RatingsUnitOfWork]) -> list[Subscription[RatingsUnitOfWork]]:
    name = runtime.settings.service_name
    return [
        Subscription(
            durable=f"{name}-companies",
            handlers={
                event_type_of(registry_events.CompanyRegistered): on_company_registered,
                event_type_of(registry_events.ContractStarted): on_contract_started_serving,
                event_type_of(registry_events.ContractEnded): on_contract_ended_serving,
            },
        ),
        Subscription(
            durable=f"{name}-credit-events",
            handlers={
                event_type_of(complaint_events.ComplaintClosed): on_complaint_closed,
                event_type_of(enforcement_events.FindingRecorded): on_finding_recorded,
                event_type_of(enforcement_events.RectificationOverdue): on_rectification_overdue,
                event_type_of(enforcement_events.ReferralCreated): on_referral_created,
                event_type_of(enforcement_events.SupervisionTaskDone): on_supervision_task_done,
                event_type_of(enforcement_events.SupervisionItemClosed): on_supervision_item_closed,
                event_type_of(enforcement_events.SupervisionItemReopened): on_supervision_item_reopened,
            },
        ),
        Subscription(
            durable=f"{name}-stars",
            handlers={
                event_type_of(registry_events.ContractStarted): on_contract_started_dating_service,
                event_type_of(registry_events.ContractEnded): on_contract_ended_withdrawing_stars,
                event_type_of(enforcement_events.FindingRecorded): on_finding_withdrawing_stars,
            },
        ),
    ]
