"""Consultation meetings (议事, M1–M2) in the complaints service: five-party, bench and joint meetings and
hearings of a compound, their decisions and follow-ups, and the figures.

Who acts (RULES.md A1): the community worker, street or county officer whose scope covers the compound
records a meeting; a follow-up is completed by its owner (the compound's community or street, or the staff
of the company serving it).
"""

from fastapi import APIRouter

from wuye.complaints.v1 import consultation_pb2 as pb
from wuye_gateway.dependencies import PROBLEM_RESPONSES
from wuye_gateway.routing import Backend, command, query

router = APIRouter(prefix="/api/v1/consultations", tags=["consultations"], responses=PROBLEM_RESPONSES)
CONSULTATIONS = Backend(router=router, service="complaints")

command(**CONSULTATIONS, path="/meetings", rpc="RecordMeeting", request=pb.RecordMeetingRequest,
        response=pb.RecordMeetingResponse, answer="meeting", creates=True,
        summary="Record a meeting held: the parties at the table, each matter's decision and its follow-ups "
                "with owners and deadlines (a follow-up may name a complaint case of the compound)",
        examples={"kind": ["five_party"], "topic": ["楼道堆物与停车收费"], "held_on": ["2026-12-04"]})
query(**CONSULTATIONS, path="/meetings", rpc="ListMeetings", request=pb.ListMeetingsRequest,
      response=pb.ListMeetingsResponse, items="meetings", required=("jurisdiction_path",),
      summary="Meetings of the compounds within a jurisdiction, newest first")
query(**CONSULTATIONS, path="/meetings/{meeting_id}", rpc="GetMeeting", request=pb.GetMeetingRequest,
      response=pb.GetMeetingResponse, answer="meeting", summary="One meeting with its matters and follow-ups")
command(**CONSULTATIONS, path="/meetings/{meeting_id}/follow-ups/{follow_up_id}/completion", rpc="CompleteFollowUp",
        request=pb.CompleteFollowUpRequest, response=pb.CompleteFollowUpResponse, answer="meeting",
        summary="The follow-up's owner reports it done with the result (A1: the owner itself)",
        examples={"result": ["已清理楼道杂物"]})
query(**CONSULTATIONS, path="/figures", rpc="GetConsultationFigures", request=pb.GetConsultationFiguresRequest,
      response=pb.GetConsultationFiguresResponse, required=("jurisdiction_path", "start_date", "end_date"),
      summary="Meetings held, matters discussed, decisions made, matters solved and follow-ups done in a period")
