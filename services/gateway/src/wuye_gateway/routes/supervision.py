"""Campaign supervision (督办, S1–S4): task lists and special actions, supervision rounds, rectification lists
and their closed loop, figures; task lists imported from Excel and any list exported to Excel.

Who acts (RULES.md A1): the task force (a county or street officer whose scope covers the list) issues,
sends back, visits and reviews; an addressee acts only as itself (its street or community's officer or
worker, its department's inspector, its company's staff).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from wuye.enforcement.v1 import enforcement_pb2
from wuye.enforcement.v1 import supervision_pb2 as pb
from wuye_gateway.convert import model_of, to_json, to_message
from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller, IdempotencyKey, call
from wuye_gateway.routing import Backend, command, photo, query
from wuye_gateway.workbooks import XLSX, download, import_template, local_time, workbook_response

router = APIRouter(prefix="/api/v1/supervision", tags=["supervision"], responses=PROBLEM_RESPONSES)
SUPERVISION = Backend(router=router, service="enforcement")
TASK = "/tasks/{task_id}"
ITEM = "/rectification-items/{item_id}"
KIND = "task_list (任务清单) or special_action (专项行动)"
ORIGIN = "a special action's: city or county (none for a task list)"

# --- S1: task lists ------------------------------------------------------------------------------

command(**SUPERVISION, path="/task-lists", rpc="CreateTaskList", request=pb.CreateTaskListRequest,
        response=pb.CreateTaskListResponse, answer="task_list", creates=True,
        summary="Issue a task list or a special action: each task with its area, addressee (checked against the "
                "registry), deadline day and required result",
        examples={"kind": ["task_list"], "title": ["物业服务质量提升行动任务清单"], "jurisdiction_path": ["350500/350521"]})

#: what each column of an imported task list holds, as the template's guide says it
TASK_COLUMN_GUIDE = (
    ("area", "领域（如 环境卫生、消防安全）", "环境卫生"),
    ("title", "任务", "清理楼道堆放杂物"),
    ("required_result", "工作要求（完成标准）", "楼道无杂物，张贴告示"),
    ("addressee_kind", "责任单位类型：jurisdiction 辖区，department 部门，compound 小区，company 物业企业", "jurisdiction"),
    ("addressee", "责任单位：辖区填区划路径，部门填部门代码（见“部门代码”表），小区、企业填其编号", "350500/350521/350521100"),
    ("deadline", "完成时限（YYYY-MM-DD）", "2026-12-31"),
)


# registered before "/task-lists/{list_id}", which would take its name for a list id
@router.get("/task-lists/import-template.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                             "description": "the template to fill in"}},
            summary="The Excel template of a task list import: the header row the import reads, what each column "
                    "holds and the departments' codes")
async def task_list_import_template(request: Request, who: Caller) -> Response:
    departments = await call(request, "enforcement", "ListDepartments", enforcement_pb2.ListDepartmentsRequest(), who)
    content = import_template("任务清单", [column for column, _, _ in TASK_COLUMN_GUIDE], [
        ("填写说明", ("列名", "填写内容", "示例"), TASK_COLUMN_GUIDE),
        ("部门代码", ("部门代码", "部门"), [(one.code, one.name_zh) for one in departments.departments]),
    ])
    return download(content, filename="task-list-template.xlsx")


query(**SUPERVISION, path="/task-lists", rpc="ListTaskLists", request=pb.ListTaskListsRequest,
      response=pb.ListTaskListsResponse, items="task_lists", required=("jurisdiction_path",),
      summary="Task lists issued within a jurisdiction, newest first, with their counts")
query(**SUPERVISION, path="/task-lists/{list_id}", rpc="GetTaskList", request=pb.GetTaskListRequest,
      response=pb.GetTaskListResponse, answer="task_list", summary="One task list with its tasks")
query(**SUPERVISION, path="/tasks", rpc="ListTasks", request=pb.ListTasksRequest, response=pb.ListTasksResponse,
      items="tasks", required=("jurisdiction_path",),
      summary="Tasks addressed within a jurisdiction by deadline (an addressee's queue; overdue_only for the late)")
command(**SUPERVISION, path=f"{TASK}/completion", rpc="ReportTaskDone", request=pb.ReportTaskDoneRequest,
        response=pb.ReportTaskDoneResponse, answer="task",
        summary="The addressee reports its task done with the result (A1: the addressee itself; photo:<photo_id> "
                "among evidence_refs names your own upload to /api/v1/enforcement/evidence-photos)",
        examples={"result": ["已成立工作专班，名单见附件"]})
photo(**SUPERVISION, path=f"{TASK}/photos/{{photo_id}}", rpc="GetTaskPhoto", request=pb.GetTaskPhotoRequest,
      summary="A photo a task was reported done with, to whoever may read the task (A5)")
command(**SUPERVISION, path=f"{TASK}/return", rpc="ReturnTask", request=pb.ReturnTaskRequest,
        response=pb.ReturnTaskResponse, answer="task",
        summary="The task force sends a reported result back with the reason; the task is open again",
        examples={"reason": ["未见工作台账"]})


class TaskListImport(BaseModel):
    kind: str = Field(..., description=KIND, examples=["special_action"])
    origin: str = Field("", description=ORIGIN, examples=["city"])
    title: str = Field(..., examples=["城市更新专项行动"])
    jurisdiction_path: str = Field(..., examples=["350500/350521"])
    rows: list[dict[str, str]] = Field(
        ..., min_length=1,
        description="One object per task, column name → cell text: area, title, required_result, addressee_kind "
                    "(jurisdiction, department, compound, company), addressee (a path, department code, compound "
                    "or company id), deadline (YYYY-MM-DD)",
    )


# a row is a map of cells, which the generic body model cannot express: this route builds the message itself
# 200, not 201: a sheet with any bad row issues nothing and answers every row's errors
@router.post("/task-lists/import", status_code=status.HTTP_200_OK, response_model=model_of(pb.ImportTaskListResponse),
             summary="Issue a task list from spreadsheet rows (all or nothing: with any bad row nothing is issued "
                     "and each row's error names its column)")
async def import_task_list(body: TaskListImport, request: Request, who: Caller,
                           key: IdempotencyKey = None) -> dict[str, Any]:
    message = to_message(pb.ImportTaskListRequest, body.model_dump(exclude={"rows"}))
    message.rows.extend(pb.TaskRow(cells=row) for row in body.rows)
    return to_json(await call(request, "enforcement", "ImportTaskList", message, who, key))


@router.post("/task-lists/import.xlsx", status_code=status.HTTP_200_OK,
             response_model=model_of(pb.ImportTaskListResponse),
             openapi_extra={"requestBody": {"required": True, "content": {XLSX: {"schema": {"type": "string",
                                                                                            "format": "binary"}}}}},
             summary="Issue a task list from an uploaded Excel workbook: its first sheet, the header row naming "
                     "the columns (errors give the sheet's row numbers)")
async def import_task_list_workbook(
    request: Request, who: Caller, key: IdempotencyKey = None,
    kind: Annotated[str, Query(description=KIND)] = "", origin: Annotated[str, Query(description=ORIGIN)] = "",
    title: Annotated[str, Query(max_length=200)] = "", jurisdiction_path: Annotated[str, Query(max_length=64)] = "",
) -> dict[str, Any]:
    message = to_message(pb.ImportTaskListRequest, {"kind": kind, "origin": origin, "title": title,
                                                    "jurisdiction_path": jurisdiction_path})
    message.workbook = await request.body()
    return to_json(await call(request, "enforcement", "ImportTaskList", message, who, key))


EXCEL_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
          "description": "the list as an Excel workbook"},
}
TASK_STATES = {"open": "待完成", "done": "已完成"}
ITEM_STATES = {"assigned": "已交办", "handled": "已处置待回访", "closed": "已销号", "reopened": "回头看重新交办"}


def _on_time(entry: dict[str, Any], moment: str) -> str:
    if entry.get(moment):
        return "按时" if entry.get("on_time") else "逾期"
    return "已逾期" if entry.get("overdue") else ""


@router.get("/task-lists/{list_id}/export.xlsx", response_class=Response,
            responses=EXCEL_DOWNLOAD,
            summary="One task list as an Excel workbook (Chinese headers, names and local times)")
async def export_task_list(list_id: str, request: Request, who: Caller) -> Response:
    task_list = to_json((await call(request, "enforcement", "GetTaskList", pb.GetTaskListRequest(list_id=list_id),
                                    who)).task_list)
    headers = ("序号", "领域", "任务", "工作要求", "责任单位", "完成时限", "状态", "完成情况", "完成时间", "是否按时",
               "退回原因")
    rows = [
        (task["number"], task["area"], task["title"], task["required_result"], task["addressee"]["name"],
         task["deadline"], TASK_STATES.get(task["state"], task["state"]), task.get("result", ""),
         local_time(task.get("done_at")), _on_time(task, "done_at"), task.get("returned_reason", ""))
        for task in task_list.get("tasks", [])
    ]
    return workbook_response(task_list["title"], headers, rows, filename=f"task-list-{list_id}.xlsx")


# --- S2: supervision rounds ----------------------------------------------------------------------

command(**SUPERVISION, path="/rounds", rpc="CreateSupervisionRound", request=pb.CreateSupervisionRoundRequest,
        response=pb.CreateSupervisionRoundResponse, answer="round", creates=True,
        summary="Start a supervision round: a random spot check of compounds (sample drawn with a recorded seed) "
                "or a cross-check between streets",
        examples={"kind": ["spot_check"], "title": ["第一轮随机抽查"], "sample_size": [10]})
query(**SUPERVISION, path="/rounds", rpc="ListSupervisionRounds", request=pb.ListSupervisionRoundsRequest,
      response=pb.ListSupervisionRoundsResponse, items="rounds", required=("jurisdiction_path",),
      summary="Rounds started within a jurisdiction and those its streets check in, newest first, with their checks")
query(**SUPERVISION, path="/rounds/{round_id}", rpc="GetSupervisionRound", request=pb.GetSupervisionRoundRequest,
      response=pb.GetSupervisionRoundResponse, answer="round",
      summary="One round with its sample (seed, population and digest) and its checks")
command(**SUPERVISION, path="/rounds/{round_id}/checks/{check_id}", rpc="RecordCheck", request=pb.RecordCheckRequest,
        response=pb.RecordCheckResponse, answer="round",
        summary="Record one check's findings (a cross-check by the checking street's officer)",
        examples={"findings": [["楼道堆放杂物", "消防通道被占用"]]})

# --- S3: rectification lists ---------------------------------------------------------------------

command(**SUPERVISION, path="/rectification-lists", rpc="CreateRectificationList",
        request=pb.CreateRectificationListRequest, response=pb.CreateRectificationListResponse, answer="list",
        creates=True,
        summary="Issue a rectification list: each problem assigned (问题交办) to its addressee with a deadline day",
        examples={"title": ["第一批问题整改清单"], "jurisdiction_path": ["350500/350521"]})
query(**SUPERVISION, path="/rectification-lists", rpc="ListRectificationLists", request=pb.ListRectificationListsRequest,
      response=pb.ListRectificationListsResponse, items="lists", required=("jurisdiction_path",),
      summary="Rectification lists issued within a jurisdiction, newest first, with their counts")
query(**SUPERVISION, path="/rectification-lists/{list_id}", rpc="GetRectificationList",
      request=pb.GetRectificationListRequest, response=pb.GetRectificationListResponse, answer="list",
      summary="One rectification list with its items and each item's steps")
query(**SUPERVISION, path="/rectification-items", rpc="ListRectificationItems",
      request=pb.ListRectificationItemsRequest, response=pb.ListRectificationItemsResponse, items="items",
      required=("jurisdiction_path",), summary="List items addressed within a jurisdiction by deadline")
command(**SUPERVISION, path=f"{ITEM}/handling", rpc="RecordItemHandling", request=pb.RecordItemHandlingRequest,
        response=pb.RecordItemHandlingResponse, answer="item",
        summary="执行处置: the addressee records what it did (A1: the addressee itself; photos as a task's report)",
        examples={"action_taken": ["已清理楼道杂物并张贴告示"]})
photo(**SUPERVISION, path=f"{ITEM}/photos/{{photo_id}}", rpc="GetItemPhoto", request=pb.GetItemPhotoRequest,
      summary="A photo a list item's handling was recorded with, to whoever may read the item (A5)")
command(**SUPERVISION, path=f"{ITEM}/feedback", rpc="RecordItemFeedback", request=pb.RecordItemFeedbackRequest,
        response=pb.RecordItemFeedbackResponse, answer="item",
        summary="回访反馈: the task force's follow-up visit closes the item, or hands it back with the reason")
command(**SUPERVISION, path=f"{ITEM}/review", rpc="RecordItemReview", request=pb.RecordItemReviewRequest,
        response=pb.RecordItemReviewResponse, answer="item",
        summary="回头看: a later review confirms a closed item or reopens it with what was found")


@router.get("/rectification-lists/{list_id}/export.xlsx", response_class=Response,
            responses=EXCEL_DOWNLOAD,
            summary="One rectification list as an Excel workbook (Chinese headers, names and local times)")
async def export_rectification_list(list_id: str, request: Request, who: Caller) -> Response:
    found = to_json((await call(request, "enforcement", "GetRectificationList",
                                pb.GetRectificationListRequest(list_id=list_id), who)).list)
    headers = ("序号", "问题", "责任单位", "整改时限", "状态", "最近处置情况", "销号时间", "是否按时", "回头看反弹次数")
    rows = []
    for item in found.get("items", []):
        handled = [step for step in item.get("steps", []) if step["step"] == "handled"]
        rows.append((item["number"], item["problem"], item["addressee"]["name"], item["deadline"],
                     ITEM_STATES.get(item["state"], item["state"]), handled[-1].get("note", "") if handled else "",
                     local_time(item.get("closed_at")), _on_time(item, "closed_at"), item.get("times_reopened", 0)))
    return workbook_response(found["title"], headers, rows, filename=f"rectification-list-{list_id}.xlsx")


# --- S4: figures ---------------------------------------------------------------------------------

query(**SUPERVISION, path="/figures", rpc="GetSupervisionFigures", request=pb.GetSupervisionFiguresRequest,
      response=pb.GetSupervisionFiguresResponse, required=("jurisdiction_path", "start_date", "end_date"),
      summary="Tasks done on time / late / open, list items closed and reopened, and each addressee's completion "
              "rate, for what falls due in a period (both days included)")
