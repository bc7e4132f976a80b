"""Credit records from other services' events: closed complaints, inspection findings, overdue
rectifications and judicial referrals (R2; which event makes which record is ``domain.sources``).

Handlers run inside the inbox transaction, so a redelivered event creates nothing twice; each record
keeps the id of the event that caused it and the rule version that priced it, and its
``CreditScoreChanged`` goes into the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.complaints.v1 import complaints_pb2
from wuye.complaints.v1 import events_pb2 as complaint_events
from wuye.enforcement.v1 import enforcement_pb2
from wuye.enforcement.v1 import events_pb2 as enforcement_events
from wuye_chassis.bus import event_type_of
from wuye_chassis.inbox import Handler, ReceivedEvent, Subscription, session_handler
from wuye_chassis.outbox import Outbox
from wuye_chassis.proto_values import enum_text
from wuye_chassis.workdays import SHANGHAI
from wuye_ratings.domain import sources
from wuye_ratings.domain.credit import SourceKind
from wuye_ratings.domain.vocabulary import RecordKind
from wuye_ratings.service.credit import add_record


@dataclass(frozen=True)
class Fact:
    """What an event says about a company: the records it makes, the day, and where it came from."""

    company_id: str
    kinds: tuple[RecordKind, ...]
    at: Timestamp
    about: str


def _day(stamp: Timestamp) -> dt.date:
    return stamp.ToDatetime(dt.UTC).astimezone(SHANGHAI).date()


def _closed(closed: complaint_events.ComplaintClosed) -> Fact:
    kinds = sources.complaint_record_kinds(
        company_id=closed.company_id,
        unsatisfied=closed.satisfaction == complaints_pb2.SATISFACTION_UNSATISFIED,
        overdue=closed.overdue,
    )
    return Fact(closed.company_id, kinds, closed.closed_at, f"complaint case {closed.case_id}")


def _finding(finding: enforcement_events.FindingRecorded) -> Fact:
    kinds = sources.finding_record_kinds(
        company_id=finding.company_id, severity=enum_text(enforcement_pb2.Severity, finding.severity)
    )
    return Fact(finding.company_id, kinds, finding.found_at, f"inspection finding {finding.finding_id}")


def _overdue(order: enforcement_events.RectificationOverdue) -> Fact:
    kinds = sources.rectification_overdue_record_kinds(company_id=order.company_id)
    return Fact(order.company_id, kinds, order.overdue_at, f"rectification order {order.order_id}")


def _referral(referral: enforcement_events.ReferralCreated) -> Fact:
    kinds = sources.referral_record_kinds(company_id=referral.company_id)
    return Fact(referral.company_id, kinds, referral.referred_at, f"referral of order {referral.order_id}")


def _recorder(outbox: Outbox, message_class: type[Message], read: Callable[[Message], Fact]) -> Handler:
    async def handle(session: AsyncSession, event: ReceivedEvent) -> None:
        fact = read(event.parse(message_class))

        async def publish(message: Message, *, aggregate_id: str) -> str:
            return await outbox.add_event(session, message, aggregate_id=aggregate_id)

        for kind in fact.kinds:
            await add_record(
                session, publish, company_id=fact.company_id, kind=kind, source_kind=SourceKind.EVENT,
                source_reference=event.event_id, occurred_on=_day(fact.at), note=fact.about,
            )

    return handle


def subscription(service_name: str, outbox: Outbox) -> Subscription:
    readers: list[tuple[type[Message], Callable[..., Fact]]] = [
        (complaint_events.ComplaintClosed, _closed),
        (enforcement_events.FindingRecorded, _finding),
        (enforcement_events.RectificationOverdue, _overdue),
        (enforcement_events.ReferralCreated, _referral),
    ]
    return Subscription(
        durable=f"{service_name}-credit-events",
        handlers={event_type_of(message): session_handler(_recorder(outbox, message, read)) for message, read in readers},
    )
