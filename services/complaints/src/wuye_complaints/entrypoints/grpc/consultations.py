"""The ConsultationService servicer (M1–M2): protobuf in, a command to its handler, protobuf out. No rules here."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.common.v1 import common_pb2
from wuye.complaints.v1 import consultation_pb2 as api
from wuye.complaints.v1 import consultation_pb2_grpc
from wuye_chassis.db import utcnow
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.proto_values import enum_number, enum_text, timestamp
from wuye_complaints.domain import commands
from wuye_complaints.domain.consultation import Meeting
from wuye_complaints.entrypoints.grpc.cases import ratio
from wuye_complaints.service import consultation
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["ConsultationService"].full_name


def meeting_message(meeting: Meeting) -> api.Meeting:
    now = utcnow()
    return api.Meeting(
        meeting_id=meeting.meeting_id, kind=enum_number(api.MeetingKind, meeting.kind), topic=meeting.topic,
        compound_id=meeting.compound_id, jurisdiction_path=meeting.jurisdiction_path,
        held_on=meeting.held_on.isoformat(), parties=[enum_number(api.MeetingParty, party) for party in meeting.parties],
        matters=[
            api.Matter(
                matter_id=matter.matter_id, number=matter.number, subject=matter.subject,
                decision=matter.decision or "", solved=matter.solved,
                follow_ups=[
                    api.FollowUp(
                        follow_up_id=one.follow_up_id, action=one.action,
                        owner=enum_number(api.FollowUpOwnerKind, one.owner), owner_id=one.owner_id,
                        deadline=one.deadline.isoformat(), case_id=one.case_id or "", done=one.done,
                        result=one.result or "", done_at=timestamp(one.done_at), on_time=one.on_time,
                        overdue=one.overdue(now),
                    )
                    for one in matter.follow_ups
                ],
            )
            for matter in meeting.matters
        ],
        recorded_by=meeting.recorded_by, recorded_at=timestamp(meeting.recorded_at),
    )


class ConsultationServicer(consultation_pb2_grpc.ConsultationServiceServicer):
    def __init__(self, unit_of_work: Callable[[], ComplaintsUnitOfWork]) -> None:
        self.uow = unit_of_work

    async def RecordMeeting(
        self, request: api.RecordMeetingRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordMeetingResponse:
        meeting = await consultation.record(
            commands.RecordMeeting(
                kind=enum_text(api.MeetingKind, request.kind), topic=request.topic, compound_id=request.compound_id,
                held_on=request.held_on, parties=tuple(enum_text(api.MeetingParty, party) for party in request.parties),
                matters=tuple(
                    commands.MatterInput(
                        matter.subject, matter.decision,
                        tuple(
                            commands.FollowUpInput(one.action, enum_text(api.FollowUpOwnerKind, one.owner),
                                                   one.deadline, one.case_id)
                            for one in matter.follow_ups
                        ),
                    )
                    for matter in request.matters
                ),
            ),
            self.uow(),
        )
        return api.RecordMeetingResponse(meeting=meeting_message(meeting))

    async def GetMeeting(self, request: api.GetMeetingRequest, context: grpc.aio.ServicerContext) -> api.GetMeetingResponse:
        meeting = await consultation.get_meeting(commands.GetMeeting(request.meeting_id), self.uow())
        return api.GetMeetingResponse(meeting=meeting_message(meeting))

    async def ListMeetings(
        self, request: api.ListMeetingsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListMeetingsResponse:
        page = await consultation.list_meetings(
            commands.ListMeetings(request.jurisdiction_path, request.page.page_size, request.page.page_token),
            self.uow(),
        )
        return api.ListMeetingsResponse(meetings=[meeting_message(meeting) for meeting in page.meetings],
                                        page=common_pb2.PageResponse(next_page_token=page.next_page_token))

    async def CompleteFollowUp(
        self, request: api.CompleteFollowUpRequest, context: grpc.aio.ServicerContext
    ) -> api.CompleteFollowUpResponse:
        meeting = await consultation.complete_follow_up(
            commands.CompleteFollowUp(request.meeting_id, request.follow_up_id, request.result), self.uow()
        )
        return api.CompleteFollowUpResponse(meeting=meeting_message(meeting))

    async def GetConsultationFigures(
        self, request: api.GetConsultationFiguresRequest, context: grpc.aio.ServicerContext
    ) -> api.GetConsultationFiguresResponse:
        figures = await consultation.get_figures(
            commands.GetConsultationFigures(request.jurisdiction_path, request.start_date, request.end_date),
            self.uow(),
        )
        return api.GetConsultationFiguresResponse(
            meetings=figures.meetings, matters=figures.matters, decisions=figures.decisions, solved=figures.solved,
            follow_ups=figures.follow_ups, follow_ups_done=figures.follow_ups_done,
            follow_ups_overdue=figures.follow_ups_overdue, solved_rate=ratio(figures.solved_rate),
        )


def servicer(unit_of_work: Callable[[], ComplaintsUnitOfWork]) -> Servicer:
    return Servicer(
        ConsultationServicer(unit_of_work), consultation_pb2_grpc.add_ConsultationServiceServicer_to_server,
        SERVICE_NAME,
    )
