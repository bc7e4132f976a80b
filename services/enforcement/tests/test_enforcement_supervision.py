"""Campaign supervision (S1–S4) over real gRPC, a real database and NATS: who acts (A1), registry facts
checked (A4), what a company's staff see (A5), reproducible spot checks, the closed loop and its events."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import AsyncIterator, Awaitable

import grpc
import pytest

from tests.support import eventually, workbook_bytes
from wuye.enforcement.v1 import supervision_pb2 as api
from wuye.enforcement.v1 import supervision_pb2_grpc
from wuye.registry.v1 import events_pb2 as registry_events
from wuye_chassis.auth import AuthContext
from wuye_chassis.db import utcnow
from wuye_chassis.workdays import SHANGHAI
from wuye_enforcement.adapters.orm import known_jurisdictions
from wuye_enforcement.domain.supervision import population_digest
from wuye_enforcement.service import supervision as supervision_service

from .conftest import (
    COMMUNITY,
    COMPANY,
    COMPOUND,
    COUNTY_OFFICER,
    FIRE,
    HUIAN,
    SECOND_COMPOUND,
    Enforcement,
    photo_ref,
    refused,
    upload,
)

STREET = f"{HUIAN}/350521100"
OTHER_STREET = f"{HUIAN}/350521101"
OTHER_COMMUNITY = f"{OTHER_STREET}/350521101001"
STREET_OFFICER = AuthContext(user="street-1", roles=frozenset({"street_officer"}), scope=STREET)
OTHER_STREET_OFFICER = AuthContext(user="street-2", roles=frozenset({"street_officer"}), scope=OTHER_STREET)
STAFF = AuthContext(user="staff-1", roles=frozenset({"company_staff"}), scope=HUIAN, company=COMPANY)
OTHER_STAFF = AuthContext(user="staff-2", roles=frozenset({"company_staff"}), scope=HUIAN, company="company-other")


def today(days: int = 0) -> str:
    return (utcnow().astimezone(SHANGHAI).date() + dt.timedelta(days=days)).isoformat()


def to(kind: int, addressee_id: str) -> api.TaskAddressee:
    return api.TaskAddressee(kind=kind, id=addressee_id)


def task(area: str, addressee: api.TaskAddressee, deadline: str = "") -> api.TaskInput:
    return api.TaskInput(area=area, title=f"{area}任务", required_result="形成工作台账", addressee=addressee,
                         deadline=deadline or today(30))


class Supervision:
    def __init__(self, enforcement: Enforcement, stub: supervision_pb2_grpc.SupervisionServiceStub) -> None:
        self.enforcement, self.stub = enforcement, stub

    async def issue(self, *tasks: api.TaskInput, who: AuthContext = COUNTY_OFFICER) -> api.TaskList:
        answer = await self.stub.CreateTaskList(
            api.CreateTaskListRequest(kind=api.TASK_LIST_KIND_TASK_LIST, title="任务清单", jurisdiction_path=HUIAN,
                                      tasks=tasks),
            metadata=who.to_metadata(),
        )
        return answer.task_list

    async def rectification_list(self, *items: api.ListItemInput, round_id: str = "") -> api.RectificationList:
        answer = await self.stub.CreateRectificationList(
            api.CreateRectificationListRequest(title="第一批整改清单", jurisdiction_path=HUIAN, round_id=round_id,
                                               items=items),
            metadata=COUNTY_OFFICER.to_metadata(),
        )
        return answer.list

    async def rows(self) -> tuple[int, ...]:
        counts = []
        for table in ("supervision_task_lists", "supervision_tasks", "supervision_rounds", "supervision_lists",
                      "supervision_items", "outbox"):
            counts.append(await self.enforcement.count(table))
        return tuple(counts)


@pytest.fixture
async def supervision(enforcement: Enforcement) -> AsyncIterator[Supervision]:
    async with enforcement.app.runtime.db.sessions() as session, session.begin():
        for code, name, path in (("350521100", "螺城镇", STREET), ("350521101", "城南街道", OTHER_STREET),
                                 ("350521100001", "凤凰社区", COMMUNITY), ("350521101001", "南山社区", OTHER_COMMUNITY)):
            await session.execute(known_jurisdictions.insert().values(
                code=code, name=name, level=len(path.split("/")), path=path, parent_code=path.split("/")[-2],
                updated_at=utcnow(),
            ))
    await enforcement.know_compound(SECOND_COMPOUND, path=OTHER_COMMUNITY, company_id="company-other")
    async with grpc.aio.insecure_channel(f"127.0.0.1:{enforcement.app.port}") as channel:
        yield Supervision(enforcement, supervision_pb2_grpc.SupervisionServiceStub(channel))


# --- S1 ------------------------------------------------------------------------------------------


async def test_S1_a_task_list_names_its_addressees_as_the_registry_knows_them(supervision: Supervision) -> None:
    await supervision.enforcement.announce(registry_events.CompanyRegistered(
        company_id=COMPANY, name="绿苑物业服务有限公司", jurisdiction_path=HUIAN), subject=COMPANY, source="registry")

    async def company_known() -> bool:
        return await supervision.enforcement.count("known_companies") == 1

    await eventually(company_known)
    issued = await supervision.issue(
        task("组织领导", to(api.ADDRESSEE_KIND_JURISDICTION, STREET)),
        task("消防安全", to(api.ADDRESSEE_KIND_DEPARTMENT, "fire_rescue")),
        task("环境卫生", to(api.ADDRESSEE_KIND_COMPOUND, COMPOUND)),
        task("物业服务", to(api.ADDRESSEE_KIND_COMPANY, COMPANY)),
    )
    assert (issued.task_count, issued.areas, issued.tasks_done) == (4, 4, 0)
    assert [one.addressee.name for one in issued.tasks] == ["螺城镇", "消防救援", COMPOUND, "绿苑物业服务有限公司"]
    assert [one.addressee.jurisdiction_path for one in issued.tasks] == [STREET, HUIAN, COMMUNITY, HUIAN]
    again = await supervision.stub.GetTaskList(api.GetTaskListRequest(list_id=issued.list_id),
                                               metadata=COUNTY_OFFICER.to_metadata())
    assert again.task_list == issued


@pytest.mark.parametrize(
    ("addressee", "field", "rule"),
    [
        (to(api.ADDRESSEE_KIND_JURISDICTION, f"{HUIAN}/350521199"), "tasks[1].addressee.id", "A4"),
        (to(api.ADDRESSEE_KIND_JURISDICTION, HUIAN), "tasks[1].addressee.id", "S1"),
        (to(api.ADDRESSEE_KIND_JURISDICTION, "350500/350524/350524100"), "tasks[1].addressee.id", "S1"),
        (to(api.ADDRESSEE_KIND_DEPARTMENT, "no_such_department"), "tasks[1].addressee.id", "A4"),
        (to(api.ADDRESSEE_KIND_COMPOUND, "compound-unknown"), "tasks[1].addressee.id", "A4"),
        (to(api.ADDRESSEE_KIND_COMPANY, "company-unknown"), "tasks[1].addressee.id", "A4"),
        (to(api.ADDRESSEE_KIND_UNSPECIFIED, STREET), "tasks[1].addressee.kind", "S1"),
    ],
)
async def test_A4_an_addressee_the_registry_does_not_know_is_refused_and_nothing_is_issued(
    supervision: Supervision, addressee: api.TaskAddressee, field: str, rule: str
) -> None:
    before = await supervision.rows()
    code, error = await refused(supervision.issue(task("组织领导", to(api.ADDRESSEE_KIND_JURISDICTION, STREET)),
                                                  task("物业服务", addressee)))
    assert code in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.INVALID_ARGUMENT)
    assert (error.field, error.rule) == (field, rule)
    assert await supervision.rows() == before


async def test_S1_only_the_task_force_of_the_county_issues_a_list(supervision: Supervision) -> None:
    for who in (STAFF, FIRE, AuthContext(user="anxi-1", roles=frozenset({"county_officer"}), scope="350500/350524")):
        code, _ = await refused(supervision.issue(task("组织领导", to(api.ADDRESSEE_KIND_JURISDICTION, STREET)), who=who))
        assert code is grpc.StatusCode.PERMISSION_DENIED
    assert await supervision.rows() == (0, 0, 0, 0, 0, 0)


async def test_A1_only_the_addressee_reports_its_task_done_and_the_event_names_a_company(
    supervision: Supervision,
) -> None:
    issued = await supervision.issue(task("组织领导", to(api.ADDRESSEE_KIND_JURISDICTION, STREET)),
                                     task("物业服务", to(api.ADDRESSEE_KIND_COMPANY, COMPANY)),
                                     task("消防安全", to(api.ADDRESSEE_KIND_DEPARTMENT, "fire_rescue")))
    street_task, company_task, fire_task = issued.tasks
    for task_id, stranger in ((street_task.task_id, OTHER_STREET_OFFICER), (company_task.task_id, OTHER_STAFF),
                              (company_task.task_id, COUNTY_OFFICER), (fire_task.task_id, STREET_OFFICER)):
        code, error = await refused(supervision.stub.ReportTaskDone(
            api.ReportTaskDoneRequest(task_id=task_id, result="已完成"), metadata=stranger.to_metadata()
        ))
        assert code is grpc.StatusCode.PERMISSION_DENIED and error.rule in ("A1", "role")
    for task_id, addressee in ((street_task.task_id, STREET_OFFICER), (company_task.task_id, STAFF),
                               (fire_task.task_id, FIRE)):
        done = (await supervision.stub.ReportTaskDone(
            api.ReportTaskDoneRequest(task_id=task_id, result="已完成，台账已建立", evidence_refs=["ledger.pdf"]),
            metadata=addressee.to_metadata(),
        )).task
        assert done.state == api.TASK_STATE_DONE and done.on_time and not done.overdue
    assert (await supervision.enforcement.event_types()).count("SupervisionTaskDone") == 3


async def test_S1_the_task_force_sends_a_result_back_and_the_task_is_open_again(supervision: Supervision) -> None:
    [one] = (await supervision.issue(task("组织领导", to(api.ADDRESSEE_KIND_JURISDICTION, STREET)))).tasks
    await supervision.stub.ReportTaskDone(api.ReportTaskDoneRequest(task_id=one.task_id, result="已完成"),
                                          metadata=STREET_OFFICER.to_metadata())
    code, error = await refused(supervision.stub.ReturnTask(api.ReturnTaskRequest(task_id=one.task_id, reason="缺台账"),
                                                            metadata=STREET_OFFICER.to_metadata()))
    assert code is grpc.StatusCode.PERMISSION_DENIED  # a street officer's scope does not cover the county's list
    returned = (await supervision.stub.ReturnTask(api.ReturnTaskRequest(task_id=one.task_id, reason="缺台账"),
                                                  metadata=COUNTY_OFFICER.to_metadata())).task
    assert (returned.state, returned.returned_reason, returned.times_returned) == (api.TASK_STATE_OPEN, "缺台账", 1)


async def test_S1_import_is_all_or_nothing_and_names_each_bad_row_and_column(supervision: Supervision) -> None:
    good = {"area": "组织领导", "title": "建立工作专班", "required_result": "专班名单", "addressee_kind": "jurisdiction",
            "addressee": STREET, "deadline": today(10)}
    rows = [good, {**good, "addressee_kind": "company", "addressee": "company-unknown"}, {**good, "deadline": "明天"},
            {**good, "title": ""}]
    request = api.ImportTaskListRequest(kind=api.TASK_LIST_KIND_SPECIAL_ACTION, origin=api.ACTION_ORIGIN_CITY,
                                        title="城市专项行动", jurisdiction_path=HUIAN,
                                        rows=[api.TaskRow(cells=row) for row in rows])
    answer = await supervision.stub.ImportTaskList(request, metadata=COUNTY_OFFICER.to_metadata())
    assert not answer.HasField("task_list")
    assert [(error.row, error.field) for error in answer.errors] == [(2, "addressee"), (3, "deadline"), (4, "title")]
    assert await supervision.rows() == (0, 0, 0, 0, 0, 0)
    del request.rows[1:]
    imported = (await supervision.stub.ImportTaskList(request, metadata=COUNTY_OFFICER.to_metadata())).task_list
    assert (imported.kind, imported.origin, imported.task_count) == (
        api.TASK_LIST_KIND_SPECIAL_ACTION, api.ACTION_ORIGIN_CITY, 1)


async def test_A5_a_company_reads_only_the_tasks_addressed_to_it(supervision: Supervision) -> None:
    issued = await supervision.issue(task("组织领导", to(api.ADDRESSEE_KIND_JURISDICTION, STREET)),
                                     task("物业服务", to(api.ADDRESSEE_KIND_COMPANY, COMPANY)))
    mine = await supervision.stub.ListTasks(api.ListTasksRequest(jurisdiction_path=HUIAN), metadata=STAFF.to_metadata())
    assert [one.addressee.id for one in mine.tasks] == [COMPANY]
    whole = await supervision.stub.GetTaskList(api.GetTaskListRequest(list_id=issued.list_id),
                                               metadata=STAFF.to_metadata())
    assert [one.addressee.id for one in whole.task_list.tasks] == [COMPANY]
    others = await supervision.stub.ListTasks(api.ListTasksRequest(jurisdiction_path=HUIAN),
                                              metadata=OTHER_STAFF.to_metadata())
    assert list(others.tasks) == []


async def test_S1_a_street_reads_its_own_queue_by_deadline_in_pages(supervision: Supervision) -> None:
    await supervision.issue(*[task(f"领域{n}", to(api.ADDRESSEE_KIND_JURISDICTION, STREET), today(n)) for n in range(5)],
                            task("其他", to(api.ADDRESSEE_KIND_JURISDICTION, OTHER_STREET)))
    seen: list[str] = []
    token = ""
    while True:
        page = await supervision.stub.ListTasks(
            api.ListTasksRequest(jurisdiction_path=STREET, page={"page_size": 2, "page_token": token}),
            metadata=STREET_OFFICER.to_metadata(),
        )
        seen.extend(one.deadline for one in page.tasks)
        token = page.page.next_page_token
        if not token:
            break
    assert seen == [today(n) for n in range(5)]
    code, _ = await refused(supervision.stub.ListTasks(api.ListTasksRequest(jurisdiction_path=OTHER_STREET),
                                                       metadata=STREET_OFFICER.to_metadata()))
    assert code is grpc.StatusCode.PERMISSION_DENIED


# --- S2 ------------------------------------------------------------------------------------------


async def test_S2_a_spot_check_sample_is_drawn_with_its_seed_and_can_be_drawn_again(supervision: Supervision) -> None:
    for n in range(8):
        await supervision.enforcement.know_compound(f"compound-{n:02}", path=COMMUNITY)
    answer = await supervision.stub.CreateSupervisionRound(
        api.CreateSupervisionRoundRequest(kind=api.ROUND_KIND_SPOT_CHECK, title="第一轮随机抽查",
                                          jurisdiction_path=HUIAN, sample_size=3, seed=20261204),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    found = answer.round
    population = sorted([COMPOUND, SECOND_COMPOUND, *(f"compound-{n:02}" for n in range(8))])
    assert (found.seed, found.population, found.population_digest) == (20261204, 10, population_digest(population))
    assert [check.target for check in found.checks] == random.Random(20261204).sample(population, 3)
    drawn = await supervision.stub.CreateSupervisionRound(
        api.CreateSupervisionRoundRequest(kind=api.ROUND_KIND_SPOT_CHECK, title="第二轮", jurisdiction_path=HUIAN,
                                          sample_size=3),
        metadata=COUNTY_OFFICER.to_metadata(),
    )
    assert drawn.round.seed > 0  # drawn by the service, and recorded
    assert [check.target for check in drawn.round.checks] == random.Random(drawn.round.seed).sample(population, 3)
    code, error = await refused(supervision.stub.CreateSupervisionRound(
        api.CreateSupervisionRoundRequest(kind=api.ROUND_KIND_SPOT_CHECK, title="过多", jurisdiction_path=HUIAN,
                                          sample_size=11),
        metadata=COUNTY_OFFICER.to_metadata(),
    ))
    assert (code, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "sample_size", "S2")


async def test_S2_a_cross_check_is_recorded_by_the_checking_street_once(supervision: Supervision) -> None:
    found = (await supervision.stub.CreateSupervisionRound(
        api.CreateSupervisionRoundRequest(kind=api.ROUND_KIND_CROSS_CHECK, title="交叉互检", jurisdiction_path=HUIAN),
        metadata=COUNTY_OFFICER.to_metadata(),
    )).round
    assert [(check.checker_path, check.target) for check in found.checks] == [(STREET, OTHER_STREET),
                                                                              (OTHER_STREET, STREET)]
    checked_by_street = found.checks[0]
    code, _ = await refused(supervision.stub.RecordCheck(
        api.RecordCheckRequest(round_id=found.round_id, check_id=checked_by_street.check_id, findings=["自查"]),
        metadata=OTHER_STREET_OFFICER.to_metadata(),
    ))
    assert code is grpc.StatusCode.PERMISSION_DENIED  # the checked street does not check itself
    recorded = (await supervision.stub.RecordCheck(
        api.RecordCheckRequest(round_id=found.round_id, check_id=checked_by_street.check_id,
                               findings=["楼道堆物", "消防通道占用"]),
        metadata=STREET_OFFICER.to_metadata(),
    )).round
    assert list(recorded.checks[0].findings) == ["楼道堆物", "消防通道占用"] and recorded.checks[0].recorded
    code, error = await refused(supervision.stub.RecordCheck(
        api.RecordCheckRequest(round_id=found.round_id, check_id=checked_by_street.check_id, findings=[]),
        metadata=STREET_OFFICER.to_metadata(),
    ))
    assert (code, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "S2")


async def test_S2_rounds_are_listed_for_the_task_force_and_for_the_streets_that_check_in_them(
    supervision: Supervision,
) -> None:
    def start(kind: int, **fields) -> Awaitable[api.CreateSupervisionRoundResponse]:
        return supervision.stub.CreateSupervisionRound(
            api.CreateSupervisionRoundRequest(kind=kind, title="督查", jurisdiction_path=HUIAN, **fields),
            metadata=COUNTY_OFFICER.to_metadata())

    def listed(path: str, who: AuthContext, size: int = 0, token: str = "") -> Awaitable[api.ListSupervisionRoundsResponse]:
        request = api.ListSupervisionRoundsRequest(jurisdiction_path=path)
        request.page.page_size, request.page.page_token = size, token
        return supervision.stub.ListSupervisionRounds(request, metadata=who.to_metadata())

    spot = (await start(api.ROUND_KIND_SPOT_CHECK, sample_size=1, seed=7)).round
    cross = (await start(api.ROUND_KIND_CROSS_CHECK)).round
    everything = await listed(HUIAN, COUNTY_OFFICER)
    assert [found.round_id for found in everything.rounds] == [cross.round_id, spot.round_id]
    assert [len(found.checks) for found in everything.rounds] == [2, 1]
    first = await listed(HUIAN, COUNTY_OFFICER, size=1)
    rest = await listed(HUIAN, COUNTY_OFFICER, size=1, token=first.page.next_page_token)
    assert [found.round_id for found in (*first.rounds, *rest.rounds)] == [cross.round_id, spot.round_id]
    assert not rest.page.next_page_token

    # a street sees the county's cross-check it checks in, and may read it, but not the county's spot check
    assert [found.round_id for found in (await listed(STREET, STREET_OFFICER)).rounds] == [cross.round_id]
    read = await supervision.stub.GetSupervisionRound(api.GetSupervisionRoundRequest(round_id=cross.round_id),
                                                      metadata=STREET_OFFICER.to_metadata())
    assert read.round.round_id == cross.round_id
    code, error = await refused(supervision.stub.GetSupervisionRound(
        api.GetSupervisionRoundRequest(round_id=spot.round_id), metadata=STREET_OFFICER.to_metadata()))
    assert (code, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "scope")
    code, error = await refused(listed(HUIAN, STREET_OFFICER))
    assert (code, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "scope")


# --- S3 ------------------------------------------------------------------------------------------


async def test_S3_a_list_item_runs_the_closed_loop_and_the_review_reopens_it_for_ratings(
    supervision: Supervision,
) -> None:
    found = (await supervision.stub.CreateSupervisionRound(
        api.CreateSupervisionRoundRequest(kind=api.ROUND_KIND_SPOT_CHECK, title="抽查", jurisdiction_path=HUIAN,
                                          sample_size=1, seed=7),
        metadata=COUNTY_OFFICER.to_metadata(),
    )).round
    [check] = found.checks
    issued = await supervision.rectification_list(
        api.ListItemInput(problem="楼道堆物", addressee=to(api.ADDRESSEE_KIND_COMPANY, COMPANY), deadline=today(7),
                          check_id=check.check_id),
        round_id=found.round_id,
    )
    [item] = issued.items
    assert (item.state, item.check_id, issued.item_count) == (api.ITEM_STATE_ASSIGNED, check.check_id, 1)

    code, _ = await refused(supervision.stub.RecordItemHandling(
        api.RecordItemHandlingRequest(item_id=item.item_id, action_taken="已清理"), metadata=OTHER_STAFF.to_metadata()))
    assert code is grpc.StatusCode.PERMISSION_DENIED
    handled = (await supervision.stub.RecordItemHandling(
        api.RecordItemHandlingRequest(item_id=item.item_id, action_taken="已清理", evidence_refs=["after.jpg"]),
        metadata=STAFF.to_metadata(),
    )).item
    assert handled.state == api.ITEM_STATE_HANDLED
    code, _ = await refused(supervision.stub.RecordItemFeedback(
        api.RecordItemFeedbackRequest(item_id=item.item_id, satisfied=True), metadata=STAFF.to_metadata()))
    assert code is grpc.StatusCode.PERMISSION_DENIED  # the company does not close its own item
    closed = (await supervision.stub.RecordItemFeedback(
        api.RecordItemFeedbackRequest(item_id=item.item_id, satisfied=True), metadata=COUNTY_OFFICER.to_metadata()
    )).item
    assert closed.state == api.ITEM_STATE_CLOSED and closed.on_time
    reopened = (await supervision.stub.RecordItemReview(
        api.RecordItemReviewRequest(item_id=item.item_id, confirmed=False, note="回头看发现堆物反弹"),
        metadata=COUNTY_OFFICER.to_metadata(),
    )).item
    assert (reopened.state, reopened.times_reopened, reopened.reviewed) == (api.ITEM_STATE_REOPENED, 1, True)
    assert [step.step for step in reopened.steps] == ["assigned", "handled", "closed", "reopened"]
    assert (await supervision.enforcement.event_types())[-2:] == ["SupervisionItemClosed", "SupervisionItemReopened"]


async def test_S3_an_item_naming_a_check_of_another_round_is_refused(supervision: Supervision) -> None:
    before = await supervision.rows()
    code, error = await refused(supervision.rectification_list(
        api.ListItemInput(problem="楼道堆物", addressee=to(api.ADDRESSEE_KIND_COMPANY, COMPANY), deadline=today(7),
                          check_id="check-unknown"),
    ))
    assert (code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "round_id")
    assert await supervision.rows() == before


# --- S4 ------------------------------------------------------------------------------------------


async def test_S4_figures_per_jurisdiction_and_addressee(supervision: Supervision) -> None:
    issued = await supervision.issue(task("组织领导", to(api.ADDRESSEE_KIND_JURISDICTION, STREET), today()),
                                     task("环境卫生", to(api.ADDRESSEE_KIND_JURISDICTION, STREET), today()),
                                     task("物业服务", to(api.ADDRESSEE_KIND_JURISDICTION, OTHER_STREET), today()))
    await supervision.stub.ReportTaskDone(api.ReportTaskDoneRequest(task_id=issued.tasks[0].task_id, result="完成"),
                                          metadata=STREET_OFFICER.to_metadata())
    period = {"start_date": today(), "end_date": today()}
    county = await supervision.stub.GetSupervisionFigures(
        api.GetSupervisionFiguresRequest(jurisdiction_path=HUIAN, **period), metadata=COUNTY_OFFICER.to_metadata())
    assert (county.tasks, county.tasks_done_on_time, county.tasks_open, county.areas) == (3, 1, 2, 3)
    assert county.on_time_rate.percent == "33.3%"
    assert [(one.addressee.name, one.completion_rate.percent) for one in county.addressees] == [
        ("城南街道", "0.0%"), ("螺城镇", "50.0%")]
    street = await supervision.stub.GetSupervisionFigures(
        api.GetSupervisionFiguresRequest(jurisdiction_path=STREET, **period), metadata=STREET_OFFICER.to_metadata())
    assert (street.tasks, street.tasks_done_on_time) == (2, 1)
    later = await supervision.stub.GetSupervisionFigures(
        api.GetSupervisionFiguresRequest(jurisdiction_path=HUIAN, start_date=today(1), end_date=today(1)),
        metadata=COUNTY_OFFICER.to_metadata())
    assert later.tasks == 0 and not later.HasField("on_time_rate")


def workbook(*rows: dict[str, str], header: tuple[str, ...] = supervision_service.TASK_COLUMNS) -> bytes:
    return workbook_bytes({"任务": [header, *([row.get(column, "") for column in header] for row in rows)]})


async def test_S1_a_task_list_imports_from_an_excel_workbook_naming_the_sheets_rows(supervision: Supervision) -> None:
    good = {"area": "组织领导", "title": "建立工作专班", "required_result": "专班名单", "addressee_kind": "compound",
            "addressee": COMPOUND, "deadline": today(10)}
    request = api.ImportTaskListRequest(kind=api.TASK_LIST_KIND_TASK_LIST, title="任务清单", jurisdiction_path=HUIAN,
                                        workbook=workbook(good, {**good, "addressee": "compound-unknown"}))
    answer = await supervision.stub.ImportTaskList(request, metadata=COUNTY_OFFICER.to_metadata())
    # the sheet's own numbering: the header is row 1, so the second task is row 3
    assert [(error.row, error.field, error.rule) for error in answer.errors] == [(3, "addressee", "A4")]
    request.workbook = workbook(good, {**good, "area": "物业服务"})
    imported = (await supervision.stub.ImportTaskList(request, metadata=COUNTY_OFFICER.to_metadata())).task_list
    assert (imported.task_count, imported.areas) == (2, 2)
    for content, field in ((b"not a workbook", "workbook"), (workbook(good, header=("area", "title")), "required_result")):
        request.workbook = content
        code, error = await refused(supervision.stub.ImportTaskList(request, metadata=COUNTY_OFFICER.to_metadata()))
        assert (code, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, field)


# --- evidence photos (issue 15) --------------------------------------------------------------------


async def test_S1_an_addressee_reports_a_task_done_with_its_photos_and_only_readers_of_the_task_see_them(
    supervision: Supervision,
) -> None:
    [one] = (await supervision.issue(task("物业服务", to(api.ADDRESSEE_KIND_COMPANY, COMPANY)))).tasks
    enforcement = supervision.enforcement
    ledger, strangers = await upload(enforcement, STAFF), await upload(enforcement, OTHER_STAFF)

    async def report(*refs: str) -> api.Task:
        return (await supervision.stub.ReportTaskDone(
            api.ReportTaskDoneRequest(task_id=one.task_id, result="已建立服务台账", evidence_refs=list(refs)),
            metadata=STAFF.to_metadata())).task

    code, error = await refused(report("台账.pdf", photo_ref(strangers)))
    assert (code, error.field, error.rule) == (grpc.StatusCode.NOT_FOUND, "evidence_refs[1]", "photos")
    assert (await supervision.stub.GetTaskList(api.GetTaskListRequest(list_id=one.list_id), metadata=STAFF.to_metadata())
            ).task_list.tasks[0].state == api.TASK_STATE_OPEN, "a refused report records nothing"
    done = await report("台账.pdf", photo_ref(ledger))
    assert done.state == api.TASK_STATE_DONE and list(done.evidence_refs) == ["台账.pdf", photo_ref(ledger)]

    def read(who: AuthContext, task_id: str = one.task_id) -> Awaitable[api.GetTaskPhotoResponse]:
        return supervision.stub.GetTaskPhoto(api.GetTaskPhotoRequest(task_id=task_id, photo_id=ledger.photo_id),
                                             metadata=who.to_metadata())

    for reader in (COUNTY_OFFICER, STAFF):
        assert hashlib.sha256((await read(reader)).content).hexdigest() == ledger.sha256
    for stranger, expected in ((OTHER_STAFF, grpc.StatusCode.PERMISSION_DENIED),
                               (OTHER_STREET_OFFICER, grpc.StatusCode.PERMISSION_DENIED)):
        code, _ = await refused(read(stranger))
        assert code is expected, stranger.user

    # sent back, the task is reported again naming the photo it holds already
    await supervision.stub.ReturnTask(api.ReturnTaskRequest(task_id=one.task_id, reason="台账不全"),
                                      metadata=COUNTY_OFFICER.to_metadata())
    again = await report("台账（补充）.pdf", photo_ref(ledger))
    assert again.state == api.TASK_STATE_DONE
    assert await enforcement.count("evidence_photos", f"WHERE held_by = '{one.task_id}' AND stage = 'task'") == 1


async def test_S3_an_addressee_records_an_items_handling_with_photos_read_only_through_the_item(
    supervision: Supervision,
) -> None:
    [item] = (await supervision.rectification_list(
        api.ListItemInput(problem="楼道堆物", addressee=to(api.ADDRESSEE_KIND_COMPANY, COMPANY), deadline=today(7)),
    )).items
    [one] = (await supervision.issue(task("物业服务", to(api.ADDRESSEE_KIND_COMPANY, COMPANY)))).tasks
    cleared = await upload(supervision.enforcement, STAFF)
    handled = (await supervision.stub.RecordItemHandling(
        api.RecordItemHandlingRequest(item_id=item.item_id, action_taken="已清理楼道杂物",
                                      evidence_refs=[photo_ref(cleared)]),
        metadata=STAFF.to_metadata())).item
    assert handled.state == api.ITEM_STATE_HANDLED
    assert list(handled.steps[-1].evidence_refs) == [photo_ref(cleared)]
    shown = await supervision.stub.GetItemPhoto(api.GetItemPhotoRequest(item_id=item.item_id, photo_id=cleared.photo_id),
                                                metadata=COUNTY_OFFICER.to_metadata())
    assert hashlib.sha256(shown.content).hexdigest() == cleared.sha256 and shown.photo.content_type == "image/jpeg"
    code, error = await refused(supervision.stub.GetTaskPhoto(
        api.GetTaskPhotoRequest(task_id=one.task_id, photo_id=cleared.photo_id), metadata=COUNTY_OFFICER.to_metadata()))
    assert (code, error.field) == (grpc.StatusCode.NOT_FOUND, "photo_id"), "a photo is read through its own record"
    code, _ = await refused(supervision.stub.GetItemPhoto(
        api.GetItemPhotoRequest(item_id=item.item_id, photo_id=cleared.photo_id), metadata=OTHER_STAFF.to_metadata()))
    assert code is grpc.StatusCode.PERMISSION_DENIED
