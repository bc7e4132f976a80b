"""Handlers for campaign supervision (S1–S4): task lists and their tasks, supervision rounds and checks,
rectification lists and the closed loop of their items, queues and figures.

Every addressee is resolved against what this service knows of the registry (A4: the jurisdiction
directory, the compound read model, the departments); every step is taken by the one it belongs to (A1:
the task force, or the addressee itself).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from wuye_chassis import auth, photo_library
from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument, NotFound, PermissionDenied, WuyeError
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.paging import next_page_token, page_key, page_size
from wuye_chassis.periods import local_day, parse_period
from wuye_chassis.photo_library import PhotoRecord
from wuye_chassis.tabular import sent_rows
from wuye_chassis.validation import parse_choice, require_text
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.catalogue import Catalogue, RowError
from wuye_enforcement.domain.events import Event
from wuye_enforcement.domain.supervision import (
    ActionOrigin,
    Addressee,
    Check,
    ItemDraft,
    ItemState,
    ListItem,
    RectificationList,
    RoundKind,
    SupervisionFigures,
    SupervisionRound,
    Task,
    TaskDraft,
    TaskList,
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
from wuye_enforcement.service import evidence
from wuye_enforcement.service.access import (
    ADDRESSEES,
    SUPERVISION_READERS,
    TASK_FORCE,
    own_company_only,
    require_addressee,
    scoped_path,
)
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

#: the spreadsheet columns of a task list (S1)
TASK_COLUMNS = ("area", "title", "required_result", "addressee_kind", "addressee", "deadline")
#: a spot check's seed is a non-negative 63-bit number (it fits a PostgreSQL BIGINT)
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class TaskListSummary:
    task_list: TaskList
    tasks: int
    tasks_done: int
    areas: int


@dataclass(frozen=True)
class ListSummary:
    rectification_list: RectificationList
    items: int
    items_closed: int


T = TypeVar("T")
#: a step of the task force on a list item (follow-up visit, review) and the events it raises
ItemStepOf = Callable[[ListItem, str], list[Event]]


@dataclass(frozen=True)
class Page(Generic[T]):
    entries: list[T]
    next_page_token: str


@dataclass(frozen=True)
class ImportedTaskList:
    task_list: TaskList | None
    errors: list[tuple[int, RowError]]


# --- addressees (A4) -------------------------------------------------------------------------------


class Addressees:
    """Resolves the addressees of one list issued at ``path`` against the registry facts this service
    keeps; each refusal names the field it was given in."""

    def __init__(self, uow: EnforcementUnitOfWork, path: str, catalogue: Catalogue) -> None:
        self.uow, self.path, self.catalogue = uow, path, catalogue

    async def resolve(self, given: commands.AddresseeInput, *, field: str, rule: str) -> Addressee:
        kind = parse_choice(AddresseeKind, given.kind, field=f"{field}.kind", rule=rule)
        addressee_id = require_text(given.id, field=f"{field}.id", rule=rule, max_length=100)
        match kind:
            case AddresseeKind.JURISDICTION:
                return await self._jurisdiction(addressee_id, field=f"{field}.id", rule=rule)
            case AddresseeKind.DEPARTMENT:
                try:
                    department = self.catalogue.department(addressee_id)
                except NotFound:
                    raise NotFound(f"unknown department {addressee_id!r}", field=f"{field}.id", rule="A4") from None
                return Addressee(kind, addressee_id, department.name_zh, self.path)
            case AddresseeKind.COMPOUND:
                compound = await self.uow.supervision.compound(addressee_id)
                if compound is None or not JurisdictionPath.parse(self.path).contains(JurisdictionPath.parse(compound[1])):
                    raise NotFound(f"no compound {addressee_id!r} within {self.path}", field=f"{field}.id", rule="A4")
                return Addressee(kind, addressee_id, compound[0], compound[1])
            case AddresseeKind.COMPANY:
                if not await self.uow.supervision.company_serves_within(addressee_id, self.path):
                    raise NotFound(f"no company {addressee_id!r} serves a compound within {self.path}",
                                   field=f"{field}.id", rule="A4")
                # named as the registry announced it (its id until that event has arrived)
                name = await self.uow.supervision.company_name(addressee_id)
                return Addressee(kind, addressee_id, name or addressee_id, self.path)

    async def _jurisdiction(self, text: str, *, field: str, rule: str) -> Addressee:
        path = JurisdictionPath.parse(text, field=field)
        issuer = JurisdictionPath.parse(self.path)
        if path == issuer or not issuer.contains(path):
            raise InvalidArgument(f"{path} is not a jurisdiction below {self.path}, which issues the list",
                                  field=field, rule=rule)
        name = await self.uow.supervision.jurisdiction_name(str(path))
        if name is None:
            raise NotFound(f"the registry has announced no jurisdiction {path}", field=field, rule="A4")
        return Addressee(AddresseeKind.JURISDICTION, str(path), name, str(path))


def _issuer_path(jurisdiction_path: str, action: str) -> str:
    auth.require_role(TASK_FORCE, action=action)
    return scoped_path(jurisdiction_path, action=action)


def _kind_and_origin(kind: str, origin: str) -> tuple[TaskListKind, ActionOrigin | None]:
    return (parse_choice(TaskListKind, kind, field="kind", rule="S1"),
            parse_choice(ActionOrigin, origin, field="origin", rule="S1") if origin else None)


# --- S1: task lists --------------------------------------------------------------------------------


async def create_task_list(command: commands.CreateTaskList, uow: EnforcementUnitOfWork) -> TaskList:
    action = "issue a task list"
    path = _issuer_path(command.jurisdiction_path, action)
    kind, origin = _kind_and_origin(command.kind, command.origin)
    async with uow:
        addressees = Addressees(uow, path, await uow.catalogue.load())
        drafts = [
            TaskDraft(task.area, task.title, task.required_result,
                      await addressees.resolve(task.addressee, field=f"tasks[{at}].addressee", rule="S1"),
                      task.deadline)
            for at, task in enumerate(command.tasks)
        ]
        task_list = _issue(kind, origin, command.title, path, drafts)
        await uow.supervision.add_task_list(task_list)
        await uow.commit()
    return task_list


async def import_task_list(command: commands.ImportTaskList, uow: EnforcementUnitOfWork) -> ImportedTaskList:
    """All or nothing: one bad row and nothing is issued; every row's first error is reported."""
    action = "import a task list"
    path = _issuer_path(command.jurisdiction_path, action)
    kind, origin = _kind_and_origin(command.kind, command.origin)
    numbered = sent_rows(command.rows, command.workbook, TASK_COLUMNS, rule="S1")
    async with uow:
        addressees = Addressees(uow, path, await uow.catalogue.load())
        errors: list[tuple[int, RowError]] = []
        drafts: list[TaskDraft] = []
        for position, row in numbered:
            cells: Mapping[str, str] = {column: row.get(column, "") for column in TASK_COLUMNS}
            try:
                addressee = await addressees.resolve(
                    commands.AddresseeInput(cells["addressee_kind"], cells["addressee"]), field="addressee", rule="S1"
                )
                draft = TaskDraft(cells["area"], cells["title"], cells["required_result"], addressee, cells["deadline"])
                _issue(kind, origin, command.title, path, [draft])  # the row's own checks, on its own
            except WuyeError as refusal:
                errors.append((position, RowError(_column(refusal.field), refusal.message, refusal.rule)))
                continue
            drafts.append(draft)
        if errors:
            return ImportedTaskList(None, errors)
        task_list = _issue(kind, origin, command.title, path, drafts)
        await uow.supervision.add_task_list(task_list)
        await uow.commit()
    return ImportedTaskList(task_list, [])


def _column(field: str | None) -> str:
    """The sheet column a refusal names (``tasks[0].deadline`` → ``deadline``, ``addressee.kind`` →
    ``addressee_kind``)."""
    name = (field or "row").rsplit("]", 1)[-1].lstrip(".")
    return {"addressee.kind": "addressee_kind", "addressee.id": "addressee"}.get(name, name)


def _issue(
    kind: TaskListKind, origin: ActionOrigin | None, title: str, path: str, drafts: Sequence[TaskDraft]
) -> TaskList:
    list_id = new_id()
    return issue_task_list(
        list_id=list_id, kind=kind, origin=origin, title=title, jurisdiction_path=path, drafts=drafts,
        task_ids=(new_id() for _ in drafts), by=auth.current().user, now=utcnow(),
    )


async def get_task_list(query: commands.GetTaskList, uow: EnforcementUnitOfWork) -> TaskList:
    action = "read a task list"
    auth.require_role(SUPERVISION_READERS, action=action)
    async with uow.reading():
        task_list = await uow.supervision.task_list(query.list_id)
    if task_list is None:
        raise NotFound(f"unknown task list {query.list_id!r}", field="list_id")
    auth.require_access(task_list.jurisdiction_path, action=action)
    company = own_company_only()
    if company is not None:
        task_list.tasks = [task for task in task_list.tasks if task.addressee.company_id == company]
    return task_list


async def list_task_lists(query: commands.ListTaskLists, uow: EnforcementUnitOfWork) -> Page[TaskListSummary]:
    action = "list task lists"
    auth.require_role(SUPERVISION_READERS, action=action)
    path = scoped_path(query.jurisdiction_path, action=action)
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.datetime.fromisoformat)
    async with uow.reading():
        rows = await uow.supervision.task_lists_in(path, after_key=after, size=size + 1)
    summaries = [TaskListSummary(*row) for row in rows]
    return _page(summaries, size, lambda summary: (summary.task_list.issued_at, summary.task_list.list_id))


async def list_tasks(query: commands.ListTasks, uow: EnforcementUnitOfWork) -> Page[Task]:
    action = "list supervision tasks"
    auth.require_role(SUPERVISION_READERS, action=action)
    path = scoped_path(query.jurisdiction_path, action=action)
    state = parse_choice(TaskState, query.state, field="state", rule="S1") if query.state else None
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.date.fromisoformat)
    async with uow.reading():
        tasks = await uow.supervision.tasks_in(
            path, state=state, open_before=local_day(utcnow()) if query.overdue_only else None,
            company_id=own_company_only(), after_key=after, size=size + 1,
        )
    return _page(tasks, size, lambda task: (task.deadline, task.task_id))


async def report_task_done(command: commands.ReportTaskDone, uow: EnforcementUnitOfWork) -> Task:
    action = "report a task done"
    auth.require_role(ADDRESSEES, action=action)
    async with uow:
        task = await _require_task(uow, command.task_id)
        caller = require_addressee(task.addressee.kind, task.addressee.id, task.addressee.jurisdiction_path,
                                   action=action)
        events = task.report_done(result=command.result, evidence_refs=command.evidence_refs, by=caller.user,
                                  now=utcnow())
        await uow.supervision.save_task(task)
        await evidence.file_named_photos(uow, caller, command.evidence_refs, held_by=task.task_id,
                                         path=task.addressee.jurisdiction_path, stage=evidence.TASK_PHOTOS)
        for event in events:
            await uow.publish(event)
        await uow.commit()
    return task


async def return_task(command: commands.ReturnTask, uow: EnforcementUnitOfWork) -> Task:
    action = "send a task's result back"
    auth.require_role(TASK_FORCE, action=action)
    async with uow:
        task = await _require_task(uow, command.task_id)
        auth.require_access(await uow.supervision.task_list_path(task.list_id), action=action)
        task.send_back(reason=command.reason)
        await uow.supervision.save_task(task)
        await uow.commit()
    return task


async def _require_task(uow: EnforcementUnitOfWork, task_id: str) -> Task:
    task = await uow.supervision.task(task_id, lock=True)
    if task is None:
        raise NotFound(f"unknown task {task_id!r}", field="task_id")
    return task


# --- S2: supervision rounds ------------------------------------------------------------------------


async def create_round(command: commands.CreateSupervisionRound, uow: EnforcementUnitOfWork) -> SupervisionRound:
    action = "start a supervision round"
    path = _issuer_path(command.jurisdiction_path, action)
    kind = parse_choice(RoundKind, command.kind, field="kind", rule="S2")
    title = require_text(command.title, field="title", rule="S2")
    caller, now = auth.current(), utcnow()
    async with uow:
        if kind is RoundKind.SPOT_CHECK:
            if command.pairings:
                raise InvalidArgument("a spot check draws compounds; pairings are for a cross-check",
                                      field="pairings", rule="S2")
            if not 0 <= command.seed <= MAX_SEED:
                raise InvalidArgument(f"seed must be between 0 and {MAX_SEED}", field="seed", rule="S2")
            seed = command.seed or secrets.randbelow(MAX_SEED) + 1
            compounds = await uow.supervision.compounds_below(path)
            population = sorted(compounds)
            sample = draw_sample(population, size=command.sample_size, seed=seed)
            checks = [Check(new_id(), at, compound_id, compounds[compound_id][0], compounds[compound_id][1])
                      for at, compound_id in enumerate(sample)]
            found = SupervisionRound(new_id(), kind, title, path, caller.user, now, checks, seed=seed,
                                     population=len(population), population_digest=population_digest(population))
        else:
            if command.sample_size or command.seed:
                raise InvalidArgument("a cross-check pairs streets; sample_size and seed are for a spot check",
                                      field="sample_size" if command.sample_size else "seed", rule="S2")
            streets = await uow.supervision.streets_below(path)
            pairings = (check_pairings(command.pairings, streets=streets) if command.pairings
                        else rotated_pairings(list(streets)))
            checks = [Check(new_id(), at, checked, streets[checked], checked, checker_path=checker)
                      for at, (checker, checked) in enumerate(pairings)]
            found = SupervisionRound(new_id(), kind, title, path, caller.user, now, checks)
        await uow.supervision.add_round(found)
        await uow.commit()
    return found


async def get_round(query: commands.GetSupervisionRound, uow: EnforcementUnitOfWork) -> SupervisionRound:
    action = "read a supervision round"
    auth.require_role(SUPERVISION_READERS, action=action)
    async with uow.reading():
        found = await uow.supervision.round(query.round_id)
    if found is None:
        raise NotFound(f"unknown supervision round {query.round_id!r}", field="round_id")
    # a cross-check's checking street reads the round it checks in, though the round is the county's
    caller = auth.current()
    if not any(caller.can_access(check.checker_path) for check in found.checks if check.checker_path):
        auth.require_access(found.jurisdiction_path, action=action)
    return found


async def list_rounds(query: commands.ListSupervisionRounds, uow: EnforcementUnitOfWork) -> Page[SupervisionRound]:
    """Rounds started at or below the jurisdiction and those a street at or below it checks in, newest first."""
    action = "list supervision rounds"
    auth.require_role(SUPERVISION_READERS, action=action)
    path = scoped_path(query.jurisdiction_path, action=action)
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.datetime.fromisoformat)
    async with uow.reading():
        rounds = await uow.supervision.rounds_for(path, after_key=after, size=size + 1)
    return _page(rounds, size, lambda found: (found.created_at, found.round_id))


async def record_check(command: commands.RecordCheck, uow: EnforcementUnitOfWork) -> SupervisionRound:
    """A spot check is recorded by the task force; a cross-check by an officer of the checking street."""
    action = "record a supervision check"
    auth.require_role(TASK_FORCE, action=action)
    async with uow:
        found = await uow.supervision.round(command.round_id, lock=True)
        if found is None:
            raise NotFound(f"unknown supervision round {command.round_id!r}", field="round_id")
        check = found.check(command.check_id)
        auth.require_access(check.checker_path or found.jurisdiction_path, action=action)
        check.record(findings=command.findings, note=command.note, by=auth.current().user, now=utcnow())
        await uow.supervision.save_check(check)
        await uow.commit()
    return found


# --- S3: rectification lists -----------------------------------------------------------------------


async def create_rectification_list(
    command: commands.CreateRectificationList, uow: EnforcementUnitOfWork
) -> RectificationList:
    action = "issue a rectification list"
    path = _issuer_path(command.jurisdiction_path, action)
    async with uow:
        round_id = command.round_id or None
        if round_id is not None:
            found = await uow.supervision.round(round_id)
            if found is None or not JurisdictionPath.parse(path).contains(JurisdictionPath.parse(found.jurisdiction_path)):
                raise NotFound(f"no supervision round {round_id!r} within {path}", field="round_id", rule="S3")
        checks = [item.check_id for item in command.items if item.check_id]
        if checks and round_id is None:
            raise InvalidArgument("items that name a check come from a round: give round_id", field="round_id",
                                  rule="S3")
        known = await uow.supervision.checks_of(round_id, checks) if round_id and checks else set()
        addressees = Addressees(uow, path, await uow.catalogue.load())
        drafts: list[ItemDraft] = []
        for at, item in enumerate(command.items):
            if item.check_id and item.check_id not in known:
                raise NotFound(f"round {round_id} has no check {item.check_id!r}", field=f"items[{at}].check_id",
                               rule="S3")
            addressee = await addressees.resolve(item.addressee, field=f"items[{at}].addressee", rule="S3")
            drafts.append(ItemDraft(item.problem, addressee, item.deadline, item.check_id or None))
        rectification_list = issue_rectification_list(
            list_id=new_id(), title=command.title, jurisdiction_path=path, round_id=round_id, drafts=drafts,
            item_ids=(new_id() for _ in drafts), by=auth.current().user, now=utcnow(),
        )
        await uow.supervision.add_rectification_list(rectification_list)
        await uow.commit()
    return rectification_list


async def get_rectification_list(query: commands.GetRectificationList, uow: EnforcementUnitOfWork) -> RectificationList:
    action = "read a rectification list"
    auth.require_role(SUPERVISION_READERS, action=action)
    async with uow.reading():
        found = await uow.supervision.rectification_list(query.list_id)
    if found is None:
        raise NotFound(f"unknown rectification list {query.list_id!r}", field="list_id")
    auth.require_access(found.jurisdiction_path, action=action)
    company = own_company_only()
    if company is not None:
        found.items = [item for item in found.items if item.addressee.company_id == company]
    return found


async def list_rectification_lists(
    query: commands.ListRectificationLists, uow: EnforcementUnitOfWork
) -> Page[ListSummary]:
    action = "list rectification lists"
    auth.require_role(SUPERVISION_READERS, action=action)
    path = scoped_path(query.jurisdiction_path, action=action)
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.datetime.fromisoformat)
    async with uow.reading():
        rows = await uow.supervision.rectification_lists_in(path, after_key=after, size=size + 1)
    summaries = [ListSummary(*row) for row in rows]
    return _page(summaries, size, lambda summary: (summary.rectification_list.issued_at,
                                                   summary.rectification_list.list_id))


async def list_rectification_items(
    query: commands.ListRectificationItems, uow: EnforcementUnitOfWork
) -> Page[ListItem]:
    action = "list rectification list items"
    auth.require_role(SUPERVISION_READERS, action=action)
    path = scoped_path(query.jurisdiction_path, action=action)
    state = parse_choice(ItemState, query.state, field="state", rule="S3") if query.state else None
    size = page_size(query.page_size)
    after = page_key(query.page_token, dt.date.fromisoformat)
    async with uow.reading():
        items = await uow.supervision.items_in(path, state=state, company_id=own_company_only(), after_key=after,
                                               size=size + 1)
    return _page(items, size, lambda item: (item.deadline, item.item_id))


async def record_item_handling(command: commands.RecordItemHandling, uow: EnforcementUnitOfWork) -> ListItem:
    action = "record how a list item was handled"
    auth.require_role(ADDRESSEES, action=action)
    async with uow:
        item = await _require_item(uow, command.item_id)
        caller = require_addressee(item.addressee.kind, item.addressee.id, item.addressee.jurisdiction_path,
                                   action=action)
        item.record_handling(action_taken=command.action_taken, evidence_refs=command.evidence_refs, by=caller.user,
                             now=utcnow())
        await uow.supervision.save_item(item)
        await evidence.file_named_photos(uow, caller, command.evidence_refs, held_by=item.item_id,
                                         path=item.addressee.jurisdiction_path, stage=evidence.HANDLING_PHOTOS)
        await uow.commit()
    return item


async def record_item_feedback(command: commands.RecordItemFeedback, uow: EnforcementUnitOfWork) -> ListItem:
    return await _task_force_step(
        uow, command.item_id, "record a follow-up visit",
        lambda item, by: item.record_feedback(satisfied=command.satisfied, note=command.note, by=by, now=utcnow()),
    )


async def record_item_review(command: commands.RecordItemReview, uow: EnforcementUnitOfWork) -> ListItem:
    return await _task_force_step(
        uow, command.item_id, "record a follow-up review (回头看)",
        lambda item, by: item.record_review(confirmed=command.confirmed, note=command.note, by=by, now=utcnow()),
    )


async def _task_force_step(uow: EnforcementUnitOfWork, item_id: str, action: str, step: ItemStepOf) -> ListItem:
    auth.require_role(TASK_FORCE, action=action)
    async with uow:
        item = await _require_item(uow, item_id)
        auth.require_access(await uow.supervision.list_path(item.list_id), action=action)
        events = step(item, auth.current().user)
        await uow.supervision.save_item(item)
        for event in events:
            await uow.publish(event)
        await uow.commit()
    return item


async def _require_item(uow: EnforcementUnitOfWork, item_id: str) -> ListItem:
    item = await uow.supervision.item(item_id, lock=True)
    if item is None:
        raise NotFound(f"unknown rectification list item {item_id!r}", field="item_id")
    return item


async def get_task_photo(query: commands.GetTaskPhoto, uow: EnforcementUnitOfWork) -> tuple[PhotoRecord, bytes]:
    """A photo the addressee reported a task done with, to whoever may read the task (A5)."""
    action = "read a task's photo"
    auth.require_role(SUPERVISION_READERS, action=action)
    async with uow.reading():
        task = await uow.supervision.task(query.task_id)
        if task is None:
            raise NotFound(f"unknown task {query.task_id!r}", field="task_id")
        _require_readable(await uow.supervision.task_list_path(task.list_id), task.addressee, action=action)
        return await photo_library.held_photo(uow.photos, query.photo_id, held_by=task.task_id,
                                              what=f"task {task.task_id}")


async def get_item_photo(query: commands.GetItemPhoto, uow: EnforcementUnitOfWork) -> tuple[PhotoRecord, bytes]:
    """A photo the addressee recorded a list item's handling with, to whoever may read the item (A5)."""
    action = "read a rectification item's photo"
    auth.require_role(SUPERVISION_READERS, action=action)
    async with uow.reading():
        item = await uow.supervision.item(query.item_id)
        if item is None:
            raise NotFound(f"unknown rectification list item {query.item_id!r}", field="item_id")
        _require_readable(await uow.supervision.list_path(item.list_id), item.addressee, action=action)
        return await photo_library.held_photo(uow.photos, query.photo_id, held_by=item.item_id,
                                              what=f"rectification list item {item.item_id}")


def _require_readable(list_path: str, addressee: Addressee, *, action: str) -> None:
    """The reader's scope covers the list, and a company's staff read only what is addressed to it."""
    auth.require_access(list_path, action=action)
    company = own_company_only()
    if company is not None and addressee.company_id != company:
        raise PermissionDenied(f"{action}: it is addressed to another company", field="company", rule="A5")


# --- S4: figures -----------------------------------------------------------------------------------


async def get_supervision_figures(query: commands.GetSupervisionFigures, uow: EnforcementUnitOfWork) -> SupervisionFigures:
    action = "read supervision figures"
    auth.require_role(SUPERVISION_READERS, action=action)
    path = scoped_path(query.jurisdiction_path, action=action)
    period = parse_period(query.start_date, query.end_date, rule="S4", max_days=366)
    async with uow.reading():
        tasks = await uow.supervision.tasks_due(path, period.first, period.last)
        items = await uow.supervision.items_due(path, period.first, period.last)
    company = own_company_only()
    if company is not None:
        tasks = [task for task in tasks if task.addressee.company_id == company]
        items = [item for item in items if item.addressee.company_id == company]
    return supervision_figures(tasks, items, utcnow())


def _page(entries: list[T], size: int, key: Callable[[T], tuple[dt.date, str]]) -> Page[T]:
    if len(entries) <= size:
        return Page(entries, "")
    last_key, last_id = key(entries[size - 1])
    return Page(entries[:size], next_page_token(last_key, last_id))
