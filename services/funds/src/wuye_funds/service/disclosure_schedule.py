"""Disclosure timing and third-party audits (P3): overdue disclosures listed and reported once, audits
recorded with findings, audit coverage per jurisdiction. The timing and coverage rules are
``domain.disclosure_schedule``; the periods are the city's settings, carried by the unit of work.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import require_text
from wuye_funds.domain import commands
from wuye_funds.domain.disclosure_schedule import (
    Audit,
    AuditCoverage,
    OverdueDisclosure,
    audit_findings,
    overdue_disclosures,
)
from wuye_funds.domain.events import AuditRecorded, DisclosureOverdue
from wuye_funds.service.maintenance import MANAGERS
from wuye_funds.service.unit_of_work import FundsUnitOfWork


@dataclass(frozen=True)
class Coverage:
    jurisdiction_path: str
    period: str
    figures: AuditCoverage
    unaudited_compound_ids: list[str]


async def _overdue(uow: FundsUnitOfWork, jurisdiction_path: str | None, now: dt.datetime) -> list[OverdueDisclosure]:
    return overdue_disclosures(await uow.disclosures.schedules(jurisdiction_path), uow.disclosure_months, now)


async def list_overdue_disclosures(query: commands.ListOverdueDisclosures, uow: FundsUnitOfWork) -> list[OverdueDisclosure]:
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    auth.require_access(path, action="list overdue disclosures")
    async with uow.reading():
        return await _overdue(uow, path, query.as_of or utcnow())


async def find_overdue_disclosures(query: commands.FindOverdueDisclosures, uow: FundsUnitOfWork) -> list[OverdueDisclosure]:
    """Every compound's overdue disclosures: the scheduler's round, on the platform's behalf."""
    async with uow.reading():
        return await _overdue(uow, None, query.now)


async def report_overdue_disclosure(command: commands.ReportOverdueDisclosure, uow: FundsUnitOfWork) -> bool:
    """A DisclosureOverdue event, written with its report row; False when this compound, subject and due
    moment were reported before, so each is reported once however many rounds see it."""
    item = command.overdue
    async with uow:
        if not await uow.disclosures.add_overdue_notice(
            compound_id=item.compound_id, subject=item.overdue.subject, due_at=item.overdue.due_at
        ):
            return False
        await uow.publish(DisclosureOverdue(item))
        await uow.commit()
    return True


async def record_audit(command: commands.RecordAudit, uow: FundsUnitOfWork) -> Audit:
    caller = auth.require_role(MANAGERS, action="record an audit")
    period = require_text(command.period, field="period", rule="P3", max_length=32)
    auditor = require_text(command.auditor, field="auditor", rule="P3")
    findings = audit_findings((finding.text, finding.amount_fen) for finding in command.findings)
    async with uow:
        compound = await uow.compound(command.compound_id, action="record an audit")
        audit = Audit(
            audit_id=new_id(), compound_id=compound.compound_id, jurisdiction_path=compound.jurisdiction_path,
            period=period, auditor=auditor, findings=tuple(findings), recorded_at=utcnow(),
        )
        await uow.disclosures.add_audit(audit, recorded_by=caller.user)
        await uow.publish(AuditRecorded(audit))
        await uow.commit()
    return audit


async def get_audit_coverage(query: commands.GetAuditCoverage, uow: FundsUnitOfWork) -> Coverage:
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    period = require_text(query.period, field="period", rule="P3", max_length=32)
    auth.require_access(path, action="read audit coverage")
    async with uow.reading():
        with_income = sorted(
            schedule.compound_id
            for schedule in await uow.disclosures.schedules(path)
            if schedule.income_started is not None
        )
        audited = await uow.disclosures.audited_compounds(path, period)
    figures = AuditCoverage(compounds=len(with_income), audited=len([c for c in with_income if c in audited]))
    return Coverage(path, period, figures, [compound for compound in with_income if compound not in audited])
