import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_complaints.domain.deadlines import (
    accept_due,
    resolve_due,
)
from wuye_complaints.domain.vocabulary import AssigneeKind, CaseState

SH = ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
SECOND = dt.timedelta(seconds=1)


def test_C3_accept_due_one_working_day_later_at_same_local_time(calendar):
    submitted = dt.datetime(2026, 9, 15, 14, 30, tzinfo=SH)  # Tuesday
    assert accept_due(submitted, calendar) == dt.datetime(2026, 9, 16, 14, 30, tzinfo=SH)
    assert accept_due(submitted, calendar).tzinfo == UTC


def test_C3_accept_deadline_counts_the_make_up_sunday(calendar):
    # Friday evening; Sunday 2026-09-20 is a make-up working day before the National Day holiday
    submitted = dt.datetime(2026, 9, 18, 18, 0, tzinfo=SH)
    assert accept_due(submitted, calendar) == dt.datetime(2026, 9, 20, 18, 0, tzinfo=SH)


def test_C3_accept_deadline_skips_mid_autumn_weekend(calendar):
    # Thursday; 2026-09-25..27 is the Mid-Autumn holiday, Monday 09-28 the next working day
    submitted = dt.datetime(2026, 9, 24, 9, 0, tzinfo=SH)
    assert accept_due(submitted, calendar) == dt.datetime(2026, 9, 28, 9, 0, tzinfo=SH)


def test_C3_deadline_skips_national_day_holiday(calendar):
    # dispatched Wednesday 09-30; 10-01..10-07 are holidays; Saturday 10-10 is a make-up working day:
    # 10-08 (1), 10-09 (2), 10-10 (3), 10-12 (4), 10-13 (5)
    dispatched = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    assert resolve_due(dispatched, 5, calendar) == dt.datetime(2026, 10, 13, 10, 0, tzinfo=SH)
    assert resolve_due(dispatched, 5, calendar) == dt.datetime(2026, 10, 13, 2, 0, tzinfo=UTC)


def test_C3_resolve_deadline_follows_a_longer_category_setting(calendar):
    # Monday 09-14: 15, 16, 17, 18 and the make-up Sunday 20 make five; 21, 22, 23 make eight
    dispatched = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SH)
    assert resolve_due(dispatched, 5, calendar) == dt.datetime(2026, 9, 20, 9, 0, tzinfo=SH)
    assert resolve_due(dispatched, 8, calendar) == dt.datetime(2026, 9, 23, 9, 0, tzinfo=SH)


def test_C3_naive_moment_refused(calendar):
    with pytest.raises(InvalidArgument) as caught:
        accept_due(dt.datetime(2026, 9, 14, 9, 0), calendar)
    assert (caught.value.field, caught.value.rule) == ("submitted_at", "C3")


def test_C3_accept_not_overdue_at_the_deadline_moment_but_one_second_after(new_case):
    case = new_case()
    assert not case.accept_overdue(case.accept_due_at)
    assert case.accept_overdue(case.accept_due_at + SECOND)


def test_C3_acceptance_time_decides_accept_overdue_not_now(new_case):
    in_time = new_case()
    in_time.accept(now=in_time.accept_due_at, actor_id="community-worker")
    assert not in_time.accept_overdue(in_time.accept_due_at + dt.timedelta(days=30))
    late = new_case()
    late.accept(now=late.accept_due_at + SECOND, actor_id="community-worker")
    assert late.accept_overdue(late.accept_due_at + SECOND)


def test_C3_rejection_stops_the_accept_clock(new_case):
    case = new_case()
    case.reject(now=case.accept_due_at, actor_id="community-worker", reason="not_property_related")
    assert not case.accept_overdue(case.accept_due_at + dt.timedelta(days=30))


def test_C3_no_resolve_clock_before_dispatch(case_at):
    case = case_at(CaseState.ACCEPTED)
    assert case.resolve_due_at is None
    assert not case.resolve_overdue(case.submitted_at + dt.timedelta(days=365))


def test_C3_resolve_not_overdue_at_the_deadline_moment_but_one_second_after(case_at):
    case = case_at(CaseState.IN_PROGRESS)
    assert not case.resolve_overdue(case.resolve_due_at)
    assert case.resolve_overdue(case.resolve_due_at + SECOND)


def test_C3_resolved_case_is_judged_at_its_resolution_time(case_at):
    case = case_at(CaseState.RESOLVED)
    assert not case.resolve_overdue(case.resolve_due_at + dt.timedelta(days=30))


def test_C3_handling_time_counts_working_days_only(new_case, calendar):
    case = new_case(now=dt.datetime(2026, 9, 29, 9, 0, tzinfo=SH))
    case.accept(now=dt.datetime(2026, 9, 29, 10, 0, tzinfo=SH), actor_id="community-worker")
    assert case.handling_working_days(calendar) is None
    case.dispatch(
        now=dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH),
        actor_id="community-worker",
        assignee_kind=AssigneeKind.COMPANY,
        assignee_id="company-1",
        calendar=calendar,
    )
    case.start_handling(now=dt.datetime(2026, 10, 8, 9, 0, tzinfo=SH), actor_id="company-staff")
    case.resolve(now=dt.datetime(2026, 10, 9, 16, 0, tzinfo=SH), actor_id="company-staff", summary="fixed")
    # 10-01..10-07 do not count; 10-08 and 10-09 do
    assert case.handling_working_days(calendar) == 2
