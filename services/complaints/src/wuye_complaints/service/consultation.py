"""Handlers for consultation meetings (M1–M2): record a meeting, complete a follow-up, read and count them.

The compound and any complaint case a follow-up names are checked against what this service knows (A4);
a follow-up's owner is resolved from the compound (its community, its street, the company serving it) and
only that owner completes it (A1).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import FailedPrecondition, NotFound, PermissionDenied
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.paging import next_page_token, page_key, page_size
from wuye_chassis.periods import parse_period
from wuye_chassis.validation import parse_choice
from wuye_complaints.domain import commands
from wuye_complaints.domain.consultation import (
    ConsultationFigures,
    FollowUpDraft,
    FollowUpOwnerKind,
    MatterDraft,
    Meeting,
    MeetingKind,
    consultation_figures,
    record_meeting,
)
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork

#: who convenes and records a meeting of a compound in their scope
CONVENERS = ("community_worker", "street_officer", "county_officer")
#: who may own a follow-up (which one is decided by ``_require_owner``)
FOLLOW_UP_OWNERS = ("community_worker", "street_officer", "company_staff")
READERS = (*CONVENERS, "company_staff", "city_admin", "auditor")
#: the segments of a street's path (city/county/street)
STREET_DEPTH = 3


@dataclass(frozen=True)
class MeetingPage:
    meetings: list[Meeting]
    next_page_token: str


async def record(command: commands.RecordMeeting, uow: ComplaintsUnitOfWork) -> Meeting:
    action = "record a consultation meeting"
    caller = auth.require_role(CONVENERS, action=action)
    kind = parse_choice(MeetingKind, command.kind, field="kind", rule="M1")
    async with uow:
        compound = await uow.compound(command.compound_id)
        auth.require_access(compound.jurisdiction_path, action=action)
        matters = []
        for at, matter in enumerate(command.matters):
            follow_ups = []
            for index, follow_up in enumerate(matter.follow_ups):
                where = f"matters[{at}].follow_ups[{index}]"
                owner = parse_choice(FollowUpOwnerKind, follow_up.owner, field=f"{where}.owner", rule="M1")
                case_id = follow_up.case_id or None
                if case_id is not None:
                    place = await uow.cases.place(case_id)
                    if place is None or place[0] != compound.compound_id:
                        raise NotFound(f"no complaint case {case_id!r} of compound {compound.compound_id}",
                                       field=f"{where}.case_id", rule="A4")
                follow_ups.append(FollowUpDraft(
                    follow_up.action, owner, _owner_id(owner, compound.jurisdiction_path, compound.company_id,
                                                       field=f"{where}.owner"),
                    follow_up.deadline, case_id,
                ))
            matters.append(MatterDraft(matter.subject, matter.decision, follow_ups))
        meeting = record_meeting(
            meeting_id=new_id(), kind=kind, topic=command.topic, compound_id=compound.compound_id,
            jurisdiction_path=compound.jurisdiction_path, held_on=command.held_on, parties=command.parties,
            matters=matters, ids=iter(new_id, None), by=caller.user, now=utcnow(),
        )
        await uow.consultations.add(meeting)
        await uow.commit()
    return meeting


def _owner_id(owner: FollowUpOwnerKind, community_path: str, company_id: str | None, *, field: str) -> str:
    match owner:
        case FollowUpOwnerKind.COMMUNITY:
            return community_path
        case FollowUpOwnerKind.STREET:
            return "/".join(community_path.split("/")[:STREET_DEPTH])
        case FollowUpOwnerKind.COMPANY:
            if company_id is None:
                raise FailedPrecondition("the compound has no serving company to own the follow-up", field=field,
                                         rule="A4")
            return company_id


async def complete_follow_up(command: commands.CompleteFollowUp, uow: ComplaintsUnitOfWork) -> Meeting:
    action = "complete a consultation follow-up"
    caller = auth.require_role(FOLLOW_UP_OWNERS, action=action)
    async with uow:
        meeting = await _require(uow, command.meeting_id, lock=True)
        follow_up = meeting.follow_up(command.follow_up_id)
        _require_owner(caller, follow_up.owner, follow_up.owner_id, action=action)
        follow_up.complete(result=command.result, by=caller.user, now=utcnow())
        await uow.consultations.save(meeting)
        await uow.commit()
    return meeting


def _require_owner(caller: auth.AuthContext, owner: FollowUpOwnerKind, owner_id: str, *, action: str) -> None:
    """A1: the follow-up's owner itself: its community's worker, its street's officer, its company's staff."""
    if caller.has_role(auth.SYSTEM_ROLE):
        return
    allowed = {
        FollowUpOwnerKind.COMMUNITY: caller.has_role("community_worker") and caller.can_access(owner_id),
        FollowUpOwnerKind.STREET: caller.has_role("street_officer") and caller.can_access(owner_id),
        FollowUpOwnerKind.COMPANY: caller.has_role("company_staff") and caller.company == owner_id,
    }[owner]
    if not allowed:
        raise PermissionDenied(f"{action}: only its owner ({owner.value} {owner_id}) completes it", field="post",
                               rule="A1")


async def get_meeting(query: commands.GetMeeting, uow: ComplaintsUnitOfWork) -> Meeting:
    action = "read a consultation meeting"
    caller = auth.require_role(READERS, action=action)
    async with uow.reading():
        meeting = await _require(uow, query.meeting_id)
        compound = await uow.compound(meeting.compound_id)
    if caller.has_role("company_staff") and not caller.has_role(*CONVENERS, "city_admin", "auditor"):
        # A5: a company's staff read the meetings of the compounds their company serves
        if compound.company_id != caller.company:
            raise PermissionDenied(f"{action}: the company does not serve compound {compound.compound_id}",
                                   field="meeting_id", rule="A5")
        return meeting
    auth.require_access(meeting.jurisdiction_path, action=action)
    return meeting


async def list_meetings(query: commands.ListMeetings, uow: ComplaintsUnitOfWork) -> MeetingPage:
    action = "list consultation meetings"
    auth.require_role((*CONVENERS, "city_admin", "auditor"), action=action)
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    auth.require_access(path, action=action)
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.date.fromisoformat)
    async with uow.reading():
        meetings = await uow.consultations.newest(path, after_key=after, size=size + 1)
    if len(meetings) <= size:
        return MeetingPage(meetings, "")
    last = meetings[size - 1]
    return MeetingPage(meetings[:size], next_page_token(last.held_on, last.meeting_id))


async def get_figures(query: commands.GetConsultationFigures, uow: ComplaintsUnitOfWork) -> ConsultationFigures:
    action = "read consultation figures"
    auth.require_role((*CONVENERS, "city_admin", "auditor"), action=action)
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    auth.require_access(path, action=action)
    period = parse_period(query.start_date, query.end_date, rule="M2", max_days=366)
    async with uow.reading():
        meetings = await uow.consultations.held(path, period.first, period.last)
    return consultation_figures(meetings, utcnow())


async def _require(uow: ComplaintsUnitOfWork, meeting_id: str, *, lock: bool = False) -> Meeting:
    meeting = await uow.consultations.get(meeting_id, lock=lock)
    if meeting is None:
        raise NotFound(f"unknown consultation meeting {meeting_id!r}", field="meeting_id")
    return meeting
