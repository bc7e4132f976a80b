"""The SupervisionService servicer (S1–S4): protobuf in, a command to its handler, protobuf out. No rules here."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.common.v1 import common_pb2
from wuye.enforcement.v1 import enforcement_pb2, supervision_pb2_grpc
from wuye.enforcement.v1 import supervision_pb2 as api
from wuye_chassis.db import utcnow
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.proto_values import enum_number, enum_text, timestamp
from wuye_enforcement.domain import commands
from wuye_enforcement.domain.supervision import (
    Addressee,
    ListItem,
    RectificationList,
    SupervisionFigures,
    SupervisionRound,
    Task,
    TaskList,
)
from wuye_enforcement.entrypoints.grpc.inspections import evidence_photo_message, ratio
from wuye_enforcement.service import supervision
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["SupervisionService"].full_name


def addressee_message(addressee: Addressee) -> api.TaskAddressee:
    return api.TaskAddressee(kind=enum_number(api.AddresseeKind, addressee.kind), id=addressee.id,
                             name=addressee.name, jurisdiction_path=addressee.jurisdiction_path)


def addressee_input(addressee: api.TaskAddressee) -> commands.AddresseeInput:
    return commands.AddresseeInput(enum_text(api.AddresseeKind, addressee.kind), addressee.id)


def task_message(task: Task) -> api.Task:
    return api.Task(
        task_id=task.task_id, list_id=task.list_id, number=task.number, area=task.area, title=task.title,
        required_result=task.required_result, addressee=addressee_message(task.addressee),
        deadline=task.deadline.isoformat(), state=enum_number(api.TaskState, task.state), result=task.result or "",
        evidence_refs=task.evidence_refs, done_at=timestamp(task.done_at), on_time=task.on_time,
        overdue=task.overdue(utcnow()), returned_reason=task.returned_reason or "",
        times_returned=task.times_returned,
    )


def task_list_message(task_list: TaskList, *, tasks: int, tasks_done: int, areas: int,
                      with_tasks: bool) -> api.TaskList:
    return api.TaskList(
        list_id=task_list.list_id, kind=enum_number(api.TaskListKind, task_list.kind),
        origin=enum_number(api.ActionOrigin, task_list.origin), title=task_list.title,
        jurisdiction_path=task_list.jurisdiction_path, issued_by=task_list.issued_by,
        issued_at=timestamp(task_list.issued_at), areas=areas, task_count=tasks, tasks_done=tasks_done,
        tasks=[task_message(task) for task in task_list.tasks] if with_tasks else [],
    )


def whole_task_list(task_list: TaskList) -> api.TaskList:
    return task_list_message(task_list, tasks=len(task_list.tasks), tasks_done=task_list.tasks_done,
                             areas=task_list.areas, with_tasks=True)


def round_message(found: SupervisionRound) -> api.SupervisionRound:
    return api.SupervisionRound(
        round_id=found.round_id, kind=enum_number(api.RoundKind, found.kind), title=found.title,
        jurisdiction_path=found.jurisdiction_path, seed=found.seed, population=found.population,
        population_digest=found.population_digest, created_by=found.created_by,
        created_at=timestamp(found.created_at),
        checks=[
            api.Check(
                check_id=check.check_id, target=check.target, target_name=check.target_name,
                jurisdiction_path=check.jurisdiction_path, checker_path=check.checker_path or "",
                findings=check.findings, note=check.note or "", recorded_by=check.recorded_by or "",
                recorded_at=timestamp(check.recorded_at), recorded=check.recorded,
            )
            for check in found.checks
        ],
    )


def item_message(item: ListItem) -> api.ListItem:
    return api.ListItem(
        item_id=item.item_id, list_id=item.list_id, number=item.number, problem=item.problem,
        addressee=addressee_message(item.addressee), deadline=item.deadline.isoformat(),
        state=enum_number(api.ItemState, item.state), check_id=item.check_id or "",
        steps=[api.ItemStep(step=step.step.value, by=step.by, at=timestamp(step.at), note=step.note or "",
                            evidence_refs=step.evidence_refs) for step in item.steps],
        closed_at=timestamp(item.closed_at), on_time=item.on_time, times_reopened=item.times_reopened,
        reviewed=item.reviewed, overdue=item.overdue(utcnow()),
    )


def list_message(found: RectificationList, *, items: int, items_closed: int, with_items: bool) -> api.RectificationList:
    return api.RectificationList(
        list_id=found.list_id, title=found.title, jurisdiction_path=found.jurisdiction_path,
        round_id=found.round_id or "", issued_by=found.issued_by, issued_at=timestamp(found.issued_at),
        item_count=items, items_closed=items_closed,
        items=[item_message(item) for item in found.items] if with_items else [],
    )


def whole_list(found: RectificationList) -> api.RectificationList:
    return list_message(found, items=len(found.items), items_closed=found.items_closed, with_items=True)


def figures_message(figures: SupervisionFigures) -> api.GetSupervisionFiguresResponse:
    return api.GetSupervisionFiguresResponse(
        tasks=figures.tasks, tasks_done_on_time=figures.tasks_done_on_time, tasks_done_late=figures.tasks_done_late,
        tasks_open=figures.tasks_open, tasks_overdue=figures.tasks_overdue, task_lists=figures.task_lists,
        areas=figures.areas, items=figures.items, items_closed=figures.items_closed,
        items_reopened=figures.items_reopened, rectification_lists=figures.rectification_lists,
        on_time_rate=ratio(figures.on_time_rate),
        addressees=[
            api.AddresseeFigures(
                addressee=addressee_message(one.addressee), tasks=one.tasks,
                tasks_done_on_time=one.tasks_done_on_time, tasks_done_late=one.tasks_done_late, items=one.items,
                items_closed=one.items_closed, completion_rate=ratio(one.completion_rate),
            )
            for one in figures.addressees
        ],
    )


def next_page(token: str) -> common_pb2.PageResponse:
    return common_pb2.PageResponse(next_page_token=token)


class SupervisionServicer(supervision_pb2_grpc.SupervisionServiceServicer):
    def __init__(self, unit_of_work: Callable[[], EnforcementUnitOfWork]) -> None:
        self.uow = unit_of_work

    # --- S1 ---------------------------------------------------------------------------------------

    async def CreateTaskList(
        self, request: api.CreateTaskListRequest, context: grpc.aio.ServicerContext
    ) -> api.CreateTaskListResponse:
        task_list = await supervision.create_task_list(
            commands.CreateTaskList(
                kind=enum_text(api.TaskListKind, request.kind), origin=enum_text(api.ActionOrigin, request.origin),
                title=request.title, jurisdiction_path=request.jurisdiction_path,
                tasks=tuple(
                    commands.TaskInput(task.area, task.title, task.required_result, addressee_input(task.addressee),
                                       task.deadline)
                    for task in request.tasks
                ),
            ),
            self.uow(),
        )
        return api.CreateTaskListResponse(task_list=whole_task_list(task_list))

    async def ImportTaskList(
        self, request: api.ImportTaskListRequest, context: grpc.aio.ServicerContext
    ) -> api.ImportTaskListResponse:
        imported = await supervision.import_task_list(
            commands.ImportTaskList(
                kind=enum_text(api.TaskListKind, request.kind), origin=enum_text(api.ActionOrigin, request.origin),
                title=request.title, jurisdiction_path=request.jurisdiction_path,
                rows=tuple(dict(row.cells) for row in request.rows), workbook=request.workbook,
            ),
            self.uow(),
        )
        return api.ImportTaskListResponse(
            task_list=None if imported.task_list is None else whole_task_list(imported.task_list),
            errors=[
                enforcement_pb2.RowError(row=position, field=error.field, message=error.message, rule=error.rule or "")
                for position, error in imported.errors
            ],
        )

    async def GetTaskList(self, request: api.GetTaskListRequest, context: grpc.aio.ServicerContext) -> api.GetTaskListResponse:
        task_list = await supervision.get_task_list(commands.GetTaskList(request.list_id), self.uow())
        return api.GetTaskListResponse(task_list=whole_task_list(task_list))

    async def ListTaskLists(
        self, request: api.ListTaskListsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListTaskListsResponse:
        page = await supervision.list_task_lists(
            commands.ListTaskLists(request.jurisdiction_path, request.page.page_size, request.page.page_token),
            self.uow(),
        )
        return api.ListTaskListsResponse(
            task_lists=[
                task_list_message(summary.task_list, tasks=summary.tasks, tasks_done=summary.tasks_done,
                                  areas=summary.areas, with_tasks=False)
                for summary in page.entries
            ],
            page=next_page(page.next_page_token),
        )

    async def ListTasks(self, request: api.ListTasksRequest, context: grpc.aio.ServicerContext) -> api.ListTasksResponse:
        page = await supervision.list_tasks(
            commands.ListTasks(
                request.jurisdiction_path, state=enum_text(api.TaskState, request.state),
                overdue_only=request.overdue_only, page_size=request.page.page_size,
                page_token=request.page.page_token,
            ),
            self.uow(),
        )
        return api.ListTasksResponse(tasks=[task_message(task) for task in page.entries],
                                     page=next_page(page.next_page_token))

    async def ReportTaskDone(
        self, request: api.ReportTaskDoneRequest, context: grpc.aio.ServicerContext
    ) -> api.ReportTaskDoneResponse:
        task = await supervision.report_task_done(
            commands.ReportTaskDone(request.task_id, request.result, tuple(request.evidence_refs)), self.uow()
        )
        return api.ReportTaskDoneResponse(task=task_message(task))

    async def GetTaskPhoto(self, request: api.GetTaskPhotoRequest, context: grpc.aio.ServicerContext) -> api.GetTaskPhotoResponse:
        record, content = await supervision.get_task_photo(
            commands.GetTaskPhoto(request.task_id, request.photo_id), self.uow()
        )
        return api.GetTaskPhotoResponse(photo=evidence_photo_message(record), content=content)

    async def ReturnTask(self, request: api.ReturnTaskRequest, context: grpc.aio.ServicerContext) -> api.ReturnTaskResponse:
        task = await supervision.return_task(commands.ReturnTask(request.task_id, request.reason), self.uow())
        return api.ReturnTaskResponse(task=task_message(task))

    # --- S2 ---------------------------------------------------------------------------------------

    async def CreateSupervisionRound(
        self, request: api.CreateSupervisionRoundRequest, context: grpc.aio.ServicerContext
    ) -> api.CreateSupervisionRoundResponse:
        found = await supervision.create_round(
            commands.CreateSupervisionRound(
                kind=enum_text(api.RoundKind, request.kind), title=request.title,
                jurisdiction_path=request.jurisdiction_path, sample_size=request.sample_size, seed=request.seed,
                pairings=tuple((pairing.checker_path, pairing.checked_path) for pairing in request.pairings),
            ),
            self.uow(),
        )
        return api.CreateSupervisionRoundResponse(round=round_message(found))

    async def GetSupervisionRound(
        self, request: api.GetSupervisionRoundRequest, context: grpc.aio.ServicerContext
    ) -> api.GetSupervisionRoundResponse:
        found = await supervision.get_round(commands.GetSupervisionRound(request.round_id), self.uow())
        return api.GetSupervisionRoundResponse(round=round_message(found))

    async def ListSupervisionRounds(
        self, request: api.ListSupervisionRoundsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListSupervisionRoundsResponse:
        page = await supervision.list_rounds(
            commands.ListSupervisionRounds(request.jurisdiction_path, request.page.page_size, request.page.page_token),
            self.uow(),
        )
        return api.ListSupervisionRoundsResponse(rounds=[round_message(found) for found in page.entries],
                                                 page=next_page(page.next_page_token))

    async def RecordCheck(self, request: api.RecordCheckRequest, context: grpc.aio.ServicerContext) -> api.RecordCheckResponse:
        found = await supervision.record_check(
            commands.RecordCheck(request.round_id, request.check_id, tuple(request.findings), request.note), self.uow()
        )
        return api.RecordCheckResponse(round=round_message(found))

    # --- S3 ---------------------------------------------------------------------------------------

    async def CreateRectificationList(
        self, request: api.CreateRectificationListRequest, context: grpc.aio.ServicerContext
    ) -> api.CreateRectificationListResponse:
        found = await supervision.create_rectification_list(
            commands.CreateRectificationList(
                title=request.title, jurisdiction_path=request.jurisdiction_path, round_id=request.round_id,
                items=tuple(
                    commands.ListItemInput(item.problem, addressee_input(item.addressee), item.deadline, item.check_id)
                    for item in request.items
                ),
            ),
            self.uow(),
        )
        return api.CreateRectificationListResponse(list=whole_list(found))

    async def GetRectificationList(
        self, request: api.GetRectificationListRequest, context: grpc.aio.ServicerContext
    ) -> api.GetRectificationListResponse:
        found = await supervision.get_rectification_list(commands.GetRectificationList(request.list_id), self.uow())
        return api.GetRectificationListResponse(list=whole_list(found))

    async def ListRectificationLists(
        self, request: api.ListRectificationListsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListRectificationListsResponse:
        page = await supervision.list_rectification_lists(
            commands.ListRectificationLists(request.jurisdiction_path, request.page.page_size,
                                            request.page.page_token),
            self.uow(),
        )
        return api.ListRectificationListsResponse(
            lists=[
                list_message(summary.rectification_list, items=summary.items, items_closed=summary.items_closed,
                             with_items=False)
                for summary in page.entries
            ],
            page=next_page(page.next_page_token),
        )

    async def ListRectificationItems(
        self, request: api.ListRectificationItemsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListRectificationItemsResponse:
        page = await supervision.list_rectification_items(
            commands.ListRectificationItems(
                request.jurisdiction_path, state=enum_text(api.ItemState, request.state),
                page_size=request.page.page_size, page_token=request.page.page_token,
            ),
            self.uow(),
        )
        return api.ListRectificationItemsResponse(items=[item_message(item) for item in page.entries],
                                                  page=next_page(page.next_page_token))

    async def RecordItemHandling(
        self, request: api.RecordItemHandlingRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordItemHandlingResponse:
        item = await supervision.record_item_handling(
            commands.RecordItemHandling(request.item_id, request.action_taken, tuple(request.evidence_refs)),
            self.uow(),
        )
        return api.RecordItemHandlingResponse(item=item_message(item))

    async def GetItemPhoto(self, request: api.GetItemPhotoRequest, context: grpc.aio.ServicerContext) -> api.GetItemPhotoResponse:
        record, content = await supervision.get_item_photo(
            commands.GetItemPhoto(request.item_id, request.photo_id), self.uow()
        )
        return api.GetItemPhotoResponse(photo=evidence_photo_message(record), content=content)

    async def RecordItemFeedback(
        self, request: api.RecordItemFeedbackRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordItemFeedbackResponse:
        item = await supervision.record_item_feedback(
            commands.RecordItemFeedback(request.item_id, request.satisfied, request.note), self.uow()
        )
        return api.RecordItemFeedbackResponse(item=item_message(item))

    async def RecordItemReview(
        self, request: api.RecordItemReviewRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordItemReviewResponse:
        item = await supervision.record_item_review(
            commands.RecordItemReview(request.item_id, request.confirmed, request.note), self.uow()
        )
        return api.RecordItemReviewResponse(item=item_message(item))

    # --- S4 ---------------------------------------------------------------------------------------

    async def GetSupervisionFigures(
        self, request: api.GetSupervisionFiguresRequest, context: grpc.aio.ServicerContext
    ) -> api.GetSupervisionFiguresResponse:
        figures = await supervision.get_supervision_figures(
            commands.GetSupervisionFigures(request.jurisdiction_path, request.start_date, request.end_date),
            self.uow(),
        )
        return figures_message(figures)


def servicer(unit_of_work: Callable[[], EnforcementUnitOfWork]) -> Servicer:
    return Servicer(
        SupervisionServicer(unit_of_work), supervision_pb2_grpc.add_SupervisionServiceServicer_to_server, SERVICE_NAME
    )
