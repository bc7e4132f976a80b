"""The seeds' story as one acceptance test, played through the gateway only by its own people (issue 18).

The platform runs as ``make run`` starts it — every service and the gateway a process of its own, on SQLite
files or (when WUYE_TEST_DATABASE_URL is set) PostgreSQL — with the demo city loaded the way the operator
loads it. From then on every step is an HTTP call signed in as the person who takes it: the development
accounts are demo people at their posts, and any owner of the demo roster signs in with their own phone, as
residents do. No step reaches a service over gRPC or its database; the one exception is time: the vote's
seven-day objection period (V8) is made to have passed, because a test cannot wait a week.

Who does what:
- 陈社工 (huian-community) finds five owners, records three as party members and screens every candidate
  (O5); 郑街道 (huian-street) forms the owners' committee: four members refused (O1), a screened-out owner
  refused (O5), five → a red committee (O3); he links 陈社工 as the compound's cadre; 黄县办 reads coverage (O6).
- 洪话务 (huian-12345) files 陈建国's 12345 call about a blocked drain; 陈社工 accepts and dispatches it to
  the company holding 凤凰城's contract, and may not take it on in the company's place (A1); 张物业
  (huian-company) sends it back, takes it on, resolves and replies; the unsatisfied callback reopens it; the
  satisfied one closes it; the company's credit record shows the unsatisfied callback (C5 → R).
- 陈建国 (huian-resident) reports a lift himself; four more 12345 callers are duplicates whose reporters
  join his case, which becomes collective and goes one tier up (C6, C4).
- 陈社工 opens the maintenance account from the registry roster (F2, A4), takes building 1's first deposits
  (F1) and the 0.30 yuan/m²/month mini fund (P4); the owners of building 1 vote on its repair as themselves
  (A2, V6), the co-owners of 1-104 included (the last ballot counts, V7), an owner objects to the preliminary
  result and 陈社工 answers (V8); after the objection period the result is final; 黄县办 pays by area to the fen
  (F4; 陈社工 may not, A3) and 钟审计 (city-auditor) verifies the ledger.
- an emergency drain repair without a vote: the committee reviews, the street confirms, works, payment,
  disclosure afterwards (F6).
- two committee expenses submitted by the committee's chair 陈建国 in his seat (A1; 陈社工 and 陈建国 as an owner are
  refused), through 杨支书 and 何主任 (P2): one paid, one rejected with its reason.
- 林市管 (city-admin) imports the inspection catalogue; 黄县办 plans a joint inspection and a second routine
  one is refused (E3); the housing inspector fails the lift item (the fire inspector may not record it), an
  order goes to the company, and the re-check finds it rectified.
- 黄县办 publishes the quarter's red and black lists and reads the county dashboard; the public page of 凤凰城
  shows no personal data.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from deploy import demo
from deploy.localstack import LocalStack
from tests.demo_city import DEMO_COUNTY, demo_city
from tests.support import postgres_admin_url
from wuye_chassis.db import utcnow
from wuye_chassis.workdays import SHANGHAI
from wuye_funds.adapters.orm import votes

pytestmark = pytest.mark.slow

FENGHUANG_COMMUNITY = "350521100001"
HUIAN = "350521"
BACKENDS = ["sqlite"] + (["postgresql"] if postgres_admin_url() else [])


def demo_owners(building: str) -> list[dict[str, str]]:
    """The demo roster's owners of one building of 凤凰城, as the registry imported them."""
    with (DEMO_COUNTY / "owners.csv").open(encoding="utf-8") as sheet:
        return [row for row in csv.DictReader(sheet) if row["compound_code"] == "HA-FHC"
                and row["building_code"] == building]


@pytest.fixture(params=BACKENDS)
def city(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalStack]:
    with demo_city(tmp_path, request.param) as stack:
        yield stack


@dataclass
class Story:
    """The gateway as the story's people use it: each call signed in as one of them."""

    client: httpx.Client
    signed_in: dict[str, dict[str, str]] = field(default_factory=dict)

    def sign_in(self, username: str = "", *, phone: str = "") -> dict[str, str]:
        who = username or phone
        if who not in self.signed_in:
            body = {"username": username} if username else {"phone": phone}
            answer = self.client.post("/dev/token", json=body)
            assert answer.status_code == 200, answer.text
            self.signed_in[who] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        return self.signed_in[who]

    def get(self, who: str, path: str, **params: Any) -> Any:
        answer = self.client.get(path, params=params, headers=self.headers(who) if who else {})
        assert answer.status_code == 200, f"GET {path} as {who}: {answer.status_code} {answer.text}"
        return answer.json()

    def post(self, who: str, path: str, body: dict[str, Any] | None = None, *, status: int = 200,
             acting_in: str = "") -> Any:
        """``acting_in``: the post (or committee seat) named in X-Wuye-Post, for a person with several."""
        headers = self.headers(who) | ({"X-Wuye-Post": acting_in} if acting_in else {})
        answer = self.client.post(path, json=body or {}, headers=headers)
        assert answer.status_code == status, f"POST {path} as {who}: {answer.status_code} {answer.text}"
        return answer.json()

    def refused(self, who: str, path: str, body: dict[str, Any] | None, status: int, **problem: str) -> Any:
        """The call is refused with this status, and its problem names what ``problem`` gives."""
        answer = self.post(who, path, body, status=status)
        for key, value in problem.items():
            assert value in str(answer.get(key, "")), (key, answer)
        return answer

    def headers(self, who: str) -> dict[str, str]:
        return self.sign_in(phone=who) if who.isdigit() else self.sign_in(who)

    def person(self, who: str) -> str:
        return str(self.get(who, "/api/v1/me")["person_id"])


def eventually(read: Any, timeout: float = 15.0) -> Any:
    """What an event-fed read answers once the event has arrived (services learn of each other by events)."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout)
    while True:
        answer = read()
        if answer or dt.datetime.now() > deadline:
            return answer
        time.sleep(0.2)


def objection_period_passes(stack: LocalStack, vote_id: str) -> None:
    """V8's seven days go by: the closed vote's objection deadline is moved to a moment ago."""
    async def move() -> None:
        engine = create_async_engine(stack.database_url("funds"))
        try:
            async with engine.begin() as connection:
                await connection.execute(sa.update(votes).where(votes.c.vote_id == vote_id).values(
                    objection_deadline=utcnow() - dt.timedelta(seconds=1)))
        finally:
            await engine.dispose()

    asyncio.run(move())


@pytest.mark.timeout(600)
def test_the_seeds_story_played_by_its_own_people(city: LocalStack) -> None:
    with demo.patient_client(city.gateway_url) as client:
        story = Story(client)
        [fenghuang] = [c for c in story.get("huian-officer", "/api/v1/compounds",
                                             jurisdiction_code=FENGHUANG_COMMUNITY)["items"] if c["name"] == "凤凰城"]
        committee_formed_red_and_cadre_linked(story, fenghuang)
        drain_case_runs_the_closed_loop_through_the_company(story, fenghuang)
        five_reporters_make_a_collective_case(story, fenghuang)
        building_one_repairs_with_the_owners_vote(story, city, fenghuang)
        emergency_repair_without_a_vote(story, fenghuang)
        committee_expenses_through_both_reviewers(story, fenghuang)
        joint_inspection_orders_and_rechecks(story, fenghuang)
        the_task_force_supervises_the_campaign(story)
        county_reads_lists_dashboard_and_the_public_page(story, fenghuang)


def committee_formed_red_and_cadre_linked(story: Story, fenghuang: dict[str, Any]) -> None:
    people = []
    for row in demo_owners("1")[:6]:
        [found] = story.post("huian-community", "/api/v1/people/search",
                             {"jurisdiction_code": FENGHUANG_COMMUNITY, "phone": row["phone"]})["people"]
        people.append(found["id"])
    for person_id in people[:3]:  # O3: three of five are party members
        marked = story.post("huian-community", f"/api/v1/people/{person_id}/party-membership",
                            {"is_party_member": True, "since": "2015-07-01"})
        assert marked["is_party_member"] is True
    candidates = f"/api/v1/compounds/{fenghuang['id']}/reserve-candidates"
    for index, person_id in enumerate(people):
        screening = {"person_id": person_id, "screened_on": "2026-11-20",
                     "positions": ["owners_committee_chair" if index == 0 else "owners_committee_member"]}
        if index == 5:  # the sixth owner has not paid the property fees (O5)
            screening["unpaid_property_fees"] = True
        candidate = story.post("huian-community", candidates, screening, status=201)
        assert candidate["eligible"] is (index != 5), candidate
    member = [{"person_id": person_id, "role": "chair" if index == 0 else "member", "is_owner": True}
              for index, person_id in enumerate(people)]
    formation = {"compound_id": fenghuang["id"], "kind": "owners_committee", "term_start": "2026-12-01",
                 "term_end": "2031-11-30"}
    story.refused("huian-street", "/api/v1/committees", formation | {"members": member[:4]}, 400,
                  field="members", rule="O1")
    story.refused("huian-street", "/api/v1/committees", formation | {"members": member[:4] + member[5:]}, 409,
                  rule="O5")
    formed = story.post("huian-street", "/api/v1/committees", formation | {"members": member[:5]}, status=201)
    committee = formed["committee"]
    assert committee["is_red"] is True and len(committee["members"]) == 5
    assert [m["is_party_member"] for m in committee["members"]] == [True, True, True, False, False]

    cadre = story.person("huian-community")
    story.post("huian-street", f"/api/v1/compounds/{fenghuang['id']}/cadre-links",
               {"person_id": cadre, "post": "社区两委委员", "start_on": "2026-12-01"}, status=201)
    coverage = story.get("huian-officer", f"/api/v1/coverage/{HUIAN}")
    assert coverage["compounds"] >= 1 and coverage["owners_committees"] == 1, coverage
    assert coverage["red_owners_committees"] == 1 and coverage["compounds_with_linked_cadre"] == 1, coverage


def drain_case_runs_the_closed_loop_through_the_company(story: Story, fenghuang: dict[str, Any]) -> None:
    resident = demo_owners("1")[0]
    filed = story.post("huian-12345", "/api/v1/complaints", {
        "compound_id": fenghuang["id"], "category": "drain_blockage", "channel": "hotline_12345",
        "external_id": "12345-20261204-0001", "description": "1号楼下水道堵塞，污水外溢",
        "reporter": {"name": resident["name"], "phone": resident["phone"]}}, status=201)["case"]
    case = f"/api/v1/complaints/{filed['case_id']}"
    assert filed["state"] == "submitted" and filed["ticket_no"]
    story.post("huian-community", f"{case}/accept")
    dispatched = story.post("huian-community", f"{case}/dispatch", {"assignee_kind": "company"})
    company_id = dispatched["assignee"]["assignee_id"]
    assert dispatched["state"] == "dispatched"
    # A1: the community does not take on what is dispatched to the company
    story.refused("huian-community", f"{case}/start", None, 403, detail="company_staff")
    back = story.post("huian-company", f"{case}/send-back", {"reason": "疑似市政管网问题，请社区核实"})
    assert back["state"] == "accepted"
    story.post("huian-community", f"{case}/dispatch", {"assignee_kind": "company"})
    story.post("huian-company", f"{case}/start")
    story.post("huian-company", f"{case}/resolve", {"summary": "已疏通1号楼排污管"})
    story.post("huian-company", f"{case}/reply", {"message": "已疏通，请查看"})
    story.post("huian-12345", f"{case}/callback", {"valid": True, "contacted": True, "solved": False,
                                                  "satisfaction": "unsatisfied", "note": "仍有异味"})
    reopened = story.post("huian-12345", f"{case}/close")
    assert reopened["reopened"] is True and reopened["case"]["reopen_count"] == 1
    story.post("huian-company", f"{case}/start")
    story.post("huian-company", f"{case}/resolve", {"summary": "更换破损管段"})
    story.post("huian-company", f"{case}/reply", {"message": "已更换破损管段"})
    story.post("huian-12345", f"{case}/callback", {"valid": True, "contacted": True, "solved": True,
                                                  "satisfaction": "satisfied"})
    closed = story.post("huian-12345", f"{case}/close")
    assert closed["reopened"] is False and closed["case"]["state"] == "closed"

    # the unsatisfied callback is a credit record of the company (by event, in the ratings service)
    records = eventually(lambda: story.get("huian-company", f"/api/v1/ratings/companies/{company_id}/records")["items"])
    assert [(r["kind"], r["points"]["display"]) for r in records] == [("complaint_unsatisfied", "-1.0")]
    assert filed["case_id"] in records[0]["note"]


def five_reporters_make_a_collective_case(story: Story, fenghuang: dict[str, Any]) -> None:
    owners = demo_owners("1")
    resident = owners[0]
    filed = story.post("huian-resident", "/api/v1/complaints", {
        "compound_id": fenghuang["id"], "category": "lifts", "channel": "mobile",
        "description": "1号楼电梯停运三天", "reporter": {"name": resident["name"], "phone": resident["phone"]}},
        status=201)["case"]
    assert filed["reporter_person_id"] == story.person("huian-resident")  # A5: filed as himself
    original = filed["case_id"]
    story.post("huian-community", f"/api/v1/complaints/{original}/accept")
    for index, caller in enumerate(owners[1:5]):
        call = story.post("huian-12345", "/api/v1/complaints", {
            "compound_id": fenghuang["id"], "category": "lifts", "channel": "hotline_12345",
            "external_id": f"12345-20261204-01{index}", "description": "1号楼电梯坏了",
            "reporter": {"name": caller["name"], "phone": caller["phone"]}}, status=201)
        assert original in call["duplicate_candidate_ids"]
        story.post("huian-community", f"/api/v1/complaints/{call['case']['case_id']}/reject",
                   {"reason": "duplicate", "duplicate_of": original})
    case = story.get("huian-community", f"/api/v1/complaints/{original}")
    assert len(case["reporters"]) == 5 and case["collective"] is True
    assert case["tier"] == "street"  # C4: a collective case goes one tier up


def building_one_repairs_with_the_owners_vote(story: Story, city: LocalStack, fenghuang: dict[str, Any]) -> None:
    compound = fenghuang["id"]
    roster = story.get("huian-community", f"/api/v1/compounds/{compound}/roster")
    [building] = [b for b in story.get("huian-community", f"/api/v1/compounds/{compound}/buildings")
                  if b["code"] == "1"]
    account_path = f"/api/v1/funds/compounds/{compound}/maintenance-account"
    account = story.post("huian-community", account_path,
                         {"rate_fen_per_m2": 3000, "construction_cost_fen_per_m2": 50000}, status=201)
    # F2, A4: one sub-account per household of the registry's roster, none from the client
    assert {s["household_id"] for s in account["sub_accounts"]} == {u["unit_id"] for u in roster["units"]}
    units = [u for u in roster["units"] if u["building_id"] == building["id"]]
    for unit in units:
        deposit = story.post("huian-community", f"{account_path}/first-deposits", {"household_id": unit["unit_id"]},
                             status=201)
        assert deposit["sub_account"]["first_deposit_fen"] == 3000 * unit["area_dm2"] // 100  # F1
    deposited = sum(3000 * unit["area_dm2"] // 100 for unit in units)
    assert story.get("huian-community", account_path)["balance_fen"] == deposited

    mini = f"/api/v1/funds/compounds/{compound}/mini-fund"
    story.post("huian-community", mini, {"rate_fen_per_m2_month": 30}, status=201)  # ¥0.30/m²/month (P4)
    surcharge = story.post("huian-community", f"{mini}/surcharges", {"months": 1}, status=201)
    assert surcharge["amount_fen"] == sum((30 * u["area_dm2"] + 50) // 100 for u in roster["units"])

    application = story.post("huian-community", "/api/v1/use-applications", {
        "compound_id": compound, "plan": "1号楼外墙渗漏维修", "budget_fen": 4_000_000,
        "building_ids": [building["id"]]}, status=201)
    use = f"/api/v1/use-applications/{application['application_id']}"
    vote = story.post("huian-community", f"{use}/vote")["vote"]
    assert vote["electorate"]["owners"] == 16 and vote["building_ids"] == [building["id"]]  # V4, V6
    ballots = f"/api/v1/votes/{vote['vote_id']}/ballots"

    owners = demo_owners("1")
    someone_else = my_votes(story, owners[1]["phone"])[0]["owner_key"]
    story.refused(owners[0]["phone"], ballots, {"owner_key": someone_else, "choice": "yes"}, 403, rule="A2")
    voters = owners[:13]  # 13 people, 11 owners: 1-104 and 1-303 are held jointly
    for row in voters:
        who = "huian-coowner" if row["phone"] == "13800000004" else row["phone"]  # 王文斌 has an account
        [mine] = [v for v in my_votes(story, who) if v["vote"]["vote_id"] == vote["vote_id"]]
        assert mine["matter_label"] and mine["quorum_share"]["percent"] == "66.7%"
        choice = "no" if row["phone"] == "13800000011" else "yes"
        cast = story.post(who, ballots, {"owner_key": mine["owner_key"], "choice": choice}, status=201)
        assert cast["choice"] == choice
    closed = story.post("huian-community", f"/api/v1/votes/{vote['vote_id']}/close")
    result = closed["result"]
    assert closed["state"] == "closed" and closed["objection_deadline"]  # V8: preliminary
    assert (result["participating"]["owners"], result["yes"]["owners"], result["no"]["owners"]) == (11, 10, 1)
    assert result["passed"] is True and result["on_paper"]["owners"] == 0
    # V7: the co-owner who voted last (许志强, 1-104) decided their joint ballot; V2: 11 of 16 owners take part
    assert result["participating_owner_share"]["percent"] == "68.8%"

    objector = owners[13]["phone"]
    objection = story.post(objector, f"/api/v1/votes/{vote['vote_id']}/objections", {"reason": "未收到投票通知"},
                           status=201)
    story.refused("huian-community", f"/api/v1/votes/{vote['vote_id']}/finalise", None, 409, rule="V8")
    objection_id = objection["objection"]["objection_id"]
    assert objection["vote"]["state"] == "closed" and objection["objection"]["answer"] == ""
    story.post("huian-community", f"/api/v1/votes/{vote['vote_id']}/objections/{objection_id}/answer",
               {"answer": "通知已于12月1日张贴于1号楼大堂并短信送达"})
    objection_period_passes(city, vote["vote_id"])
    final = story.post("huian-community", f"/api/v1/votes/{vote['vote_id']}/finalise")
    assert final["state"] == "final"

    story.post("huian-community", f"{use}/works")
    cost = 3_876_543
    story.post("huian-community", f"{use}/payment-request", {"actual_cost_fen": cost,
                                                            "settlement_audit": "惠审〔2026〕118号"})
    story.refused("huian-community", f"{use}/payment", {"approved_by": "housing_authority"}, 403)
    paid = story.post("huian-officer", f"{use}/payment", {"approved_by": "housing_authority"})
    assert paid["application"]["state"] == "paid"
    charges = {c["household_id"]: c["amount_fen"] for c in paid["charges"]}
    assert set(charges) == {u["unit_id"] for u in units} and sum(charges.values()) == cost  # F4, to the fen
    area = sum(u["area_dm2"] for u in units)
    for unit in units:
        assert abs(charges[unit["unit_id"]] - Fraction(cost * unit["area_dm2"], area)) < 1
    assert story.get("huian-community", account_path)["balance_fen"] == deposited - cost

    verified = story.get("city-auditor", f"/api/v1/ledgers/{account['ledger_id']}/verification")
    assert verified["intact"] is True, verified


def my_votes(story: Story, who: str) -> list[dict[str, Any]]:
    answer = story.get(who, "/api/v1/me/votes")
    return list(answer["items"] if isinstance(answer, dict) else answer)


def emergency_repair_without_a_vote(story: Story, fenghuang: dict[str, Any]) -> None:
    [building] = [b for b in story.get("huian-community", f"/api/v1/compounds/{fenghuang['id']}/buildings")
                  if b["code"] == "1"]
    application = story.post("huian-community", "/api/v1/use-applications", {
        "compound_id": fenghuang["id"], "plan": "1号楼排水主管堵塞抢修", "budget_fen": 800_000,
        "building_ids": [building["id"]], "emergency": "drain_blockage"}, status=201)
    use = f"/api/v1/use-applications/{application['application_id']}"
    story.refused("huian-community", f"{use}/vote", None, 409)  # F6: no vote
    story.post("huian-community", f"{use}/committee-review", {"reference": "业委会2026第9次会议纪要"})
    story.post("huian-street", f"{use}/street-confirmation", {"reference": "螺城镇确认〔2026〕31号"})
    story.post("huian-community", f"{use}/works")
    story.post("huian-community", f"{use}/payment-request", {"actual_cost_fen": 760_000})
    paid = story.post("huian-officer", f"{use}/payment", {"approved_by": "housing_authority"})
    assert sum(c["amount_fen"] for c in paid["charges"]) == 760_000
    done = story.post("huian-community", f"{use}/completion", {"disclosure": "已于小区公告栏公示抢修费用明细"})
    assert done["state"] == "completed" and done["disclosure"]


def committee_expenses_through_both_reviewers(story: Story, fenghuang: dict[str, Any]) -> None:
    story.post("huian-community", f"/api/v1/funds/compounds/{fenghuang['id']}/common-income",
               {"source": "parking", "amount_fen": 500_000, "memo": "2026年11月停车费"}, status=201)
    # the committee's chair (陈建国, chosen in the committee step) spends the committee's money, in that seat
    chair = demo_owners("1")[0]["phone"]
    [seat] = [post["post_id"] for post in story.get(chair, "/api/v1/me")["posts"] if post["kind"] == "committee_member"]
    expense = {"compound_id": fenghuang["id"], "amount_fen": 120_000, "purpose": "业委会办公用品"}
    story.refused("huian-community", "/api/v1/committee-expenses", expense, 403, rule="role")  # A1: not the committee
    story.refused(chair, "/api/v1/committee-expenses", expense, 403, rule="role")  # as an owner, not in the seat
    expenses = []
    for purpose, amount in (("业委会办公用品", 120_000), ("业委会委员聚餐", 300_000)):
        submitted = story.post(chair, "/api/v1/committee-expenses", expense | {"amount_fen": amount, "purpose": purpose},
                               status=201, acting_in=seat)
        assert submitted["submitted_by"] == story.person(chair)
        expenses.append(submitted["expense_id"])
    supplies, dinner = (f"/api/v1/committee-expenses/{e}" for e in expenses)
    story.refused("huian-community", f"{supplies}/reviews", {"approve": True}, 403)  # A3: holds no reviewer post
    story.refused("huian-rc-reviewer", f"{supplies}/reviews", {"approve": True}, 409)  # P2: the branch first
    story.post("huian-party-reviewer", f"{supplies}/reviews", {"approve": True})  # no reason needed
    story.post("huian-rc-reviewer", f"{supplies}/reviews", {"approve": True})
    paid = story.post("huian-community", f"{supplies}/payment")
    assert paid["expense"]["state"] == "paid"

    story.refused("huian-party-reviewer", f"{dinner}/reviews", {"approve": False}, 400, field="reason")
    rejected = story.post("huian-party-reviewer", f"{dinner}/reviews",
                          {"approve": False, "reason": "不属于业委会工作经费开支范围"})
    assert rejected["state"] == "rejected"
    story.refused("huian-community", f"{dinner}/payment", None, 409)


def joint_inspection_orders_and_rechecks(story: Story, fenghuang: dict[str, Any]) -> None:
    story.post("city-admin", "/api/v1/enforcement/catalogue", {"rows": [
        {"code": "LIFT-01", "lead_department": "housing", "content": "电梯年检是否有效",
         "legal_basis": "《特种设备安全法》", "standard": "年检合格", "frequency": "annual"},
        {"code": "FIRE-01", "lead_department": "fire_rescue", "content": "消防通道是否畅通",
         "legal_basis": "《消防法》", "standard": "通道畅通", "frequency": "quarterly"}]})
    teams = [{"department": "housing", "inspector_ids": [story.person("huian-housing")]},
             {"department": "fire_rescue", "inspector_ids": [story.person("huian-fire-rescue")]}]
    today = dt.datetime.now(SHANGHAI).date()  # results are recorded on the visit day (E2)
    plan_body = {"kind": "routine", "basis": "第四季度综合查一次", "visit_date": today.isoformat(),
                 "compound_ids": [fenghuang["id"]], "teams": teams}
    plan = story.post("huian-officer", "/api/v1/enforcement/plans", plan_body, status=201)
    assert sorted(line["item_code"] for line in plan["checklist"]) == ["FIRE-01", "LIFT-01"]
    story.refused("huian-officer", "/api/v1/enforcement/plans", plan_body | {"visit_date": (today + dt.timedelta(days=10)).isoformat()},
                  409,
                  field="visit_date", rule="E3")
    inspection = f"/api/v1/enforcement/inspections/{plan['visits'][0]['inspection_id']}"
    failed = {"item_code": "LIFT-01", "outcome": "fail", "severity": "major", "evidence_refs": ["photo-lift-1"]}
    story.refused("huian-fire-rescue", f"{inspection}/results", failed, 403)  # A1: not the fire department's item
    story.post("huian-housing", f"{inspection}/results", failed)
    story.post("huian-fire-rescue", f"{inspection}/results", {"item_code": "FIRE-01", "outcome": "pass"})
    completed = story.post("huian-housing", f"{inspection}/completion", {
        "orders": [{"item_code": "LIFT-01", "addressee": "company", "deadline_working_days": 5}]})
    [order] = completed["orders"]
    assert order["state"] == "issued"
    rechecked = story.post("huian-housing", f"/api/v1/enforcement/orders/{order['order_id']}/rechecks", {
        "inspection_id": plan["visits"][0]["inspection_id"], "passed": True,
        "early_reason": "物业公司报告已完成电梯年检"})
    assert rechecked["state"] == "rectified"


def the_task_force_supervises_the_campaign(story: Story) -> None:
    """Seed 000 from the demo data: 69 tasks in 11 areas, the "19+2" special actions, 13 rectification lists
    with 24 items; the company handles an item, the task force closes it, and its 回头看 reopens it."""
    county = "350500/350521"
    lists = story.get("huian-officer", "/api/v1/supervision/task-lists", jurisdiction_path=county, page_size=500)
    [main] = [found for found in lists["items"] if found["kind"] == "task_list"]
    assert (main["task_count"], main["areas"]) == (69, 11)
    origins = sorted(found.get("origin") for found in lists["items"] if found["kind"] == "special_action")
    assert origins == ["city"] * 19 + ["county"] * 2
    rectification = story.get("huian-officer", "/api/v1/supervision/rectification-lists", jurisdiction_path=county,
                              page_size=500)["items"]
    assert (len(rectification), sum(found["item_count"] for found in rectification)) == (13, 24)

    queue = story.get("huian-company", "/api/v1/supervision/rectification-items", jurisdiction_path=county,
                      state="assigned")["items"]
    item = queue[0]
    path = f"/api/v1/supervision/rectification-items/{item['item_id']}"
    story.refused("huian-street", f"{path}/handling", {"action_taken": "已整改"}, 403, rule="A1")
    story.post("huian-company", f"{path}/handling", {"action_taken": "已完成公示并拍照留存"})
    assert story.post("huian-officer", f"{path}/feedback", {"satisfied": True})["state"] == "closed"
    reopened = story.post("huian-officer", f"{path}/review", {"confirmed": False, "note": "回头看发现公示已撤除"})
    assert reopened["state"] == "reopened"
    today = dt.datetime.now(SHANGHAI).date()
    figures = story.get("huian-officer", "/api/v1/supervision/figures", jurisdiction_path=county,
                        start_date=today.isoformat(), end_date=(today + dt.timedelta(days=120)).isoformat())
    # the demo's street reported six of its tasks; two company items were closed, and now one is reopened
    assert (figures["tasks"], figures["tasks_done_on_time"], figures["task_lists"]) == (90, 6, 22)
    assert (figures["items"], figures["items_closed"], figures["items_reopened"]) == (24, 2, 1)
    company = next(one for one in figures["addressees"] if one["addressee"]["kind"] == "company")
    assert company["items_closed"] == 2 and company["completion_rate"]["percent"]

    def reopened_record() -> list[dict[str, Any]]:
        company_id = item["addressee"]["id"]
        records = story.get("huian-officer", f"/api/v1/ratings/companies/{company_id}/records")
        return [record for record in records["items"] if record["kind"] == "supervision_reopened"]

    assert eventually(reopened_record), "ratings never charged the company for the reopened item (S3 → R2)"

    # the demo's five-party meeting (M1): 张物业 does the company's follow-up and the matter is solved (M2)
    [meeting] = story.get("huian-officer", "/api/v1/consultations/meetings", jurisdiction_path=county)["items"]
    [follow_up] = meeting["matters"][0]["follow_ups"]
    done = story.post("huian-company", f"/api/v1/consultations/meetings/{meeting['meeting_id']}/follow-ups/"
                      f"{follow_up['follow_up_id']}/completion", {"result": "各楼道堆物已清理"})
    assert [matter["solved"] for matter in done["matters"]] == [True, False]
    figures = story.get("huian-officer", "/api/v1/consultations/figures", jurisdiction_path=county,
                        start_date=today.isoformat(), end_date=today.isoformat())
    assert (figures["matters"], figures["decisions"], figures["solved"]) == (2, 1, 1)


def county_reads_lists_dashboard_and_the_public_page(story: Story, fenghuang: dict[str, Any]) -> None:
    lists = story.post("huian-officer", "/api/v1/ratings/lists", {"jurisdiction_path": "350500/350521",
                                                                   "quarter": "2026Q3"}, status=201)
    [standing] = lists["standings"]  # the demo company, as it stood at the end of the third quarter
    assert lists["quarter"] == "2026Q3" and fenghuang["id"] in standing["compound_ids"], lists
    assert (standing["band"], standing["score"]["display"]) == ("a", "70.0")

    def dashboard() -> dict[str, Any] | None:
        read = story.get("huian-officer", f"/api/v1/views/counties/{HUIAN}/dashboard")
        return read if read["enforcement"]["rectified"] == 1 else None  # the figures follow the events

    read = eventually(dashboard)
    assert read is not None, "the county dashboard never showed the rectified order"
    complaints, coverage = read["complaints"], read["coverage"]
    # six filed (a drain call, a lift report and four duplicate calls); the drain case closed, counted once by
    # its final, satisfied callback (C5), at the community tier
    assert (complaints["submitted"], complaints["closed"], complaints["valid_callbacks"]) == (6, 1, 1)
    assert complaints["satisfaction_rate"]["percent"] == "100.0%"
    assert (coverage["red_committee_share"]["percent"], coverage["owners_committees"]) == ("100.0%", 1)
    assert (read["enforcement"]["problems_found"], read["lists_quarter"]) == (1, "2026Q3")
    public = story.client.get(f"/api/v1/public/compounds/{fenghuang['id']}/transparency")
    page = story.client.get(f"/c/{fenghuang['id']}")
    assert public.status_code == 200 and page.status_code == 200
    for owner in demo_owners("1"):
        for text in (public.text, page.text):
            assert owner["phone"] not in text and owner["name"] not in text
            assert not owner["id_number"] or owner["id_number"] not in text
