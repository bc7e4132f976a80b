"""Campaign supervision in the domain (S1–S4): task lists, reproducible samples, the closed loop, figures."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from fractions import Fraction

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_enforcement.domain.events import SupervisionItemClosed, SupervisionItemReopened, SupervisionTaskDone
from wuye_enforcement.domain.supervision import (
    MAX_DEADLINE_DAYS,
    MAX_ENTRIES,
    ActionOrigin,
    Addressee,
    ItemDraft,
    ItemState,
    TaskDraft,
    TaskListKind,
    TaskState,
    check_pairings,
    draw_sample,
    issue_rectification_list,
    issue_task_list,
    population_digest,
    rotated_pairings,
    supervision_figures,
)
from wuye_enforcement.domain.vocabulary import AddresseeKind

from .conftest import SHANGHAI

COUNTY = "350500/350521"
STREET = f"{COUNTY}/350521100"
OTHER_STREET = f"{COUNTY}/350521101"
#: Tuesday 2026-09-15 09:00 Shanghai
ISSUED = dt.datetime(2026, 9, 15, 9, 0, tzinfo=SHANGHAI)
STREET_ADDRESSEE = Addressee(AddresseeKind.JURISDICTION, STREET, "螺城镇", STREET)
COMPANY = Addressee(AddresseeKind.COMPANY, "company-lvyuan", "绿苑物业", COUNTY)


def task_list(*deadlines: str, kind: TaskListKind = TaskListKind.TASK_LIST, origin: ActionOrigin | None = None,
              addressee: Addressee = STREET_ADDRESSEE):
    drafts = [TaskDraft(f"领域{at % 11 + 1}", f"任务{at + 1}", "形成台账", addressee, deadline)
              for at, deadline in enumerate(deadlines)]
    return issue_task_list(
        list_id="list-1", kind=kind, origin=origin, title="物业服务提升行动任务清单", jurisdiction_path=COUNTY,
        drafts=drafts, task_ids=(f"task-{at}" for at in range(len(drafts))), by="county-1", now=ISSUED,
    )


def rectification_list(*deadlines: str, addressee: Addressee = COMPANY):
    return issue_rectification_list(
        list_id="rl-1", title="第一批整改清单", jurisdiction_path=COUNTY, round_id=None,
        drafts=[ItemDraft(f"问题{at + 1}", addressee, deadline) for at, deadline in enumerate(deadlines)],
        item_ids=(f"item-{at}" for at in range(len(deadlines))), by="county-1", now=ISSUED,
    )


# --- S1 ------------------------------------------------------------------------------------------


def test_S1_a_county_list_of_69_tasks_in_11_areas() -> None:
    issued = task_list(*["2026-12-31"] * 69)
    assert len(issued.tasks) == 69 and issued.areas == 11
    assert [task.number for task in issued.tasks] == list(range(1, 70))
    assert all(task.state is TaskState.OPEN for task in issued.tasks)


def test_S1_a_special_action_says_whose_it_is_and_a_task_list_does_not() -> None:
    with pytest.raises(InvalidArgument) as missing:
        task_list("2026-12-31", kind=TaskListKind.SPECIAL_ACTION)
    assert (missing.value.field, missing.value.rule) == ("origin", "S1")
    with pytest.raises(InvalidArgument) as extra:
        task_list("2026-12-31", origin=ActionOrigin.CITY)
    assert extra.value.field == "origin"
    assert task_list("2026-12-31", kind=TaskListKind.SPECIAL_ACTION, origin=ActionOrigin.COUNTY).origin is ActionOrigin.COUNTY


def test_S1_deadline_from_the_day_of_issue_to_a_year_after() -> None:
    assert task_list("2026-09-15").tasks[0].deadline == dt.date(2026, 9, 15)
    last = dt.date(2026, 9, 15) + dt.timedelta(days=MAX_DEADLINE_DAYS)
    assert task_list(last.isoformat()).tasks[0].deadline == last
    for bad in ("2026-09-14", (last + dt.timedelta(days=1)).isoformat(), "2026-13-01", ""):
        with pytest.raises(InvalidArgument) as refused:
            task_list("2026-12-31", bad)
        assert (refused.value.field, refused.value.rule) == ("tasks[1].deadline", "S1")


def test_S1_a_list_holds_one_to_500_tasks() -> None:
    with pytest.raises(InvalidArgument) as empty:
        task_list()
    assert empty.value.field == "tasks"
    assert len(task_list(*["2026-12-31"] * MAX_ENTRIES).tasks) == MAX_ENTRIES
    with pytest.raises(InvalidArgument):
        task_list(*["2026-12-31"] * (MAX_ENTRIES + 1))


def test_S1_done_on_the_deadline_day_is_on_time_the_day_after_is_late() -> None:
    issued = task_list("2026-09-30", "2026-09-30")
    on_time, late = issued.tasks
    [event] = on_time.report_done(result="已建立台账", evidence_refs=["photo-1"], by="street-1",
                                  now=dt.datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI))
    assert isinstance(event, SupervisionTaskDone) and not event.late and on_time.on_time
    [event] = late.report_done(result="已建立台账", evidence_refs=[], by="street-1",
                               now=dt.datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI))
    assert event.late and not late.on_time
    assert event.company_id is None  # a street is no company: ratings has nothing to charge


def test_S1_overdue_only_after_the_deadline_day() -> None:
    [task] = task_list("2026-09-30").tasks
    assert not task.overdue(dt.datetime(2026, 9, 30, 23, 59, tzinfo=SHANGHAI))
    assert task.overdue(dt.datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI))


def test_S1_a_result_is_required_and_reported_once() -> None:
    [task] = task_list("2026-09-30").tasks
    with pytest.raises(InvalidArgument) as blank:
        task.report_done(result="  ", evidence_refs=[], by="street-1", now=ISSUED)
    assert (blank.value.field, blank.value.rule) == ("result", "S1")
    assert task.state is TaskState.OPEN
    task.report_done(result="完成", evidence_refs=[], by="street-1", now=ISSUED)
    with pytest.raises(FailedPrecondition):
        task.report_done(result="再次", evidence_refs=[], by="street-1", now=ISSUED)


def test_S1_a_result_sent_back_opens_the_task_again_with_the_reason() -> None:
    [task] = task_list("2026-09-30").tasks
    with pytest.raises(FailedPrecondition):
        task.send_back(reason="未见台账")
    task.report_done(result="完成", evidence_refs=["a"], by="street-1", now=ISSUED)
    with pytest.raises(InvalidArgument) as no_reason:
        task.send_back(reason="")
    assert no_reason.value.field == "reason"
    task.send_back(reason="未见台账")
    assert task.state is TaskState.OPEN and task.result is None and task.done_at is None
    assert (task.returned_reason, task.times_returned) == ("未见台账", 1)


def test_S1_a_company_addressee_is_named_in_the_event_for_ratings() -> None:
    [task] = task_list("2026-09-30", addressee=COMPANY).tasks
    [event] = task.report_done(result="完成", evidence_refs=[], by="staff-1", now=ISSUED)
    assert event.company_id == "company-lvyuan"


# --- S2 ------------------------------------------------------------------------------------------


def test_S2_the_same_population_and_seed_draw_the_same_sample() -> None:
    population = [f"compound-{n:03}" for n in range(40)]
    sample = draw_sample(population, size=5, seed=20261204)
    assert sample == draw_sample(list(reversed(population)), size=5, seed=20261204)
    # the documented draw, outside the service: Python's Mersenne Twister over the ids in code order
    assert sample == random.Random(20261204).sample(sorted(population), 5)
    assert draw_sample(population, size=5, seed=20261205) != sample
    assert len(set(sample)) == 5 and set(sample) <= set(population)


def test_S2_the_population_digest_is_sha256_of_the_ids_one_per_line() -> None:
    assert population_digest(["a", "b"]) == hashlib.sha256(b"a\nb\n").hexdigest()


def test_S2_sample_size_from_one_to_the_population() -> None:
    population = ["c1", "c2", "c3"]
    assert len(draw_sample(population, size=3, seed=1)) == 3
    assert len(draw_sample(population, size=1, seed=1)) == 1
    with pytest.raises(FailedPrecondition) as too_many:
        draw_sample(population, size=4, seed=1)
    assert (too_many.value.field, too_many.value.rule) == ("sample_size", "S2")
    with pytest.raises(InvalidArgument):
        draw_sample(population, size=0, seed=1)


def test_S2_streets_rotate_so_none_checks_itself() -> None:
    streets = [f"{COUNTY}/35052110{n}" for n in range(4)]
    pairings = rotated_pairings(list(reversed(streets)))
    assert pairings == [(streets[0], streets[1]), (streets[1], streets[2]), (streets[2], streets[3]),
                        (streets[3], streets[0])]
    with pytest.raises(FailedPrecondition):
        rotated_pairings(streets[:1])


def test_S2_given_pairings_are_streets_of_the_jurisdiction_never_the_same_and_never_twice() -> None:
    streets = [STREET, OTHER_STREET]
    assert check_pairings([(STREET, OTHER_STREET)], streets=streets) == [(STREET, OTHER_STREET)]
    for pairings, field in (
        ([(STREET, STREET)], "pairings[0].checked_path"),
        ([(STREET, f"{COUNTY}/350521999")], "pairings[0].checked_path"),
        ([(STREET, OTHER_STREET), (STREET, OTHER_STREET)], "pairings[1]"),
    ):
        with pytest.raises(InvalidArgument) as refused:
            check_pairings(pairings, streets=streets)
        assert (refused.value.field, refused.value.rule) == (field, "S2")


# --- S3 ------------------------------------------------------------------------------------------


def test_S3_the_closed_loop_assigned_handled_feedback_closed() -> None:
    [item] = rectification_list("2026-10-15").items
    assert item.state is ItemState.ASSIGNED and [step.step.value for step in item.steps] == ["assigned"]
    item.record_handling(action_taken="已清理楼道堆物", evidence_refs=["after.jpg"], by="staff-1", now=ISSUED)
    assert item.state is ItemState.HANDLED and item.steps[-1].evidence_refs == ("after.jpg",)
    [event] = item.record_feedback(satisfied=True, note="", by="county-1",
                                   now=dt.datetime(2026, 10, 15, 18, 0, tzinfo=SHANGHAI))
    assert isinstance(event, SupervisionItemClosed) and not event.late and event.company_id == "company-lvyuan"
    assert item.state is ItemState.CLOSED and item.on_time


def test_S3_an_unsatisfied_follow_up_hands_the_item_back_with_the_reason() -> None:
    [item] = rectification_list("2026-10-15").items
    item.record_handling(action_taken="已处理", evidence_refs=[], by="staff-1", now=ISSUED)
    with pytest.raises(InvalidArgument) as no_reason:
        item.record_feedback(satisfied=False, note="", by="county-1", now=ISSUED)
    assert (no_reason.value.field, no_reason.value.rule) == ("note", "S3")
    assert item.state is ItemState.HANDLED
    assert item.record_feedback(satisfied=False, note="居民反映仍有堆物", by="county-1", now=ISSUED) == []
    assert item.state is ItemState.ASSIGNED and item.steps[-1].note == "居民反映仍有堆物"


def test_S3_no_follow_up_before_handling_and_no_handling_while_awaiting_it() -> None:
    [item] = rectification_list("2026-10-15").items
    with pytest.raises(FailedPrecondition):
        item.record_feedback(satisfied=True, note="", by="county-1", now=ISSUED)
    item.record_handling(action_taken="已处理", evidence_refs=[], by="staff-1", now=ISSUED)
    with pytest.raises(FailedPrecondition):
        item.record_handling(action_taken="再处理", evidence_refs=[], by="staff-1", now=ISSUED)


def test_S3_closed_after_the_deadline_day_is_late() -> None:
    [item] = rectification_list("2026-10-15").items
    item.record_handling(action_taken="已处理", evidence_refs=[], by="staff-1", now=ISSUED)
    [event] = item.record_feedback(satisfied=True, note="", by="county-1",
                                   now=dt.datetime(2026, 10, 16, 0, 0, tzinfo=SHANGHAI))
    assert event.late and not item.on_time


def test_S3_review_confirms_a_closed_item_or_reopens_it() -> None:
    confirmed, reopened = rectification_list("2026-10-15", "2026-10-15").items
    for item in (confirmed, reopened):
        with pytest.raises(FailedPrecondition):
            item.record_review(confirmed=True, note="", by="county-1", now=ISSUED)
        item.record_handling(action_taken="已处理", evidence_refs=[], by="staff-1", now=ISSUED)
        item.record_feedback(satisfied=True, note="", by="county-1", now=ISSUED)
    assert confirmed.record_review(confirmed=True, note="", by="county-1", now=ISSUED) == []
    assert confirmed.state is ItemState.CLOSED and confirmed.reviewed
    with pytest.raises(InvalidArgument) as unsaid:
        reopened.record_review(confirmed=False, note="", by="county-1", now=ISSUED)
    assert unsaid.value.field == "note" and reopened.state is ItemState.CLOSED
    [event] = reopened.record_review(confirmed=False, note="堆物反弹", by="county-1", now=ISSUED)
    assert isinstance(event, SupervisionItemReopened) and event.company_id == "company-lvyuan"
    assert reopened.state is ItemState.REOPENED and reopened.closed_at is None and reopened.times_reopened == 1
    # back with the addressee: the loop runs again
    reopened.record_handling(action_taken="再次清理", evidence_refs=[], by="staff-1", now=ISSUED)
    assert reopened.state is ItemState.HANDLED


def test_S3_thirteen_lists_with_24_items() -> None:
    sizes = [2] * 11 + [1] * 2
    lists = [rectification_list(*["2026-10-15"] * size) for size in sizes]
    assert len(lists) == 13 and sum(len(found.items) for found in lists) == 24


# --- S4 ------------------------------------------------------------------------------------------


def test_S4_tasks_on_time_late_open_and_overdue_items_closed_and_reopened() -> None:
    tasks = task_list("2026-09-30", "2026-09-30", "2026-09-30", "2026-12-31").tasks
    tasks[0].report_done(result="完成", evidence_refs=[], by="s", now=dt.datetime(2026, 9, 30, 12, tzinfo=SHANGHAI))
    tasks[1].report_done(result="完成", evidence_refs=[], by="s", now=dt.datetime(2026, 10, 2, 12, tzinfo=SHANGHAI))
    items = rectification_list("2026-10-15", "2026-10-15", "2026-10-15").items
    for item in items[:2]:
        item.record_handling(action_taken="已处理", evidence_refs=[], by="s", now=ISSUED)
        item.record_feedback(satisfied=True, note="", by="c", now=ISSUED)
    items[1].record_review(confirmed=False, note="反弹", by="c", now=ISSUED)
    figures = supervision_figures(tasks, items, dt.datetime(2026, 10, 20, tzinfo=SHANGHAI))
    assert (figures.tasks, figures.tasks_done_on_time, figures.tasks_done_late, figures.tasks_open) == (4, 1, 1, 2)
    assert figures.tasks_overdue == 1  # the fourth is open but not yet due
    assert (figures.items, figures.items_closed, figures.items_reopened) == (3, 1, 1)
    assert figures.on_time_rate == Fraction(1, 4)
    street, company = sorted(figures.addressees, key=lambda one: one.addressee.kind.value)[::-1]
    assert (street.tasks, street.tasks_done_on_time, street.tasks_done_late) == (4, 1, 1)
    assert street.completion_rate is not None and street.completion_rate == Fraction(2, 4)
    assert (company.items, company.items_closed) == (3, 1) and company.completion_rate == Fraction(1, 3)
    # the least complete addressee comes first
    assert figures.addressees[0].addressee == COMPANY


def test_S4_no_tasks_gives_no_rate_not_zero() -> None:
    figures = supervision_figures([], [], ISSUED)
    assert figures.on_time_rate is None and figures.addressees == ()
