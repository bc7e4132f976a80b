import datetime as dt

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_complaints.domain.escalation import due_for_escalation, escalate
from wuye_complaints.domain.events import Escalated
from wuye_complaints.domain.vocabulary import Action, CaseState, EscalationReason, Tier

SECOND = dt.timedelta(seconds=1)
HOUR = dt.timedelta(hours=1)
COMMUNITY_PATH = "350500/350521/350521100/350521100001"  # where the conftest case lies


def mark_hard(case, calendar, at=None, note="涉及多个产权单位 several owners of the pipe"):
    return escalate(
        case,
        now=at or case.history[-1].at + HOUR,
        actor_id="community-secretary",
        reason="marked_hard",
        calendar=calendar,
        note=note,
    )


def test_C4_tiers_go_community_street_county():
    assert [tier.value for tier in Tier] == ["community", "street", "county"]
    assert (Tier.COMMUNITY.above, Tier.STREET.above, Tier.COUNTY.above) == (Tier.STREET, Tier.COUNTY, None)


def test_C4_mark_hard_escalates_at_once_and_is_recorded_with_who_and_why(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    at = case.history[-1].at + HOUR
    [event] = mark_hard(case, calendar, at)
    assert event == Escalated(
        case_id="case-1",
        at=at,
        jurisdiction_path=COMMUNITY_PATH,
        from_tier=Tier.COMMUNITY,
        to_tier=Tier.STREET,
        reason=EscalationReason.MARKED_HARD,
        actor_id="community-secretary",
        tier_due_at=calendar.add_working_days(at, 5),
    )
    [record] = case.escalations
    assert (record.actor_id, record.reason, record.note) == (
        "community-secretary",
        EscalationReason.MARKED_HARD,
        "涉及多个产权单位 several owners of the pipe",
    )
    item = case.history[-1]
    assert (item.action, item.from_state, item.to_state) == (
        Action.ESCALATE,
        CaseState.IN_PROGRESS,
        CaseState.IN_PROGRESS,
    )
    assert item.reason == "marked_hard: 涉及多个产权单位 several owners of the pipe"


@pytest.mark.parametrize("note", [None, "  "])
def test_C4_mark_hard_needs_a_note(case_at, calendar, note):
    case = case_at(CaseState.DISPATCHED)
    with pytest.raises(InvalidArgument) as caught:
        mark_hard(case, calendar, note=note)
    assert (caught.value.field, caught.value.rule) == ("note", "C4")
    assert case.tier is Tier.COMMUNITY and case.escalations == []


def test_C4_county_is_the_top_tier_escalating_further_refused(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    mark_hard(case, calendar)
    mark_hard(case, calendar)
    assert case.tier is Tier.COUNTY
    history_length = len(case.history)
    with pytest.raises(FailedPrecondition) as caught:
        mark_hard(case, calendar)
    assert (caught.value.field, caught.value.rule) == ("tier", "C4")
    assert case.tier is Tier.COUNTY and len(case.history) == history_length


def test_C4_overdue_escalation_refused_at_the_deadline_moment_allowed_one_second_after(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    with pytest.raises(FailedPrecondition) as caught:
        escalate(case, now=case.tier_due_at, actor_id="scheduler", reason="overdue", calendar=calendar)
    assert (caught.value.field, caught.value.rule) == ("reason", "C4")
    [event] = escalate(case, now=case.tier_due_at + SECOND, actor_id="scheduler", reason="overdue", calendar=calendar)
    assert event.to_tier is Tier.STREET


def test_C4_overdue_escalation_refused_before_the_clock_starts(case_at, calendar):
    case = case_at(CaseState.ACCEPTED)
    with pytest.raises(FailedPrecondition) as caught:
        at = case.submitted_at + dt.timedelta(days=30)
        escalate(case, now=at, actor_id="scheduler", reason="overdue", calendar=calendar)
    assert caught.value.rule == "C4"


def test_C4_new_tier_gets_a_fresh_window_but_the_C3_deadline_stays(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    due = case.resolve_due_at
    at = due + dt.timedelta(hours=2)
    escalate(case, now=at, actor_id="scheduler", reason="overdue", calendar=calendar)
    assert case.resolve_due_at == due
    assert case.tier_due_at == calendar.add_working_days(at, 5)
    [resolved] = case.resolve(now=at + HOUR, actor_id="street-officer", summary="done")
    assert resolved.overdue and resolved.tier is Tier.STREET


def test_C4_hard_case_before_dispatch_gets_its_window_at_the_first_dispatch(case_at, calendar):
    case = case_at(CaseState.ACCEPTED)
    [event] = mark_hard(case, calendar)
    assert event.tier_due_at is None and case.tier_due_at is None
    at = case.history[-1].at + HOUR
    [dispatched] = case.dispatch(
        now=at, actor_id="street-officer", assignee_kind="company", assignee_id="company-1", calendar=calendar
    )
    assert dispatched.tier is Tier.STREET
    assert case.tier_due_at == case.resolve_due_at == calendar.add_working_days(at, 5)


@pytest.mark.parametrize("state", [CaseState.RESOLVED, CaseState.CALLBACK, CaseState.CLOSED, CaseState.REJECTED])
def test_C4_case_no_longer_worked_on_cannot_escalate(case_at, calendar, state):
    case = case_at(state)
    with pytest.raises(FailedPrecondition) as caught:
        mark_hard(case, calendar)
    assert (caught.value.field, caught.value.rule) == ("state", "C4")
    assert state.value in caught.value.message and case.tier is Tier.COMMUNITY


def test_C4_collective_reason_needs_a_collective_case(case_at, calendar):
    case = case_at(CaseState.DISPATCHED)
    with pytest.raises(FailedPrecondition) as caught:
        escalate(case, now=case.history[-1].at + HOUR, actor_id="w", reason="collective", calendar=calendar)
    assert (caught.value.field, caught.value.rule) == ("reason", "C4")


def test_C4_unknown_reason_refused(case_at, calendar):
    case = case_at(CaseState.DISPATCHED)
    with pytest.raises(InvalidArgument) as caught:
        escalate(case, now=case.history[-1].at + HOUR, actor_id="w", reason="boredom", calendar=calendar)
    assert (caught.value.field, caught.value.rule) == ("reason", "C4")


def test_C4_handling_jurisdiction_walks_up_the_path(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    assert str(case.handling_jurisdiction) == "350500/350521/350521100/350521100001"
    mark_hard(case, calendar)
    assert str(case.handling_jurisdiction) == "350500/350521/350521100"
    mark_hard(case, calendar)
    assert str(case.handling_jurisdiction) == "350500/350521"


def test_C4_scheduler_picks_only_overdue_cases_still_worked_on_below_county(case_at, calendar):
    overdue = case_at(CaseState.IN_PROGRESS, case_id="overdue")
    now = overdue.tier_due_at + SECOND
    exactly_due = case_at(CaseState.DISPATCHED, case_id="exactly-due")
    exactly_due.tier_due_at = now  # due this very moment: not yet overdue
    resolved = case_at(CaseState.RESOLVED, case_id="resolved")
    closed = case_at(CaseState.CLOSED, case_id="closed")
    not_dispatched = case_at(CaseState.ACCEPTED, case_id="not-dispatched")
    at_county = case_at(CaseState.IN_PROGRESS, case_id="at-county")
    mark_hard(at_county, calendar)
    mark_hard(at_county, calendar)
    at_county.tier_due_at = overdue.tier_due_at
    cases = [overdue, exactly_due, resolved, closed, not_dispatched, at_county]
    assert [case.case_id for case in due_for_escalation(cases, now)] == ["overdue"]


def test_C4_scheduler_includes_a_sent_back_case_waiting_at_the_dispatcher(case_at):
    case = case_at(CaseState.DISPATCHED)
    case.send_back(now=case.history[-1].at + HOUR, actor_id="company-staff", reason="not ours")
    assert case.state is CaseState.ACCEPTED
    assert due_for_escalation([case], case.resolve_due_at + SECOND) == [case]


def test_C4_scheduler_orders_longest_overdue_first(case_at):
    early = case_at(CaseState.IN_PROGRESS, case_id="early")
    later = case_at(CaseState.IN_PROGRESS, case_id="later", now=early.submitted_at + HOUR)
    now = later.tier_due_at + SECOND
    assert [case.case_id for case in due_for_escalation([later, early], now)] == ["early", "later"]


def test_C4_escalated_case_waits_for_its_new_window_before_the_scheduler_picks_it_again(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    now = case.tier_due_at + SECOND
    for picked in due_for_escalation([case], now):
        escalate(picked, now=now, actor_id="scheduler", reason="overdue", calendar=calendar)
    assert case.tier is Tier.STREET
    assert due_for_escalation([case], now + HOUR) == []
    assert due_for_escalation([case], case.tier_due_at + SECOND) == [case]
