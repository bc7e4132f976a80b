"""The rest of the services' RPCs through /api/v1 (issue 8), over the real services: people are masked
unless revealed for a stated purpose, companies page and change their party organisation mode, the
mini and neighbour funds move money, the catalogue imports JSON rows all or nothing, inspectors are
assigned to a plan; refusals are problem+json naming the field.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.gateway_world import (
    add_owned_households,
    configure_funds,
    funds_definition,
    register_compound,
    register_hierarchy,
    register_serving_company,
)
from tests.platform import StartService, definition, gateway_for
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.workbooks import XLSX

PROBLEM = "application/problem+json"


@pytest.fixture
async def platform(database_url_factory, nats_server: EmbeddedNats, start_service: StartService):
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    funds = await start_service(funds_definition(await database_url_factory("funds"), nats_server.url, registry.port))
    enforcement = await start_service(
        definition("enforcement", await database_url_factory("enforcement"), nats_server.url))
    ratings = await start_service(definition("ratings", await database_url_factory("ratings"), nats_server.url))
    apps = {"registry": registry, "funds": funds, "enforcement": enforcement, "ratings": ratings}
    async with gateway_for(apps) as gateway:
        await register_hierarchy(gateway)
        yield gateway


async def test_people_are_masked_unless_revealed_and_companies_page_and_change_mode(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    body = {"community_code": "350521100001", "name": "张三丰", "phone": "13800000001"}
    keyed = admin | {"Idempotency-Key": "person-1"}
    first = await gateway.client.post("/api/v1/people", json=body, headers=keyed)
    retried = await gateway.client.post("/api/v1/people", json=body, headers=keyed)
    assert first.status_code == retried.status_code == 201, first.text
    assert retried.json()["id"] == first.json()["id"]
    person_id = first.json()["id"]

    masked = await gateway.client.get(f"/api/v1/people/{person_id}", headers=admin)
    assert masked.status_code == 200, masked.text
    assert masked.json()["phone"] != "13800000001" and "0001" in masked.json()["phone"]
    community = await gateway.token("huian-community")
    refused = await gateway.client.get(f"/api/v1/people/{person_id}", headers=admin,
                                       params={"reveal_personal_data": True, "purpose": "核实业主身份"})
    assert refused.status_code == 403, refused.text
    revealed = await gateway.client.get(f"/api/v1/people/{person_id}", headers=community,
                                        params={"reveal_personal_data": True, "purpose": "核实业主身份"})
    assert revealed.status_code == 200, revealed.text
    assert revealed.json()["phone"] == "13800000001" and revealed.json()["name"] == "张三丰"
    # A5: the community looks people up by phone; nobody else does, the city's administrator included
    found = await gateway.client.post("/api/v1/people/search", headers=community,
                                      json={"jurisdiction_code": "350521100001", "phone": "13800000001"})
    assert found.status_code == 200, found.text
    assert [p["id"] for p in found.json()["people"]] == [person_id]
    searched = await gateway.client.post("/api/v1/people/search", headers=admin,
                                         json={"jurisdiction_code": "350521", "phone": "13800000001"})
    assert searched.status_code == 403 and searched.json()["rule"] == "role"

    no_name = await gateway.client.post("/api/v1/people", json=body | {"name": ""}, headers=admin)
    assert no_name.status_code == 400 and no_name.headers["content-type"] == PROBLEM
    assert no_name.json()["field"] == "name"

    compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
    renamed = await gateway.client.post(f"/api/v1/compounds/{compound['id']}", headers=admin,
                                        json={"name": "凤凰城一期", "compound_type": "commodity",
                                              "management_mode": "company"})
    assert renamed.status_code == 200, renamed.text
    detail = await gateway.client.get(f"/api/v1/compounds/{compound['id']}", headers=admin)
    assert detail.json()["compound"]["name"] == "凤凰城一期"

    first_company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
    second = await gateway.client.post("/api/v1/companies", headers=admin, json={
        "jurisdiction_code": "350521", "uscc": "91350521MA2YC4XL2R", "name": "惠安第二物业", "party_org_mode": "none"})
    assert second.status_code == 201, second.text
    page = await gateway.client.get("/api/v1/companies", params={"jurisdiction_code": "350521", "page_size": 1},
                                    headers=admin)
    assert page.status_code == 200 and len(page.json()["items"]) == 1 and page.json()["next_page_token"], page.text
    rest = await gateway.client.get("/api/v1/companies", headers=admin, params={
        "jurisdiction_code": "350521", "page_size": 1, "page_token": page.json()["next_page_token"]})
    assert {page.json()["items"][0]["id"], rest.json()["items"][0]["id"]} == {first_company["id"],
                                                                              second.json()["id"]}
    changed = await gateway.client.post(f"/api/v1/companies/{first_company['id']}/party-org-mode", headers=admin,
                                        json={"party_org_mode": "joint_branch", "effective_from": dt.date.today().isoformat()})
    assert changed.status_code == 200, changed.text
    company = await gateway.client.get(f"/api/v1/companies/{first_company['id']}", headers=admin)
    assert company.json()["party_org_mode"] == "joint_branch"


async def test_mini_and_neighbour_funds_move_money_through_rest(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
    building = (await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                          json={"code": "3", "name": "3号楼"}, headers=admin)).json()
    await add_owned_households(gateway.apps["registry"].port, building["id"], 2)
    households = await gateway.client.get(f"/api/v1/compounds/{compound['id']}/households",
                                          params={"page_size": 1}, headers=admin)
    assert households.status_code == 200 and len(households.json()["items"]) == 1, households.text
    household = households.json()["items"][0]
    await configure_funds(gateway, compound)

    mini = f"/api/v1/funds/compounds/{compound['id']}/mini-fund"
    opened = await gateway.client.post(mini, json={"rate_fen_per_m2_month": 5}, headers=admin)
    assert opened.status_code == 201, opened.text
    collected = await gateway.client.post(f"{mini}/surcharges", headers=admin | {"Idempotency-Key": "mini-1"},
                                          json={"household_id": household["id"], "months": 12})
    assert collected.status_code == 201, collected.text
    # A4: charged on the registry's exclusive area (5 fen × 89.57 m² = 447.85, rounded per month)
    assert collected.json()["amount_fen"] == 448 * 12
    repaired = await gateway.client.post(f"{mini}/repairs", headers=admin,
                                         json={"amount_fen": 3500, "purpose": "更换楼道灯"})
    assert repaired.status_code == 201, repaired.text
    summary = (await gateway.client.get(mini, headers=admin)).json()["summary"]
    assert (summary["income_fen"], summary["repairs_paid_fen"], summary["surplus_fen"]) == (5376, 3500, 1876)

    fund = await gateway.client.post("/api/v1/neighbour-funds", headers=admin, json={
        "level": "county", "jurisdiction_path": "350500/350521", "name": "惠安县邻里基金"})
    assert fund.status_code == 201, fund.text
    fund_path = f"/api/v1/neighbour-funds/{fund.json()['fund_id']}"
    donated = await gateway.client.post(f"{fund_path}/donations", headers=admin,
                                        json={"source": "residents", "amount_fen": 20000, "memo": "爱心捐赠"})
    assert donated.status_code == 201, donated.text
    overspent = await gateway.client.post(f"{fund_path}/spending", headers=admin,
                                          json={"amount_fen": 50000, "purpose": "慰问困难住户"})
    assert overspent.status_code in (400, 409) and overspent.json()["field"] == "amount_fen", overspent.text
    spent = await gateway.client.post(f"{fund_path}/spending", headers=admin,
                                      json={"amount_fen": 5000, "purpose": "慰问困难住户"})
    assert spent.status_code == 201, spent.text
    assert (await gateway.client.get(fund_path, headers=admin)).json()["balance_fen"] == 15000


async def test_catalogue_imports_json_rows_and_inspectors_are_assigned(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    row = {"code": "LIFT-01", "lead_department": "housing", "content": "电梯年检是否有效",
           "legal_basis": "《特种设备安全法》", "standard": "年检合格", "frequency": "annual"}
    bad = await gateway.client.post("/api/v1/enforcement/catalogue", headers=admin,
                                    json={"rows": [row, row | {"code": "FIRE-01", "lead_department": "nobody"}]})
    assert bad.status_code == 200, bad.text
    assert bad.json()["imported"] == 0
    assert [(e["row"], e["field"]) for e in bad.json()["errors"]] == [(2, "lead_department")]
    items = await gateway.client.get("/api/v1/enforcement/items", headers=admin)
    assert items.json() == []
    good = await gateway.client.post("/api/v1/enforcement/catalogue", headers=admin, json={"rows": [row]})
    assert good.status_code == 200 and good.json() == {"imported": 1, "errors": [], "near_duplicates": []}, good.text
    items = await gateway.client.get("/api/v1/enforcement/items", headers=admin)
    assert [i["code"] for i in items.json()] == ["LIFT-01"]

    compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
    officer = await gateway.token("huian-officer")
    plan = None
    for _ in range(50):  # the compound reaches enforcement by event
        plan = await gateway.client.post("/api/v1/enforcement/plans", headers=officer, json={
            "kind": "routine", "basis": "第四季度联合检查", "visit_date": "2026-12-01",
            "compound_ids": [compound["id"]], "teams": [{"department": "housing", "inspector_ids": ["a"]}]})
        if plan.status_code == 201:
            break
        await asyncio.sleep(0.1)
    assert plan is not None
    assert plan.status_code == 201, plan.text
    assigned = await gateway.client.post(f"/api/v1/enforcement/plans/{plan.json()['plan_id']}/inspectors",
                                         headers=officer,
                                         json={"department": "housing", "inspector_ids": ["huian-housing"]})
    assert assigned.status_code == 200, assigned.text
    teams = {t["department"]: t["inspector_ids"] for t in assigned.json()["teams"]}
    assert teams["housing"] == ["huian-housing"]
    overdue = await gateway.client.get("/api/v1/enforcement/overdue-orders", headers=officer,
                                       params={"jurisdiction_path": "350500/350521"})
    assert overdue.status_code == 200 and overdue.json() == {"items": [], "next_page_token": ""}, overdue.text


async def test_ratings_rule_versions_and_stars_through_rest(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    before = await gateway.client.get("/api/v1/ratings/rule-versions", headers=admin)
    assert before.status_code == 200, before.text
    added = await gateway.client.post("/api/v1/ratings/rule-versions", headers=admin, json={
        "city_path": "350500", "version": "2027", "effective_from": "2027-01-01", "base_score": 100})
    assert added.status_code == 201, added.text
    after = await gateway.client.get("/api/v1/ratings/rule-versions", headers=admin)
    assert [v["version"] for v in after.json()] == [*(v["version"] for v in before.json()), "2027"]
    late = await gateway.client.post("/api/v1/ratings/rule-versions", headers=admin, json={
        "city_path": "350500", "version": "2027b", "effective_from": "not-a-date", "base_score": 100})
    assert late.status_code == 400 and late.json()["field"] == "effective_from", late.text


async def test_R1_a_rule_version_sent_without_its_optional_base_score_keeps_the_latest_one(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    latest = (await gateway.client.get("/api/v1/ratings/rule-versions", headers=admin)).json()[-1]
    added = await gateway.client.post("/api/v1/ratings/rule-versions", headers=admin, json={
        "city_path": "350500", "version": "2028", "effective_from": "2028-01-01"})
    assert added.status_code == 201, added.text
    assert added.json()["base_score"] == latest["base_score"]  # left out, not 0
    zero = await gateway.client.post("/api/v1/ratings/rule-versions", headers=admin, json={
        "city_path": "350500", "version": "2029", "effective_from": "2029-01-01", "base_score": 0})
    assert zero.status_code == 201 and zero.json()["base_score"]["display"] == "0.0", zero.text  # sent, so kept


async def test_A1_an_import_refused_before_it_starts_is_a_problem_response_not_a_stream(platform) -> None:
    gateway = platform
    path = "/api/v1/registry/imports.xlsx"
    officer = await gateway.token("huian-officer")
    refused = await gateway.client.post(path, headers=officer | {"Content-Type": XLSX}, content=b"PK")
    assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json", refused.text
    admin = await gateway.token("city-admin")
    not_a_workbook = await gateway.client.post(path, headers=admin | {"Content-Type": XLSX}, content=b"PK-not-really")
    assert not_a_workbook.status_code == 400 and not_a_workbook.json()["field"] == "workbook", not_a_workbook.text
