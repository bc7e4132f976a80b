"""Disclosure timing and third-party audits (P3): overdue disclosures listed and reported once, audits
recorded with findings, audit coverage per jurisdiction. The timing and coverage rules are
``domain.disclosure_schedule``; the periods are the service settings (a city's choice).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.proto_values import enum_number
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import disclosures as repository
from wuye_funds.domain.disclosure_schedule import AuditCoverage, Overdue, Subject, audit_findings, overdue
from wuye_funds.service.compounds import MANAGERS, compound_in_scope
from wuye_funds.service.expenses import committee_ledger_id
from wuye_funds.settings import FundsSettings


def _timestamp(moment: dt.datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def _message(schedule: dict[str, object], found: Overdue) -> funds_pb2.OverdueDisclosure:
    message = funds_pb2.OverdueDisclosure(
        compound_id=str(schedule["compound_id"]), jurisdiction_path=str(schedule["jurisdiction_path"]),
        subject=enum_number(funds_pb2.DisclosureSubject, found.subject.value),
        due_at=_timestamp(found.due_at), period_months=found.period_months,
    )
    if found.last_published_at is not None:
        message.last_published_at.CopyFrom(_timestamp(found.last_published_at))
    return message


async def _overdue(
    session: AsyncSession, settings: FundsSettings, jurisdiction_path: str | None, now: dt.datetime
) -> list[tuple[funds_pb2.OverdueDisclosure, Overdue]]:
    periods = {
        Subject.COMMON_INCOME: ("income_started", settings.income_disclosure_months),
        Subject.MAINTENANCE_FUND: ("maintenance_started", settings.maintenance_disclosure_months),
    }
    answer = []
    for schedule in await repository.schedules(session, jurisdiction_path, committee_ledger_id=committee_ledger_id):
        for subject, (started_key, months) in periods.items():
            started = schedule[started_key]
            if started is None:  # no such account, nothing to disclose
                continue
            found = overdue(
                subject, started_at=started, last_published_at=schedule["last_published"],  # type: ignore[arg-type]
                period_months=months, now=now,
            )
            if found is not None:
                answer.append((_message(schedule, found), found))
    return answer


async def list_overdue(
    session: AsyncSession, settings: FundsSettings, *, jurisdiction_path: str, as_of: Timestamp | None
) -> funds_pb2.ListOverdueDisclosuresResponse:
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action="list overdue disclosures")
    now = as_of.ToDatetime(tzinfo=dt.UTC) if as_of is not None else utcnow()
    found = await _overdue(session, settings, path, now)
    return funds_pb2.ListOverdueDisclosuresResponse(overdue=[message for message, _ in found])


async def report_overdue(runtime: ServiceRuntime, settings: FundsSettings, *, now: dt.datetime | None = None) -> int:
    """One background round: each overdue disclosure not reported before gets a DisclosureOverdue event,
    written with its report row in one unit of work, so a compound is reported once per due moment."""
    async with runtime.db.sessions() as session:
        found = await _overdue(session, settings, None, now or utcnow())
    reported = 0
    for message, item in found:
        async with runtime.unit_of_work() as uow:
            if not await repository.add_overdue_notice(
                uow.session, compound_id=message.compound_id, subject=item.subject.value, due_at=item.due_at
            ):
                continue
            await uow.publish(events_pb2.DisclosureOverdue(overdue=message), aggregate_id=message.compound_id)
            await uow.commit()
            reported += 1
    return reported


async def record_audit(
    uow: UnitOfWork, *, compound_id: str, period: str, auditor: str, findings: Sequence[funds_pb2.AuditFinding]
) -> funds_pb2.Audit:
    caller = auth.require_role(MANAGERS, action="record an audit")
    period = require_text(period, field="period", rule="P3", max_length=32)
    auditor = require_text(auditor, field="auditor", rule="P3")
    checked = audit_findings((finding.text, finding.amount_fen) for finding in findings)
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="record an audit")
        audit = funds_pb2.Audit(
            audit_id=new_id(), compound_id=compound["compound_id"], jurisdiction_path=compound["jurisdiction_path"],
            period=period, auditor=auditor,
            findings=[funds_pb2.AuditFinding(text=finding.text, amount_fen=finding.amount_fen) for finding in checked],
            recorded_at=_timestamp(utcnow()),
        )
        await repository.add_audit(uow.session, audit, recorded_by=caller.user)
        await uow.publish(events_pb2.AuditRecorded(audit=audit), aggregate_id=audit.compound_id)
        await uow.commit()
    return audit


async def coverage(session: AsyncSession, *, jurisdiction_path: str, period: str) -> funds_pb2.GetAuditCoverageResponse:
    path = str(JurisdictionPath.parse(jurisdiction_path))
    period = require_text(period, field="period", rule="P3", max_length=32)
    auth.require_access(path, action="read audit coverage")
    with_income = sorted(
        str(schedule["compound_id"])
        for schedule in await repository.schedules(session, path, committee_ledger_id=committee_ledger_id)
        if schedule["income_started"] is not None
    )
    audited = await repository.audited_compounds(session, path, period)
    figures = AuditCoverage(compounds=len(with_income), audited=len([c for c in with_income if c in audited]))
    return funds_pb2.GetAuditCoverageResponse(
        jurisdiction_path=path, period=period, compounds=figures.compounds, audited=figures.audited,
        coverage=funds_pb2.Ratio(numerator=figures.share.numerator, denominator=figures.share.denominator),
        meets_target=figures.meets_target,
        unaudited_compound_ids=[compound for compound in with_income if compound not in audited],
    )
