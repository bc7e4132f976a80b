import datetime as dt

import pytest

from wuye_chassis.errors import FailedPrecondition
from wuye_complaints.domain.duplicates import add_reporter, duplicate_candidates, is_collective
from wuye_complaints.domain.escalation import escalate
from wuye_complaints.domain.vocabulary import CaseState, EscalationReason, Tier

SECOND = dt.timedelta(seconds=1)
SEVEN_DAYS = dt.timedelta(days=7)
HOUR = dt.timedelta(hours=1)


def offered(case, **overrides):
    query = dict(compound_id="compound-1", category_code="lifts", submitted_at=case.submitted_at + HOUR, cases=[case])
    query.update(overrides)
    return duplicate_candidates(**query)


def join(case, reporters, calendar):
    events = []
    for reporter in reporters:
        at = case.history[-1].at + HOUR
        events += add_reporter(case, reporter_id=reporter, now=at, actor_id="operator", calendar=calendar)
    return events


def test_C6_open_case_in_same_compound_and_category_is_offered(new_case):
    case = new_case()
    assert offered(case) == [case]


def test_C6_exactly_seven_days_apart_is_offered(new_case):
    case = new_case()
    assert offered(case, submitted_at=case.submitted_at + SEVEN_DAYS) == [case]


def test_C6_seven_days_and_one_second_apart_is_not_offered(new_case):
    case = new_case()
    assert offered(case, submitted_at=case.submitted_at + SEVEN_DAYS + SECOND) == []


def test_C6_window_counts_both_ways_for_late_pushed_tickets(new_case):
    case = new_case()
    assert offered(case, submitted_at=case.submitted_at - SEVEN_DAYS) == [case]
    assert offered(case, submitted_at=case.submitted_at - SEVEN_DAYS - SECOND) == []


@pytest.mark.parametrize(("field", "value"), [("compound_id", "compound-2"), ("category_code", "noise")])
def test_C6_other_compound_or_category_is_not_offered(new_case, field, value):
    assert offered(new_case(), **{field: value}) == []


@pytest.mark.parametrize(
    ("state", "is_offered"),
    [
        (CaseState.ACCEPTED, True),
        (CaseState.IN_PROGRESS, True),
        (CaseState.RESOLVED, True),
        (CaseState.CALLBACK, True),
        (CaseState.CLOSED, False),
        (CaseState.REJECTED, False),
    ],
)
def test_C6_only_open_cases_are_offered(case_at, state, is_offered):
    case = case_at(state)
    assert offered(case, submitted_at=case.submitted_at + HOUR) == ([case] if is_offered else [])


def test_C6_nearest_in_time_offered_first(new_case):
    old = new_case(case_id="old")
    recent = new_case(case_id="recent", now=old.submitted_at + dt.timedelta(days=3))
    query_time = old.submitted_at + dt.timedelta(days=4)
    assert [c.case_id for c in offered(old, submitted_at=query_time, cases=[old, recent])] == ["recent", "old"]


def test_C6_distinct_reporters_decide_collective():
    assert not is_collective(["a", "b", "c", "d"])
    assert not is_collective(["a", "b", "c", "d", "d", "a"])
    assert is_collective(["a", "b", "c", "d", "e"])


def test_C6_four_reporters_not_collective(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    assert join(case, ["r2", "r3", "r4"], calendar) == []
    assert len(case.reporter_ids) == 4
    assert not case.collective and case.tier is Tier.COMMUNITY


def test_C6_five_reporters_make_it_collective_and_escalate_one_tier(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    [event] = join(case, ["r2", "r3", "r4", "r5"], calendar)
    assert case.collective
    assert (event.from_tier, event.to_tier, event.reason) == (Tier.COMMUNITY, Tier.STREET, EscalationReason.COLLECTIVE)
    assert case.escalations[-1].note == "5 reporters on one matter"


def test_C6_same_reporter_twice_counts_once(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    history_length = len(case.history)
    assert join(case, ["reporter-1", "r2", "r2", "r3", "r4", "r4"], calendar) == []
    assert case.reporter_ids == ["reporter-1", "r2", "r3", "r4"]
    assert len(case.history) == history_length + 3
    assert not case.collective


def test_C6_collective_escalates_only_once(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    join(case, ["r2", "r3", "r4", "r5"], calendar)
    assert join(case, ["r6", "r7"], calendar) == []
    assert case.tier is Tier.STREET and len(case.escalations) == 1


def test_C6_collective_at_county_is_marked_without_escalation(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    for _ in range(2):
        at = case.history[-1].at + HOUR
        escalate(case, now=at, actor_id="w", reason="marked_hard", calendar=calendar, note="hard")
    assert join(case, ["r2", "r3", "r4", "r5"], calendar) == []
    assert case.collective and case.tier is Tier.COUNTY


def test_C6_collective_on_a_resolved_case_is_marked_without_escalation(case_at, calendar):
    case = case_at(CaseState.RESOLVED)
    assert join(case, ["r2", "r3", "r4", "r5"], calendar) == []
    assert case.collective and case.tier is Tier.COMMUNITY


@pytest.mark.parametrize("state", [CaseState.CLOSED, CaseState.REJECTED])
def test_C6_cannot_join_a_closed_or_rejected_case(case_at, calendar, state):
    case = case_at(state)
    with pytest.raises(FailedPrecondition) as caught:
        join(case, ["r2"], calendar)
    assert (caught.value.field, caught.value.rule) == ("state", "C6")
    assert case.reporter_ids == ["reporter-1"]
