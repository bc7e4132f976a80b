"""Consultation meetings (议事, RULES.md M1–M2): who sat at the table, what was discussed and decided, and
who follows each decision up by when.

- M1. A meeting of a compound is a five-party meeting (五方议事会: the community party organisation and at
  least four other kinds of party at the table), a bench meeting (板凳会议), a joint meeting (联席会议) or
  a hearing (听证会); every kind needs at least two kinds of party. It is recorded once held (never for a
  day after today). Each matter discussed may carry a decision; only a decided matter has follow-ups, each
  with an action, its owner (the compound's community or street, or the company serving it) and a
  deadline day not before the meeting. A follow-up is done once, with its result; done on the deadline day
  is on time.
- M2. A matter is solved when it was decided and every follow-up of it is done (a decision that needs no
  follow-up is solved at the table). Figures count the meetings held in a period and their matters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.periods import local_day
from wuye_chassis.validation import optional_text, parse_choice, parse_iso_date, require_text

#: a meeting discusses at most this many matters, each with at most this many follow-ups
MAX_MATTERS = 100
MAX_FOLLOW_UPS = 20
#: a follow-up's deadline lies at most this many days after the meeting
MAX_DEADLINE_DAYS = 366
TEXT_MAX_LENGTH = 500
#: a five-party meeting: the community party organisation and at least four other kinds of party
FIVE_PARTIES = 5


class MeetingKind(StrEnum):
    FIVE_PARTY = "five_party"  # 五方议事会
    BENCH = "bench"  # 板凳会议
    JOINT = "joint"  # 联席会议
    HEARING = "hearing"  # 听证会


class MeetingParty(StrEnum):
    COMMUNITY_PARTY_ORG = "community_party_org"  # 社区党组织
    RESIDENTS_COMMITTEE = "residents_committee"  # 居委会
    OWNERS_COMMITTEE = "owners_committee"  # 业委会
    COMPANY = "company"  # 物业服务企业
    OWNERS_REPRESENTATIVES = "owners_representatives"  # 业主代表
    DEPARTMENTS = "departments"  # 职能部门


class FollowUpOwnerKind(StrEnum):
    COMMUNITY = "community"
    STREET = "street"
    COMPANY = "company"


@dataclass(frozen=True)
class FollowUpDraft:
    action: str
    owner: FollowUpOwnerKind
    #: who the owner is (the community's or street's path, the company's id), resolved by the service
    owner_id: str
    deadline: str
    case_id: str | None = None


@dataclass(frozen=True)
class MatterDraft:
    subject: str
    decision: str
    follow_ups: Sequence[FollowUpDraft] = ()


@dataclass
class FollowUp:
    follow_up_id: str
    action: str
    owner: FollowUpOwnerKind
    owner_id: str
    deadline: dt.date
    case_id: str | None = None
    result: str | None = None
    done_at: dt.datetime | None = None
    done_by: str | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def on_time(self) -> bool:
        return self.done_at is not None and local_day(self.done_at) <= self.deadline

    def overdue(self, now: dt.datetime) -> bool:
        return not self.done and local_day(now) > self.deadline

    def complete(self, *, result: str, by: str, now: dt.datetime) -> None:
        if self.done:
            raise FailedPrecondition(f"follow-up {self.follow_up_id} is already done", field="follow_up_id", rule="M1")
        self.result = require_text(result, field="result", rule="M1", max_length=TEXT_MAX_LENGTH)
        self.done_at, self.done_by = now, by


@dataclass
class Matter:
    matter_id: str
    number: int
    subject: str
    decision: str | None
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def solved(self) -> bool:
        return self.decision is not None and all(follow_up.done for follow_up in self.follow_ups)


@dataclass
class Meeting:
    meeting_id: str
    kind: MeetingKind
    topic: str
    compound_id: str
    jurisdiction_path: str
    held_on: dt.date
    parties: tuple[MeetingParty, ...]
    matters: list[Matter]
    recorded_by: str
    recorded_at: dt.datetime

    def follow_up(self, follow_up_id: str) -> FollowUp:
        for matter in self.matters:
            for follow_up in matter.follow_ups:
                if follow_up.follow_up_id == follow_up_id:
                    return follow_up
        raise NotFound(f"meeting {self.meeting_id} has no follow-up {follow_up_id!r}", field="follow_up_id")


def _parties(parties: Iterable[str], kind: MeetingKind) -> tuple[MeetingParty, ...]:
    present = tuple(dict.fromkeys(parse_choice(MeetingParty, party, field="parties", rule="M1") for party in parties))
    if len(present) < 2:
        raise InvalidArgument("a consultation needs at least two kinds of party at the table", field="parties",
                              rule="M1")
    if kind is MeetingKind.FIVE_PARTY and (
        MeetingParty.COMMUNITY_PARTY_ORG not in present or len(present) < FIVE_PARTIES
    ):
        raise InvalidArgument(
            "a five-party meeting (五方议事会) has the community party organisation and at least four other "
            f"kinds of party at the table, not {len(present)}: " + ", ".join(party.value for party in present),
            field="parties", rule="M1",
        )
    return present


def record_meeting(
    *,
    meeting_id: str,
    kind: MeetingKind,
    topic: str,
    compound_id: str,
    jurisdiction_path: str,
    held_on: str,
    parties: Iterable[str],
    matters: Sequence[MatterDraft],
    ids: Iterable[str],
    by: str,
    now: dt.datetime,
) -> Meeting:
    """M1: the meeting as held; ``ids`` gives the matters' and follow-ups' ids in order."""
    day = parse_iso_date(held_on, field="held_on", rule="M1")
    if day > local_day(now):
        raise InvalidArgument(f"held_on ({day}) is after today: a meeting is recorded once held", field="held_on",
                              rule="M1")
    if not matters:
        raise InvalidArgument("a meeting records at least one matter discussed", field="matters", rule="M1")
    if len(matters) > MAX_MATTERS:
        raise InvalidArgument(f"at most {MAX_MATTERS} matters per meeting", field="matters", rule="M1")
    fresh = iter(ids)
    recorded = []
    for at, draft in enumerate(matters):
        where = f"matters[{at}]"
        decision = optional_text(draft.decision, field=f"{where}.decision", rule="M1", max_length=TEXT_MAX_LENGTH)
        if draft.follow_ups and decision is None:
            raise InvalidArgument("only a decided matter has follow-ups", field=f"{where}.follow_ups", rule="M1")
        if len(draft.follow_ups) > MAX_FOLLOW_UPS:
            raise InvalidArgument(f"at most {MAX_FOLLOW_UPS} follow-ups per matter", field=f"{where}.follow_ups",
                                  rule="M1")
        recorded.append(Matter(
            matter_id=next(fresh), number=at + 1,
            subject=require_text(draft.subject, field=f"{where}.subject", rule="M1", max_length=TEXT_MAX_LENGTH),
            decision=decision,
            follow_ups=[_follow_up(next(fresh), follow_up, day, f"{where}.follow_ups[{index}]")
                        for index, follow_up in enumerate(draft.follow_ups)],
        ))
    return Meeting(
        meeting_id=meeting_id, kind=kind, topic=require_text(topic, field="topic", rule="M1"),
        compound_id=compound_id, jurisdiction_path=jurisdiction_path, held_on=day, parties=_parties(parties, kind),
        matters=recorded, recorded_by=by, recorded_at=now,
    )


def _follow_up(follow_up_id: str, draft: FollowUpDraft, held_on: dt.date, where: str) -> FollowUp:
    deadline = parse_iso_date(draft.deadline, field=f"{where}.deadline", rule="M1")
    if deadline < held_on or (deadline - held_on).days > MAX_DEADLINE_DAYS:
        raise InvalidArgument(
            f"{where}.deadline ({deadline}) lies from the meeting day ({held_on}) to {MAX_DEADLINE_DAYS} days after",
            field=f"{where}.deadline", rule="M1",
        )
    return FollowUp(
        follow_up_id=follow_up_id,
        action=require_text(draft.action, field=f"{where}.action", rule="M1", max_length=TEXT_MAX_LENGTH),
        owner=draft.owner, owner_id=draft.owner_id, deadline=deadline, case_id=draft.case_id,
    )


@dataclass(frozen=True)
class ConsultationFigures:
    meetings: int
    matters: int
    decisions: int
    solved: int
    follow_ups: int
    follow_ups_done: int
    follow_ups_overdue: int

    @property
    def solved_rate(self) -> Fraction | None:
        return Fraction(self.solved, self.matters) if self.matters else None


def consultation_figures(meetings: Iterable[Meeting], now: dt.datetime) -> ConsultationFigures:
    """M2 over the meetings held in the period (the caller chose them)."""
    meetings = list(meetings)
    matters = [matter for meeting in meetings for matter in meeting.matters]
    follow_ups = [follow_up for matter in matters for follow_up in matter.follow_ups]
    return ConsultationFigures(
        meetings=len(meetings), matters=len(matters),
        decisions=sum(matter.decision is not None for matter in matters),
        solved=sum(matter.solved for matter in matters), follow_ups=len(follow_ups),
        follow_ups_done=sum(follow_up.done for follow_up in follow_ups),
        follow_ups_overdue=sum(follow_up.overdue(now) for follow_up in follow_ups),
    )
