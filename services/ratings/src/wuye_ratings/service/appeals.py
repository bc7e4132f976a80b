"""Handlers for appeals against credit records (R6): a company files, a reviewer above the street
decides; an upheld appeal withdraws the record and announces the score change in the same unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import PermissionDenied
from wuye_chassis.ids import new_id
from wuye_ratings.domain import commands
from wuye_ratings.domain.appeals import Appeal
from wuye_ratings.domain.credit import CreditRecord, RecordStatus
from wuye_ratings.service.companies import require_company_access
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

APPELLANTS = ("company_staff",)
#: appeals are decided above the street that usually enters records, so nobody reviews their own entry
APPEAL_REVIEWERS = ("county_officer", "city_admin")


@dataclass(frozen=True)
class Decision:
    appeal: Appeal
    #: the record as the decision left it (withdrawn when upheld)
    record: CreditRecord


async def file_appeal(command: commands.FileAppeal, uow: RatingsUnitOfWork) -> Appeal:
    caller = auth.require_role(APPELLANTS, action="appeal a credit record")
    if not caller.company:
        raise PermissionDenied(
            "appealing needs the caller's company (their company_staff post)", field="appellant_company_id", rule="R6"
        )
    async with uow:
        record = await uow.records.get(command.record_id)
        appeal, filed = Appeal.file(
            appeal_id=new_id(), record=record, appellant_company_id=caller.company, filed_by=caller.user,
            grounds=command.grounds, now=utcnow(),
            appeals_of_record=(await uow.records.appeals_of([record.record_id]))[record.record_id],
        )
        company = await uow.companies.get(record.company_id, field="record_id")
        require_company_access(company, action="appeal a credit record")
        await uow.records.add_appeal(appeal)
        await uow.publish(filed)
        await uow.commit()
    return appeal


async def decide_appeal(command: commands.DecideAppeal, uow: RatingsUnitOfWork) -> Decision:
    caller = auth.require_role(APPEAL_REVIEWERS, action="decide an appeal")
    async with uow:
        appeal = await uow.records.get_appeal(command.appeal_id)
        company = await uow.companies.get(appeal.company_id, field="appeal_id")
        require_company_access(company, action="decide an appeal")
        record = await uow.records.get(appeal.record_id)
        events = appeal.decide(
            record=record, outcome=command.outcome, reviewer_id=caller.user, reason=command.reason, now=utcnow()
        )
        await uow.records.save_decision(appeal)
        if record.status is RecordStatus.WITHDRAWN:
            await uow.records.save_withdrawal(record)
        for event in events:
            await uow.publish(event)
        await uow.commit()
    return Decision(appeal, record)
