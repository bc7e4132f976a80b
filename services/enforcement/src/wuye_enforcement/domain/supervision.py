"""Campaign supervision (督办, RULES.md S1–S4): task lists, supervision rounds, rectification lists, figures.

- S1. A task force issues a task list (任务清单) or a special action (专项行动, the city's or the county's
  own) of tasks, each with an area, an addressee, a deadline (a whole local day) and a required result.
  The addressee reports a task done with its result; the task force may send the result back with a
  reason, and the task is open again. Done on the deadline day is on time.
- S2. A supervision round is a cross-check between streets (交叉互检: each pairing names the street that
  checks and the one checked, never itself) or a random spot check (随机抽查) of compounds. The spot
  check's sample is drawn from the compounds in code order with a recorded seed, and the round records
  the population's size and digest: anyone with the same population and seed draws the same sample.
  Each check records its findings once.
- S3. A rectification list's items run the closed loop 问题交办 (assigned) → 执行处置 (handled, by the
  addressee) → 回访反馈 (the task force's follow-up visit: satisfied closes it, unsatisfied hands it
  back), and a later 回头看 review of a closed item confirms it or reopens it.
- S4. Figures over the tasks and items whose deadline falls in a period: done on time / late / open,
  closed, reopened, and each addressee's completion rate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.periods import local_day
from wuye_chassis.validation import optional_text, parse_iso_date, require_text
from wuye_enforcement.domain.events import (
    Event,
    SupervisionItemClosed,
    SupervisionItemReopened,
    SupervisionTaskDone,
)
from wuye_enforcement.domain.vocabulary import AddresseeKind

#: a list holds at most this many tasks or items (a county's campaign list is under a hundred)
MAX_ENTRIES = 500
#: a spot check draws at most this many compounds
MAX_SAMPLE = 500
#: a deadline lies at most this many days after the list is issued
MAX_DEADLINE_DAYS = 366
TEXT_MAX_LENGTH = 500
#: at most this many findings per check and evidence references per report
MAX_FINDINGS = 50


class TaskListKind(StrEnum):
    TASK_LIST = "task_list"  # 任务清单
    SPECIAL_ACTION = "special_action"  # 专项行动


class ActionOrigin(StrEnum):
    CITY = "city"  # 市级专项行动
    COUNTY = "county"  # 县级自选动作


class TaskState(StrEnum):
    OPEN = "open"
    DONE = "done"


class RoundKind(StrEnum):
    CROSS_CHECK = "cross_check"  # 交叉互检
    SPOT_CHECK = "spot_check"  # 随机抽查


class ItemState(StrEnum):
    ASSIGNED = "assigned"  # 问题交办
    HANDLED = "handled"  # 执行处置
    CLOSED = "closed"  # 回访反馈: satisfied
    REOPENED = "reopened"  # 回头看: found back

    @property
    def with_addressee(self) -> bool:
        return self in (ItemState.ASSIGNED, ItemState.REOPENED)


class ItemStepKind(StrEnum):
    ASSIGNED = "assigned"
    HANDLED = "handled"
    FEEDBACK_UNSATISFIED = "feedback_unsatisfied"
    CLOSED = "closed"
    REVIEW_CONFIRMED = "review_confirmed"
    REOPENED = "reopened"


@dataclass(frozen=True)
class Addressee:
    """Whom a task or an item is addressed to, as the service resolved it (A4): its name and the path
    its record lies under (a street's or community's own path, a compound's, or the list's)."""

    kind: AddresseeKind
    id: str
    name: str
    jurisdiction_path: str

    @property
    def company_id(self) -> str | None:
        return self.id if self.kind is AddresseeKind.COMPANY else None


def deadline_of(text: object, *, issued_on: dt.date, field: str, rule: str) -> dt.date:
    """A deadline day: not before the day the list is issued, at most a year after it."""
    day = parse_iso_date(text, field=field, rule=rule)
    if day < issued_on:
        raise InvalidArgument(f"{field} ({day}) is before the list is issued ({issued_on})", field=field, rule=rule)
    if (day - issued_on).days > MAX_DEADLINE_DAYS:
        raise InvalidArgument(
            f"{field} ({day}) is more than {MAX_DEADLINE_DAYS} days after the list is issued", field=field, rule=rule
        )
    return day


def _entries(count: int, *, field: str, rule: str) -> None:
    if count == 0:
        raise InvalidArgument(f"a list needs at least one entry in {field}", field=field, rule=rule)
    if count > MAX_ENTRIES:
        raise InvalidArgument(f"a list holds at most {MAX_ENTRIES} entries, not {count}", field=field, rule=rule)


def _references(refs: Sequence[str], *, field: str, rule: str) -> tuple[str, ...]:
    if len(refs) > MAX_FINDINGS:
        raise InvalidArgument(f"at most {MAX_FINDINGS} entries in {field}", field=field, rule=rule)
    return tuple(require_text(ref, field=field, rule=rule, max_length=TEXT_MAX_LENGTH) for ref in refs)


# --- S1: task lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskDraft:
    """One task as the issuer wrote it, its addressee already resolved."""

    area: str
    title: str
    required_result: str
    addressee: Addressee
    deadline: str


@dataclass
class Task:
    task_id: str
    list_id: str
    number: int
    area: str
    title: str
    required_result: str
    addressee: Addressee
    deadline: dt.date
    state: TaskState = TaskState.OPEN
    result: str | None = None
    evidence_refs: tuple[str, ...] = ()
    done_at: dt.datetime | None = None
    done_by: str | None = None
    returned_reason: str | None = None
    times_returned: int = 0

    @property
    def on_time(self) -> bool:
        return self.done_at is not None and local_day(self.done_at) <= self.deadline

    def overdue(self, now: dt.datetime) -> bool:
        return self.state is TaskState.OPEN and local_day(now) > self.deadline

    def report_done(self, *, result: str, evidence_refs: Sequence[str], by: str, now: dt.datetime) -> list[Event]:
        if self.state is TaskState.DONE:
            raise FailedPrecondition(f"task {self.number} is already reported done", field="task_id", rule="S1")
        self.result = require_text(result, field="result", rule="S1", max_length=TEXT_MAX_LENGTH)
        self.evidence_refs = _references(evidence_refs, field="evidence_refs", rule="S1")
        self.state, self.done_at, self.done_by = TaskState.DONE, now, by
        return [SupervisionTaskDone(
            task_id=self.task_id, list_id=self.list_id, addressee_kind=self.addressee.kind,
            addressee_id=self.addressee.id, jurisdiction_path=self.addressee.jurisdiction_path,
            company_id=self.addressee.company_id, at=now, late=not self.on_time,
        )]

    def send_back(self, *, reason: str) -> None:
        """The task force does not accept the reported result: the task is open again."""
        if self.state is not TaskState.DONE:
            raise FailedPrecondition(f"task {self.number} has no reported result to send back", field="task_id",
                                     rule="S1")
        self.returned_reason = require_text(reason, field="reason", rule="S1", max_length=TEXT_MAX_LENGTH)
        self.times_returned += 1
        self.state, self.result, self.evidence_refs, self.done_at, self.done_by = TaskState.OPEN, None, (), None, None


@dataclass
class TaskList:
    list_id: str
    kind: TaskListKind
    origin: ActionOrigin | None
    title: str
    jurisdiction_path: str
    issued_by: str
    issued_at: dt.datetime
    tasks: list[Task] = field(default_factory=list)

    @property
    def areas(self) -> int:
        return len({task.area for task in self.tasks})

    @property
    def tasks_done(self) -> int:
        return sum(task.state is TaskState.DONE for task in self.tasks)


def issue_task_list(
    *,
    list_id: str,
    kind: TaskListKind,
    origin: ActionOrigin | None,
    title: str,
    jurisdiction_path: str,
    drafts: Sequence[TaskDraft],
    task_ids: Iterable[str],
    by: str,
    now: dt.datetime,
) -> TaskList:
    """S1: a list of tasks; a special action says whose it is (the city's or the county's own)."""
    if kind is TaskListKind.SPECIAL_ACTION and origin is None:
        raise InvalidArgument("a special action says whose it is: city or county", field="origin", rule="S1")
    if kind is TaskListKind.TASK_LIST and origin is not None:
        raise InvalidArgument("only a special action has an origin", field="origin", rule="S1")
    _entries(len(drafts), field="tasks", rule="S1")
    issued_on = local_day(now)
    tasks = [
        Task(
            task_id=task_id, list_id=list_id, number=number,
            area=require_text(draft.area, field=f"tasks[{number - 1}].area", rule="S1", max_length=100),
            title=require_text(draft.title, field=f"tasks[{number - 1}].title", rule="S1", max_length=TEXT_MAX_LENGTH),
            required_result=require_text(
                draft.required_result, field=f"tasks[{number - 1}].required_result", rule="S1",
                max_length=TEXT_MAX_LENGTH,
            ),
            addressee=draft.addressee,
            deadline=deadline_of(draft.deadline, issued_on=issued_on, field=f"tasks[{number - 1}].deadline", rule="S1"),
        )
        for number, (draft, task_id) in enumerate(zip(drafts, task_ids, strict=False), start=1)
    ]
    return TaskList(
        list_id=list_id, kind=kind, origin=origin,
        title=require_text(title, field="title", rule="S1", max_length=200),
        jurisdiction_path=jurisdiction_path, issued_by=by, issued_at=now, tasks=tasks,
    )


# --- S2: supervision rounds ------------------------------------------------------------------------


def population_digest(population: Sequence[str]) -> str:
    """SHA-256 of the population's ids in the order drawn from, one per line."""
    return hashlib.sha256("".join(f"{member}\n" for member in population).encode()).hexdigest()


def draw_sample(population: Sequence[str], *, size: int, seed: int) -> list[str]:
    """S2: ``size`` members of the population (in code order), drawn with Python's Mersenne Twister seeded
    with ``seed``; the same population and seed always give the same sample, in the same order."""
    if not 1 <= size <= MAX_SAMPLE:
        raise InvalidArgument(f"sample_size must be between 1 and {MAX_SAMPLE}", field="sample_size", rule="S2")
    if size > len(population):
        raise FailedPrecondition(
            f"sample_size {size} is more than the {len(population)} compounds in the jurisdiction",
            field="sample_size", rule="S2",
        )
    ordered = sorted(population)
    return random.Random(seed).sample(ordered, size)  # noqa: S311 - a reproducible draw, not a secret


def rotated_pairings(streets: Sequence[str]) -> list[tuple[str, str]]:
    """Each street checks the next in code order, the last the first: no street checks itself."""
    ordered = sorted(streets)
    if len(ordered) < 2:
        raise FailedPrecondition("a cross-check needs at least two streets in the jurisdiction",
                                 field="jurisdiction_path", rule="S2")
    return [(ordered[at], ordered[(at + 1) % len(ordered)]) for at in range(len(ordered))]


def check_pairings(pairings: Sequence[tuple[str, str]], *, streets: Iterable[str]) -> list[tuple[str, str]]:
    """Given pairings: both sides are streets of the jurisdiction, never the same, each pairing once."""
    known = set(streets)
    seen: set[tuple[str, str]] = set()
    for at, (checker, checked) in enumerate(pairings):
        for side, path in (("checker_path", checker), ("checked_path", checked)):
            if path not in known:
                raise InvalidArgument(f"{path!r} is not a street within the jurisdiction",
                                      field=f"pairings[{at}].{side}", rule="S2")
        if checker == checked:
            raise InvalidArgument("a street does not cross-check itself", field=f"pairings[{at}].checked_path",
                                  rule="S2")
        if (checker, checked) in seen:
            raise InvalidArgument("the same pairing twice", field=f"pairings[{at}]", rule="S2")
        seen.add((checker, checked))
    return list(pairings)


@dataclass
class Check:
    check_id: str
    position: int
    #: a compound id (spot check) or the checked street's path (cross-check)
    target: str
    target_name: str
    jurisdiction_path: str
    checker_path: str | None = None
    findings: tuple[str, ...] = ()
    note: str | None = None
    recorded_by: str | None = None
    recorded_at: dt.datetime | None = None

    @property
    def recorded(self) -> bool:
        return self.recorded_at is not None

    def record(self, *, findings: Sequence[str], note: str, by: str, now: dt.datetime) -> None:
        if self.recorded:
            raise FailedPrecondition(f"check {self.check_id} is already recorded", field="check_id", rule="S2")
        self.findings = _references(findings, field="findings", rule="S2")
        self.note = optional_text(note, field="note", rule="S2", max_length=TEXT_MAX_LENGTH)
        self.recorded_by, self.recorded_at = by, now


@dataclass
class SupervisionRound:
    round_id: str
    kind: RoundKind
    title: str
    jurisdiction_path: str
    created_by: str
    created_at: dt.datetime
    checks: list[Check]
    seed: int = 0
    population: int = 0
    population_digest: str = ""

    def check(self, check_id: str) -> Check:
        for check in self.checks:
            if check.check_id == check_id:
                return check
        raise InvalidArgument(f"round {self.round_id} has no check {check_id!r}", field="check_id", rule="S2")


# --- S3: rectification lists -----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDraft:
    problem: str
    addressee: Addressee
    deadline: str
    check_id: str | None = None


@dataclass(frozen=True)
class ItemStep:
    step: ItemStepKind
    by: str
    at: dt.datetime
    note: str | None = None
    evidence_refs: tuple[str, ...] = ()


@dataclass
class ListItem:
    item_id: str
    list_id: str
    number: int
    problem: str
    addressee: Addressee
    deadline: dt.date
    state: ItemState = ItemState.ASSIGNED
    check_id: str | None = None
    steps: list[ItemStep] = field(default_factory=list)
    closed_at: dt.datetime | None = None
    times_reopened: int = 0
    reviewed: bool = False

    @property
    def on_time(self) -> bool:
        return self.closed_at is not None and local_day(self.closed_at) <= self.deadline

    def overdue(self, now: dt.datetime) -> bool:
        return self.state is not ItemState.CLOSED and local_day(now) > self.deadline

    def record_handling(self, *, action_taken: str, evidence_refs: Sequence[str], by: str, now: dt.datetime) -> None:
        """执行处置: the addressee says what it did; the item then awaits the follow-up visit."""
        if not self.state.with_addressee:
            raise FailedPrecondition(f"item {self.number} is {self.state.value}, not with its addressee",
                                     field="item_id", rule="S3")
        note = require_text(action_taken, field="action_taken", rule="S3", max_length=TEXT_MAX_LENGTH)
        evidence = _references(evidence_refs, field="evidence_refs", rule="S3")
        self.state = ItemState.HANDLED
        self.steps.append(ItemStep(ItemStepKind.HANDLED, by, now, note, evidence))

    def record_feedback(self, *, satisfied: bool, note: str, by: str, now: dt.datetime) -> list[Event]:
        """回访反馈: satisfied closes the item; unsatisfied (with the reason) hands it back."""
        if self.state is not ItemState.HANDLED:
            raise FailedPrecondition(f"item {self.number} is {self.state.value}: a follow-up visit comes after "
                                     "the addressee's handling", field="item_id", rule="S3")
        if not satisfied:
            reason = require_text(note, field="note", rule="S3", max_length=TEXT_MAX_LENGTH)
            self.state = ItemState.ASSIGNED
            self.steps.append(ItemStep(ItemStepKind.FEEDBACK_UNSATISFIED, by, now, reason))
            return []
        self.state, self.closed_at = ItemState.CLOSED, now
        self.steps.append(ItemStep(ItemStepKind.CLOSED, by, now,
                                   optional_text(note, field="note", rule="S3", max_length=TEXT_MAX_LENGTH)))
        return [SupervisionItemClosed(
            item_id=self.item_id, list_id=self.list_id, addressee_kind=self.addressee.kind,
            addressee_id=self.addressee.id, jurisdiction_path=self.addressee.jurisdiction_path,
            company_id=self.addressee.company_id, at=now, late=not self.on_time,
        )]

    def record_review(self, *, confirmed: bool, note: str, by: str, now: dt.datetime) -> list[Event]:
        """回头看: a closed item confirmed stays closed; found back (with what was found) it reopens."""
        if self.state is not ItemState.CLOSED:
            raise FailedPrecondition(f"item {self.number} is {self.state.value}: only a closed item is reviewed",
                                     field="item_id", rule="S3")
        self.reviewed = True
        if confirmed:
            self.steps.append(ItemStep(ItemStepKind.REVIEW_CONFIRMED, by, now,
                                       optional_text(note, field="note", rule="S3", max_length=TEXT_MAX_LENGTH)))
            return []
        found = require_text(note, field="note", rule="S3", max_length=TEXT_MAX_LENGTH)
        self.state, self.closed_at = ItemState.REOPENED, None
        self.times_reopened += 1
        self.steps.append(ItemStep(ItemStepKind.REOPENED, by, now, found))
        return [SupervisionItemReopened(
            item_id=self.item_id, list_id=self.list_id, addressee_kind=self.addressee.kind,
            addressee_id=self.addressee.id, jurisdiction_path=self.addressee.jurisdiction_path,
            company_id=self.addressee.company_id, at=now,
        )]


@dataclass
class RectificationList:
    list_id: str
    title: str
    jurisdiction_path: str
    round_id: str | None
    issued_by: str
    issued_at: dt.datetime
    items: list[ListItem] = field(default_factory=list)

    @property
    def items_closed(self) -> int:
        return sum(item.state is ItemState.CLOSED for item in self.items)


def issue_rectification_list(
    *,
    list_id: str,
    title: str,
    jurisdiction_path: str,
    round_id: str | None,
    drafts: Sequence[ItemDraft],
    item_ids: Iterable[str],
    by: str,
    now: dt.datetime,
) -> RectificationList:
    """S3: a list of problems, each assigned (问题交办) to its addressee with a deadline."""
    _entries(len(drafts), field="items", rule="S3")
    issued_on = local_day(now)
    items = [
        ListItem(
            item_id=item_id, list_id=list_id, number=number,
            problem=require_text(draft.problem, field=f"items[{number - 1}].problem", rule="S3",
                                 max_length=TEXT_MAX_LENGTH),
            addressee=draft.addressee,
            deadline=deadline_of(draft.deadline, issued_on=issued_on, field=f"items[{number - 1}].deadline", rule="S3"),
            check_id=draft.check_id,
            steps=[ItemStep(ItemStepKind.ASSIGNED, by, now)],
        )
        for number, (draft, item_id) in enumerate(zip(drafts, item_ids, strict=False), start=1)
    ]
    return RectificationList(
        list_id=list_id, title=require_text(title, field="title", rule="S3", max_length=200),
        jurisdiction_path=jurisdiction_path, round_id=round_id, issued_by=by, issued_at=now, items=items,
    )


# --- S4: figures -----------------------------------------------------------------------------------


@dataclass
class AddresseeFigures:
    addressee: Addressee
    tasks: int = 0
    tasks_done_on_time: int = 0
    tasks_done_late: int = 0
    items: int = 0
    items_closed: int = 0

    @property
    def completion_rate(self) -> Fraction | None:
        assigned = self.tasks + self.items
        if assigned == 0:
            return None
        return Fraction(self.tasks_done_on_time + self.tasks_done_late + self.items_closed, assigned)


@dataclass(frozen=True)
class SupervisionFigures:
    tasks: int
    tasks_done_on_time: int
    tasks_done_late: int
    tasks_open: int
    tasks_overdue: int
    task_lists: int
    areas: int
    items: int
    items_closed: int
    items_reopened: int
    rectification_lists: int
    addressees: tuple[AddresseeFigures, ...]

    @property
    def on_time_rate(self) -> Fraction | None:
        """Tasks done on time among the tasks due in the period."""
        return Fraction(self.tasks_done_on_time, self.tasks) if self.tasks else None


def supervision_figures(tasks: Iterable[Task], items: Iterable[ListItem], now: dt.datetime) -> SupervisionFigures:
    """S4 over the tasks and items due in the period (the caller chose them)."""
    tasks, items = list(tasks), list(items)
    per: dict[tuple[AddresseeKind, str], AddresseeFigures] = {}

    def of(addressee: Addressee) -> AddresseeFigures:
        return per.setdefault((addressee.kind, addressee.id), AddresseeFigures(addressee))

    for task in tasks:
        figures = of(task.addressee)
        figures.tasks += 1
        if task.state is TaskState.DONE:
            if task.on_time:
                figures.tasks_done_on_time += 1
            else:
                figures.tasks_done_late += 1
    for item in items:
        figures = of(item.addressee)
        figures.items += 1
        figures.items_closed += item.state is ItemState.CLOSED
    done = [task for task in tasks if task.state is TaskState.DONE]
    on_time = sum(task.on_time for task in done)
    ranked = sorted(per.values(), key=lambda one: (one.completion_rate or 0, one.addressee.kind, one.addressee.id))
    return SupervisionFigures(
        tasks=len(tasks), tasks_done_on_time=on_time, tasks_done_late=len(done) - on_time,
        tasks_open=len(tasks) - len(done), tasks_overdue=sum(task.overdue(now) for task in tasks),
        task_lists=len({task.list_id for task in tasks}), areas=len({task.area for task in tasks}),
        items=len(items), items_closed=sum(item.state is ItemState.CLOSED for item in items),
        items_reopened=sum(item.times_reopened > 0 for item in items),
        rectification_lists=len({item.list_id for item in items}), addressees=tuple(ranked),
    )
