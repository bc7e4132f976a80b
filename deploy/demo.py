"""The demo city loaded by ``make run``: Quanzhou with the counties the seeds report on, and its people.

First the operator's bootstrap makes the city and its administrator (``bootstrap_admin``, the registry's
``bootstrap-admin`` command, as on any new deployment). Everything else goes through the gateway's public
API signed in as that administrator, so the demo walks the same path as any client: the jurisdictions,
then Hui'an's compounds, buildings, households and owners through the registry's bulk import (its events
reach the other services through the running registry's outbox relay), then the demo people
(``load_people``): every development account is a registered person with a real post — the company that
serves 凤凰城 and its staff, a worker for every community, the reviewers, the officers, an inspector per
partner department; the two residents are owners of the imported roster. Last Hui'an's campaign
(``load_campaign``, seed 000): the task force's 69 tasks in 11 areas imported from ``demo/campaign``, the
"19+2" special actions, a spot-check round and 13 rectification lists with 24 items, some of it already
reported, handled and closed by the people it is addressed to, and a five-party meeting at 凤凰城. Re-running any step is harmless.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from wuye_chassis.workdays import SHANGHAI
from wuye_gateway.identity import DEV_ACCOUNTS, Account

if TYPE_CHECKING:
    from deploy.localstack import LocalStack

# (parent code, code, name) — parents before children
JURISDICTIONS = [
    ("", "350500", "泉州市"),
    ("350500", "350521", "惠安县"),
    ("350500", "350524", "安溪县"),
    ("350521", "350521100", "螺城镇"),
    ("350521100", "350521100001", "凤凰城社区"),
    ("350521100", "350521100002", "奥林匹克社区"),
    ("350524", "350524100", "凤城镇"),
    ("350524100", "350524100001", "城东社区"),
]


#: the company that serves 凤凰城 in the demo (its staff account is ``huian-company``)
DEMO_COMPANY = {"jurisdiction_code": "350521", "uscc": "91350521MA2YDEM01L", "name": "惠安安居物业服务有限公司",
                "party_org_mode": "joint_branch", "party_org_required": True}
FENGHUANG = "凤凰城"
#: where a demo person with a county or city post is registered as living
HOME_COMMUNITY = {"350500": "350521100001", "350521": "350521100001", "350521100": "350521100001",
                  "350524": "350524100001", "350524100": "350524100001"}


class _PatientTransport(httpx.HTTPTransport):
    """Waits out the gateway's rate limit (429 with Retry-After) as a well-behaved client does."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for _ in range(30):
            response = super().handle_request(request)
            if response.status_code != 429:
                return response
            response.read()
            response.close()
            time.sleep(float(response.headers.get("retry-after", "1")))
        return response


def patient_client(gateway_url: str) -> httpx.Client:
    """A client of the gateway that waits out its rate limit (429 with Retry-After)."""
    return httpx.Client(base_url=gateway_url, timeout=10, transport=_PatientTransport())


def bootstrap_admin(stack: LocalStack) -> str:
    """The city and its first administrator (the ``city-admin`` account's person), straight in the registry."""
    admin = DEV_ACCOUNTS["city-admin"]
    done = _registry_command(stack, "bootstrap-admin", "--city-code", JURISDICTIONS[0][1],
                             "--city-name", JURISDICTIONS[0][2], "--name", admin.name, "--phone", admin.phone)
    return done.strip()


def _admin_headers(client: httpx.Client) -> dict[str, str]:
    token = client.post("/dev/token", json={"username": "city-admin"}).raise_for_status().json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def _ok(answer: httpx.Response, what: str) -> Any:
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"demo {what} refused: {answer.status_code} {answer.text}")
    return answer.json()


def load(gateway_url: str) -> dict[str, int]:
    created = existing = 0
    with patient_client(gateway_url) as client:
        headers = _admin_headers(client)
        for parent, code, name in JURISDICTIONS:
            answer = client.post(
                "/api/v1/jurisdictions", json={"parent_code": parent, "code": code, "name": name}, headers=headers
            )
            if answer.status_code == 201:
                created += 1
            elif answer.status_code == 409:
                existing += 1
            else:
                raise RuntimeError(f"demo jurisdiction {code} refused: {answer.status_code} {answer.text}")
    return {"created": created, "existing": existing}


def _registry_command(stack: LocalStack, *arguments: str) -> str:
    """One of the registry's operator commands against the running stack's registry database."""
    env = {**os.environ, **stack.service_env("registry")}
    done = subprocess.run(
        [sys.executable, "-m", "wuye_registry", *arguments], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"demo {arguments[0]} failed ({done.returncode}): {done.stdout[-1000:]}"
                           f"{done.stderr[-2000:]}")
    return done.stdout


def import_county(stack: LocalStack, folder: Path) -> str:
    """Run the registry's bulk import of one county folder into the running stack's registry database."""
    output = _registry_command(stack, "import", str(folder))
    # two lines of the command's summary: "rows imported  436" and "compounds  6  registered, …"
    wanted = ("rows imported", "compounds")
    return "; ".join(" ".join(line.split()) for line in output.splitlines() if line.startswith(wanted))


def load_people(gateway_url: str) -> dict[str, int]:
    """Every development account as a registered person holding its post (after ``import_county``: the
    residents are owners of 凤凰城 from the imported roster, and need no post)."""
    appointed = existing = 0
    with patient_client(gateway_url) as client:
        headers = _admin_headers(client)
        company_id = _serving_company(client, headers)
        held = {
            (post["kind"], post["jurisdiction_path"], post["department"], post["company_id"])
            for post in _ok(client.get("/api/v1/posts", params={"jurisdiction_code": "350500"}, headers=headers),
                            "posts")
        }
        for account in DEV_ACCOUNTS.values():
            if account.role in ("resident", "city_admin"):
                continue  # owners come with the roster; the administrator with the bootstrap
            company = company_id if account.role == "company_staff" else ""
            slot = (account.role, _post_path(account, company, client, headers), account.department, company)
            if slot in held:
                existing += 1
                continue
            person = _ok(client.post("/api/v1/people", headers=headers, json={
                "community_code": _home_community(account), "name": account.name, "phone": account.phone}),
                f"person {account.username}")
            _ok(client.post("/api/v1/posts", headers=headers, json={
                "person_id": person["id"], "kind": account.role, "company_id": company,
                "department": account.department,
                "jurisdiction_code": "" if company else account.scope.rsplit("/", 1)[-1]}),
                f"post of {account.username}")
            appointed += 1
    return {"appointed": appointed, "existing": existing}


def _home_community(account: Account) -> str:
    code = account.scope.rsplit("/", 1)[-1]
    return code if len(code) == 12 else HOME_COMMUNITY[code]


def _post_path(account: Account, company_id: str, client: httpx.Client, headers: dict[str, str]) -> str:
    if not company_id:
        return account.scope
    return str(_ok(client.get(f"/api/v1/companies/{company_id}", headers=headers), "company")["jurisdiction_path"])


def _serving_company(client: httpx.Client, headers: dict[str, str]) -> str:
    """The demo company, registered once, serving 凤凰城 under a contract."""
    listed = _ok(client.get("/api/v1/companies", params={"jurisdiction_code": str(DEMO_COMPANY["jurisdiction_code"]),
                                                         "page_size": 500}, headers=headers), "companies")
    company = next((c for c in listed["items"] if c["uscc"] == DEMO_COMPANY["uscc"]), None)
    if company is None:
        company = _ok(client.post("/api/v1/companies", headers=headers, json=DEMO_COMPANY), "company")
    compounds = _ok(client.get("/api/v1/compounds", params={"jurisdiction_code": "350521100001"}, headers=headers),
                    "compounds")["items"]
    fenghuang = next(c for c in compounds if c["name"] == FENGHUANG)
    detail = _ok(client.get(f"/api/v1/compounds/{fenghuang['id']}", headers=headers), "compound")
    if not detail.get("current_contract"):
        _ok(client.post("/api/v1/contracts", headers=headers, json={
            "compound_id": fenghuang["id"], "company_id": company["id"], "mode": "tender",
            "start_on": "2026-01-01", "end_on": "2028-12-31"}), "contract")
    return str(company["id"])


CAMPAIGN = Path(__file__).resolve().parent / "demo" / "campaign"
HUIAN = "350500/350521"
TASK_LIST_TITLE = "惠安县物业管理提升工作任务清单"


def _campaign_rows(name: str, places: dict[str, str], today: dt.date) -> list[dict[str, str]]:
    """A campaign sheet's rows, its placeholders ({street}, {community}, {compound}, {company}) filled and
    its deadlines (days from today) made dates."""
    with (CAMPAIGN / name).open(encoding="utf-8", newline="") as sheet:
        rows = list(csv.DictReader(sheet))
    for row in rows:
        row["addressee"] = places.get(row["addressee"], row["addressee"])
        row["deadline"] = (today + dt.timedelta(days=int(row.pop("deadline_days")))).isoformat()
    return rows


def _addressee(row: dict[str, str]) -> dict[str, str]:
    return {"kind": row["addressee_kind"], "id": row["addressee"]}


def _imported_once_known(client: httpx.Client, headers: dict[str, str], body: dict[str, Any]) -> Any:
    """The task list imported as soon as enforcement has heard of the compound and its company: the
    registry's events reach it a moment after the import and the contract (an A4 refusal until then)."""
    for _ in range(120):
        answer = _ok(client.post("/api/v1/supervision/task-lists/import", headers=headers, json=body), "task list")
        if not answer["errors"]:
            return answer["task_list"]
        if any(error["rule"] != "A4" for error in answer["errors"]):
            raise RuntimeError(f"the demo task list was refused: {answer['errors']}")
        time.sleep(0.5)
    raise RuntimeError(f"enforcement never heard of the demo's compound and company: {answer['errors']}")


def _convened_once_known(client: httpx.Client, headers: dict[str, str], body: dict[str, Any]) -> Any:
    """The meeting recorded as soon as complaints has heard of the compound's serving company, which owns a
    follow-up: the contract's event reaches complaints a moment after it reached enforcement (A4 until then)."""
    for _ in range(120):
        answer = client.post("/api/v1/consultations/meetings", headers=headers, json=body)
        if answer.status_code != 409 or answer.json().get("rule") != "A4":
            return _ok(answer, "consultation meeting")
        time.sleep(0.5)
    raise RuntimeError(f"complaints never heard of the demo compound's company: {answer.text}")


def load_campaign(gateway_url: str) -> dict[str, int]:
    """Hui'an's campaign as its task force runs it (S1–S3), signed in as the officers and addressees."""
    today = dt.datetime.now(SHANGHAI).date()
    with patient_client(gateway_url) as client:
        def signed_in(username: str) -> dict[str, str]:
            token = client.post("/dev/token", json={"username": username}).raise_for_status().json()["access_token"]
            return {"Authorization": f"Bearer {token}"}

        officer = signed_in("huian-officer")
        issued = _ok(client.get("/api/v1/supervision/task-lists",
                                params={"jurisdiction_path": HUIAN, "page_size": 500}, headers=officer), "task lists")
        if any(found["title"] == TASK_LIST_TITLE for found in issued["items"]):
            return {"task_lists": 0, "tasks": 0, "rectification_lists": 0, "items": 0}
        headers = _admin_headers(client)
        compounds = _ok(client.get("/api/v1/compounds", params={"jurisdiction_code": "350521100001"},
                                   headers=headers), "compounds")["items"]
        fenghuang = next(c for c in compounds if c["name"] == FENGHUANG)
        places = {"{street}": f"{HUIAN}/350521100", "{community}": f"{HUIAN}/350521100/350521100001",
                  "{compound}": fenghuang["id"], "{company}": _serving_company(client, headers)}

        task_list = _imported_once_known(client, officer, {
            "kind": "task_list", "title": TASK_LIST_TITLE, "jurisdiction_path": HUIAN,
            "rows": _campaign_rows("task_list.csv", places, today)})
        actions = _campaign_rows("special_actions.csv", places, today)
        for action in actions:
            _ok(client.post("/api/v1/supervision/task-lists", headers=officer, json={
                "kind": "special_action", "origin": action["origin"], "title": action["title"],
                "jurisdiction_path": HUIAN, "tasks": [{
                    "area": "专项行动", "title": action["title"], "required_result": "专项行动方案及进展报告",
                    "addressee": _addressee(action), "deadline": action["deadline"]}]}), "special action")
        round_ = _ok(client.post("/api/v1/supervision/rounds", headers=officer, json={
            "kind": "spot_check", "title": "县委县政府大督导随机抽查", "jurisdiction_path": HUIAN,
            "sample_size": 2, "seed": 2026}), "round")
        lists: dict[str, list[dict[str, str]]] = {}
        for row in _campaign_rows("rectification_lists.csv", places, today):
            lists.setdefault(row["list"], []).append(row)
        items = []
        for title, rows in lists.items():
            items.extend(_ok(client.post("/api/v1/supervision/rectification-lists", headers=officer, json={
                "title": title, "jurisdiction_path": HUIAN, "round_id": round_["round_id"],
                "items": [{"problem": row["problem"], "addressee": _addressee(row), "deadline": row["deadline"]}
                          for row in rows]}), "rectification list")["items"])

        # 陈社工 convened a five-party meeting at 凤凰城 (M1); the company's follow-up is still open
        _convened_once_known(client, signed_in("huian-community"), {
            "kind": "five_party", "topic": "楼道堆物与停车收费", "compound_id": fenghuang["id"],
            "held_on": today.isoformat(),
            "parties": ["community_party_org", "residents_committee", "owners_committee", "company",
                        "owners_representatives"],
            "matters": [
                {"subject": "楼道堆物清理", "decision": "物业公司一周内清理，社区每周巡查",
                 "follow_ups": [{"action": "清理各楼道堆物", "owner": "company",
                                 "deadline": (today + dt.timedelta(days=7)).isoformat()}]},
                {"subject": "停车收费标准调整", "decision": ""},
            ]})

        # the street has reported its first tasks; the company handled two items, one closed and reviewed
        street = signed_in("huian-street")
        for task in [task for task in task_list["tasks"] if task["addressee"]["kind"] == "jurisdiction"][:6]:
            _ok(client.post(f"/api/v1/supervision/tasks/{task['task_id']}/completion", headers=street,
                            json={"result": "已完成，工作台账已报县专班"}), "task done")
        company = signed_in("huian-company")
        for item in [item for item in items if item["addressee"]["kind"] == "company"][:2]:
            _ok(client.post(f"/api/v1/supervision/rectification-items/{item['item_id']}/handling", headers=company,
                            json={"action_taken": "已整改并张贴公示"}), "item handled")
            _ok(client.post(f"/api/v1/supervision/rectification-items/{item['item_id']}/feedback", headers=officer,
                            json={"satisfied": True}), "item closed")
        return {"task_lists": 1 + len(actions), "tasks": len(task_list["tasks"]) + len(actions),
                "rectification_lists": len(lists), "items": len(items)}


def load_all(stack: LocalStack, county_folder: Path) -> dict[str, str]:
    """The whole demo, in order: bootstrap, jurisdictions, the county's import, the people at their posts."""
    admin = bootstrap_admin(stack)
    loaded = load(stack.gateway_url)
    county = import_county(stack, county_folder)
    people = load_people(stack.gateway_url)
    campaign = load_campaign(stack.gateway_url)
    return {
        "city": f"{loaded['created']} jurisdictions created, {loaded['existing']} already there",
        "county": county,
        "people": f"{admin}; {people['appointed']} people appointed to their posts, {people['existing']} already there",
        "campaign": f"{campaign['task_lists']} task lists with {campaign['tasks']} tasks, "
                    f"{campaign['rectification_lists']} rectification lists with {campaign['items']} items issued",
    }
