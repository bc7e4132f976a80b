"""Every write route × every post (A1, A3, A5): who may take each step, as a table, tried by its people.

The platform runs as ``make run`` starts it, with the demo city, whose development accounts are people at
every kind of post (and a roster owner, who signs in with their phone). Each write route of the gateway —
read from its OpenAPI description, so a route added later must be added here — is called by one person of
each post with a body shaped as its schema requires. A post not listed for the route is refused by the
service before it reads the record or the body (403, rule ``role``, naming the posts that may); a listed
post passes that check and meets the next one (an unknown record, a field, a rule). What each listed post
may then do to a particular record (its own company's case, its own ballot, the step of its review, not
approving what it submitted) is pinned down by the story and each service's tests.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from deploy import demo
from deploy.localstack import LocalStack
from tests.demo_city import demo_city

pytestmark = pytest.mark.slow

#: one person of each post in the demo city (the resident: 苏美玲 of 凤凰城 1-102, signed in by phone)
PEOPLE = {
    "city_admin": {"username": "city-admin"},
    "county_officer": {"username": "huian-officer"},
    "street_officer": {"username": "huian-street"},
    "community_worker": {"username": "huian-community"},
    "grid_worker": {"username": "huian-grid"},
    "operator_12345": {"username": "huian-12345"},
    "company_staff": {"username": "huian-company"},
    "resident": {"phone": "13800000002"},
    "party_branch_reviewer": {"username": "huian-party-reviewer"},
    "residents_committee_reviewer": {"username": "huian-rc-reviewer"},
    "department_inspector": {"username": "huian-housing"},
    "auditor": {"username": "city-auditor"},
}

OFFICERS = {"city_admin", "county_officer", "street_officer"}
#: who keeps the registry's compounds, committees and people, and the compounds' money
KEEPERS = OFFICERS | {"community_worker"}
#: who runs a case for the community, and who handles what is dispatched (the company, or the community)
CASE_RUNNERS = {"county_officer", "street_officer", "community_worker"}
HANDLERS = CASE_RUNNERS | {"company_staff"}
CALLERS_BACK = CASE_RUNNERS | {"operator_12345"}
FILERS = {"community_worker", "grid_worker", "operator_12345", "resident"}
#: the campaign's task force, and who may act as a task's or list item's addressee (S1–S3)
TASK_FORCE = {"county_officer", "street_officer"}
ADDRESSEES = {"street_officer", "community_worker", "department_inspector", "company_staff"}

ALLOWED: dict[str, set[str]] = {
    "POST /api/v1/jurisdictions": {"city_admin", "county_officer"},
    "POST /api/v1/registry/imports.xlsx": {"city_admin"},  # the city's bulk import, its progress streamed
    # complaints (C1–C6)
    "POST /api/v1/complaints": FILERS,
    "POST /api/v1/complaints/photos": FILERS | HANDLERS,  # the reporter's photos, and the work done
    "POST /api/v1/complaints/{case_id}/accept": CASE_RUNNERS,
    "POST /api/v1/complaints/{case_id}/reject": CASE_RUNNERS,
    "POST /api/v1/complaints/{case_id}/dispatch": CASE_RUNNERS,
    "POST /api/v1/complaints/{case_id}/send-back": HANDLERS,
    "POST /api/v1/complaints/{case_id}/start": HANDLERS,
    "POST /api/v1/complaints/{case_id}/resolve": HANDLERS,
    "POST /api/v1/complaints/{case_id}/reply": HANDLERS,
    "POST /api/v1/complaints/{case_id}/callback": CALLERS_BACK | {"resident"},  # the reporter answers online
    "POST /api/v1/complaints/{case_id}/close": CALLERS_BACK,
    "POST /api/v1/complaints/{case_id}/mark-hard": HANDLERS,
    "POST /api/v1/complaints/{case_id}/reporters": FILERS,
    # consultations (M1–M2): the community, street or county convenes; a follow-up's owner completes it
    "POST /api/v1/consultations/meetings": CASE_RUNNERS,
    "POST /api/v1/consultations/meetings/{meeting_id}/follow-ups/{follow_up_id}/completion":
        {"community_worker", "street_officer", "company_staff"},
    # registry
    "POST /api/v1/compounds": KEEPERS,
    "POST /api/v1/compounds/{compound_id}": KEEPERS,
    "POST /api/v1/compounds/{compound_id}/buildings": KEEPERS,
    "POST /api/v1/committees": KEEPERS,
    "POST /api/v1/committees/{committee_id}/re-election": KEEPERS,
    "POST /api/v1/committees/{committee_id}/dissolution": KEEPERS,
    "POST /api/v1/committees/{committee_id}/filing": KEEPERS,
    "POST /api/v1/companies": OFFICERS,
    "POST /api/v1/companies/{company_id}/party-org-mode": OFFICERS,
    "POST /api/v1/contracts": OFFICERS,
    "POST /api/v1/contracts/{contract_id}/end": OFFICERS,
    "POST /api/v1/people": KEEPERS,
    "POST /api/v1/people/search": {"street_officer", "community_worker"},  # who screens (A5)
    "POST /api/v1/people/{person_id}/party-membership": KEEPERS,
    "POST /api/v1/posts": OFFICERS,
    "POST /api/v1/posts/{post_id}/end": OFFICERS,
    "POST /api/v1/party-organisations": KEEPERS,
    "POST /api/v1/compounds/{compound_id}/reserve-candidates": KEEPERS,
    "POST /api/v1/compounds/{compound_id}/cadre-links": KEEPERS,
    "POST /api/v1/compounds/{compound_id}/four-failures": KEEPERS,
    # funds: votes (V1–V8, A2)
    "POST /api/v1/votes": CASE_RUNNERS,
    "POST /api/v1/votes/{vote_id}/close": CASE_RUNNERS,
    "POST /api/v1/votes/{vote_id}/objections": {"resident"},
    "POST /api/v1/votes/{vote_id}/objections/{objection_id}/answer": CASE_RUNNERS,
    "POST /api/v1/votes/{vote_id}/finalise": CASE_RUNNERS,
    "POST /api/v1/votes/{vote_id}/ballots": {"community_worker", "resident"},  # paper, or one's own
    "POST /api/v1/vote-proposals/{proposal_id}/vote": CASE_RUNNERS,
    # funds: the maintenance fund (F1–F9, A3)
    "POST /api/v1/funds/compounds": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/maintenance-account": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/maintenance-account/first-deposits": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/maintenance-account/deposits": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/maintenance-account/interest": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/maintenance-account/sub-accounts/{household_id}/sale-transfer":
        KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/maintenance-account/sub-accounts/{household_id}/demolition-refund":
        KEEPERS,
    "POST /api/v1/money-movements/{movement_id}/decision": KEEPERS,
    "POST /api/v1/ledgers/{ledger_id}/reversals": {"city_admin", "county_officer"},
    "POST /api/v1/use-applications": KEEPERS,
    "POST /api/v1/use-applications/{application_id}/vote": CASE_RUNNERS,
    "POST /api/v1/use-applications/{application_id}/committee-review": KEEPERS,
    "POST /api/v1/use-applications/{application_id}/street-confirmation": {"county_officer", "street_officer"},
    "POST /api/v1/use-applications/{application_id}/works": KEEPERS,
    "POST /api/v1/use-applications/{application_id}/payment-request": KEEPERS,
    "POST /api/v1/use-applications/{application_id}/payment": {"county_officer", "street_officer"},  # F5, A3
    "POST /api/v1/use-applications/{application_id}/completion": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/disclosures": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/audits": KEEPERS,
    # funds: common-parts income, committee expenses (P1–P3), mini fund (P4), neighbour funds (P5)
    "POST /api/v1/funds/compounds/{compound_id}/common-income": KEEPERS,
    # A1, P2: only a member of the compound's committee acting in that seat (a seat, not one of the posts here:
    # tests/test_gateway_actors.py and the seeds' story submit as one)
    "POST /api/v1/committee-expenses": {"committee_member"},
    "POST /api/v1/committee-expenses/{expense_id}/reviews": {"party_branch_reviewer", "residents_committee_reviewer"},
    "POST /api/v1/committee-expenses/{expense_id}/payment": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/mini-fund": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/mini-fund/surcharges": KEEPERS,
    "POST /api/v1/funds/compounds/{compound_id}/mini-fund/repairs": KEEPERS,
    "POST /api/v1/neighbour-funds": KEEPERS,
    "POST /api/v1/neighbour-funds/{fund_id}/donations": KEEPERS,
    "POST /api/v1/neighbour-funds/{fund_id}/grants": KEEPERS,
    "POST /api/v1/neighbour-funds/{fund_id}/spending": KEEPERS,
    # enforcement (E1–E5): the departments inspect, the county and street plan and escalate
    "POST /api/v1/enforcement/catalogue": {"city_admin"},
    "POST /api/v1/enforcement/catalogue.xlsx": {"city_admin"},
    "POST /api/v1/enforcement/plans": {"county_officer", "street_officer", "department_inspector"},
    "POST /api/v1/enforcement/plans/{plan_id}/inspectors": {"county_officer", "department_inspector"},
    # the inspectors' photos of what they found, and the addressees' of the work done (S1, S3)
    "POST /api/v1/enforcement/evidence-photos": {"department_inspector"} | ADDRESSEES,
    "POST /api/v1/enforcement/inspections/{inspection_id}/results": {"department_inspector"},
    "POST /api/v1/enforcement/inspections/{inspection_id}/completion": {"department_inspector"},
    "POST /api/v1/enforcement/orders/{order_id}/rechecks": {"department_inspector"},
    "POST /api/v1/enforcement/orders/{order_id}/escalation": {"county_officer", "street_officer",
                                                             "department_inspector"},
    "POST /api/v1/enforcement/orders/{order_id}/escalation/outcome": {"county_officer", "street_officer",
                                                                     "department_inspector"},
    # supervision (S1–S4): the task force issues, sends back, visits and reviews; an addressee acts as itself
    "POST /api/v1/supervision/task-lists": TASK_FORCE,
    "POST /api/v1/supervision/task-lists/import": TASK_FORCE,
    "POST /api/v1/supervision/task-lists/import.xlsx": TASK_FORCE,
    "POST /api/v1/supervision/tasks/{task_id}/completion": ADDRESSEES,
    "POST /api/v1/supervision/tasks/{task_id}/return": TASK_FORCE,
    "POST /api/v1/supervision/rounds": TASK_FORCE,
    "POST /api/v1/supervision/rounds/{round_id}/checks/{check_id}": TASK_FORCE,
    "POST /api/v1/supervision/rectification-lists": TASK_FORCE,
    "POST /api/v1/supervision/rectification-items/{item_id}/handling": ADDRESSEES,
    "POST /api/v1/supervision/rectification-items/{item_id}/feedback": TASK_FORCE,
    "POST /api/v1/supervision/rectification-items/{item_id}/review": TASK_FORCE,
    # exports: a table the caller already reads, formatted as a workbook (no record is read: anyone signed in)
    "POST /api/v1/exports/workbook": set(PEOPLE),
    # ratings (R1–R7): officers record and rate, companies appeal and rate peers, residents survey
    "POST /api/v1/ratings/companies/{company_id}/records": OFFICERS,
    "POST /api/v1/ratings/lists": OFFICERS,
    "POST /api/v1/ratings/list-policy": {"city_admin", "county_officer"},
    "POST /api/v1/ratings/yearly-lists": OFFICERS,
    "POST /api/v1/ratings/resident-surveys": {"community_worker", "grid_worker", "resident"},
    "POST /api/v1/ratings/appeals": {"company_staff"},
    "POST /api/v1/ratings/appeals/{appeal_id}/decision": {"city_admin", "county_officer"},
    "POST /api/v1/ratings/peer-evaluations": {"company_staff"},
    "POST /api/v1/ratings/department-evaluations": {"department_inspector"},
    "POST /api/v1/ratings/rule-versions": {"city_admin"},
    "POST /api/v1/ratings/companies/{company_id}/star-assessments": {"city_admin", "county_officer"},
    "POST /api/v1/ratings/companies/{company_id}/city-reviews": {"city_admin"},
}

#: bodies whose shape alone is not enough: these services read a field before they check the post
BODIES = {
    "POST /api/v1/complaints/{case_id}/reporters": {"name": "张三", "phone": "13800000009"},
    "POST /api/v1/enforcement/orders/{order_id}/escalation": {"kind": "penalty_case", "department": "housing"},
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def schema_sample(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A value of the schema: every required field filled, the first choice of an enum, placeholders."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    for combined in ("anyOf", "allOf", "oneOf"):
        if combined in schema:
            return schema_sample(next(s for s in schema[combined] if s.get("type") != "null"), spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: schema_sample(value, spec) for name, value in schema.get("properties", {}).items()
                if name in schema.get("required", [])}
    if kind == "array":
        return [schema_sample(schema.get("items", {}), spec)] if schema.get("minItems") else []
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    return "x-1"


def write_routes(spec: dict[str, Any]) -> dict[str, tuple[str, str, Any]]:
    """Each write route: its method, a path with placeholder ids, and a body of its schema's shape."""
    routes = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in WRITE_METHODS or path == "/dev/token":
                continue
            key = f"{method.upper()} {path}"
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            routes[key] = (method.upper(), re.sub(r"\{[^}]+\}", "x-1", path),
                           BODIES.get(key, schema_sample(body, spec) if body else {}))
    return routes


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # one demo city for both matrices: each test only reads it or writes records of its own
    with demo_city(tmp_path_factory.mktemp("city")) as stack:
        yield stack


def test_A1_every_write_route_admits_exactly_the_posts_of_its_table(city: LocalStack) -> None:
    with demo.patient_client(city.gateway_url) as client:
        signed_in = {}
        for post, sign_in in PEOPLE.items():
            answer = client.post("/dev/token", json=sign_in)
            assert answer.status_code == 200, answer.text
            signed_in[post] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
            assert client.get("/api/v1/me", headers=signed_in[post]).json()["acting_as"]["kind"] == post
        routes = write_routes(client.get("/openapi.json").json())
        assert set(routes) == set(ALLOWED), "every write route has its row (and every row a route)"
        wrong = []
        for key, (method, path, body) in routes.items():
            for post, headers in signed_in.items():
                answer = client.request(method, path, headers=headers, json=body)
                problem = answer.json() if answer.headers.get("content-type", "").endswith("json") else {}
                refused = answer.status_code == 403 and problem.get("rule") == "role"
                if refused != (post not in ALLOWED[key]):
                    wrong.append(f"{post}: {key} → {answer.status_code} {answer.text[:160]}")
                elif refused and not any(allowed in problem.get("detail", "") for allowed in ALLOWED[key]):
                    wrong.append(f"{post}: {key} refused without naming a post that may: {problem.get('detail')}")
        assert wrong == []


#: routes open to anyone by design (一码统览 shows a compound's accounts to the public; no personal data)
PUBLIC = ("/api/v1/public/", "/c/", "/dev/", "/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/redoc",
          "/console", "/m/")
#: writes that store nothing and read no record: the workbook of a table the caller already reads
FORMATTERS = ("/api/v1/exports/",)
#: people of the other county: Anxi's officer, and no one of Hui'an's posts
OTHER_COUNTY = {"username": "anxi-officer"}


def test_A5_no_route_gives_the_other_countys_officer_anything_of_huian(city: LocalStack) -> None:
    """Issue 19, the authorisation matrix's other county: every route of the OpenAPI description, read or
    write, is called by Anxi's officer with Hui'an's records in every path and query parameter that names
    one (a compound, its buildings and households, a case, a vote, a ledger, the county's code and path).
    No answer may carry any of those records' ids or the names of Hui'an's compounds and owners; a write
    may not succeed."""
    with demo.patient_client(city.gateway_url) as client:
        def headers(sign_in: dict[str, str]) -> dict[str, str]:
            answer = client.post("/dev/token", json=sign_in)
            assert answer.status_code == 200, answer.text
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        admin, community, other = headers({"username": "city-admin"}), headers({"username": "huian-community"}), \
            headers(OTHER_COUNTY)
        compounds = client.get("/api/v1/compounds", params={"jurisdiction_code": "350521"}, headers=admin).json()["items"]
        compound = compounds[0]
        building = client.get(f"/api/v1/compounds/{compound['id']}/buildings", headers=admin).json()[0]
        households = client.get(f"/api/v1/compounds/{compound['id']}/households", headers=admin).json()["items"]
        def made(path: str, body: dict[str, Any]) -> Any:
            answer = client.post(path, headers=community, json=body)
            assert answer.status_code in (200, 201), answer.text
            return answer.json()

        case = made("/api/v1/complaints", {
            "compound_id": compound["id"], "category": "drain_blockage", "channel": "walk_in",
            "description": "1号楼下水道堵塞", "reporter": {"name": "陈建国", "phone": "13800000001"}})["case"]
        vote = made("/api/v1/votes", {"compound_id": compound["id"], "matter": "other_major", "title": "增设电动车充电桩"})
        values = {
            "compound_id": compound["id"], "building_id": building["id"], "household_id": households[0]["id"],
            "case_id": case["case_id"], "vote_id": vote["vote_id"], "ledger_id": f"{compound['id']}/maintenance",
            "jurisdiction_code": "350521", "code": "350521", "county_code": "350521",
            "jurisdiction_path": compound["jurisdiction_path"],
        }
        secrets_of_huian = {*(c["id"] for c in compounds), *(c["name"] for c in compounds), building["id"],
                            *(h["id"] for h in households), case["case_id"], vote["vote_id"], "陈建国", "苏美玲"}
        spec = client.get("/openapi.json").json()
        calls, leaks, statuses = 0, [], Counter[int]()
        for path, operations in spec["paths"].items():
            if path.startswith(PUBLIC):
                continue
            for method, operation in operations.items():
                parameters = operation.get("parameters", [])
                filled = re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: values.get(m.group(1), "x-1"), path)
                query = {p["name"]: values[p["name"]] for p in parameters if p["in"] == "query" and p["name"] in values}
                schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
                body = schema_sample(schema, spec) if schema else None
                if isinstance(body, dict):
                    body |= {name: value for name, value in values.items() if name in _properties(schema, spec)}
                answer = client.request(method.upper(), filled, params=query, json=body, headers=other)
                calls += 1
                statuses[answer.status_code] += 1
                # what the caller sent may be echoed back (a 404 naming the id it was asked for)
                sent = f"{filled} {query} {body}"
                leaked = sorted(secret for secret in secrets_of_huian if secret in answer.text and secret not in sent)
                if leaked or (method != "get" and answer.status_code < 300 and not path.startswith(FORMATTERS)):
                    leaks.append(f"{method.upper()} {path} → {answer.status_code}: {leaked} {answer.text[:160]}")
        # 2026-12-04: 143 operations; 73 refused for scope (403), 39 not found, 24 bad input, 7 answered the
        # caller's own county (200) — none carried anything of Hui'an's
        assert calls > 140 and leaks == [], (statuses, leaks)
        # the same calls do reach Hui'an's records for Hui'an's own officer: the fence is the county, not a typo
        own = client.get(f"/api/v1/complaints/{case['case_id']}", headers=headers({"username": "huian-officer"}))
        assert own.status_code == 200 and case["case_id"] in own.text


def _properties(schema: dict[str, Any], spec: dict[str, Any]) -> set[str]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return set(schema.get("properties", {}))
