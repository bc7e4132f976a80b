"""Consultation meeting rows ⇄ the domain ``Meeting`` (its matters and follow-ups one JSON document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.path_queries import at_or_below
from wuye_complaints.adapters.orm import consultation_meetings
from wuye_complaints.domain.consultation import FollowUp, FollowUpOwnerKind, Matter, Meeting, MeetingKind, MeetingParty


def _moment(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def _matters(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {"matter_id": matter.matter_id, "number": matter.number, "subject": matter.subject,
         "decision": matter.decision,
         "follow_ups": [
             {"follow_up_id": one.follow_up_id, "action": one.action, "owner": one.owner.value,
              "owner_id": one.owner_id, "deadline": one.deadline.isoformat(), "case_id": one.case_id,
              "result": one.result, "done_at": None if one.done_at is None else one.done_at.isoformat(),
              "done_by": one.done_by}
             for one in matter.follow_ups
         ]}
        for matter in meeting.matters
    ]


def _meeting(row: sa.RowMapping) -> Meeting:
    return Meeting(
        meeting_id=row["meeting_id"], kind=MeetingKind(row["kind"]), topic=row["topic"],
        compound_id=row["compound_id"], jurisdiction_path=row["jurisdiction_path"], held_on=row["held_on"],
        parties=tuple(MeetingParty(party) for party in row["parties"]),
        matters=[
            Matter(
                matter_id=matter["matter_id"], number=matter["number"], subject=matter["subject"],
                decision=matter["decision"],
                follow_ups=[
                    FollowUp(
                        follow_up_id=one["follow_up_id"], action=one["action"], owner=FollowUpOwnerKind(one["owner"]),
                        owner_id=one["owner_id"], deadline=dt.date.fromisoformat(one["deadline"]),
                        case_id=one["case_id"], result=one["result"], done_at=_moment(one["done_at"]),
                        done_by=one["done_by"],
                    )
                    for one in matter["follow_ups"]
                ],
            )
            for matter in row["matters"]
        ],
        recorded_by=row["recorded_by"], recorded_at=row["recorded_at"],
    )


class ConsultationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, meeting: Meeting) -> None:
        await self.session.execute(consultation_meetings.insert().values(
            meeting_id=meeting.meeting_id, kind=meeting.kind.value, topic=meeting.topic,
            compound_id=meeting.compound_id, jurisdiction_path=meeting.jurisdiction_path, held_on=meeting.held_on,
            parties=[party.value for party in meeting.parties], matters=_matters(meeting),
            recorded_by=meeting.recorded_by, recorded_at=meeting.recorded_at,
        ))

    async def save(self, meeting: Meeting) -> None:
        await self.session.execute(
            consultation_meetings.update().where(consultation_meetings.c.meeting_id == meeting.meeting_id)
            .values(matters=_matters(meeting))
        )

    async def get(self, meeting_id: str, *, lock: bool = False) -> Meeting | None:
        query = sa.select(consultation_meetings).where(consultation_meetings.c.meeting_id == meeting_id)
        row = (await self.session.execute(query.with_for_update() if lock else query)).mappings().first()
        return None if row is None else _meeting(row)

    async def held(self, path: str, first: dt.date, last: dt.date) -> list[Meeting]:
        """The meetings of compounds at or below ``path`` held from ``first`` to ``last`` (both included)."""
        query = sa.select(consultation_meetings).where(
            at_or_below(consultation_meetings.c.jurisdiction_path, path),
            consultation_meetings.c.held_on >= first, consultation_meetings.c.held_on <= last,
        )
        return [_meeting(row) for row in (await self.session.execute(query)).mappings()]

    async def newest(self, path: str, *, after_key: tuple[dt.date, str] | None, size: int) -> list[Meeting]:
        """Meetings at or below ``path`` by (held_on, id) descending, after the cursor key."""
        table = consultation_meetings
        query = (sa.select(table).where(at_or_below(table.c.jurisdiction_path, path))
                 .order_by(table.c.held_on.desc(), table.c.meeting_id.desc()).limit(size))
        if after_key is not None:
            query = query.where(sa.or_(table.c.held_on < after_key[0],
                                       sa.and_(table.c.held_on == after_key[0], table.c.meeting_id < after_key[1])))
        return [_meeting(row) for row in (await self.session.execute(query)).mappings()]
