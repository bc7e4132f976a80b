"""Composed views: a compound's overview and a county's dashboard, fetched from several services in
parallel. With one service not started, the view still answers and names the section it could not fill;
the record the view is about still decides access (403 outside the caller's scope).
"""

from __future__ import annotations

import datetime as dt

import pytest

from deploy.services import SERVICES
from tests.gateway_world import (
    configure_funds,
    funds_definition,
    register_compound,
    register_hierarchy,
    register_serving_company,
)
from tests.platform import StartService, definition, gateway_for
from tests.support import eventually
from wuye_chassis.app import ServiceApp
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.routes.views import Period, months_so_far


@pytest.fixture
def start_platform(database_url_factory, nats_server: EmbeddedNats, start_service: StartService):
    async def start(*names: str) -> dict[str, ServiceApp]:
        apps: dict[str, ServiceApp] = {}
        for name in names:
            url = await database_url_factory(name)
            apps[name] = await start_service(
                funds_definition(url, nats_server.url, apps["registry"].port) if name == "funds"
                else definition(name, url, nats_server.url)
            )
        return apps

    return start


async def seeded_compound(gateway):
    await register_hierarchy(gateway)
    compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
    company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
    await configure_funds(gateway, compound)
    return compound, company


async def test_the_compound_overview_composes_four_services(start_platform) -> None:
    async with gateway_for(await start_platform(*SERVICES)) as gateway:
        compound, company = await seeded_compound(gateway)
        officer = await gateway.token("huian-officer")

        async def complete():
            view = (await gateway.client.get(f"/api/v1/views/compounds/{compound['id']}", headers=officer)).json()
            return view if not view["unavailable"] else None

        view = await eventually(complete)  # the company reaches ratings by event
        assert view["registry"]["compound"]["name"] == "凤凰城"
        assert view["registry"]["current_company"]["id"] == company["id"]
        assert view["complaints"]["submitted"] == 0
        assert view["funds"]["maintenance_balance_fen"] == 0
        assert view["rating"]["company_id"] == company["id"] and view["rating"]["band"]
        assert view["period"]["start_date"].endswith("-01-01")


async def test_the_compound_overview_names_the_section_whose_service_is_down(start_platform) -> None:
    apps = await start_platform("registry", "funds", "ratings")  # complaints not started
    async with gateway_for(apps) as gateway:
        compound, company = await seeded_compound(gateway)
        officer = await gateway.token("huian-officer")
        answer = await gateway.client.get(f"/api/v1/views/compounds/{compound['id']}", headers=officer)
        assert answer.status_code == 200, answer.text
        view = answer.json()
        assert view["complaints"] is None
        assert {"section": "complaints", "service": "complaints", "reason": "UNAVAILABLE"} in view["unavailable"]
        assert view["registry"]["compound"]["id"] == compound["id"]
        assert view["funds"]["compound_id"] == compound["id"]

        anxi = await gateway.token("anxi-officer")
        outside = await gateway.client.get(f"/api/v1/views/compounds/{compound['id']}", headers=anxi)
        assert outside.status_code == 403 and outside.json()["rule"] == "scope"


async def test_the_county_dashboard_composes_coverage_rates_inspections_and_lists(start_platform) -> None:
    async with gateway_for(await start_platform(*SERVICES)) as gateway:
        await seeded_compound(gateway)
        officer = await gateway.token("huian-officer")
        answer = await gateway.client.get("/api/v1/views/counties/350521/dashboard", headers=officer)
        assert answer.status_code == 200, answer.text
        board = answer.json()
        assert board["jurisdiction_path"] == "350500/350521"
        assert board["coverage"]["compounds"] == 1
        assert board["complaints"]["submitted"] == 0
        assert board["enforcement"]["inspections"] == 0
        assert board["unavailable"] == []
        assert board["lists"] is None and board["lists_quarter"][4] == "Q"  # not published yet: absent, not down

        published = await gateway.client.post("/api/v1/ratings/lists", headers=officer, json={
            "jurisdiction_path": "350500/350521", "quarter": board["lists_quarter"]})
        assert published.status_code == 201, published.text
        board = (await gateway.client.get("/api/v1/views/counties/350521/dashboard", headers=officer)).json()
        assert board["lists"]["quarter"] == board["lists_quarter"] and board["unavailable"] == []
        anxi = await gateway.token("anxi-officer")
        outside = await gateway.client.get("/api/v1/views/counties/350521/dashboard", headers=anxi)
        assert outside.status_code == 403

        # a community worker reads the same dashboard of their own community (issue 15: not the county's)
        worker = await gateway.token("huian-community")
        own = await gateway.client.get("/api/v1/views/jurisdictions/350521100001/dashboard", headers=worker)
        assert own.status_code == 200, own.text
        mine = own.json()
        assert (mine["jurisdiction_path"], mine["coverage"]["compounds"]) == ("350500/350521/350521100/350521100001", 1)
        assert mine["jurisdiction_name"] and mine["lists"] is None and mine["unavailable"] == []
        county = await gateway.client.get("/api/v1/views/jurisdictions/350521/dashboard", headers=worker)
        assert county.status_code == 403


async def test_the_county_dashboard_without_the_registry_still_shows_the_other_sections(start_platform) -> None:
    apps = await start_platform("complaints", "enforcement", "ratings")  # registry not started
    async with gateway_for(apps) as gateway:
        officer = await gateway.token("huian-officer")
        answer = await gateway.client.get("/api/v1/views/counties/350521/dashboard", headers=officer)
        assert answer.status_code == 200, answer.text
        board = answer.json()
        assert board["coverage"] is None
        assert {"section": "coverage", "service": "registry", "reason": "UNAVAILABLE"} in board["unavailable"]
        # the county's path is read off the officer's own scope
        assert board["jurisdiction_path"] == "350500/350521"
        assert board["complaints"]["submitted"] == 0 and board["enforcement"]["inspections"] == 0
        assert [m["section"] for m in board["unavailable"]] == ["coverage"]

        admin = await gateway.token("city-admin")  # a city-wide scope does not say where the county lies
        located = (await gateway.client.get("/api/v1/views/counties/350521/dashboard", headers=admin)).json()
        assert located["jurisdiction_path"] is None
        assert {m["section"] for m in located["unavailable"]} == {"coverage", "complaints", "enforcement", "lists"}


def test_C5_the_months_of_a_period_so_far_end_on_its_last_day() -> None:
    def months(first: str, last: str) -> list[tuple[str, str]]:
        period = Period(start_date=dt.date.fromisoformat(first), end_date=dt.date.fromisoformat(last))
        return [(m.start_date.isoformat(), m.end_date.isoformat()) for m in months_so_far(period)]

    assert months("2026-01-01", "2026-01-01") == [("2026-01-01", "2026-01-01")]
    assert months("2028-01-01", "2028-03-02") == [("2028-01-01", "2028-01-31"), ("2028-02-01", "2028-02-29"),
                                                  ("2028-03-01", "2028-03-02")]
    assert months("2026-01-01", "2026-12-31")[-1] == ("2026-12-01", "2026-12-31")
    assert len(months("2026-01-01", "2026-12-31")) == 12
