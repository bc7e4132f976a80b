"""Handlers for credit records (R1, R2): entered by an officer, or made from other services' events.

A record is priced by the rules in effect on the day it occurred and announced (``CreditRecordAdded``,
``CreditScoreChanged`` on the wire) in the same unit of work. A record from an event keeps the event's id as its source; the consumer's
inbox entry commits with it, so a redelivered event makes nothing twice. Which event makes which record
is ``domain.sources``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.ids import new_id
from wuye_chassis.validation import optional_iso_date, parse_iso_date
from wuye_ratings.domain import commands, sources
from wuye_ratings.domain.appeals import Appeal
from wuye_ratings.domain.credit import CreditRecord, SourceKind
from wuye_ratings.domain.vocabulary import RecordKind
from wuye_ratings.service.companies import require_company_access
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

RECORD_KEEPERS = ("street_officer", "county_officer", "city_admin")
RECORD_READERS = (*RECORD_KEEPERS, "company_staff")


@dataclass(frozen=True)
class RecordPage:
    records: list[CreditRecord]
    #: the appeals of each record on the page, by record id
    appeals: Mapping[str, list[Appeal]]


async def add_credit_record(command: commands.AddCreditRecord, uow: RatingsUnitOfWork) -> CreditRecord:
    caller = auth.require_role(RECORD_KEEPERS, action="add a credit record")
    occurred = parse_iso_date(command.occurred_on, field="occurred_on", rule="R1")
    ends = optional_iso_date(command.valid_until, field="valid_until", rule="R1")
    async with uow:
        company = await uow.companies.get(command.company_id)
        require_company_access(company, action="add a credit record")
        record = await _add_record(
            uow, company_id=company.company_id, kind=command.kind, source_kind=SourceKind.MANUAL,
            source_reference=caller.user, occurred_on=occurred, valid_until=ends, note=command.note,
        )
        await uow.commit()
    return record


async def list_credit_records(query: commands.ListCreditRecords, uow: RatingsUnitOfWork) -> RecordPage:
    auth.require_role(RECORD_READERS, action="list credit records")
    async with uow.reading():
        company = await uow.companies.get(query.company_id)
        require_company_access(company, action="list credit records")
        records = await uow.records.page(company.company_id, after=query.after or None, size=query.limit)
        appeals = await uow.records.appeals_of([record.record_id for record in records])
    return RecordPage(records, appeals)


# --- records from other services' events ---------------------------------------------------------


async def record_closed_complaint(event: commands.ComplaintClosed, uow: RatingsUnitOfWork) -> None:
    kinds = sources.complaint_record_kinds(
        company_id=event.company_id, satisfaction=event.satisfaction, overdue=event.overdue
    )
    await _add_event_records(
        uow, event.event_id, event.company_id, kinds, sources.day_of(event.closed_at), f"complaint case {event.case_id}"
    )


async def record_finding(event: commands.FindingRecorded, uow: RatingsUnitOfWork) -> None:
    kinds = sources.finding_record_kinds(company_id=event.company_id, severity=event.severity)
    await _add_event_records(
        uow, event.event_id, event.company_id, kinds, sources.day_of(event.found_at),
        f"inspection finding {event.finding_id}",
    )


async def record_overdue_rectification(event: commands.RectificationOverdue, uow: RatingsUnitOfWork) -> None:
    kinds = sources.rectification_overdue_record_kinds(company_id=event.company_id)
    await _add_event_records(
        uow, event.event_id, event.company_id, kinds, sources.day_of(event.overdue_at),
        f"rectification order {event.order_id}",
    )


async def record_referral(event: commands.ReferralCreated, uow: RatingsUnitOfWork) -> None:
    kinds = sources.referral_record_kinds(company_id=event.company_id)
    await _add_event_records(
        uow, event.event_id, event.company_id, kinds, sources.day_of(event.referred_at),
        f"referral of order {event.order_id}",
    )


async def record_supervision_done(event: commands.SupervisionDone, uow: RatingsUnitOfWork) -> None:
    kinds = sources.supervision_done_record_kinds(company_id=event.company_id, late=event.late)
    await _add_event_records(
        uow, event.event_id, event.company_id, kinds, sources.day_of(event.at), f"supervision {event.subject}"
    )


async def record_supervision_reopened(event: commands.SupervisionReopened, uow: RatingsUnitOfWork) -> None:
    kinds = sources.supervision_reopened_record_kinds(company_id=event.company_id)
    await _add_event_records(
        uow, event.event_id, event.company_id, kinds, sources.day_of(event.at),
        f"rectification list item {event.item_id} reopened",
    )


async def _add_event_records(
    uow: RatingsUnitOfWork, event_id: str, company_id: str, kinds: tuple[RecordKind, ...], on: dt.date, about: str
) -> None:
    """One record of each kind, sourced from the event; an event that makes none changes nothing."""
    if not kinds:
        return
    async with uow:
        for kind in kinds:
            await _add_record(
                uow, company_id=company_id, kind=kind, source_kind=SourceKind.EVENT, source_reference=event_id,
                occurred_on=on, note=about,
            )
        await uow.commit()


async def _add_record(
    uow: RatingsUnitOfWork,
    *,
    company_id: str,
    kind: RecordKind | str,
    source_kind: SourceKind,
    source_reference: str,
    occurred_on: dt.date,
    valid_until: dt.date | None = None,
    note: str | None = None,
) -> CreditRecord:
    """Price a record by the rules in effect on the day it occurred, store it and announce the change."""
    book = await uow.rules.book()
    record = CreditRecord.create(
        record_id=new_id(),
        company_id=company_id,
        kind=kind,
        ruleset=book.in_effect_on(occurred_on),
        source_kind=source_kind,
        source_reference=source_reference,
        occurred_on=occurred_on,
        valid_until=valid_until,
        note=note,
    )
    await uow.records.add(record)
    await uow.publish(record.added)
    return record
