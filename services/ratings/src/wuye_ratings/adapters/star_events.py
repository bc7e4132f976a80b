"""Star withdrawals (R5) from other services' events, and the contracts that date a company's service.

One durable consumer takes the registry's contract events and enforcement's findings in stream order, so
a contract's start is known before its end; each event is applied once (inbox) and a withdrawal's
``StarsWithdrawn`` goes into the outbox in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from google.protobuf.message import Message
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.enforcement.v1 import enforcement_pb2
from wuye.enforcement.v1 import events_pb2 as enforcement_events
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.bus import event_type_of
from wuye_chassis.inbox import Handler, ReceivedEvent, Subscription, session_handler
from wuye_chassis.outbox import Outbox
from wuye_chassis.proto_values import enum_text
from wuye_chassis.validation import optional_iso_date, parse_iso_date
from wuye_chassis.workdays import SHANGHAI
from wuye_ratings.adapters import stars
from wuye_ratings.domain import sources
from wuye_ratings.domain.stars import contract_end_withdraws_stars
from wuye_ratings.domain.vocabulary import StarWithdrawalReason
from wuye_ratings.service.common import Publish, today
from wuye_ratings.service.stars import withdraw_stars


async def on_contract_started(session: AsyncSession, event: ReceivedEvent) -> None:
    contract = event.parse(registry_events.ContractStarted)
    await stars.record_contract_started(
        session, contract_id=contract.contract_id, company_id=contract.company_id, compound_id=contract.compound_id,
        started_on=parse_iso_date(contract.start_on, field="start_on"),
    )


def subscription(service_name: str, outbox: Outbox) -> Subscription:
    def publishing_in(session: AsyncSession) -> Publish:
        async def publish(message: Message, *, aggregate_id: str) -> str:
            return await outbox.add_event(session, message, aggregate_id=aggregate_id)

        return publish

    async def on_contract_ended(session: AsyncSession, event: ReceivedEvent) -> None:
        contract = event.parse(registry_events.ContractEnded)
        ended_on = optional_iso_date(contract.terminated_on, field="terminated_on") or today()
        await stars.record_contract_ended(session, contract_id=contract.contract_id, terminated_on=ended_on)
        if contract_end_withdraws_stars(await stars.contracts_still_serving(session, contract.company_id)):
            await withdraw_stars(
                session, publishing_in(session), company_id=contract.company_id,
                reason=StarWithdrawalReason.CONTRACT_ENDED, on=ended_on, note=f"contract {contract.contract_id} ended",
            )

    async def on_finding(session: AsyncSession, event: ReceivedEvent) -> None:
        finding = event.parse(enforcement_events.FindingRecorded)
        severity = enum_text(enforcement_pb2.Severity, finding.severity)
        if sources.finding_withdraws_stars(company_id=finding.company_id, severity=severity):
            await withdraw_stars(
                session, publishing_in(session), company_id=finding.company_id,
                reason=StarWithdrawalReason.SERIOUS_VIOLATION,
                on=finding.found_at.ToDatetime(dt.UTC).astimezone(SHANGHAI).date(),
                note=f"serious inspection finding {finding.finding_id}",
            )

    handlers: dict[str, Handler] = {
        event_type_of(registry_events.ContractStarted): session_handler(on_contract_started),
        event_type_of(registry_events.ContractEnded): session_handler(on_contract_ended),
        event_type_of(enforcement_events.FindingRecorded): session_handler(on_finding),
    }
    return Subscription(durable=f"{service_name}-stars", handlers=handlers)
