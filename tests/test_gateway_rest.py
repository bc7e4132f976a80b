"""The /api/v1 REST surface over the real registry and funds services: creates take an Idempotency-Key,
lists page by cursor, enums travel as lower-case text, bad input is problem+json naming the field, and
the OpenAPI description documents bodies, answers, the key and the problems.
"""

from __future__ import annotations

import pytest

from tests.gateway_world import (
    add_owned_households,
    configure_funds,
    funds_definition,
    register_compound,
    register_hierarchy,
)
from tests.platform import StartService, definition, gateway_for
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.workbooks import XLSX

PROBLEM = "application/problem+json"


@pytest.fixture
async def platform(database_url_factory, nats_server: EmbeddedNats, start_service: StartService):
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    funds = await start_service(funds_definition(await database_url_factory("funds"), nats_server.url, registry.port))
    async with gateway_for({"registry": registry, "funds": funds}) as gateway:
        await register_hierarchy(gateway)
        yield gateway


async def test_registry_compounds_buildings_companies_and_contracts_through_rest(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    body = {"community_code": "350521100001", "code": "FHC", "name": "凤凰城", "compound_type": "commodity",
            "management_mode": "company"}
    keyed = admin | {"Idempotency-Key": "compound-fhc-1"}
    first = await gateway.client.post("/api/v1/compounds", json=body, headers=keyed)
    retried = await gateway.client.post("/api/v1/compounds", json=body, headers=keyed)
    assert first.status_code == retried.status_code == 201, first.text
    assert retried.json() == first.json()
    compound = first.json()
    assert compound["compound_type"] == "commodity"
    assert compound["jurisdiction_path"] == "350500/350521/350521100/350521100001"
    second = await gateway.client.post("/api/v1/compounds", json=body | {"code": "OLY", "name": "奥林匹克花园"},
                                       headers=admin)
    assert second.status_code == 201, second.text

    first_page = await gateway.client.get(
        "/api/v1/compounds", params={"jurisdiction_code": "350521", "page_size": 1}, headers=admin
    )
    assert first_page.status_code == 200, first_page.text
    token = first_page.json()["next_page_token"]
    assert len(first_page.json()["items"]) == 1 and token
    rest = await gateway.client.get(
        "/api/v1/compounds", params={"jurisdiction_code": "350521", "page_size": 1, "page_token": token}, headers=admin
    )
    names = {first_page.json()["items"][0]["name"], rest.json()["items"][0]["name"]}
    assert names == {"凤凰城", "奥林匹克花园"}

    building = await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                         json={"code": "3", "name": "3号楼"}, headers=admin)
    assert building.status_code == 201, building.text
    listed = await gateway.client.get(f"/api/v1/compounds/{compound['id']}/buildings", headers=admin)
    assert [b["name"] for b in listed.json()] == ["3号楼"]
    roster = await gateway.client.get(f"/api/v1/compounds/{compound['id']}/roster", headers=admin)
    assert roster.status_code == 200 and roster.json()["unit_count"] == 0

    company = await gateway.client.post("/api/v1/companies", headers=admin, json={
        "jurisdiction_code": "350521", "uscc": "91350521MA2YC4XL1N", "name": "惠安安居物业有限公司",
        "party_org_required": True, "party_org_mode": "joint_branch"})
    assert company.status_code == 201, company.text
    assert company.json()["party_org_mode"] == "joint_branch"
    contract = await gateway.client.post("/api/v1/contracts", headers=admin, json={
        "compound_id": compound["id"], "company_id": company.json()["id"], "mode": "tender",
        "start_on": "2026-01-01", "end_on": "2028-12-31"})
    assert contract.status_code == 201, contract.text
    detail = (await gateway.client.get(f"/api/v1/compounds/{compound['id']}", headers=admin)).json()
    assert detail["current_company"]["id"] == company.json()["id"]
    assert [j["code"] for j in detail["jurisdictions"]][-1] == "350521100001"
    ended = await gateway.client.post(f"/api/v1/contracts/{contract.json()['id']}/end",
                                      json={"terminated_on": "2026-11-30"}, headers=admin)
    assert ended.status_code == 200 and ended.json()["terminated_on"] == "2026-11-30", ended.text

    coverage = await gateway.client.get("/api/v1/coverage/350521", headers=admin)
    assert coverage.status_code == 200 and coverage.json()["compounds"] == 2, coverage.text


async def test_bad_input_names_the_field_and_unknown_enum_text_is_422(platform) -> None:
    admin = await platform.token("city-admin")
    body = {"community_code": "350521100001", "code": "FHC", "name": "", "compound_type": "commodity",
            "management_mode": "company"}
    empty_name = await platform.client.post("/api/v1/compounds", json=body, headers=admin)
    assert empty_name.status_code == 400 and empty_name.headers["content-type"] == PROBLEM
    assert empty_name.json()["field"] == "name"
    wrong_enum = await platform.client.post("/api/v1/compounds", json=body | {"compound_type": "castle"},
                                            headers=admin)
    assert wrong_enum.status_code == 422 and wrong_enum.json()["field"] == "compound_type"
    listed = await platform.client.get("/api/v1/compounds", params={"jurisdiction_code": "350521"}, headers=admin)
    assert listed.json()["items"] == []


async def test_owners_vote_opens_on_the_registry_roster_and_is_listed_and_closed(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
    building = (await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                          json={"code": "3", "name": "3号楼"}, headers=admin)).json()
    await add_owned_households(gateway.apps["registry"].port, building["id"], 3)
    owner_keys = [o["owner_key"] for o in
                  (await gateway.client.get(f"/api/v1/compounds/{compound['id']}/roster", headers=admin)).json()["owners"]]
    assert len(owner_keys) == 3
    community = await gateway.token("huian-community")
    configured = await gateway.client.post("/api/v1/funds/compounds", headers=admin, json={
        "compound": {"compound_id": compound["id"], "jurisdiction_path": compound["jurisdiction_path"]}})
    assert configured.status_code == 200, configured.text
    opened = await gateway.client.post("/api/v1/votes", headers=community | {"Idempotency-Key": "vote-1"}, json={
        "compound_id": compound["id"], "matter": "use_maintenance_fund", "title": "3号楼电梯更换"})
    assert opened.status_code == 201, opened.text
    vote = opened.json()
    assert vote["state"] == "open" and vote["matter"] == "use_maintenance_fund"
    assert vote["electorate"]["owners"] == 3
    resident = await gateway.token("huian-resident")
    ballots = f"/api/v1/votes/{vote['vote_id']}/ballots"
    for_someone_else = await gateway.client.post(ballots, json={"choice": "yes", "owner_key": owner_keys[0]},
                                                 headers=resident)
    assert for_someone_else.status_code == 403, for_someone_else.text
    for owner_key in owner_keys[:2]:
        paper = await gateway.client.post(ballots, json={"choice": "yes", "owner_key": owner_key,
                                                         "authorisation_ref": f"授权书-{owner_key[:8]}"},
                                          headers=community | {"Idempotency-Key": f"paper-{owner_key}"})
        assert paper.status_code == 201 and paper.json()["choice"] == "yes", paper.text
    listed = await gateway.client.get("/api/v1/votes", params={"compound_id": compound["id"]}, headers=community)
    assert [v["vote_id"] for v in listed.json()["items"]] == [vote["vote_id"]]
    shown = await gateway.client.get(f"/api/v1/votes/{vote['vote_id']}", headers=community)
    assert shown.json()["title"] == "3号楼电梯更换"
    closed = await gateway.client.post(f"/api/v1/votes/{vote['vote_id']}/close", headers=community)
    assert closed.status_code == 200 and closed.json()["state"] == "closed", closed.text
    assert closed.json()["result"]["yes"]["owners"] == 2
    anxi = await gateway.token("anxi-officer")
    assert (await gateway.client.get(f"/api/v1/votes/{vote['vote_id']}", headers=anxi)).status_code == 403


async def test_openapi_documents_bodies_answers_the_key_and_problems(platform) -> None:
    spec = (await platform.client.get("/openapi.json")).json()
    create = spec["paths"]["/api/v1/votes"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert {"201", "400", "401", "403", "404", "409", "422"} <= set(create["responses"])
    body = spec["components"]["schemas"]["FundsOpenVoteIn"]["properties"]
    assert "roster" not in body  # the funds service takes the roster from the registry itself
    assert "use_maintenance_fund" in str(body["matter"])
    answer = create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"]
    assert answer.endswith("/FundsVote")
    page = spec["paths"]["/api/v1/compounds"]["get"]
    assert {p["name"] for p in page["parameters"]} >= {"jurisdiction_code", "page_size", "page_token"}


async def test_a_use_application_goes_to_the_owners_and_an_emergency_skips_the_vote(platform) -> None:
    gateway = platform
    admin = await gateway.token("city-admin")
    compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
    building = (await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                          json={"code": "3", "name": "3号楼"}, headers=admin)).json()
    await add_owned_households(gateway.apps["registry"].port, building["id"], 2)
    await configure_funds(gateway, compound)
    community = await gateway.token("huian-community")
    units = (await gateway.client.get(f"/api/v1/compounds/{compound['id']}/roster", headers=admin)).json()["units"]
    account_path = f"/api/v1/funds/compounds/{compound['id']}/maintenance-account"
    # A4: the sub-accounts are the registry's roster, never a list the client sends
    opened = await gateway.client.post(account_path, headers=community, json={
        "rate_fen_per_m2": 3000, "construction_cost_fen_per_m2": 50000})
    assert opened.status_code == 201, opened.text
    assert {sub["household_id"] for sub in opened.json()["sub_accounts"]} == {u["unit_id"] for u in units}
    household = units[0]["unit_id"]
    deposited = await gateway.client.post(f"{account_path}/first-deposits", json={"household_id": household},
                                          headers=community | {"Idempotency-Key": f"first-{household}"})
    assert deposited.status_code == 201, deposited.text
    first_fen = deposited.json()["sub_account"]["first_deposit_fen"]
    assert first_fen == 3000 * 8957 // 100  # F1: the rate per m² × 89.57 m²
    account = (await gateway.client.get(account_path, headers=community)).json()
    assert account["balance_fen"] == first_fen and len(account["sub_accounts"]) == 2
    submitted = await gateway.client.post("/api/v1/use-applications", headers=community | {"Idempotency-Key": "ua-1"},
                                          json={"compound_id": compound["id"], "plan": "更换3号楼电梯",
                                                "budget_fen": 38000000, "building_ids": [building["id"]]})
    assert submitted.status_code == 201, submitted.text
    application = submitted.json()
    assert application["state"] == "draft" and application["emergency"] is None
    voting = await gateway.client.post(f"/api/v1/use-applications/{application['application_id']}/vote",
                                       headers=community)
    assert voting.status_code == 200, voting.text
    assert voting.json()["application"]["state"] == "voting"
    assert voting.json()["vote"]["electorate"]["owners"] == 2 and voting.json()["vote"]["building_ids"] == [building["id"]]
    shown = await gateway.client.get(f"/api/v1/use-applications/{application['application_id']}", headers=community)
    assert shown.json()["vote_id"] == voting.json()["vote"]["vote_id"]

    emergency = await gateway.client.post("/api/v1/use-applications", headers=community, json={
        "compound_id": compound["id"], "plan": "电梯困人抢修", "budget_fen": 500000, "emergency": "lift_failure"})
    assert emergency.status_code == 201, emergency.text
    assert emergency.json()["emergency"] == "lift_failure" and emergency.json()["state"] != "voting"
    refused = await gateway.client.post(f"/api/v1/use-applications/{emergency.json()['application_id']}/vote",
                                        headers=community)
    assert refused.status_code == 409 and refused.headers["content-type"] == PROBLEM, refused.text


async def test_every_operation_documents_its_problems_and_every_create_its_idempotency_key(platform) -> None:
    spec = (await platform.client.get("/openapi.json")).json()
    operations = [(path, method, operation) for path, item in spec["paths"].items() if path.startswith("/api/v1/")
                  and not path.startswith("/api/v1/public/") for method, operation in item.items()]
    assert len(operations) > 60
    for path, method, operation in operations:
        assert {"401", "403", "422"} <= set(operation["responses"]), (method, path)
        assert "application/problem+json" in operation["responses"]["403"]["content"], (method, path)
        if "201" in operation["responses"]:
            assert any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", [])), (method, path)
        answer = operation["responses"].get("200") or operation["responses"]["201"]
        binary = {XLSX, "image/jpeg", "image/png", "image/webp"} & set(answer.get("content", {}))
        if binary:  # an Excel download or a photo, documented as one
            assert all(answer["content"][kind]["schema"]["format"] == "binary" for kind in binary), (method, path)
            continue
        if "application/x-ndjson" in answer.get("content", {}):  # a bulk import's progress, line by line
            assert answer["description"] and answer["content"]["application/x-ndjson"]["schema"], (method, path)
            continue
        assert answer["content"]["application/json"]["schema"], (method, path)
