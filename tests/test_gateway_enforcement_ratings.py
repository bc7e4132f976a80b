"""Joint inspections and company ratings through the gateway, over the real registry, enforcement and
ratings services: a compound the registry registers reaches both by event; a county officer plans the
visit, the housing inspector records a failure with a photo of it and issues an order, re-checks it, and the county sees
the figures; the company's staff appeal a credit record (their company from the token's wuye_company
claim) and the county decides it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import grpc
import jwt
import pytest

from tests.gateway_world import (
    CITY_ADMIN,
    HUIAN_COMMUNITY,
    add_housing_item,
    company_staff_token,
    enforcement_knows_serving_company,
    register_compound,
    register_hierarchy,
    register_serving_company,
)
from tests.platform import ISSUER, Gateway, StartService, definition, gateway_for
from tests.support import eventually, phone_photo
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.auth import AuthContext
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.identity import DEMO_COMPANY_ID
from wuye_ratings.entrypoints.app import build as build_ratings
from wuye_ratings.settings import RatingsSettings


@dataclass
class Platform:
    """The gateway over registry, enforcement and ratings, with one compound and the company serving it."""

    gateway: Gateway
    compound: dict[str, Any]
    company: dict[str, Any]


@pytest.fixture
async def platform(database_url_factory, nats_server: EmbeddedNats, start_service: StartService):
    apps = {
        name: await start_service(definition(name, await database_url_factory(name), nats_server.url))
        for name in ("registry", "enforcement")
    }
    # ratings asks this registry for the households residents survey (A4)
    apps["ratings"] = await start_service(build_ratings(RatingsSettings(
        database_url=await database_url_factory("ratings"), nats_url=nats_server.url, grpc_port=0,
        registry_addr=f"127.0.0.1:{apps['registry'].port}",
    )))
    async with gateway_for(apps) as gateway:
        await register_hierarchy(gateway)
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
        yield Platform(gateway, compound, company)


async def test_the_dev_company_account_carries_its_company_claim_into_the_auth_context(platform) -> None:
    issued = (await platform.gateway.client.post("/dev/token", json={"username": "huian-company"})).json()
    assert issued["company"] == DEMO_COMPANY_ID
    who = platform.gateway.app.state.verifier.verify(issued["access_token"]).claimed
    assert who.company == DEMO_COMPANY_ID and AuthContext.from_metadata(who.to_metadata()).company == DEMO_COMPANY_ID
    officer = (await platform.gateway.client.post("/dev/token", json={"username": "huian-officer"})).json()
    assert platform.gateway.app.state.verifier.verify(officer["access_token"]).claimed.company == ""


async def test_a_joint_inspection_finds_orders_rechecks_and_counts(platform) -> None:
    gateway = platform.gateway
    await add_housing_item(gateway.apps["enforcement"].port)
    officer = await gateway.token("huian-officer")
    items = await gateway.client.get("/api/v1/enforcement/items", params={"department": "housing"}, headers=officer)
    assert [i["code"] for i in items.json()] == ["LIFT-01"] and items.json()[0]["frequency"] == "annual"
    plan_body = {"kind": "routine", "basis": "第四季度联合检查", "visit_date": "2026-12-01",
                 "compound_ids": [platform.compound["id"]],
                 "teams": [{"department": "housing", "inspector_ids": ["huian-housing"]}]}

    # once the compound and its contract have reached enforcement by event
    await eventually(lambda: enforcement_knows_serving_company(gateway, platform.compound, platform.company))
    planned = await gateway.client.post("/api/v1/enforcement/plans", json=plan_body,
                                        headers=officer | {"Idempotency-Key": "plan-q4"})
    assert planned.status_code == 201, planned.text
    plan = planned.json()
    assert [line["item_code"] for line in plan["checklist"]] == ["LIFT-01"]
    assert (await gateway.client.get(f"/api/v1/enforcement/plans/{plan['plan_id']}", headers=officer)).json() == plan
    inspection_id = plan["visits"][0]["inspection_id"]

    housing = await gateway.token("huian-housing")
    inspection_path = f"/api/v1/enforcement/inspections/{inspection_id}"
    # the inspector's photo of the lapsed lift certificate, over the 1 MB a JSON body may be
    taken = phone_photo(4000, 3000)
    taken += b"\0" * max(0, 1_500_000 - len(taken))
    uploaded = await gateway.client.post("/api/v1/enforcement/evidence-photos", content=taken,
                                         headers=housing | {"content-type": "image/jpeg"})
    assert uploaded.status_code == 201, uploaded.text
    photo = uploaded.json()
    assert (photo["width"], photo["height"]) == (2560, 1920)
    recorded = await gateway.client.post(f"{inspection_path}/results", headers=housing, json={
        "item_code": "LIFT-01", "outcome": "fail", "severity": "major",
        "evidence_refs": [f"photo:{photo['photo_id']}", "电梯使用标志过期"]})
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["results"][0]["evidence_refs"] == [f"photo:{photo['photo_id']}", "电梯使用标志过期"]
    address = f"{inspection_path}/photos/{photo['photo_id']}"
    shown = await gateway.client.get(address, headers=officer)
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert hashlib.sha256(shown.content).hexdigest() == photo["sha256"]
    assert shown.headers["cache-control"] == "private, max-age=3600"
    assert (await gateway.client.get(address, headers=await gateway.token("anxi-officer"))).status_code == 403
    completed = await gateway.client.post(f"{inspection_path}/completion", headers=housing, json={
        "orders": [{"item_code": "LIFT-01", "addressee": "company", "deadline_working_days": 5}]})
    assert completed.status_code == 200, completed.text
    [order] = completed.json()["orders"]
    assert order["state"] == "issued" and order["addressee_id"] == platform.company["id"]
    assert (await gateway.client.get(f"{inspection_path}", headers=officer)).json()["state"] == "completed"

    order_path = f"/api/v1/enforcement/orders/{order['order_id']}"
    early = await gateway.client.post(f"{order_path}/rechecks", headers=housing,
                                      json={"inspection_id": inspection_id, "passed": True})
    assert early.status_code == 409 and early.json()["field"] == "early_reason"  # before the deadline: why?
    rechecked = await gateway.client.post(f"{order_path}/rechecks", headers=housing,
                                          json={"inspection_id": inspection_id, "passed": True,
                                                "early_reason": "物业公司报告已完成整改"})
    assert rechecked.status_code == 200 and rechecked.json()["state"] == "rectified", rechecked.text
    assert (await gateway.client.get(order_path, headers=officer)).json()["state"] == "rectified"
    refused = await gateway.client.post(f"{order_path}/escalation", headers=officer,
                                         json={"kind": "penalty_case", "department": "housing"})
    assert refused.status_code in (400, 409) and refused.json()["field"], refused.text

    figures = await gateway.client.get("/api/v1/enforcement/figures", headers=officer, params={
        "jurisdiction_path": "350500/350521", "start_date": "2026-01-01", "end_date": "2026-12-31"})
    assert figures.status_code == 200, figures.text
    assert figures.json()["problems_found"] == 1 and figures.json()["rectified"] == 1
    anxi = await gateway.token("anxi-officer")
    assert (await gateway.client.get(order_path, headers=anxi)).status_code == 403


async def test_company_staff_appeal_a_credit_record_and_the_county_decides(platform) -> None:
    gateway = platform.gateway
    company_id = platform.company["id"]
    officer = await gateway.token("huian-officer")

    async def known():
        answer = await gateway.client.get(f"/api/v1/ratings/companies/{company_id}/score-card", headers=officer)
        return answer if answer.status_code == 200 else None

    card = (await eventually(known)).json()  # once the company has reached ratings by event
    recorded = await gateway.client.post(
        f"/api/v1/ratings/companies/{company_id}/records", headers=officer | {"Idempotency-Key": "rec-1"},
        json={"kind": "illegal_charging", "occurred_on": dt.date.today().isoformat(), "note": "违规收取停车费"})
    assert recorded.status_code == 201 and recorded.json()["kind"] == "illegal_charging", recorded.text
    record = recorded.json()
    records = await gateway.client.get(f"/api/v1/ratings/companies/{company_id}/records", headers=officer)
    assert [r["record_id"] for r in records.json()["items"]] == [record["record_id"]]
    lowered = (await gateway.client.get(f"/api/v1/ratings/companies/{company_id}/score-card", headers=officer)).json()
    assert lowered["score"]["numerator"] * card["score"]["denominator"] < (
        card["score"]["numerator"] * lowered["score"]["denominator"])

    without_company = await gateway.token("huian-company")  # the demo claim names another company
    staff = company_staff_token(gateway, company_id)
    appeal = await gateway.client.post("/api/v1/ratings/appeals", headers=staff | {"Idempotency-Key": "appeal-1"},
                                       json={"record_id": record["record_id"], "grounds": "停车费经业主大会决定收取"})
    assert appeal.status_code == 201, appeal.text
    assert appeal.json()["company_id"] == company_id and appeal.json()["filed_by"].startswith("staff-of-")
    other_company = await gateway.client.post("/api/v1/ratings/appeals", headers=without_company,
                                              json={"record_id": record["record_id"], "grounds": "x"})
    assert other_company.status_code in (403, 409), other_company.text
    decided = await gateway.client.post(f"/api/v1/ratings/appeals/{appeal.json()['appeal_id']}/decision",
                                        headers=officer, json={"outcome": "upheld", "reason": "有业主大会决议"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["appeal"]["outcome"] == "upheld" and decided.json()["record"]["status"] == "withdrawn"
    staff_deciding = await gateway.client.post(f"/api/v1/ratings/appeals/{appeal.json()['appeal_id']}/decision",
                                               headers=staff, json={"outcome": "dismissed", "reason": "x"})
    assert staff_deciding.status_code == 403

    rankings = await gateway.client.get("/api/v1/ratings/rankings", params={"jurisdiction_path": "350500/350521"},
                                        headers=officer)
    assert rankings.status_code == 200 and rankings.json()["rankings"][0]["company_id"] == company_id, rankings.text


async def owner_of_a_unit(registry_port: int, compound_id: str) -> tuple[str, str]:
    """A person owning a unit of the compound, registered over gRPC (REST reads households, never writes
    them); returns (person id, household id)."""
    async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as channel:
        registry = registry_pb2_grpc.RegistryServiceStub(channel)
        admin = CITY_ADMIN.to_metadata()
        building = (await registry.AddBuilding(
            registry_pb2.AddBuildingRequest(compound_id=compound_id, code="B3", name="3号楼"), metadata=admin
        )).building
        person = (await registry.RegisterPerson(
            registry_pb2.RegisterPersonRequest(community_code=HUIAN_COMMUNITY, name="张三"), metadata=admin
        )).person
        household = (await registry.AddHousehold(registry_pb2.AddHouseholdRequest(
            building_id=building.id, unit_number="0301", area_dm2=8957,
            owners=[registry_pb2.OwnerShare(person_id=person.id, share="1")],
        ), metadata=admin)).household
    return person.id, household.id


def token_of(gateway: Gateway, person_id: str, role: str, scope: str) -> dict[str, str]:
    """A token for a registry person acting in one role (as the identity provider issues it)."""
    issuer = gateway.app.state.dev_issuer
    now = dt.datetime.now(dt.UTC)
    claims = {"iss": ISSUER, "aud": "wuye", "sub": person_id, "exp": now + dt.timedelta(hours=1),
              "roles": [role], "wuye_scope": scope}
    token = jwt.encode(claims, issuer._private_key, algorithm="RS256", headers={"kid": issuer.key_id})
    return {"Authorization": f"Bearer {token}"}


async def test_a_resident_rates_the_company_in_the_quarterly_survey(platform) -> None:
    gateway = platform.gateway
    person_id, household_id = await owner_of_a_unit(gateway.apps["registry"].port, platform.compound["id"])
    resident = token_of(gateway, person_id, "resident", platform.compound["jurisdiction_path"])
    survey = {"compound_id": platform.compound["id"], "household_id": household_id, "quarter": "2026Q4",
              "aspect_scores": [9, 8, 9, 10, 8, 9, 9, 8, 10, 9]}

    async def submitted():
        answer = await gateway.client.post("/api/v1/ratings/resident-surveys", json=survey,
                                           headers=resident | {"Idempotency-Key": "survey-0301-q4"})
        return answer if answer.status_code == 201 else None

    answer = (await eventually(submitted)).json()  # once the contract has reached ratings by event
    assert answer["quarterly"]["company_id"] == platform.company["id"]
    assert answer["quarterly"]["resident_count"] == 1
    again = await gateway.client.post("/api/v1/ratings/resident-surveys", json=survey, headers=resident)
    assert again.status_code == 409 and again.json()["rule"] == "R3", again.text  # once per household per quarter
    invented = await gateway.client.post("/api/v1/ratings/resident-surveys", headers=resident,
                                         json=survey | {"household_id": "household-0302"})
    assert invented.status_code == 404 and invented.json()["field"] == "household_id", invented.text  # A4
    someone_else = token_of(gateway, "person-not-an-owner", "resident", platform.compound["jurisdiction_path"])
    not_theirs = await gateway.client.post("/api/v1/ratings/resident-surveys", json=survey, headers=someone_else)
    assert not_theirs.status_code == 403 and not_theirs.json()["rule"] == "A1", not_theirs.text
    anxi_resident_scope = await gateway.client.post("/api/v1/ratings/resident-surveys", json=survey | {
        "household_id": "household-0302"}, headers=await gateway.token("anxi-officer"))
    assert anxi_resident_scope.status_code == 403


async def test_R7_a_county_switches_to_yearly_red_yellow_lists_through_the_gateway(platform) -> None:
    gateway = platform.gateway
    officer = await gateway.token("huian-officer")
    policy = await gateway.client.post("/api/v1/ratings/list-policy", headers=officer, json={
        "jurisdiction_path": "350500/350521", "scheme": "yearly_red_yellow", "red_percent": 10, "yellow_percent": 10})
    assert policy.status_code == 200, policy.text
    assert (policy.json()["set_for_path"], policy.json()["set_by"]) == ("350500/350521", "huian-officer")
    bad = await gateway.client.post("/api/v1/ratings/list-policy", headers=officer, json={
        "jurisdiction_path": "350500/350521", "scheme": "yearly_red_yellow", "red_percent": 60, "yellow_percent": 10})
    assert bad.status_code == 400 and (bad.json()["field"], bad.json()["rule"]) == ("policy.red_percent", "R7")
    read = await gateway.client.get("/api/v1/ratings/list-policy", headers=officer,
                                    params={"jurisdiction_path": "350500/350521/350521100"})
    assert (read.json()["scheme"], read.json()["set_for_path"]) == ("yearly_red_yellow", "350500/350521")
    async def ranked() -> bool:
        # the company reaches ratings by the registry's events
        answer = await gateway.client.get("/api/v1/ratings/rankings", headers=officer,
                                          params={"jurisdiction_path": "350500/350521"})
        return any(one["company_id"] == platform.company["id"] for one in answer.json()["rankings"])

    await eventually(ranked)
    published = await gateway.client.post("/api/v1/ratings/yearly-lists", headers=officer, json={
        "jurisdiction_path": "350500/350521", "year": 2025, "published_in": "惠安县人民政府网站"})
    assert published.status_code == 201, published.text
    lists = published.json()
    assert lists["published_in"] == "惠安县人民政府网站" and lists["red_company_ids"] == [platform.company["id"]]
    assert lists["standings"][0]["company_name"] == platform.company["name"]
