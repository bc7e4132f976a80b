"""Consultation meetings in the domain (M1–M2): the table, decisions and follow-ups, matters solved."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from itertools import count

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.workdays import SHANGHAI
from wuye_complaints.domain.consultation import (
    MAX_DEADLINE_DAYS,
    FollowUpDraft,
    FollowUpOwnerKind,
    MatterDraft,
    MeetingKind,
    consultation_figures,
    record_meeting,
)

COMMUNITY = "350500/350521/350521100/350521100001"
#: Friday 2026-12-04 10:00 Shanghai
NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)
FIVE = ("community_party_org", "residents_committee", "owners_committee", "company", "owners_representatives")


def follow_up(deadline: str = "2026-12-20") -> FollowUpDraft:
    return FollowUpDraft("物业公司清理楼道", FollowUpOwnerKind.COMPANY, "company-1", deadline)


def meeting(*matters: MatterDraft, kind: MeetingKind = MeetingKind.FIVE_PARTY, parties: tuple[str, ...] = FIVE,
            held_on: str = "2026-12-04"):
    ids = (f"id-{n}" for n in count())
    return record_meeting(
        meeting_id="meeting-1", kind=kind, topic="楼道堆物和停车收费", compound_id="compound-1",
        jurisdiction_path=COMMUNITY, held_on=held_on, parties=parties,
        matters=matters or (MatterDraft("楼道堆物", "限期清理", (follow_up(),)),), ids=ids, by="cw-1", now=NOW,
    )


def test_M1_a_five_party_meeting_has_the_party_organisation_and_four_others_at_the_table() -> None:
    assert len(meeting().parties) == 5
    for parties in (FIVE[1:], FIVE[:4], (*FIVE[1:], "departments")[:4]):
        with pytest.raises(InvalidArgument) as refused:
            meeting(parties=parties)
        assert (refused.value.field, refused.value.rule) == ("parties", "M1")
    # without the party organisation, five kinds are still no five-party meeting
    with pytest.raises(InvalidArgument):
        meeting(parties=(*FIVE[1:], "departments"))


def test_M1_any_meeting_needs_two_kinds_of_party_and_counts_each_once() -> None:
    bench = meeting(kind=MeetingKind.BENCH, parties=("residents_committee", "owners_representatives",
                                                     "owners_representatives"))
    assert [party.value for party in bench.parties] == ["residents_committee", "owners_representatives"]
    with pytest.raises(InvalidArgument):
        meeting(kind=MeetingKind.BENCH, parties=("company", "company"))


def test_M1_a_meeting_is_recorded_once_held_never_for_tomorrow() -> None:
    assert meeting(held_on="2026-12-04").held_on == dt.date(2026, 12, 4)
    with pytest.raises(InvalidArgument) as refused:
        meeting(held_on="2026-12-05")
    assert (refused.value.field, refused.value.rule) == ("held_on", "M1")


def test_M1_only_a_decided_matter_has_follow_ups() -> None:
    with pytest.raises(InvalidArgument) as refused:
        meeting(MatterDraft("停车收费", "", (follow_up(),)))
    assert refused.value.field == "matters[0].follow_ups"
    assert meeting(MatterDraft("停车收费", "")).matters[0].decision is None


def test_M1_a_follow_up_is_due_from_the_meeting_day_to_a_year_after() -> None:
    last = (dt.date(2026, 12, 4) + dt.timedelta(days=MAX_DEADLINE_DAYS)).isoformat()
    assert str(meeting(MatterDraft("a", "b", (follow_up(last),))).matters[0].follow_ups[0].deadline) == last
    assert meeting(MatterDraft("a", "b", (follow_up("2026-12-04"),))).matters[0].follow_ups[0].deadline == NOW.date()
    for bad in ("2026-12-03", (dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat()):
        with pytest.raises(InvalidArgument) as refused:
            meeting(MatterDraft("a", "b", (follow_up(bad),)))
        assert refused.value.field == "matters[0].follow_ups[0].deadline"


def test_M2_a_matter_is_solved_when_decided_and_every_follow_up_is_done() -> None:
    held = meeting(MatterDraft("楼道堆物", "限期清理", (follow_up(), follow_up())), MatterDraft("增设充电桩", "同意增设"),
                   MatterDraft("停车收费", ""))
    stacked, charging, parking = held.matters
    assert (stacked.solved, charging.solved, parking.solved) == (False, True, False)
    stacked.follow_ups[0].complete(result="已清理", by="staff-1", now=NOW)
    assert not stacked.solved
    with pytest.raises(FailedPrecondition):
        stacked.follow_ups[0].complete(result="再次", by="staff-1", now=NOW)
    stacked.follow_ups[1].complete(result="已清理", by="staff-1", now=dt.datetime(2026, 12, 21, tzinfo=SHANGHAI))
    assert stacked.solved and stacked.follow_ups[0].on_time and not stacked.follow_ups[1].on_time
    figures = consultation_figures([held], NOW)
    assert (figures.meetings, figures.matters, figures.decisions, figures.solved) == (1, 3, 2, 2)
    assert (figures.follow_ups, figures.follow_ups_done) == (2, 2) and figures.solved_rate == Fraction(2, 3)


def test_M2_seed_002_1014_matters_discussed_537_solved() -> None:
    assert consultation_figures([], NOW).solved_rate is None
    matters = [MatterDraft(f"议题{n}", "同意" if n < 537 else "") for n in range(1014)]
    meetings = [meeting(*matters[at:at + 100], kind=MeetingKind.BENCH) for at in range(0, 1014, 100)]
    figures = consultation_figures(meetings, NOW)
    assert (figures.meetings, figures.matters, figures.decisions, figures.solved) == (11, 1014, 537, 537)
    assert figures.solved_rate == Fraction(537, 1014)


def test_M1_a_result_is_required_and_an_open_follow_up_is_overdue_after_its_day() -> None:
    [one] = meeting().matters[0].follow_ups
    with pytest.raises(InvalidArgument) as blank:
        one.complete(result="", by="staff-1", now=NOW)
    assert blank.value.field == "result" and not one.done
    assert not one.overdue(dt.datetime(2026, 12, 20, 23, 59, tzinfo=SHANGHAI))
    assert one.overdue(dt.datetime(2026, 12, 21, 0, 0, tzinfo=SHANGHAI))
