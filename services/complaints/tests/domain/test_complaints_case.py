import dataclasses
import datetime as dt

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_complaints.domain.case import TRANSITIONS
from wuye_complaints.domain.events import (
    Accepted,
    CallbackRecorded,
    Closed,
    Dispatched,
    Rejected,
    Reopened,
    Resolved,
    SentBack,
    Submitted,
)
from wuye_complaints.domain.vocabulary import Action, AssigneeKind, CaseState, Channel, RejectReason, Satisfaction, Tier

STEP = dt.timedelta(hours=1)
SECOND = dt.timedelta(seconds=1)
COMMUNITY_PATH = "350500/350521/350521100/350521100001"  # where the conftest case lies


def later(case, delta=STEP):
    return case.history[-1].at + delta


def answer_callback(case, satisfaction="satisfied"):
    return case.record_callback(
        now=later(case), actor_id="c", valid=True, contacted=True, solved=True, satisfaction=satisfaction
    )


def test_C2_submission_starts_in_submitted_with_one_history_item(new_case):
    case = new_case()
    assert case.state is CaseState.SUBMITTED
    assert case.tier is Tier.COMMUNITY
    assert case.reporter_ids == ["reporter-1"]
    [item] = case.history
    assert (item.action, item.from_state, item.to_state, item.actor_id) == (
        Action.SUBMIT,
        None,
        CaseState.SUBMITTED,
        "operator-1",
    )


def test_C2_submitted_event_carries_ids_and_accept_deadline(calendar, catalogue):
    from wuye_complaints.domain.case import Case

    case, [event] = Case.submit(
        case_id="case-9",
        compound_id="compound-3",
        jurisdiction_path="350500/350521/350521100/350521100001",
        category=catalogue.get("drain_blockage"),
        channel="grid_worker",
        reporter_id="reporter-7",
        description="下水道反水",
        now=dt.datetime(2026, 9, 15, 1, 0, tzinfo=dt.UTC),
        actor_id="grid-worker-2",
        calendar=calendar,
        external_id="  ",
    )
    assert event == Submitted(
        case_id="case-9",
        at=case.submitted_at,
        compound_id="compound-3",
        jurisdiction_path="350500/350521/350521100/350521100001",
        category="drain_blockage",
        channel=Channel.GRID_WORKER,
        accept_due_at=dt.datetime(2026, 9, 16, 1, 0, tzinfo=dt.UTC),
    )
    assert case.external_id is None


def test_C2_intake_channels_are_exactly_six():
    assert {channel.value for channel in Channel} == {
        "hotline_12345",
        "grid_worker",
        "petition",
        "walk_in",
        "web",
        "mobile",
    }


@pytest.mark.parametrize(
    ("override", "field", "rule"),
    [
        ({"channel": "fax"}, "channel", "C2"),
        ({"description": "   "}, "description", "C2"),
        ({"description": "x" * 2001}, "description", "C2"),
        ({"compound_id": ""}, "compound_id", "C2"),
        ({"reporter_id": None}, "reporter_id", "C2"),
        ({"actor_id": ""}, "actor_id", "C2"),
        ({"category": "lifts"}, "category", "C1"),
        ({"jurisdiction_path": "350500/350521/350521100"}, "jurisdiction_path", "C4"),
        ({"jurisdiction_path": "not-a-path"}, "jurisdiction_path", None),
        ({"now": dt.datetime(2026, 9, 14, 9, 0)}, "now", "C3"),
    ],
)
def test_C2_bad_intake_refused_naming_field(new_case, override, field, rule):
    with pytest.raises(InvalidArgument) as caught:
        new_case(**override)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_C2_full_lifecycle_walks_every_state_in_order(case_at):
    case = case_at(CaseState.CLOSED)
    assert [(item.from_state, item.to_state) for item in case.history if item.from_state != item.to_state] == [
        (None, CaseState.SUBMITTED),
        (CaseState.SUBMITTED, CaseState.ACCEPTED),
        (CaseState.ACCEPTED, CaseState.DISPATCHED),
        (CaseState.DISPATCHED, CaseState.IN_PROGRESS),
        (CaseState.IN_PROGRESS, CaseState.RESOLVED),
        (CaseState.RESOLVED, CaseState.CALLBACK),
        (CaseState.CALLBACK, CaseState.CLOSED),
    ]
    assert case.satisfaction is Satisfaction.SATISFIED
    assert not case.is_open


def test_C2_each_transition_records_who_when_from_to_and_reason(case_at):
    case = case_at(CaseState.IN_PROGRESS)
    at = later(case)
    case.send_back(now=at, actor_id="company-staff", reason="管道属市政 the pipe belongs to the city")
    item = case.history[-1]
    assert (item.at, item.actor_id, item.action, item.from_state, item.to_state, item.reason) == (
        at.astimezone(dt.UTC),
        "company-staff",
        Action.SEND_BACK,
        CaseState.IN_PROGRESS,
        CaseState.ACCEPTED,
        "管道属市政 the pipe belongs to the city",
    )


ILLEGAL = [
    (CaseState.SUBMITTED, "dispatch"),
    (CaseState.SUBMITTED, "resolve"),
    (CaseState.SUBMITTED, "close"),
    (CaseState.ACCEPTED, "accept"),
    (CaseState.ACCEPTED, "start_handling"),
    (CaseState.ACCEPTED, "send_back"),
    (CaseState.DISPATCHED, "resolve"),
    (CaseState.IN_PROGRESS, "record_callback"),
    (CaseState.IN_PROGRESS, "reply_to_reporter"),
    (CaseState.RESOLVED, "close"),
    (CaseState.RESOLVED, "dispatch"),
    (CaseState.CALLBACK, "record_callback"),
    (CaseState.CLOSED, "accept"),
    (CaseState.CLOSED, "record_callback"),
    (CaseState.REJECTED, "accept"),
    (CaseState.REJECTED, "dispatch"),
]


def _attempt(case, action, calendar):
    at = later(case)
    calls = {
        "accept": lambda: case.accept(now=at, actor_id="a"),
        "dispatch": lambda: case.dispatch(
            now=at, actor_id="a", assignee_kind="company", assignee_id="company-1", calendar=calendar
        ),
        "send_back": lambda: case.send_back(now=at, actor_id="a", reason="not ours"),
        "start_handling": lambda: case.start_handling(now=at, actor_id="a"),
        "resolve": lambda: case.resolve(now=at, actor_id="a", summary="done"),
        "reply_to_reporter": lambda: case.reply_to_reporter(now=at, actor_id="a", message="done"),
        "record_callback": lambda: case.record_callback(
            now=at, actor_id="a", valid=True, contacted=True, solved=True, satisfaction="satisfied"
        ),
        "close": lambda: case.close(now=at, actor_id="a", calendar=calendar),
    }
    return calls[action]()


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_C2_illegal_transition_refused_naming_current_state_and_changes_nothing(case_at, calendar, state, action):
    case = case_at(state)
    before = (case.state, len(case.history), case.assignee, case.resolve_due_at)
    with pytest.raises(FailedPrecondition) as caught:
        _attempt(case, action, calendar)
    assert (caught.value.field, caught.value.rule) == ("state", "C2")
    assert state.value in caught.value.message
    assert caught.value.metadata["current_state"] == state.value
    assert (case.state, len(case.history), case.assignee, case.resolve_due_at) == before


def test_C2_transition_table_has_rejected_and_closed_as_dead_ends_except_reopen():
    leaving = {state for transition in TRANSITIONS.values() for state in transition.from_states}
    assert CaseState.REJECTED not in leaving
    assert [action for action, transition in TRANSITIONS.items() if CaseState.CLOSED in transition.from_states] == [
        Action.REOPEN
    ]


@pytest.mark.parametrize("reason", ["invalid", "not_property_related"])
def test_C2_reject_with_reason_is_final(new_case, reason):
    case = new_case()
    [event] = case.reject(now=later(case), actor_id="community-worker", reason=reason, note="与物业无关")
    assert event == Rejected(case_id="case-1", at=case.rejected_at, reason=RejectReason(reason), duplicate_of=None)
    assert case.state is CaseState.REJECTED
    assert case.history[-1].reason == f"{reason}: 与物业无关"
    assert not case.is_open


def test_C2_reject_as_duplicate_names_the_original(new_case):
    case = new_case()
    [event] = case.reject(now=later(case), actor_id="community-worker", reason="duplicate", duplicate_of="case-0")
    assert (event.reason, event.duplicate_of, case.duplicate_of) == (RejectReason.DUPLICATE, "case-0", "case-0")


@pytest.mark.parametrize(
    ("reason", "duplicate_of", "field", "rule"),
    [
        ("duplicate", None, "duplicate_of", "C6"),
        ("duplicate", "case-1", "duplicate_of", "C6"),
        ("invalid", "case-0", "duplicate_of", "C6"),
        ("too_lazy", None, "reason", "C2"),
    ],
)
def test_C2_bad_rejection_refused(new_case, reason, duplicate_of, field, rule):
    case = new_case()
    with pytest.raises(InvalidArgument) as caught:
        case.reject(now=later(case), actor_id="community-worker", reason=reason, duplicate_of=duplicate_of)
    assert (caught.value.field, caught.value.rule) == (field, rule)
    assert case.state is CaseState.SUBMITTED and case.reject_reason is None


def test_C2_accepted_event_flags_late_acceptance(new_case):
    in_time = new_case()
    assert in_time.accept(now=in_time.accept_due_at, actor_id="w") == [
        Accepted(case_id="case-1", at=in_time.accept_due_at, overdue=False)
    ]
    late = new_case()
    [event] = late.accept(now=late.accept_due_at + SECOND, actor_id="w")
    assert event.overdue


@pytest.mark.parametrize(("kind", "assignee_id"), [("company", "company-1"), ("community", "350521100001")])
def test_C2_dispatch_to_company_or_community(case_at, calendar, kind, assignee_id):
    case = case_at(CaseState.ACCEPTED)
    [event] = case.dispatch(
        now=later(case), actor_id="community-worker", assignee_kind=kind, assignee_id=assignee_id, calendar=calendar
    )
    assert isinstance(event, Dispatched)
    assert (event.assignee_kind, event.assignee_id, event.first_dispatch) == (AssigneeKind(kind), assignee_id, True)
    assert case.company_id == (assignee_id if kind == "company" else None)


@pytest.mark.parametrize(
    ("kind", "assignee_id", "field"), [("street", "x", "assignee_kind"), ("company", " ", "assignee_id")]
)
def test_C2_dispatch_needs_a_known_assignee(case_at, calendar, kind, assignee_id, field):
    case = case_at(CaseState.ACCEPTED)
    with pytest.raises(InvalidArgument) as caught:
        case.dispatch(now=later(case), actor_id="w", assignee_kind=kind, assignee_id=assignee_id, calendar=calendar)
    assert (caught.value.field, caught.value.rule) == (field, "C2")
    assert case.first_dispatched_at is None and case.resolve_due_at is None


def test_C3_clock_starts_at_first_dispatch(case_at, calendar):
    case = case_at(CaseState.ACCEPTED)
    at = later(case, dt.timedelta(hours=5))
    case.dispatch(now=at, actor_id="w", assignee_kind="company", assignee_id="company-1", calendar=calendar)
    assert case.first_dispatched_at == at
    assert case.resolve_due_at == calendar.add_working_days(at, 5)
    assert case.tier_due_at == case.resolve_due_at


def test_C3_clock_starts_with_the_category_resolve_days(new_case, calendar):
    from wuye_complaints.domain.categories import CategoryCatalogue

    case = new_case(category=CategoryCatalogue({"lifts": 8}).get("lifts"))
    case.accept(now=later(case), actor_id="w")
    at = later(case)
    case.dispatch(now=at, actor_id="w", assignee_kind="company", assignee_id="company-1", calendar=calendar)
    assert case.resolve_due_at == calendar.add_working_days(at, 8)


def test_C2_send_back_returns_case_to_the_dispatcher(case_at, calendar):
    case = case_at(CaseState.DISPATCHED)
    [event] = case.send_back(now=later(case), actor_id="company-staff", reason="不属于物业服务范围")
    assert event == SentBack(
        case_id="case-1", at=case.history[-1].at, assignee_kind=AssigneeKind.COMPANY, assignee_id="company-1"
    )
    assert case.state is CaseState.ACCEPTED and case.assignee is None
    [again] = case.dispatch(
        now=later(case), actor_id="w", assignee_kind="community", assignee_id="350521100001", calendar=calendar
    )
    assert not again.first_dispatch


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 501])
def test_C2_send_back_needs_a_reason(case_at, reason):
    case = case_at(CaseState.IN_PROGRESS)
    with pytest.raises(InvalidArgument) as caught:
        case.send_back(now=later(case), actor_id="company-staff", reason=reason)
    assert (caught.value.field, caught.value.rule) == ("reason", "C2")
    assert case.state is CaseState.IN_PROGRESS and case.assignee is not None


def test_C3_clock_does_not_restart_on_send_back(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    first_dispatch, due = case.first_dispatched_at, case.resolve_due_at
    for _ in range(3):  # send-back ping-pong over several days
        case.send_back(now=later(case, dt.timedelta(days=1)), actor_id="company-staff", reason="not ours")
        [event] = case.dispatch(
            now=later(case, dt.timedelta(days=1)),
            actor_id="w",
            assignee_kind="company",
            assignee_id="company-1",
            calendar=calendar,
        )
        assert event.resolve_due_at == due and not event.first_dispatch
    assert (case.first_dispatched_at, case.resolve_due_at, case.tier_due_at) == (first_dispatch, due, due)


def test_C2_resolve_needs_a_summary(case_at):
    case = case_at(CaseState.IN_PROGRESS)
    with pytest.raises(InvalidArgument) as caught:
        case.resolve(now=later(case), actor_id="company-staff", summary=" ")
    assert (caught.value.field, caught.value.rule) == ("summary", "C2")


def test_C3_resolved_in_time_at_the_deadline_moment_late_one_second_after(case_at):
    on_time = case_at(CaseState.IN_PROGRESS)
    [event] = on_time.resolve(now=on_time.resolve_due_at, actor_id="s", summary="done")
    assert event == Resolved(
        case_id="case-1", at=on_time.resolve_due_at, compound_id="compound-1", jurisdiction_path=COMMUNITY_PATH,
        overdue=False, company_id="company-1", tier=Tier.COMMUNITY,
    )
    late = case_at(CaseState.IN_PROGRESS)
    [event] = late.resolve(now=late.resolve_due_at + SECOND, actor_id="s", summary="done")
    assert event.overdue


def test_C2_close_refused_without_reply_to_reporter(case_at, calendar):
    case = case_at(CaseState.RESOLVED)
    answer_callback(case)
    with pytest.raises(FailedPrecondition) as caught:
        case.close(now=later(case), actor_id="w", calendar=calendar)
    assert (caught.value.field, caught.value.rule) == ("reply", "C2")
    assert case.state is CaseState.CALLBACK
    case.reply_to_reporter(now=later(case), actor_id="w", message="已修复")
    [event] = case.close(now=later(case), actor_id="w", calendar=calendar)
    assert isinstance(event, Closed) and case.state is CaseState.CLOSED


def test_C2_closed_event_carries_satisfaction_overdue_company_and_tier(case_at, calendar):
    case = case_at(CaseState.CALLBACK, satisfaction="basically_satisfied")
    [event] = case.close(now=later(case), actor_id="w", calendar=calendar)
    assert event == Closed(
        case_id="case-1",
        at=case.closed_at,
        compound_id="compound-1",
        jurisdiction_path=COMMUNITY_PATH,
        category="lifts",
        satisfaction=Satisfaction.BASICALLY_SATISFIED,
        overdue=False,
        company_id="company-1",
        tier=Tier.COMMUNITY,
    )


def test_C2_closed_after_late_resolution_is_flagged_overdue(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    case.resolve(now=case.resolve_due_at + SECOND, actor_id="s", summary="done")
    case.reply_to_reporter(now=later(case), actor_id="w", message="done")
    answer_callback(case)
    [event] = case.close(now=later(case), actor_id="w", calendar=calendar)
    assert event.overdue


def test_C2_case_closed_by_the_community_charges_no_company(case_at, calendar):
    case = case_at(CaseState.DISPATCHED)
    case.send_back(now=later(case), actor_id="company-staff", reason="公共部位归社区")
    case.dispatch(
        now=later(case), actor_id="w", assignee_kind="community", assignee_id="350521100001", calendar=calendar
    )
    case.start_handling(now=later(case), actor_id="w")
    case.resolve(now=later(case), actor_id="w", summary="done")
    case.reply_to_reporter(now=later(case), actor_id="w", message="done")
    answer_callback(case)
    [event] = case.close(now=later(case), actor_id="w", calendar=calendar)
    assert event.company_id is None


def test_C2_reply_only_after_resolution(case_at):
    case = case_at(CaseState.DISPATCHED)
    with pytest.raises(FailedPrecondition) as caught:
        case.reply_to_reporter(now=later(case), actor_id="w", message="正在处理")
    assert caught.value.rule == "C2" and "dispatched" in caught.value.message
    assert case.reply is None


def test_C2_unsatisfied_callback_closes_the_round_and_reopens_to_the_same_handler(case_at, calendar):
    case = case_at(CaseState.CALLBACK, satisfaction="unsatisfied")
    at = later(case)
    closed, reopened = case.close(now=at, actor_id="w", calendar=calendar)
    assert closed.satisfaction is Satisfaction.UNSATISFIED and closed.company_id == "company-1"
    assert reopened == Reopened(
        case_id="case-1",
        at=at.astimezone(dt.UTC),
        assignee_kind=AssigneeKind.COMPANY,
        assignee_id="company-1",
        tier_due_at=calendar.add_working_days(at, 5),
    )
    assert case.state is CaseState.DISPATCHED and case.is_open
    assert case.reopen_count == 1 and case.closed_at is None and case.resolved_at is None
    assert [(item.from_state, item.to_state) for item in case.history[-2:]] == [
        (CaseState.CALLBACK, CaseState.CLOSED),
        (CaseState.CLOSED, CaseState.DISPATCHED),
    ]


def test_C3_reopen_keeps_the_original_resolve_deadline(case_at, calendar):
    case = case_at(CaseState.CALLBACK, satisfaction="unsatisfied")
    due, first_dispatch = case.resolve_due_at, case.first_dispatched_at
    case.close(now=later(case, dt.timedelta(days=10)), actor_id="w", calendar=calendar)
    assert (case.resolve_due_at, case.first_dispatched_at) == (due, first_dispatch)
    assert case.tier_due_at > due
    case.start_handling(now=later(case), actor_id="s")
    [resolved] = case.resolve(now=later(case), actor_id="s", summary="redone")
    assert resolved.overdue  # re-done after the original deadline: counted late


def test_C2_reopened_case_needs_a_new_reply_before_closing(case_at, calendar):
    case = case_at(CaseState.CALLBACK, satisfaction="unsatisfied")
    case.close(now=later(case), actor_id="w", calendar=calendar)
    assert case.reply is None
    case.start_handling(now=later(case), actor_id="s")
    case.resolve(now=later(case), actor_id="s", summary="redone")
    answer_callback(case)
    with pytest.raises(FailedPrecondition) as caught:
        case.close(now=later(case), actor_id="w", calendar=calendar)
    assert caught.value.field == "reply"
    case.reply_to_reporter(now=later(case), actor_id="w", message="已重新修复")
    [closed] = case.close(now=later(case), actor_id="w", calendar=calendar)
    assert closed.satisfaction is Satisfaction.SATISFIED and case.state is CaseState.CLOSED
    assert len(case.callbacks) == 2


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"contacted": None, "solved": True, "satisfaction": "satisfied"}, "contacted"),
        ({"contacted": True, "solved": "yes", "satisfaction": "satisfied"}, "solved"),
        ({"contacted": True, "solved": True, "satisfaction": None}, "satisfaction"),
        ({"contacted": True, "solved": True, "satisfaction": "delighted"}, "satisfaction"),
    ],
)
def test_C5_valid_callback_needs_all_three_answers(case_at, answers, field):
    case = case_at(CaseState.RESOLVED)
    with pytest.raises(InvalidArgument) as caught:
        case.record_callback(now=later(case), actor_id="c", valid=True, **answers)
    assert (caught.value.field, caught.value.rule) == (field, "C5")
    assert case.callbacks == [] and case.state is CaseState.RESOLVED


@pytest.mark.parametrize(
    ("answers", "field"),
    [({"note": "三次未接通"} | {"satisfaction": "satisfied"}, "satisfaction"), ({}, "note")],
)
def test_C5_invalid_callback_carries_no_answers_and_says_why(case_at, answers, field):
    case = case_at(CaseState.RESOLVED)
    with pytest.raises(InvalidArgument) as caught:
        case.record_callback(now=later(case), actor_id="c", valid=False, **answers)
    assert (caught.value.field, caught.value.rule) == (field, "C5")


def test_C2_invalid_callback_lets_the_case_close_without_satisfaction(case_at, calendar):
    case = case_at(CaseState.RESOLVED)
    case.reply_to_reporter(now=later(case), actor_id="w", message="已修复")
    [recorded] = case.record_callback(now=later(case), actor_id="c", valid=False, note="三次未接通 unreachable")
    assert recorded == CallbackRecorded(
        case_id="case-1", at=case.history[-1].at, valid=False, contacted=None, solved=None, satisfaction=None
    )
    [closed] = case.close(now=later(case), actor_id="w", calendar=calendar)
    assert closed.satisfaction is None and case.state is CaseState.CLOSED


def test_C2_a_step_cannot_be_dated_before_the_previous_one(case_at):
    case = case_at(CaseState.IN_PROGRESS)
    with pytest.raises(InvalidArgument) as caught:
        case.resolve(now=later(case, -SECOND), actor_id="s", summary="done")
    assert (caught.value.field, caught.value.rule) == ("now", "C2")
    assert case.state is CaseState.IN_PROGRESS and case.resolved_at is None
    case.resolve(now=later(case, dt.timedelta(0)), actor_id="s", summary="done")  # the same moment is fine


def test_C2_events_carry_ids_only_never_reporter_or_free_text(case_at, calendar):
    case = case_at(CaseState.IN_PROGRESS)
    events = case.send_back(now=later(case), actor_id="company-staff", reason="SECRET-REASON")
    events += case.dispatch(
        now=later(case), actor_id="w", assignee_kind="company", assignee_id="company-1", calendar=calendar
    )
    events += case.start_handling(now=later(case), actor_id="s")
    events += case.resolve(now=later(case), actor_id="s", summary="SECRET-SUMMARY")
    events += case.reply_to_reporter(now=later(case), actor_id="w", message="SECRET-REPLY")
    events += case.record_callback(
        now=later(case),
        actor_id="c",
        valid=True,
        contacted=True,
        solved=False,
        satisfaction="unsatisfied",
        note="SECRET-NOTE",
    )
    events += case.close(now=later(case), actor_id="w", calendar=calendar)
    assert len(events) == 6
    forbidden = {"reporter-1", case.description, "SECRET-REASON", "SECRET-SUMMARY", "SECRET-REPLY", "SECRET-NOTE"}
    for event in events:
        names = {item.name for item in dataclasses.fields(event)}
        assert not names & {"reporter_id", "reporter_ids", "phone", "name", "description", "reason_text"}
        values = {str(getattr(event, name)) for name in names}
        assert not values & forbidden
