"""Builders for complaints domain tests: a 2026 calendar and cases walked to any state."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from wuye_chassis.workdays import WorkingDayCalendar
from wuye_complaints.domain.case import Case
from wuye_complaints.domain.categories import CategoryCatalogue
from wuye_complaints.domain.vocabulary import AssigneeKind, CaseState, Channel

SHANGHAI = ZoneInfo("Asia/Shanghai")
COMMUNITY_PATH = "350500/350521/350521100/350521100001"
#: Monday 2026-09-14 09:00 Shanghai; five working days later is the make-up Sunday 2026-09-20
MONDAY = dt.datetime(2026, 9, 14, 9, 0, tzinfo=SHANGHAI)
STEP = dt.timedelta(hours=1)

_WALK = (
    CaseState.ACCEPTED,
    CaseState.DISPATCHED,
    CaseState.IN_PROGRESS,
    CaseState.RESOLVED,
    CaseState.CALLBACK,
    CaseState.CLOSED,
)


@pytest.fixture(scope="session")
def calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar()


@pytest.fixture(scope="session")
def catalogue() -> CategoryCatalogue:
    return CategoryCatalogue()


@pytest.fixture
def new_case(calendar, catalogue):
    """``new_case(**overrides)`` → a freshly submitted case (submitted at MONDAY unless ``now`` is given)."""

    def build(**overrides) -> Case:
        values = dict(
            case_id="case-1",
            compound_id="compound-1",
            jurisdiction_path=COMMUNITY_PATH,
            category=catalogue.get("lifts"),
            channel=Channel.HOTLINE_12345,
            reporter_id="reporter-1",
            description="电梯停在三楼不动 the lift is stuck on the third floor",
            now=MONDAY,
            actor_id="operator-1",
            calendar=calendar,
        )
        values.update(overrides)
        case, _ = Case.submit(**values)
        return case

    return build


@pytest.fixture
def case_at(new_case, calendar):
    """``case_at(state, satisfaction="satisfied", **overrides)`` → a case walked to ``state``, one hour per step,
    dispatched to company-1. Returns the case; the last step's time is ``case.history[-1].at``."""

    def walk(state: CaseState, *, satisfaction: str = "satisfied", **overrides) -> Case:
        case = new_case(**overrides)
        if state is CaseState.SUBMITTED:
            return case
        if state is CaseState.REJECTED:
            case.reject(now=case.submitted_at + STEP, actor_id="community-worker", reason="invalid")
            return case
        for target in _WALK:
            at = case.history[-1].at + STEP
            if target is CaseState.ACCEPTED:
                case.accept(now=at, actor_id="community-worker")
            elif target is CaseState.DISPATCHED:
                case.dispatch(
                    now=at,
                    actor_id="community-worker",
                    assignee_kind=AssigneeKind.COMPANY,
                    assignee_id="company-1",
                    calendar=calendar,
                )
            elif target is CaseState.IN_PROGRESS:
                case.start_handling(now=at, actor_id="company-staff")
            elif target is CaseState.RESOLVED:
                case.resolve(now=at, actor_id="company-staff", summary="replaced the door motor")
            elif target is CaseState.CALLBACK:
                case.reply_to_reporter(now=at, actor_id="community-worker", message="电梯已修复 the lift is repaired")
                case.record_callback(
                    now=at, actor_id="callback-1", valid=True, contacted=True, solved=True, satisfaction=satisfaction
                )
            else:
                case.close(now=at, actor_id="community-worker", calendar=calendar)
            if case.state is state:
                return case
        raise AssertionError(f"could not walk a case to {state}")

    return walk
