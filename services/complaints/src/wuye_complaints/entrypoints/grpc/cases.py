"""The ComplaintsService servicer (cases, mediation, figures, hotline analysis): protobuf in, a command to its
handler, protobuf out. No rules here."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

import grpc

from wuye.common.v1 import common_pb2
from wuye.complaints.v1 import complaints_pb2 as api
from wuye.complaints.v1 import complaints_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.photo_library import PhotoRecord
from wuye_chassis.proto_values import enum_number, enum_text, ratio_fields, timestamp
from wuye_complaints.adapters.mediations import PlacedMediation
from wuye_complaints.domain import commands
from wuye_complaints.domain.case import Case
from wuye_complaints.domain.hotline import Count
from wuye_complaints.domain.rates import TierSplit
from wuye_complaints.domain.vocabulary import CHANNEL_LABELS, TIER_LABELS
from wuye_complaints.service import cases, figures, hotline, mediation
from wuye_complaints.service.cases import CaseView
from wuye_complaints.service.figures import Figures
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["ComplaintsService"].full_name


def ratio(value: Fraction | None) -> api.Ratio | None:
    if value is None:
        return None
    return api.Ratio(**ratio_fields(value), value=float(value))


def case_message(case: Case, view: CaseView | None = None) -> api.Case:
    """The case; with a view, also its reporters (as masked or not as the view says) and its records."""
    message = api.Case(
        case_id=case.case_id,
        compound_id=case.compound_id,
        jurisdiction_path=str(case.jurisdiction_path),
        category=case.category.code,
        channel=enum_number(api.Channel, case.channel),
        external_id=case.external_id or "",
        ticket_no=case.ticket_no,
        reporter_person_id=case.reporter_person_id or "",
        description=case.description,
        state=enum_number(api.CaseState, case.state),
        tier=enum_number(api.Tier, case.tier),
        collective=case.collective,
        assignee=None if case.assignee is None else api.Assignee(
            kind=enum_number(api.AssigneeKind, case.assignee.kind), assignee_id=case.assignee.assignee_id
        ),
        submitted_at=timestamp(case.submitted_at),
        accept_due_at=timestamp(case.accept_due_at),
        first_dispatched_at=timestamp(case.first_dispatched_at),
        resolve_due_at=timestamp(case.resolve_due_at),
        tier_due_at=timestamp(case.tier_due_at),
        resolved_at=timestamp(case.resolved_at),
        closed_at=timestamp(case.closed_at),
        reply="" if case.reply is None else case.reply.message,
        reject_reason=enum_number(api.RejectReason, case.reject_reason),
        duplicate_of=case.duplicate_of or "",
        reopen_count=case.reopen_count,
    )
    if view is None:
        return message
    message.reporters.extend(
        api.Reporter(name=contact.name, phone=contact.phone, unmasked=contact.unmasked) for contact in view.reporters
    )
    message.history.extend(
        api.HistoryItem(
            at=timestamp(item.at), actor_id=item.actor_id, action=item.action.value,
            from_state=enum_number(api.CaseState, item.from_state), to_state=enum_number(api.CaseState, item.to_state),
            reason=item.reason or "",
        )
        for item in case.history
    )
    message.escalations.extend(
        api.Escalation(
            at=timestamp(item.at), actor_id=item.actor_id, from_tier=enum_number(api.Tier, item.from_tier),
            to_tier=enum_number(api.Tier, item.to_tier), reason=enum_number(api.EscalationReason, item.reason),
            note=item.note or "",
        )
        for item in case.escalations
    )
    message.callbacks.extend(
        api.Callback(
            at=timestamp(item.at), actor_id=item.actor_id, valid=item.valid, contacted=bool(item.contacted),
            solved=bool(item.solved), satisfaction=enum_number(api.Satisfaction, item.satisfaction),
            note=item.note or "",
        )
        for item in case.callbacks
    )
    message.photos.extend(photo_message(record) for record in view.photos)
    return message


def photo_message(record: PhotoRecord) -> api.Photo:
    return api.Photo(
        photo_id=record.photo_id, content_type=record.content_type, size_bytes=record.size_bytes,
        width=record.width, height=record.height, sha256=record.sha256, uploaded_at=timestamp(record.uploaded_at),
        stage=record.stage or "",
    )


def full(view: CaseView) -> api.Case:
    return case_message(view.case, view)


def mediation_message(placed: PlacedMediation) -> api.Mediation:
    mediation = placed.mediation
    referral = mediation.court_referral
    return api.Mediation(
        mediation_id=mediation.mediation_id,
        compound_id=placed.compound_id,
        jurisdiction_path=placed.jurisdiction_path,
        complaint_case_id=mediation.complaint_case_id or "",
        parties=[
            api.Party(
                party_id=party.party_id, kind=enum_number(api.PartyKind, party.kind),
                role=enum_number(api.PartyRole, party.role),
            )
            for party in mediation.parties
        ],
        mediator_id=mediation.mediator_id,
        opened_at=timestamp(mediation.opened_at),
        outcome=enum_number(api.MediationOutcome, mediation.outcome),
        outcome_at=timestamp(mediation.outcome_at),
        outcome_note=mediation.outcome_note or "",
        court_id="" if referral is None else referral.court_id,
        referred_at=None if referral is None else timestamp(referral.at),
    )


def tier_shares(split: TierSplit | None) -> list[api.TierShare]:
    if split is None:
        return []
    return [
        api.TierShare(
            tier=enum_number(api.Tier, share.tier), closed=share.closed, share=ratio(share.share),
            target=ratio(share.target),
        )
        for share in split.shares
    ]


def figures_message(figures: Figures) -> api.GetComplaintFiguresResponse:
    answered = figures.callbacks
    return api.GetComplaintFiguresResponse(
        submitted=figures.submitted,
        submitted_last_year=figures.submitted_last_year,
        year_on_year_change=ratio(figures.year_on_year_change),
        meets_year_on_year_target=bool(figures.meets_year_on_year_target),
        closed=figures.closed,
        closed_overdue=figures.closed_overdue,
        valid_callbacks=answered.valid,
        contacted=answered.contacted,
        solved=answered.solved,
        satisfied=answered.satisfied,
        basically_satisfied=answered.basically_satisfied,
        response_rate=ratio(figures.rates.response),
        resolution_rate=ratio(figures.rates.resolution),
        satisfaction_rate=ratio(figures.rates.satisfaction),
        tier_split=tier_shares(figures.tier_split),
        meets_tier_target=figures.tier_split is not None and figures.tier_split.meets_target,
        average_handling_working_days=ratio(figures.average_handling_working_days),
    )


class ComplaintsServicer(complaints_pb2_grpc.ComplaintsServiceServicer):
    def __init__(self, unit_of_work: Callable[[], ComplaintsUnitOfWork]) -> None:
        self.uow = unit_of_work

    async def UploadPhoto(self, request: api.UploadPhotoRequest, context: grpc.aio.ServicerContext) -> api.UploadPhotoResponse:
        record = await cases.upload_photo(commands.UploadPhoto(request.content, request.content_type), self.uow())
        return api.UploadPhotoResponse(photo=photo_message(record))

    async def GetCasePhoto(
        self, request: api.GetCasePhotoRequest, context: grpc.aio.ServicerContext
    ) -> api.GetCasePhotoResponse:
        record, content = await cases.get_case_photo(commands.GetCasePhoto(request.case_id, request.photo_id), self.uow())
        return api.GetCasePhotoResponse(photo=photo_message(record), content=content)

    async def SubmitComplaint(
        self, request: api.SubmitComplaintRequest, context: grpc.aio.ServicerContext
    ) -> api.SubmitComplaintResponse:
        submission = await cases.submit_complaint(
            commands.SubmitComplaint(
                compound_id=request.compound_id,
                category=request.category,
                channel=enum_text(api.Channel, request.channel),
                description=request.description,
                reporter_name=request.reporter.name,
                reporter_phone=request.reporter.phone,
                external_id=request.external_id,
                photo_ids=tuple(request.photo_ids),
            ),
            self.uow(),
        )
        return api.SubmitComplaintResponse(
            case=full(submission.view),
            created=submission.created,
            duplicate_candidate_ids=submission.duplicate_candidate_ids,
        )

    async def AcceptCase(self, request: api.AcceptCaseRequest, context: grpc.aio.ServicerContext) -> api.AcceptCaseResponse:
        return api.AcceptCaseResponse(case=full(await cases.accept_case(commands.AcceptCase(request.case_id), self.uow())))

    async def RejectCase(self, request: api.RejectCaseRequest, context: grpc.aio.ServicerContext) -> api.RejectCaseResponse:
        view = await cases.reject_case(
            commands.RejectCase(
                request.case_id, reason=enum_text(api.RejectReason, request.reason),
                duplicate_of=request.duplicate_of, note=request.note,
            ),
            self.uow(),
        )
        return api.RejectCaseResponse(case=full(view))

    async def DispatchCase(
        self, request: api.DispatchCaseRequest, context: grpc.aio.ServicerContext
    ) -> api.DispatchCaseResponse:
        view = await cases.dispatch_case(
            commands.DispatchCase(
                request.case_id, assignee_kind=enum_text(api.AssigneeKind, request.assignee_kind),
                assignee_id=request.assignee_id,
            ),
            self.uow(),
        )
        return api.DispatchCaseResponse(case=full(view))

    async def SendBackCase(
        self, request: api.SendBackCaseRequest, context: grpc.aio.ServicerContext
    ) -> api.SendBackCaseResponse:
        view = await cases.send_back_case(commands.SendBackCase(request.case_id, reason=request.reason), self.uow())
        return api.SendBackCaseResponse(case=full(view))

    async def StartHandling(
        self, request: api.StartHandlingRequest, context: grpc.aio.ServicerContext
    ) -> api.StartHandlingResponse:
        view = await cases.start_handling(commands.StartHandling(request.case_id), self.uow())
        return api.StartHandlingResponse(case=full(view))

    async def ResolveCase(self, request: api.ResolveCaseRequest, context: grpc.aio.ServicerContext) -> api.ResolveCaseResponse:
        view = await cases.resolve_case(
            commands.ResolveCase(request.case_id, summary=request.summary, photo_ids=tuple(request.photo_ids)), self.uow()
        )
        return api.ResolveCaseResponse(case=full(view))

    async def ReplyToReporter(
        self, request: api.ReplyToReporterRequest, context: grpc.aio.ServicerContext
    ) -> api.ReplyToReporterResponse:
        view = await cases.reply_to_reporter(
            commands.ReplyToReporter(request.case_id, message=request.message), self.uow()
        )
        return api.ReplyToReporterResponse(case=full(view))

    async def RecordCallback(
        self, request: api.RecordCallbackRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordCallbackResponse:
        view = await cases.record_callback(
            commands.RecordCallback(
                request.case_id, valid=request.valid, contacted=request.contacted, solved=request.solved,
                satisfaction=enum_text(api.Satisfaction, request.satisfaction), note=request.note,
            ),
            self.uow(),
        )
        return api.RecordCallbackResponse(case=full(view))

    async def CloseCase(self, request: api.CloseCaseRequest, context: grpc.aio.ServicerContext) -> api.CloseCaseResponse:
        closing = await cases.close_case(commands.CloseCase(request.case_id), self.uow())
        return api.CloseCaseResponse(case=full(closing.view), reopened=closing.reopened)

    async def MarkCaseHard(
        self, request: api.MarkCaseHardRequest, context: grpc.aio.ServicerContext
    ) -> api.MarkCaseHardResponse:
        view = await cases.mark_case_hard(commands.MarkCaseHard(request.case_id, note=request.note), self.uow())
        return api.MarkCaseHardResponse(case=full(view))

    async def AddReporter(self, request: api.AddReporterRequest, context: grpc.aio.ServicerContext) -> api.AddReporterResponse:
        view = await cases.add_reporter_to_case(
            commands.AddReporter(
                request.case_id, reporter_name=request.reporter.name, reporter_phone=request.reporter.phone
            ),
            self.uow(),
        )
        return api.AddReporterResponse(case=full(view))

    async def GetCase(self, request: api.GetCaseRequest, context: grpc.aio.ServicerContext) -> api.GetCaseResponse:
        return api.GetCaseResponse(case=full(await cases.get_case(commands.GetCase(request.case_id), self.uow())))

    async def ListCases(self, request: api.ListCasesRequest, context: grpc.aio.ServicerContext) -> api.ListCasesResponse:
        limit = page_size(request.page.page_size)
        found = await cases.list_cases(
            commands.ListCases(
                jurisdiction_path=request.jurisdiction_path,
                state=enum_text(api.CaseState, request.state),
                compound_id=request.compound_id,
                category=request.category,
                after=decode_cursor(request.page.page_token) or "",
                limit=limit + 1,
            ),
            self.uow(),
        )
        page = found[:limit]
        more = len(found) > limit
        return api.ListCasesResponse(
            cases=[case_message(case) for case in page],
            page=common_pb2.PageResponse(next_page_token=encode_cursor(page[-1].case_id) if more else ""),
        )

    async def ListCategories(
        self, request: api.ListCategoriesRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCategoriesResponse:
        return api.ListCategoriesResponse(
            categories=[
                api.Category(
                    code=category.code, label_zh=category.label_zh, label_en=category.label_en,
                    resolve_working_days=category.resolve_working_days, violation=category.violation,
                    top_ten=category.top_ten,
                )
                for category in self.uow().catalogue
            ]
        )

    async def OpenMediation(
        self, request: api.OpenMediationRequest, context: grpc.aio.ServicerContext
    ) -> api.OpenMediationResponse:
        placed = await mediation.open_mediation(
            commands.OpenMediation(
                compound_id=request.compound_id,
                parties=tuple(
                    commands.MediationPartyInput(
                        party_id=party.party_id, kind=enum_text(api.PartyKind, party.kind),
                        role=enum_text(api.PartyRole, party.role),
                    )
                    for party in request.parties
                ),
                mediator_id=request.mediator_id,
                complaint_case_id=request.complaint_case_id,
            ),
            self.uow(),
        )
        return api.OpenMediationResponse(mediation=mediation_message(placed))

    async def RecordMediationOutcome(
        self, request: api.RecordMediationOutcomeRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordMediationOutcomeResponse:
        placed = await mediation.record_mediation_outcome(
            commands.RecordMediationOutcome(
                request.mediation_id, outcome=enum_text(api.MediationOutcome, request.outcome), note=request.note
            ),
            self.uow(),
        )
        return api.RecordMediationOutcomeResponse(mediation=mediation_message(placed))

    async def ReferMediationToCourt(
        self, request: api.ReferMediationToCourtRequest, context: grpc.aio.ServicerContext
    ) -> api.ReferMediationToCourtResponse:
        placed = await mediation.refer_mediation_to_court(
            commands.ReferMediationToCourt(request.mediation_id, court_id=request.court_id), self.uow()
        )
        return api.ReferMediationToCourtResponse(mediation=mediation_message(placed))

    async def GetMediation(
        self, request: api.GetMediationRequest, context: grpc.aio.ServicerContext
    ) -> api.GetMediationResponse:
        placed = await mediation.get_mediation(commands.GetMediation(request.mediation_id), self.uow())
        return api.GetMediationResponse(mediation=mediation_message(placed))

    async def GetComplaintFigures(
        self, request: api.GetComplaintFiguresRequest, context: grpc.aio.ServicerContext
    ) -> api.GetComplaintFiguresResponse:
        found = await figures.get_complaint_figures(
            commands.GetComplaintFigures(
                jurisdiction_path=request.jurisdiction_path, start_date=request.start_date,
                end_date=request.end_date, category=request.category, company_id=request.company_id,
            ),
            self.uow(),
        )
        return figures_message(found)

    async def GetHotlineAnalysis(
        self, request: api.GetHotlineAnalysisRequest, context: grpc.aio.ServicerContext
    ) -> api.GetHotlineAnalysisResponse:
        uow = self.uow()
        found = await hotline.get_hotline_analysis(
            commands.GetHotlineAnalysis(jurisdiction_path=request.jurisdiction_path, start_date=request.start_date,
                                        end_date=request.end_date, top=request.top),
            uow,
        )
        categories = category_labels(uow)
        channels = {str(channel): label for channel, label in CHANNEL_LABELS.items()}
        tiers = {str(tier): label for tier, label in TIER_LABELS.items()}
        return api.GetHotlineAnalysisResponse(
            jurisdiction_path=request.jurisdiction_path.strip("/"),
            start_date=found.period.first.isoformat(), end_date=found.period.last.isoformat(),
            total=found.total, total_last_year=found.total_last_year, change=ratio(found.change),
            by_category=[hotline_count(line, categories) for line in found.by_category],
            by_channel=[hotline_count(line, channels) for line in found.by_channel],
            by_tier=[hotline_count(line, tiers) for line in found.by_tier],
            by_company=[hotline_count(line, {}) for line in found.by_company],
            top_problems=[hotline_count(line, categories) for line in found.top_problems],
            hotspots=[
                api.Hotspot(
                    compound_id=spot.line.key, compound_name=spot.compound_name, count=spot.line.count,
                    last_year=spot.line.last_year, change=ratio(spot.line.change), top_category=spot.top_category,
                    top_category_label=categories.get(spot.top_category, ""),
                )
                for spot in found.hotspots
            ],
        )

    async def GetServiceList(
        self, request: api.GetServiceListRequest, context: grpc.aio.ServicerContext
    ) -> api.GetServiceListResponse:
        uow = self.uow()
        found = await hotline.get_service_list(
            commands.GetServiceList(compound_id=request.compound_id, start_date=request.start_date,
                                    end_date=request.end_date, top=request.top),
            uow,
        )
        categories = category_labels(uow)
        return api.GetServiceListResponse(
            compound_id=found.compound_id, compound_name=found.compound_name,
            start_date=found.period.first.isoformat(), end_date=found.period.last.isoformat(),
            items=[
                api.ServiceListItem(
                    category=item.category, category_label=categories.get(item.category, ""), count=item.count,
                    responsible_kind=item.responsible.kind, responsible_company_id=item.responsible.company_id,
                )
                for item in found.items
            ],
        )


def category_labels(uow: ComplaintsUnitOfWork) -> dict[str, str]:
    return {category.code: category.label_zh for category in uow.catalogue}


def hotline_count(line: Count, labels: dict[str, str]) -> api.HotlineCount:
    return api.HotlineCount(key=line.key, label=labels.get(line.key, ""), count=line.count, last_year=line.last_year,
                            change=ratio(line.change))


def servicer(unit_of_work: Callable[[], ComplaintsUnitOfWork]) -> Servicer:
    return Servicer(
        ComplaintsServicer(unit_of_work), complaints_pb2_grpc.add_ComplaintsServiceServicer_to_server, SERVICE_NAME
    )
