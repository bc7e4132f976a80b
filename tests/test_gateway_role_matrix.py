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
from collections.abc import Iterator
from pathlib import Path
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

ALLOWED: dict[str, set[str]] = {
    "POST /api/v1/jurisdictions": {"city_admin", "county_officer"},
    # complaints (C1–C6)
    "POST /api/v1/complaints": FILERS,
    "POST /api/v1/complaints/{case_id}/accept": CASE_RUNNERS,
    "POST /api/v1/complaints/{case_id}/reject": CASE_RUNNERS,
    "POST /api/v1/complaints/{case_id}/dispatch": CASE_RUNNERS,
    "POST /api/v1/complaints/{case_id}/send-back": HANDLERS,
    "POST /api/v1/complaints/{case_id}/start": HANDLERS,
    "POST /api/v1/complaints/{case_id}/resolve": HANDLERS,
    "POST /api/v1/complaints/{case_id}/reply": HANDLERS,
    "POST /api/v1/complaints/{case_id}/callback": CALLERS_BACK,
    "POST /api/v1/complaints/{case_id}/close": CALLERS_BACK,
    "POST /api/v1/complaints/{case_id}/mark-hard": HANDLERS,
    "POST /api/v1/complaints/{case_id}/reporters": FILERS,
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
    "POST /api/v1/enforcement/plans": {"county_officer", "street_officer", "department_inspector"},
    "POST /api/v1/enforcement/plans/{plan_id}/inspectors": {"county_officer", "department_inspector"},
    "POST /api/v1/enforcement/inspections/{inspection_id}/results": {"department_inspector"},
    "POST /api/v1/enforcement/inspections/{inspection_id}/completion": {"department_inspector"},
    "POST /api/v1/enforcement/orders/{order_id}/rechecks": {"department_inspector"},
    "POST /api/v1/enforcement/orders/{order_id}/escalation": {"county_officer", "street_officer",
                                                             "department_inspector"},
    # ratings (R1–R7): officers record and rate, companies appeal and rate peers, residents survey
    "POST /api/v1/ratings/companies/{company_id}/records": OFFICERS,
    "POST /api/v1/ratings/lists": OFFICERS,
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


@pytest.fixture
def city(tmp_path: Path) -> Iterator[LocalStack]:
    with demo_city(tmp_path) as stack:
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
