"""The campaign through the gateway, over the real registry, complaints and enforcement services.

Supervision (S1–S4): the county's task force issues a task list to a street and a company the registry
announced, imports another from an Excel upload, the addressees report, a rectification list runs its
closed loop and 回头看, the figures come back with percentages, and both lists export to Excel with Chinese
headers and names. Consultation (M1–M2): a five-party meeting's follow-up is done by the company it names.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from tests.gateway_world import company_staff_token, register_compound, register_hierarchy, register_serving_company
from tests.platform import Gateway, StartService, definition, gateway_for
from tests.support import eventually
from wuye_chassis.natsd import EmbeddedNats
from wuye_chassis.workdays import SHANGHAI
from wuye_enforcement.service.supervision import TASK_COLUMNS

HUIAN = "350500/350521"
STREET = f"{HUIAN}/350521100"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def today(days: int = 0) -> str:
    return (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=days)).isoformat()


@pytest.fixture
async def world(database_url_factory, nats_server: EmbeddedNats, start_service: StartService):
    apps = {name: await start_service(definition(name, await database_url_factory(name), nats_server.url))
            for name in ("registry", "complaints", "enforcement")}
    async with gateway_for(apps) as gateway:
        await register_hierarchy(gateway)
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
        officer = await gateway.token("huian-officer")

        async def company_known() -> bool:
            # the compound, its street and its serving company reach enforcement by event
            answer = await gateway.client.post("/api/v1/supervision/task-lists", headers=officer, json={
                "kind": "task_list", "title": "探测", "jurisdiction_path": HUIAN, "tasks": [
                    {"area": "物业服务", "title": "探测", "required_result": "无",
                     "addressee": {"kind": "company", "id": company["id"]}, "deadline": today()}]})
            # and the company is named as the registry announced it (names, not ids)
            return answer.status_code == 201 and answer.json()["tasks"][0]["addressee"]["name"] == company["name"]

        await eventually(company_known)
        yield gateway, compound, company


def rows_of(content: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


async def test_S1_S3_S4_the_campaign_through_the_gateway(world: tuple[Gateway, dict[str, Any], dict[str, Any]]) -> None:
    gateway, compound, company = world
    client = gateway.client
    officer, street = await gateway.token("huian-officer"), await gateway.token("huian-street")
    staff = company_staff_token(gateway, company["id"])

    issued = await client.post("/api/v1/supervision/task-lists", headers=officer, json={
        "kind": "special_action", "origin": "county", "title": "老旧小区专项整治", "jurisdiction_path": HUIAN,
        "tasks": [
            {"area": "组织领导", "title": "成立工作专班", "required_result": "专班名单",
             "addressee": {"kind": "jurisdiction", "id": STREET}, "deadline": today(5)},
            {"area": "物业服务", "title": "公示收费标准", "required_result": "公示照片",
             "addressee": {"kind": "company", "id": company["id"]}, "deadline": today(5)},
        ]})
    assert issued.status_code == 201, issued.text
    task_list = issued.json()
    assert [task["addressee"]["name"] for task in task_list["tasks"]] == ["螺城镇", company["name"]]
    assert (task_list["kind"], task_list["origin"], task_list["areas"]) == ("special_action", "county", 2)

    street_task, company_task = task_list["tasks"]
    refused = await client.post(f"/api/v1/supervision/tasks/{company_task['task_id']}/completion", headers=street,
                                json={"result": "已公示"})
    assert refused.status_code == 403 and refused.json()["rule"] == "A1"
    done = await client.post(f"/api/v1/supervision/tasks/{street_task['task_id']}/completion", headers=street,
                             json={"result": "专班已成立"})
    assert done.status_code == 200 and done.json()["state"] == "done" and done.json()["on_time"]
    blank = await client.post(f"/api/v1/supervision/tasks/{company_task['task_id']}/completion", headers=staff,
                              json={"result": ""})
    assert blank.status_code == 400 and (blank.json()["field"], blank.json()["rule"]) == ("result", "S1")

    queue = await client.get("/api/v1/supervision/tasks", params={"jurisdiction_path": HUIAN}, headers=staff)
    # the company's queue: its tasks only (the fixture's probe and this one), never the street's
    assert {task["addressee"]["id"] for task in queue.json()["items"]} == {company["id"]}
    assert company_task["task_id"] in {task["task_id"] for task in queue.json()["items"]}

    exported = await client.get(f"/api/v1/supervision/task-lists/{task_list['list_id']}/export.xlsx", headers=officer)
    assert exported.status_code == 200 and exported.headers["content-type"] == XLSX
    sheet = rows_of(exported.content)
    assert sheet[0] == ["老旧小区专项整治", *[None] * 10]
    assert sheet[1][:7] == ["序号", "领域", "任务", "工作要求", "责任单位", "完成时限", "状态"]
    assert sheet[2][:7] == [1, "组织领导", "成立工作专班", "专班名单", "螺城镇", today(5), "已完成"]
    assert sheet[2][9] == "按时" and sheet[3][6] == "待完成"

    listed = await client.post("/api/v1/supervision/rectification-lists", headers=officer, json={
        "title": "第一批问题整改清单", "jurisdiction_path": HUIAN, "items": [
            {"problem": "楼道堆放杂物", "addressee": {"kind": "compound", "id": compound["id"]}, "deadline": today(3)}]})
    assert listed.status_code == 201, listed.text
    [item] = listed.json()["items"]
    assert item["addressee"]["name"] == "凤凰城" and item["state"] == "assigned"
    community = await gateway.token("huian-community")
    handled = await client.post(f"/api/v1/supervision/rectification-items/{item['item_id']}/handling",
                                headers=community, json={"action_taken": "已清理"})
    assert handled.status_code == 200 and handled.json()["state"] == "handled", handled.text
    closed = await client.post(f"/api/v1/supervision/rectification-items/{item['item_id']}/feedback",
                               headers=officer, json={"satisfied": True})
    assert closed.json()["state"] == "closed"
    reopened = await client.post(f"/api/v1/supervision/rectification-items/{item['item_id']}/review",
                                 headers=officer, json={"confirmed": False, "note": "回头看发现反弹"})
    assert reopened.json()["state"] == "reopened" and reopened.json()["times_reopened"] == 1
    workbook = rows_of((await client.get(
        f"/api/v1/supervision/rectification-lists/{listed.json()['list_id']}/export.xlsx", headers=officer)).content)
    assert workbook[2][:5] == [1, "楼道堆放杂物", "凤凰城", today(3), "回头看重新交办"]
    assert workbook[2][5] == "已清理" and workbook[2][8] == 1

    figures = await client.get("/api/v1/supervision/figures", headers=officer,
                               params={"jurisdiction_path": HUIAN, "start_date": today(), "end_date": today(5)})
    body = figures.json()
    # the probe task of the fixture is due today and open: three tasks, one done on time
    assert (body["tasks"], body["tasks_done_on_time"], body["tasks_open"]) == (3, 1, 2)
    assert body["on_time_rate"]["percent"] == "33.3%"
    assert (body["items"], body["items_closed"], body["items_reopened"]) == (1, 0, 1)


async def test_S1_an_excel_upload_issues_a_task_list_or_names_the_sheets_row(
    world: tuple[Gateway, dict[str, Any], dict[str, Any]],
) -> None:
    gateway, compound, _ = world
    officer = await gateway.token("huian-officer")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(TASK_COLUMNS))
    sheet.append(["环境卫生", "清理楼道", "清理到位", "compound", compound["id"], today(9)])
    sheet.append(["环境卫生", "清理屋顶", "清理到位", "compound", "compound-unknown", today(9)])
    out = io.BytesIO()
    book.save(out)
    params = {"kind": "task_list", "title": "环境整治任务清单", "jurisdiction_path": HUIAN}
    answer = await gateway.client.post("/api/v1/supervision/task-lists/import.xlsx", params=params,
                                       headers={**officer, "Content-Type": XLSX}, content=out.getvalue())
    assert answer.status_code == 200
    assert [(error["row"], error["field"], error["rule"]) for error in answer.json()["errors"]] == [
        (3, "addressee", "A4")]
    not_a_workbook = await gateway.client.post("/api/v1/supervision/task-lists/import.xlsx", params=params,
                                               headers={**officer, "Content-Type": XLSX}, content=b"PK-not-really")
    assert not_a_workbook.status_code == 400 and not_a_workbook.json()["field"] == "workbook"
    sheet.delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    imported = await gateway.client.post("/api/v1/supervision/task-lists/import.xlsx", params=params,
                                         headers={**officer, "Content-Type": XLSX}, content=out.getvalue())
    assert imported.json()["task_list"]["task_count"] == 1 and imported.json()["errors"] == []


async def test_M1_M2_a_five_party_meeting_and_its_follow_up_through_the_gateway(
    world: tuple[Gateway, dict[str, Any], dict[str, Any]],
) -> None:
    gateway, compound, company = world
    worker = await gateway.token("huian-community")
    meeting = await gateway.client.post("/api/v1/consultations/meetings", headers=worker, json={
        "kind": "five_party", "topic": "楼道堆物", "compound_id": compound["id"], "held_on": today(),
        "parties": ["community_party_org", "residents_committee", "owners_committee", "company",
                    "owners_representatives"],
        "matters": [{"subject": "楼道堆物", "decision": "物业公司一周内清理",
                     "follow_ups": [{"action": "清理楼道", "owner": "company", "deadline": today(7)}]}]})
    assert meeting.status_code == 201, meeting.text
    [follow_up] = meeting.json()["matters"][0]["follow_ups"]
    assert follow_up["owner_id"] == company["id"]
    too_few = await gateway.client.post("/api/v1/consultations/meetings", headers=worker, json={
        "kind": "five_party", "topic": "楼道堆物", "compound_id": compound["id"], "held_on": today(),
        "parties": ["community_party_org", "company"], "matters": [{"subject": "楼道堆物", "decision": ""}]})
    assert too_few.status_code == 400 and (too_few.json()["field"], too_few.json()["rule"]) == ("parties", "M1")
    done = await gateway.client.post(
        f"/api/v1/consultations/meetings/{meeting.json()['meeting_id']}/follow-ups/{follow_up['follow_up_id']}"
        "/completion", headers=company_staff_token(gateway, company["id"]), json={"result": "已清理"})
    assert done.status_code == 200 and done.json()["matters"][0]["solved"], done.text
    figures = await gateway.client.get("/api/v1/consultations/figures", headers=await gateway.token("huian-officer"),
                                       params={"jurisdiction_path": HUIAN, "start_date": today(), "end_date": today()})
    assert (figures.json()["matters"], figures.json()["solved"], figures.json()["solved_rate"]["percent"]) == (
        1, 1, "100.0%")


async def test_any_table_exports_to_excel_and_loses_only_the_characters_excel_refuses() -> None:
    async with gateway_for({}) as gateway:
        officer = await gateway.token("huian-officer")
        table = {"title": "投诉队列", "headers": ["工单号", "类别"], "rows": [["HA001", "电梯\x0b故障"], ["HA002"]]}
        answer = await gateway.client.post("/api/v1/exports/workbook", headers=officer, json=table)
        assert answer.status_code == 200 and answer.headers["content-type"] == XLSX
        assert rows_of(answer.content)[:4] == [["投诉队列", None], ["工单号", "类别"], ["HA001", "电梯故障"], ["HA002", None]]
        assert (await gateway.client.post("/api/v1/exports/workbook", json=table)).status_code == 401
        too_wide = await gateway.client.post("/api/v1/exports/workbook", headers=officer,
                                             json=table | {"headers": ["列"] * 41})
        assert too_wide.status_code == 422
