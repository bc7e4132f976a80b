"""The authorisation matrix: representative routes × every seeded account × its own and another county.

Two compounds, one in Hui'an (惠安) and one in Anxi (安溪), each with a serving company, a fund account
and owners. Every account calls every route against each; the expected status of each call is listed
below as data. Nothing outside the caller's scope succeeds; what the role may do inside it does.
Street, community, grid and resident accounts are scoped below the county, so a county-wide path or
county code is outside their scope even in their own county. Without a token every route is 401.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from deploy.services import SERVICES
from tests.gateway_world import (
    ANXI_COMMUNITY,
    HUIAN_COMMUNITY,
    add_owned_households,
    configure_funds,
    funds_definition,
    register_compound,
    register_hierarchy,
    register_serving_company,
)
from tests.platform import StartService, definition, gateway_for
from tests.support import eventually
from wuye_chassis.natsd import EmbeddedNats

OK, CREATED, DENIED = 200, 201, 403


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None
    params: dict[str, Any] | None = None


ROUTES = [
    Route("read compound", "GET", "/api/v1/compounds/{compound}"),
    Route("read coverage", "GET", "/api/v1/coverage/{county}"),
    Route("list complaints", "GET", "/api/v1/complaints", params={"jurisdiction_path": "{path}"}),
    Route("list votes", "GET", "/api/v1/votes", params={"compound_id": "{compound}"}),
    Route("compound overview", "GET", "/api/v1/views/compounds/{compound}"),
    Route("enforcement figures", "GET", "/api/v1/enforcement/figures",
          params={"jurisdiction_path": "{path}", "start_date": "2026-01-01", "end_date": "2026-12-31"}),
    Route("read score card", "GET", "/api/v1/ratings/companies/{company}/score-card"),
    Route("add building", "POST", "/api/v1/compounds/{compound}/buildings", body={"code": "B{n}", "name": "楼{n}"}),
    Route("open vote", "POST", "/api/v1/votes",
          body={"compound_id": "{compound}", "matter": "other_major", "title": "表决{n}"}),
    Route("submit committee expense", "POST", "/api/v1/committee-expenses",
          body={"compound_id": "{compound}", "amount_fen": 100, "purpose": "支出{n}"}),
    Route("add credit record", "POST", "/api/v1/ratings/companies/{company}/records",
          body={"kind": "award_county", "occurred_on": "2026-11-01", "note": "记录{n}"}),
]
ACCOUNTS = ["city-admin", "huian-officer", "anxi-officer", "huian-street", "huian-community", "huian-grid",
            "huian-12345", "huian-company", "huian-resident", "huian-housing", "city-auditor"]
#: the county each account belongs to; city-wide accounts are "own" in both
HOME = {account: "anxi" if account.startswith("anxi") else "huian" for account in ACCOUNTS}
CITY_WIDE = {"city-admin", "city-auditor"}

COUNTY = {"city-admin", "huian-officer", "anxi-officer"}
#: below the county: their scope does not cover a county-wide path or county code
NARROW = {"huian-street", "huian-community", "huian-grid", "huian-resident"}
EVERYONE = set(ACCOUNTS)

#: route → (status, the accounts that get it on their own county's record); everyone else gets 403,
#: and every call on the other county's record is 403 whatever the role
ALLOWED: dict[str, tuple[int, set[str]]] = {
    "read compound": (OK, EVERYONE),
    "read coverage": (OK, EVERYONE - NARROW),
    "list complaints": (OK, COUNTY | {"city-auditor", "huian-12345", "huian-company", "huian-housing"}),
    "list votes": (OK, EVERYONE),
    # the view answers whoever may read the compound; sections the role may not read come back null
    "compound overview": (OK, EVERYONE),
    "enforcement figures": (OK, COUNTY | {"city-auditor", "huian-housing"}),
    # A5: company staff read their own company's ratings only (huian-company works for another company)
    "read score card": (OK, COUNTY | {"huian-street"}),
    "add building": (CREATED, COUNTY | {"huian-street", "huian-community"}),
    "open vote": (CREATED, {"huian-officer", "anxi-officer", "huian-street", "huian-community"}),
    # only a committee member in their seat (no development account here; tests/test_gateway_actors.py)
    "submit committee expense": (CREATED, set()),
    "add credit record": (CREATED, COUNTY | {"huian-street"}),
}


def expected(route: Route, account: str, target: str) -> int:
    status, accounts = ALLOWED[route.name]
    in_scope = account in CITY_WIDE or HOME[account] == target
    return status if in_scope and account in accounts else DENIED


@pytest.fixture
async def world(database_url_factory, nats_server: EmbeddedNats, start_service: StartService):
    apps: dict[str, Any] = {}
    for name in SERVICES:
        url = await database_url_factory(name)
        apps[name] = await start_service(
            funds_definition(url, nats_server.url, apps["registry"].port) if name == "funds"
            else definition(name, url, nats_server.url)
        )
    # every account makes dozens of calls in a row: no rate limit here
    async with gateway_for(apps, rate_limit_per_second=10_000.0, rate_limit_burst=10_000) as gateway:
        await register_hierarchy(gateway)
        targets = {}
        for target, community, code, uscc in (("huian", HUIAN_COMMUNITY, "FHC", "91350521MA2YC4XL1N"),
                                              ("anxi", ANXI_COMMUNITY, "DYY", "91350524MA2YC4XL25")):
            compound = await register_compound(gateway, community, code, f"小区{code}")
            company = await register_serving_company(gateway, compound, uscc)
            await configure_funds(gateway, compound)
            admin = await gateway.token("city-admin")
            building = (await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                                  json={"code": "1", "name": "1号楼"}, headers=admin)).json()
            await add_owned_households(apps["registry"].port, building["id"], 2, community)
            path = compound["jurisdiction_path"]
            targets[target] = {"compound": compound["id"], "company": company["id"], "county": path.split("/")[1],
                               "path": "/".join(path.split("/")[:2])}

        async def rated() -> bool:  # the companies reach ratings by event
            answers = [await gateway.client.get(f"/api/v1/ratings/companies/{t['company']}/score-card",
                                                headers=await gateway.token("city-admin")) for t in targets.values()]
            return all(answer.status_code == OK for answer in answers)

        await eventually(rated)
        yield gateway, targets


def _fill(template: Any, values: dict[str, str]) -> Any:
    if isinstance(template, dict):
        return {key: _fill(value, values) for key, value in template.items()}
    return template.format(**values) if isinstance(template, str) else template


async def test_no_call_outside_the_callers_scope_or_role_succeeds_and_allowed_ones_do(world) -> None:
    gateway, targets = world
    counter = itertools.count()
    wrong = []
    for account in [None, *ACCOUNTS]:
        headers = await gateway.token(account) if account else {}
        for route, target in itertools.product(ROUTES, targets):
            values = targets[target] | {"n": str(next(counter))}
            answer = await gateway.client.request(
                route.method, _fill(route.path, values), headers=headers,
                json=_fill(route.body, values), params=_fill(route.params, values),
            )
            want = expected(route, account, target) if account else 401
            if answer.status_code != want:
                wrong.append(f"{route.name} as {account or 'anonymous'} on {target}: {answer.status_code}, "
                             f"expected {want} ({answer.text[:120]})")
            if answer.status_code >= 400:
                assert answer.headers["content-type"] == "application/problem+json"
    assert not wrong, "\n".join(wrong)


def test_the_matrix_never_allows_a_call_on_the_other_county() -> None:
    for route, account in itertools.product(ROUTES, ACCOUNTS):
        if account not in CITY_WIDE:
            other = "huian" if HOME[account] == "anxi" else "anxi"
            assert expected(route, account, other) == DENIED
