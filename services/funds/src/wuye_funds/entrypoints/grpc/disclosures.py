"""``DisclosureService`` over ``service/disclosures.py`` and ``service/disclosure_schedule.py``:
disclosures (F9) and their timing, third-party audits (P3), and the public transparency data."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.funds.v1 import funds_pb2 as api
from wuye.funds.v1 import funds_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.proto_values import enum_number, moment, timestamp
from wuye_funds.adapters.events import (
    audit_message,
    disclosure_message,
    mini_summary_message,
    overdue_message,
    ratio,
    vote_count,
)
from wuye_funds.domain import commands
from wuye_funds.service import disclosure_schedule, disclosures
from wuye_funds.service.disclosures import Transparency
from wuye_funds.service.unit_of_work import FundsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["DisclosureService"].full_name


def transparency_message(page: Transparency) -> api.GetCompoundTransparencyResponse:
    return api.GetCompoundTransparencyResponse(
        compound_id=page.compound_id,
        compound_name=page.compound_name,
        maintenance_balance_fen=page.maintenance_balance_fen,
        committee_balance_fen=page.committee_balance_fen,
        recent_entries=[
            api.PublicEntry(
                ledger_id=entry.ledger_id, sequence=entry.sequence, account=entry.account, amount_fen=entry.amount_fen,
                kind=entry.kind, occurred_at=entry.occurred_at, hash=entry.hash,
            )
            for entry in page.recent_entries
        ],
        open_votes=[
            api.PublicVote(
                vote_id=vote.vote_id, matter=api.Matter.ValueType(vote.matter.value), title=vote.title,
                electorate=vote_count(vote.electorate), opened_at=timestamp(vote.opened_at),
            )
            for vote in page.open_votes
        ],
        latest_disclosure=None if page.latest_disclosure is None else disclosure_message(page.latest_disclosure),
        mini_fund=None if page.mini_fund is None else mini_summary_message(page.mini_fund),
        completed_uses=[
            api.PublicUse(
                application_id=use.application_id, plan=use.plan,
                emergency=enum_number(api.EmergencyCategory, None if use.emergency is None else use.emergency.value),
                budget_fen=use.budget_fen, actual_cost_fen=use.actual_cost_fen, disclosure=use.disclosure,
            )
            for use in page.completed_uses
        ],
    )


class DisclosureServicer(funds_pb2_grpc.DisclosureServiceServicer):
    def __init__(self, unit_of_work: Callable[[], FundsUnitOfWork]) -> None:
        self.uow = unit_of_work

    async def PublishDisclosure(
        self, request: api.PublishDisclosureRequest, context: grpc.aio.ServicerContext
    ) -> api.PublishDisclosureResponse:
        disclosure = await disclosures.publish_disclosure(
            commands.PublishDisclosure(request.compound_id, request.period, posting_days=request.posting_days),
            self.uow(),
        )
        return api.PublishDisclosureResponse(disclosure=disclosure_message(disclosure))

    async def ListOverdueDisclosures(
        self, request: api.ListOverdueDisclosuresRequest, context: grpc.aio.ServicerContext
    ) -> api.ListOverdueDisclosuresResponse:
        found = await disclosure_schedule.list_overdue_disclosures(
            commands.ListOverdueDisclosures(
                request.jurisdiction_path, as_of=moment(request.as_of) if request.HasField("as_of") else None
            ),
            self.uow(),
        )
        return api.ListOverdueDisclosuresResponse(overdue=[overdue_message(item) for item in found])

    async def RecordAudit(self, request: api.RecordAuditRequest, context: grpc.aio.ServicerContext) -> api.RecordAuditResponse:
        audit = await disclosure_schedule.record_audit(
            commands.RecordAudit(
                request.compound_id, request.period, request.auditor,
                findings=tuple(commands.FindingInput(finding.text, finding.amount_fen) for finding in request.findings),
            ),
            self.uow(),
        )
        return api.RecordAuditResponse(audit=audit_message(audit))

    async def GetAuditCoverage(
        self, request: api.GetAuditCoverageRequest, context: grpc.aio.ServicerContext
    ) -> api.GetAuditCoverageResponse:
        coverage = await disclosure_schedule.get_audit_coverage(
            commands.GetAuditCoverage(request.jurisdiction_path, request.period), self.uow()
        )
        figures = coverage.figures
        return api.GetAuditCoverageResponse(
            jurisdiction_path=coverage.jurisdiction_path, period=coverage.period, compounds=figures.compounds,
            audited=figures.audited, coverage=ratio(figures.share), meets_target=figures.meets_target,
            unaudited_compound_ids=coverage.unaudited_compound_ids,
        )

    async def GetCompoundTransparency(
        self, request: api.GetCompoundTransparencyRequest, context: grpc.aio.ServicerContext
    ) -> api.GetCompoundTransparencyResponse:
        page = await disclosures.get_compound_transparency(
            commands.GetCompoundTransparency(request.compound_id, recent_entries=request.recent_entries), self.uow()
        )
        return transparency_message(page)


def servicer(unit_of_work: Callable[[], FundsUnitOfWork]) -> Servicer:
    return Servicer(DisclosureServicer(unit_of_work), funds_pb2_grpc.add_DisclosureServiceServicer_to_server, SERVICE_NAME)
