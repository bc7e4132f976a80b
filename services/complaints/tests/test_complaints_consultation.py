"""Consultation meetings (M1–M2) over real gRPC and a real database: the compound and a linked case checked
(A4), follow-ups owned by the compound's community, street or serving company and completed only by them
(A1), what a company's staff may read (A5), and the figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import grpc
import pytest

from wuye.complaints.v1 import consultation_pb2 as api
from wuye.complaints.v1 import consultation_pb2_grpc
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.workdays import SHANGHAI

from .conftest import (
    ANXI_OFFICER,
    COMMUNITY,
    COMMUNITY_WORKER,
    COMPANY,
    COMPANY_STAFF,
    COMPOUND,
    COUNTY_OFFICER,
    HUIAN,
    OPERATOR,
    OTHER_COMMUNITY,
    RIVAL_STAFF,
    STREET,
    STREET_OFFICER,
    Complaints,
    refused,
)

FIVE = [api.MEETING_PARTY_COMMUNITY_PARTY_ORG, api.MEETING_PARTY_RESIDENTS_COMMITTEE,
        api.MEETING_PARTY_OWNERS_COMMITTEE, api.MEETING_PARTY_COMPANY, api.MEETING_PARTY_OWNERS_REPRESENTATIVES]


def today(days: int = 0) -> str:
    return (utcnow().astimezone(SHANGHAI).date() + dt.timedelta(days=days)).isoformat()


class Consultations:
    def __init__(self, complaints: Complaints, stub: consultation_pb2_grpc.ConsultationServiceStub) -> None:
        self.complaints, self.stub = complaints, stub

    async def record(self, *matters: api.MatterInput, compound_id: str = COMPOUND,
                     who: AuthContext = COMMUNITY_WORKER) -> api.Meeting:
        answer = await self.stub.RecordMeeting(api.RecordMeetingRequest(
            kind=api.MEETING_KIND_FIVE_PARTY, topic="楼道堆物与停车收费", compound_id=compound_id, held_on=today(),
            parties=FIVE, matters=matters), metadata=who.to_metadata())
        return answer.meeting


def decided(*owners: int, case_id: str = "") -> api.MatterInput:
    return api.MatterInput(subject="楼道堆物", decision="限期清理", follow_ups=[
        api.FollowUpInput(action="清理楼道杂物", owner=owner, deadline=today(7), case_id=case_id) for owner in owners])


@pytest.fixture
async def consultations(complaints: Complaints) -> AsyncIterator[Consultations]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{complaints.app.port}") as channel:
        yield Consultations(complaints, consultation_pb2_grpc.ConsultationServiceStub(channel))


async def test_M1_a_meeting_names_each_follow_ups_owner_from_its_compound(consultations: Consultations) -> None:
    meeting = await consultations.record(
        decided(api.FOLLOW_UP_OWNER_KIND_COMMUNITY, api.FOLLOW_UP_OWNER_KIND_STREET, api.FOLLOW_UP_OWNER_KIND_COMPANY),
        api.MatterInput(subject="停车收费标准", decision=""),
    )
    assert (meeting.jurisdiction_path, len(meeting.parties)) == (COMMUNITY, 5)
    assert [one.owner_id for one in meeting.matters[0].follow_ups] == [COMMUNITY, STREET, COMPANY]
    assert [matter.solved for matter in meeting.matters] == [False, False]
    again = await consultations.stub.GetMeeting(api.GetMeetingRequest(meeting_id=meeting.meeting_id),
                                                metadata=COUNTY_OFFICER.to_metadata())
    assert again.meeting == meeting


async def test_A4_an_unknown_compound_or_a_case_of_another_compound_is_refused(consultations: Consultations) -> None:
    before = await consultations.complaints.count("consultation_meetings")
    code, error = await refused(consultations.record(decided(api.FOLLOW_UP_OWNER_KIND_COMPANY),
                                                     compound_id="compound-unknown"))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "compound_id")
    await consultations.complaints.know_compound("compound-other", OTHER_COMMUNITY)
    elsewhere = (await consultations.complaints.submit(OPERATOR, compound_id="compound-other")).case
    for case_id in ("case-unknown", elsewhere.case_id):
        code, error = await refused(consultations.record(decided(api.FOLLOW_UP_OWNER_KIND_COMPANY, case_id=case_id)))
        assert (code, error.field, error.rule) == (grpc.StatusCode.NOT_FOUND, "matters[0].follow_ups[0].case_id", "A4")
    assert await consultations.complaints.count("consultation_meetings") == before
    mine = (await consultations.complaints.submit()).case
    linked = await consultations.record(decided(api.FOLLOW_UP_OWNER_KIND_COMPANY, case_id=mine.case_id))
    assert linked.matters[0].follow_ups[0].case_id == mine.case_id


async def test_A1_only_the_follow_ups_owner_completes_it(consultations: Consultations) -> None:
    meeting = await consultations.record(decided(api.FOLLOW_UP_OWNER_KIND_COMPANY, api.FOLLOW_UP_OWNER_KIND_STREET))
    company_one, street_one = meeting.matters[0].follow_ups
    for follow_up, stranger in ((company_one, RIVAL_STAFF), (company_one, COMMUNITY_WORKER),
                                (street_one, COMMUNITY_WORKER), (street_one, COMPANY_STAFF)):
        code, _ = await refused(consultations.stub.CompleteFollowUp(api.CompleteFollowUpRequest(
            meeting_id=meeting.meeting_id, follow_up_id=follow_up.follow_up_id, result="已完成"),
            metadata=stranger.to_metadata()))
        assert code is grpc.StatusCode.PERMISSION_DENIED
    for follow_up, owner in ((company_one, COMPANY_STAFF), (street_one, STREET_OFFICER)):
        meeting = (await consultations.stub.CompleteFollowUp(api.CompleteFollowUpRequest(
            meeting_id=meeting.meeting_id, follow_up_id=follow_up.follow_up_id, result="已清理完毕"),
            metadata=owner.to_metadata())).meeting
    assert meeting.matters[0].solved and all(one.done and one.on_time for one in meeting.matters[0].follow_ups)


async def test_A5_a_company_reads_the_meetings_of_the_compounds_it_serves_only(consultations: Consultations) -> None:
    meeting = await consultations.record(decided(api.FOLLOW_UP_OWNER_KIND_COMPANY))
    request = api.GetMeetingRequest(meeting_id=meeting.meeting_id)
    assert (await consultations.stub.GetMeeting(request, metadata=COMPANY_STAFF.to_metadata())).meeting == meeting
    for stranger in (RIVAL_STAFF, ANXI_OFFICER):
        code, _ = await refused(consultations.stub.GetMeeting(request, metadata=stranger.to_metadata()))
        assert code is grpc.StatusCode.PERMISSION_DENIED


async def test_M1_only_conveners_in_scope_record_a_meeting(consultations: Consultations) -> None:
    for who in (COMPANY_STAFF, ANXI_OFFICER):
        code, _ = await refused(consultations.record(decided(api.FOLLOW_UP_OWNER_KIND_COMPANY), who=who))
        assert code is grpc.StatusCode.PERMISSION_DENIED
    assert await consultations.complaints.count("consultation_meetings") == 0


async def test_M2_figures_for_the_county_and_pages_of_meetings(consultations: Consultations) -> None:
    first = await consultations.record(decided(api.FOLLOW_UP_OWNER_KIND_COMPANY),
                                       api.MatterInput(subject="增设充电桩", decision="同意"),
                                       api.MatterInput(subject="停车收费", decision=""))
    await consultations.record(api.MatterInput(subject="绿化补植", decision="同意"), who=STREET_OFFICER)
    await consultations.stub.CompleteFollowUp(api.CompleteFollowUpRequest(
        meeting_id=first.meeting_id, follow_up_id=first.matters[0].follow_ups[0].follow_up_id, result="已清理"),
        metadata=COMPANY_STAFF.to_metadata())
    figures = await consultations.stub.GetConsultationFigures(api.GetConsultationFiguresRequest(
        jurisdiction_path=HUIAN, start_date=today(), end_date=today()), metadata=COUNTY_OFFICER.to_metadata())
    assert (figures.meetings, figures.matters, figures.decisions, figures.solved) == (2, 4, 3, 3)
    assert (figures.follow_ups, figures.follow_ups_done, figures.solved_rate.percent) == (1, 1, "75.0%")
    earlier = await consultations.stub.GetConsultationFigures(api.GetConsultationFiguresRequest(
        jurisdiction_path=HUIAN, start_date=today(-7), end_date=today(-1)), metadata=COUNTY_OFFICER.to_metadata())
    assert earlier.meetings == 0 and not earlier.HasField("solved_rate")
    seen, token = [], ""
    while True:
        page = await consultations.stub.ListMeetings(api.ListMeetingsRequest(
            jurisdiction_path=HUIAN, page={"page_size": 1, "page_token": token}), metadata=COUNTY_OFFICER.to_metadata())
        seen.extend(meeting.meeting_id for meeting in page.meetings)
        token = page.page.next_page_token
        if not token:
            break
    assert len(seen) == 2 and first.meeting_id in seen
