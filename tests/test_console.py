"""The officers' console (/console) in a real browser: headless Chromium against the whole platform.

An officer logs in with a development account, reads the county dashboard, accepts a complaint from the
queue and sees its state change, opens and closes an owners' vote (its result preliminary, V8), and plans a joint inspection. Needs
Debian's chromium (as tests/test_browser.py); skipped with the reason where it is missing.

The campaign's supervision screen (S1–S4): the county officer reads the figures and a task list and exports
it to Excel; the street officer reports its task done from its queue, the community worker records how an
item was handled, and the county officer closes it by the follow-up visit.

Joint inspections (E1–E5): the county officer plans a visit, the housing inspector records a failure with
its evidence and a photo of it, completes the visit with an order to the company and re-checks it early with the reason; the
officer escalates an earlier overdue order to a penalty case and records how it ended.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import httpx
import openpyxl
import pytest
import uvicorn

from deploy.services import SERVICES
from tests.gateway_world import (
    CITY_ADMIN,
    HIERARCHY,
    HUIAN_COMMUNITY,
    add_housing_item,
    add_owned_households,
    company_staff_token,
    configure_funds,
    enforcement_knows_serving_company,
    form_owners_committee,
    funds_definition,
    register_compound,
    register_hierarchy,
    register_owners_compound,
    register_serving_company,
)
from tests.people import APPOINTER, appoint, give_post
from tests.platform import ISSUER, Gateway, StartService, definition
from tests.support import DRAWN, eventually, phone_photo
from tests.test_browser import CHROMIUM_FLAGS
from wuye.funds.v1 import funds_pb2, funds_pb2_grpc
from wuye.ratings.v1 import events_pb2 as ratings_events
from wuye.registry.v1 import registry_pb2, registry_pb2_grpc
from wuye_chassis.app import ServiceApp
from wuye_chassis.auth import AuthContext
from wuye_chassis.bus import EventHeaders, event_type_of
from wuye_chassis.ids import new_id
from wuye_chassis.natsd import EmbeddedNats, free_port
from wuye_chassis.workdays import SHANGHAI
from wuye_enforcement.domain.catalogue import COLUMNS as CATALOGUE_COLUMNS
from wuye_enforcement.entrypoints.app import build as build_enforcement
from wuye_enforcement.service.supervision import TASK_COLUMNS
from wuye_enforcement.settings import EnforcementSettings
from wuye_gateway.app import create_app
from wuye_gateway.settings import GatewaySettings
from wuye_ratings.adapters.orm import evaluations
from wuye_registry.adapters.import_files import COLUMNS as IMPORT_COLUMNS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@asynccontextmanager
async def served_gateway(
    services: dict[str, ServiceApp], *, roles_from_token: bool = True
) -> AsyncIterator[tuple[str, Gateway]]:
    """The gateway under uvicorn on a free port (the browser needs a real socket), with an HTTP client; the
    development tokens' claims are taken as they are unless ``roles_from_token`` is False (then the registry
    says who each login is and what they hold, A1)."""
    port = free_port()
    # a service the test does not start points at a closed port (its screens answer 503)
    addresses: dict[str, Any] = {f"{name}_addr": f"127.0.0.1:{services[name].port if name in services else 1}"
                                 for name in SERVICES}
    settings = GatewaySettings(dev_issuer=True, jwt_issuer=ISSUER, host="127.0.0.1", port=port,
                               roles_from_token=roles_from_token, **addresses)
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=20) as client:
            yield base, Gateway(app, client, services)
    finally:
        server.should_exit = True
        await serving


@asynccontextmanager
async def funds_city(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> AsyncIterator[tuple[str, Gateway, dict[str, Any]]]:
    """Registry and funds behind the served gateway: 凤凰城, its funds configured, with 3号楼's three owned homes
    0101, 0201 and 0301 (89.57 m² each)."""
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    funds = await start_service(funds_definition(await database_url_factory("funds"), nats_server.url, registry.port))
    async with served_gateway({"registry": registry, "funds": funds}) as (base, gateway):
        await register_hierarchy(gateway)
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        await configure_funds(gateway, compound)
        building = await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                             json={"code": "3", "name": "3号楼"}, headers=await gateway.token("city-admin"))
        await add_owned_households(registry.port, building.json()["id"], 3)
        yield base, gateway, compound


@asynccontextmanager
async def registry_city(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> AsyncIterator[tuple[str, Gateway, int]]:
    """The registry alone behind the served gateway, the city's jurisdictions registered; yields its gRPC port."""
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    async with served_gateway({"registry": registry}) as (base, gateway):
        await register_hierarchy(gateway)
        yield base, gateway, registry.port


@asynccontextmanager
async def served_city(
    names: tuple[str, ...], database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> AsyncIterator[tuple[str, Gateway]]:
    """These services (each on its own database) behind the served gateway, the city's jurisdictions registered."""
    apps = {name: await start_service(definition(name, await database_url_factory(name), nats_server.url)) for name in names}
    async with served_gateway(apps) as (base, gateway):
        await register_hierarchy(gateway)
        yield base, gateway


@asynccontextmanager
async def console_page(**options: Any) -> AsyncIterator[tuple[Any, list[str]]]:
    """A page of Debian's Chromium (desktop-sized unless ``viewport`` says otherwise) and the script errors it
    raises (a test ends with none)."""
    async with playwright.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = await browser.new_page(**({"viewport": {"width": 1280, "height": 900}} | options))
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            yield page, errors
        finally:
            await browser.close()


async def shown(page, selector: str) -> None:
    """Wait for ``selector``; on timeout fail with what the console said (its problem+json message)."""
    try:
        await page.wait_for_selector(selector, timeout=15_000)
    except playwright.Error:
        raise AssertionError(f"{selector} did not appear; the console said: {await page.inner_text('#message')!r}") from None


async def object_as_owner(gateway: Gateway, funds_port: int, compound: dict[str, Any], vote_id: str | None) -> None:
    """The compound's first roster owner objects to the vote's preliminary result, as themselves (V8, A2)."""
    roster = (await gateway.client.get(f"/api/v1/compounds/{compound['id']}/roster",
                                       headers=await gateway.token("city-admin"))).json()
    key = roster["owners"][0]["owner_key"]
    owner = AuthContext(user=key, roles=frozenset({"resident"}), scope=compound["jurisdiction_path"],
                        owner_keys=frozenset({key}))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{funds_port}") as channel:
        await funds_pb2_grpc.VoteServiceStub(channel).ObjectToVoteResult(funds_pb2.ObjectToVoteResultRequest(
            vote_id=vote_id or "", reason="纸质票未计入"), metadata=owner.to_metadata())


async def test_an_officer_reads_the_dashboard_and_works_the_queue_votes_and_plans(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, tmp_path: Path,
    screenshots: Path,
) -> None:
    apps: dict[str, ServiceApp] = {}
    for name in SERVICES:
        url = await database_url_factory(name)
        apps[name] = await start_service(funds_definition(url, nats_server.url, apps["registry"].port)
                                         if name == "funds" else definition(name, url, nats_server.url))

    async with served_gateway(apps) as (base, gateway):
        await register_hierarchy(gateway)
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
        await configure_funds(gateway, compound)
        admin = await gateway.token("city-admin")
        building = await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                             json={"code": "3", "name": "3号楼"}, headers=admin)
        assert building.status_code == 201, building.text
        await add_owned_households(apps["registry"].port, building.json()["id"], 3)
        await add_housing_item(apps["enforcement"].port)
        grid = await gateway.token("huian-grid")

        # the grid worker's photo of the stopped lift (issue 15)
        photo = await gateway.client.post("/api/v1/complaints/photos", content=phone_photo(1600, 1200),
                                          headers=grid | {"content-type": "image/jpeg"})
        assert photo.status_code == 201, photo.text

        async def submitted() -> dict[str, object] | None:
            # the complaints service learns the compound from the registry's event
            answer = await gateway.client.post("/api/v1/complaints", headers=grid | {"Idempotency-Key": "console-1"},
                                               json={"compound_id": compound["id"], "category": "lifts",
                                                     "channel": "grid_worker", "description": "3号楼电梯停运两天",
                                                     "reporter": {"name": "张三", "phone": "13812345678"},
                                                     "photo_ids": [photo.json()["photo_id"]]})
            return answer.json()["case"] if answer.status_code == 201 else None

        case = await eventually(submitted)
        assert case["state"] == "submitted"

        async with console_page(viewport={"width": 390, "height": 844}, device_scale_factor=2) as (page, errors):
            answer = await page.goto(f"{base}/console")
            assert answer is not None and answer.status == 200
            assert "default-src 'none'" in answer.headers["content-security-policy"]

            # log in as the Hui'an county officer with the development issuer
            await page.wait_for_selector("#dev-login:not([hidden])")
            await page.select_option("#username", "huian-officer")
            await page.click("#dev-login-button")
            await shown(page, "#figure-compounds")
            assert "huian-officer" in await page.inner_text("#who-text")
            assert await page.inner_text("#dashboard-title") == "惠安县 350500/350521"
            assert (await page.inner_text("#figure-compounds b")) == "1"
            # O6: coverage against its targets (no committee yet in the one compound: 0 of ≥ 50 %)
            coverage = page.locator("#chart-coverage")
            assert await coverage.locator(".coverage-bar").evaluate_all(
                "bars => bars.map((bar) => [bar.dataset.key, Number(bar.getAttribute('width'))])") == [
                ["party-branch", 0], ["committees", 0], ["company-party-org", 0]]
            targets = await coverage.locator(".coverage-target").evaluate_all(
                "lines => lines.map((line) => Number(line.getAttribute('x1')))")
            assert targets == [140 + 120 * 0.5, 140 + 120 * 0.9]
            assert "≥50.0%" in "".join(await coverage.locator("text").evaluate_all(
                "texts => texts.map((text) => text.textContent)"))
            # C4: the tier split is a chart against the 70/20/10 target; nothing closed yet
            caption = await page.locator("#chart-tiers figcaption").inner_text()
            assert "办结层级分布" in caption and "暂无办结" in caption
            assert (await page.inner_text("#figure-submitted b")) == "1"
            assert (await page.inner_text("#figure-inspections b")) == "0"
            assert "未发布" in await page.inner_text("#figure-lists b")
            assert await page.inner_text("#dashboard-unavailable") == ""
            # laid out for the phone: nothing wider than the screen
            assert await page.evaluate("document.documentElement.scrollWidth") <= 390
            await page.screenshot(path=str(screenshots / "console-dashboard.png"), full_page=True)
            # drill down: the county's streets with their figures, a street's communities, a community's compounds
            street = page.locator("#dashboard-children tr[data-code='350521100']")
            assert "螺城镇" in await street.inner_text() and (await street.locator("td").nth(2).inner_text()) == "1"
            await street.click()
            await shown(page, "#dashboard-trail:has-text('螺城镇')")
            await page.click("#dashboard-children tr[data-code='350521100001']")
            await shown(page, f"#dashboard-children tr[data-compound-id='{compound['id']}']")
            assert await page.inner_text("#dashboard-title") == "凤凰城社区 350500/350521/350521100/350521100001"
            assert "惠安县" in await page.inner_text("#dashboard-trail")
            await page.click(f"#dashboard-children tr[data-compound-id='{compound['id']}']")
            await shown(page, "#compound:not([hidden]) #compound-title:has-text('凤凰城')")
            assert await page.evaluate("document.documentElement.scrollWidth") <= 390
            await page.click("a[data-tab=dashboard]")
            await page.click("#dashboard-trail button[data-code='350521']")  # back up to the county
            await shown(page, "#dashboard-children tr[data-code='350521100']")

            # the complaint queue: open the case, accept it, see the new state in the case and the queue
            await page.click("a[data-tab=complaints]")
            row = page.locator(f"#cases tr[data-case-id='{case['case_id']}']")
            await row.wait_for()
            assert "待受理" in await row.locator(".state").inner_text()
            await row.click()
            await page.wait_for_selector("#case:not([hidden])")
            assert await page.inner_text("#case-ticket") == case["ticket_no"]
            # the reporter's photo, fetched with the officer's token
            await page.wait_for_function(DRAWN, arg=["#case-photos img.photo", 1])
            assert await page.evaluate("document.querySelector('#case-photos img').naturalWidth") == 1600
            assert await page.get_attribute("#case-state-value", "data-state") == "submitted"
            await page.click("#case-accept")
            await shown(page, "#case-state-value[data-state=accepted]")
            assert "已受理" in await page.inner_text("#message")
            assert "受理 Accepted" in await page.inner_text("#case-history")  # the step's name, not its code
            assert "电梯" in await page.inner_text("#case-category")  # the category's Chinese name (C1)
            await page.select_option("#case-state", "accepted")
            await page.locator(f"#cases tr[data-case-id='{case['case_id']}']").wait_for()
            await page.screenshot(path=str(screenshots / "console-complaint.png"), full_page=True)
            # then dispatch it to the compound's company (the complaints service knows it from registry events)
            await page.select_option("#dispatch-kind", "company")
            await page.click("#case-dispatch")
            await shown(page, "#case-state-value[data-state=dispatched]")

            # a second caller on the same matter: the 12345 operator joins them to the case (C6); a phone that
            # is no phone is refused in Chinese naming the field, and nobody is added
            await log_in(page, base, "huian-12345", "complaints")
            await page.select_option("#case-state", "dispatched")
            await page.locator(f"#cases tr[data-case-id='{case['case_id']}']").click()
            await shown(page, "#case-add-reporter:visible")
            await page.fill("#case-reporter-name", "林女士")
            await page.fill("#case-reporter-phone", "12345")
            await page.click("#case-add-reporter")
            await shown(page, "#message.error:has-text('phone')")
            assert "联系电话" in await page.inner_text("#message") and "林女士" not in await page.inner_text("#case-reporters")
            await page.fill("#case-reporter-phone", "13955501234")
            await page.click("#case-add-reporter")
            await shown(page, "#case-reporters:has-text('林女士')")
            assert "13955501234" in await page.inner_text("#case-reporters")  # the operator calls them back (C5)
            assert "追加反映人 Reporter added" in await page.inner_text("#case-history")
            async def reporter_cleared() -> bool:  # what was sent is cleared once the case is drawn again
                return await page.input_value("#case-reporter-name") == ""

            await eventually(reporter_cleared, timeout=10)

            # the company that holds the contract takes the case on, resolves it and replies (A1: its own step);
            # its staff sign in with the identity provider's token, which names their company
            await page.click("#logout")
            staff = company_staff_token(gateway, company["id"])["Authorization"].removeprefix("Bearer ")
            await page.fill("#token", staff)
            await page.click("#token-login button[type=submit]")
            await page.wait_for_selector("#who-text:has-text('物业企业员工 Company staff')")
            await page.select_option("#case-state", "dispatched")
            await page.locator(f"#cases tr[data-case-id='{case['case_id']}']").click()
            await shown(page, "#case-start:visible")
            await page.click("#case-start")
            await shown(page, "#case-state-value[data-state=in_progress]")
            await page.fill("#case-text", "已更换电梯控制板，恢复运行")
            # with a photo of the new control board (issue 15), shown after the reporter's
            await page.set_input_files("#case-resolve-photos", files=[
                {"name": "控制板.jpg", "mimeType": "image/jpeg", "buffer": phone_photo(800, 600)}])
            await page.click("#case-resolve")
            await shown(page, "#case-state-value[data-state=resolved]")
            await page.wait_for_function(DRAWN, arg=["#case-photos img.photo", 2])
            assert await page.evaluate(
                "[...document.querySelectorAll('#case-photos img')].map((image) => image.naturalWidth)") == [1600, 800]
            await page.fill("#case-text", "电梯已修复，感谢反映")
            await page.click("#case-reply")
            await shown(page, "#case-history li[data-action=reply]")
            assert "已更换电梯控制板" in await page.inner_text("#case-history")  # what was done, in the history
            # the county officer makes the callback (the reporter is satisfied) and closes the case
            await page.click("#logout")
            await page.select_option("#username", "huian-officer")
            await page.click("#dev-login-button")
            await page.wait_for_selector("#who-text:has-text('huian-officer')")
            await page.select_option("#case-state", "resolved")
            await page.locator(f"#cases tr[data-case-id='{case['case_id']}']").click()
            await shown(page, "#case-callback:visible")
            await page.select_option("#case-satisfaction", "satisfied")
            await page.click("#case-callback")
            await shown(page, "#case-state-value[data-state=callback]")
            await page.click("#case-close")
            await shown(page, "#case-state-value[data-state=closed]")
            assert await page.is_hidden("#case-start") and await page.is_hidden("#case-close")

            # the closed case in the dashboard's chart: all at the community tier, on target (C4)
            await page.click("a[data-tab=dashboard]")
            chart = page.locator("#chart-tiers")
            await chart.locator(".tier-bar").first.wait_for()
            assert await chart.locator(".tier-target").count() == 3
            bars = await chart.locator(".tier-bar").evaluate_all(
                "bars => bars.map((bar) => [bar.dataset.tier, Number(bar.getAttribute('width'))])")
            assert bars == [["community", 160], ["street", 0], ["county", 0]]
            assert "达标" in await chart.locator("figcaption").inner_text()
            labels = await chart.locator("text").evaluate_all("texts => texts.map((text) => text.textContent)")
            assert labels == ["社区 Community", "100.0%", "街道 Street", "0.0%", "县区 County", "0.0%"], labels
            # and by month: this year's months so far, the case in this month with its satisfaction (C5)
            months = page.locator("#chart-months")
            await months.locator(".satisfaction-point").wait_for()
            this_month = dt.datetime.now(SHANGHAI).strftime("%Y-%m")
            bars = await months.locator(".month-bar").evaluate_all("bars => bars.map((bar) => bar.dataset.month)")
            assert bars == [f"{this_month[:4]}-{month:02d}" for month in range(1, int(this_month[5:]) + 1)]
            counts = await months.locator(".month-count").evaluate_all("texts => texts.map((t) => t.textContent)")
            assert counts[-1] == "1" and set(counts[:-1]) <= {"0"}
            assert await months.locator(".satisfaction-point").count() == 1
            assert "满意率" in await months.locator("figcaption").inner_text()
            await page.screenshot(path=str(screenshots / "console-dashboard-chart.png"), full_page=True)

            # votes: open one for the compound on its owner roster, then close and count it
            await page.click("a[data-tab=votes]")
            await page.wait_for_selector("#votes td")
            assert await page.input_value("#vote-compound") == compound["id"]
            await page.select_option("#vote-matter", "use_maintenance_fund")
            await page.fill("#vote-title", "3号楼电梯更换")
            await page.click("#vote-form button[type=submit]")
            vote_row = page.locator("#votes tr", has_text="3号楼电梯更换")
            await vote_row.wait_for()
            assert "进行中" in await vote_row.locator(".state").inner_text()
            await vote_row.locator("button.close-vote").click()
            await shown(page, "#votes tr:has-text('3号楼电梯更换') td.state:has-text('Preliminary')")
            assert "异议截止" in await vote_row.locator(".state").inner_text()  # V8: open to objections for 7 days
            await vote_row.locator("button.finalise-vote").click()
            await shown(page, "#message.error")
            assert "objections" in await page.inner_text("#message")  # too early: nothing final yet
            assert "当前状态不允许" in await page.inner_text("#message")  # said in Chinese first
            assert "Preliminary" in await vote_row.locator(".state").inner_text()
            # an owner objects (on their own device, through funds here); the officer answers it in the console
            await object_as_owner(gateway, apps["funds"].port, compound, await vote_row.get_attribute("data-vote-id"))
            await page.click("#votes-refresh")
            objection = page.locator("#votes tr.objection", has_text="纸质票未计入")
            await objection.wait_for()
            await objection.locator("input.objection-answer").fill("已复核：纸质票已计入")
            await objection.locator("button.answer-objection").click()
            await shown(page, "#votes tr.objection .answer:has-text('已复核')")

            # inspection plans: plan a joint visit with the housing department, then see it listed
            await page.click("a[data-tab=plans]")
            await page.wait_for_selector("#plan-departments input[value=housing]")
            await page.fill("#plan-basis", "2026年第四季度联合检查")
            await page.fill("#plan-date", "2026-12-01")
            await page.check("#plan-departments input[value=housing]")
            await page.fill("[data-department=housing] .inspectors", "housing-inspector-1")
            await page.click("#plan-form button[type=submit]")
            await shown(page, "#plans tr[data-plan-id]")
            assert "2026年第四季度联合检查" in await page.inner_text("#plans")

            # a community worker's dashboard is their community's, and no refusal follows them around
            await page.click("#logout")
            await page.select_option("#username", "huian-community")
            await page.click("#dev-login-button")
            await page.wait_for_selector("#who-text:has-text('huian-community')")
            await page.click("a[data-tab=dashboard]")
            await shown(page, "#dashboard-title:has-text('凤凰城社区')")
            await shown(page, "#figure-compounds")
            assert await page.is_hidden("#message") and not await page.is_visible("#figure-lists")
            await page.click("a[data-tab=complaints]")
            await page.select_option("#case-state", "")  # every state: the case is closed by now
            await page.locator(f"#cases tr[data-case-id='{case['case_id']}']").wait_for()
            assert await page.is_hidden("#message")

            # the hotline analysis (H1): this year's complaints of the community, the lift case on top
            await page.click("a[data-tab=hotline]")
            await shown(page, "#figure-hotline-total")
            assert await page.inner_text("#figure-hotline-total b") == "1"
            assert "电梯" in await page.inner_text("#hotline-problems") and "凤凰城" in await page.inner_text("#hotline-hotspots")
            # the top problems as bars, this period beside a year before, named in Chinese
            problems = page.locator("#chart-problems")
            assert await problems.locator(".problem-bar").evaluate_all(
                "bars => bars.map((bar) => [bar.dataset.key, Number(bar.getAttribute('width'))])") == [["lifts", 170]]
            labels = await problems.locator("text").evaluate_all("texts => texts.map((text) => text.textContent)")
            assert "电梯" in labels[0] and labels[1] == "1 / 0"
            # 凤凰城's service list (H2): the lift problem, its one case, held by its company
            await page.select_option("#service-list-compound", label="凤凰城 (FHC)")
            await page.click("#service-list-show")
            lifts = page.locator("#service-list tr[data-category=lifts]")
            await lifts.wait_for()
            assert await lifts.locator("td").all_inner_texts() == ["电梯故障", "1", company["name"]]
            await page.screenshot(path=str(screenshots / "console-hotline.png"), full_page=True)
            # any table exports to Excel as it is shown
            async with page.expect_download() as downloading:
                await page.click("#view-hotline button.export-table >> nth=0")
            exported = tmp_path / "top-problems.xlsx"
            await (await downloading.value).save_as(exported)
            sheet = openpyxl.load_workbook(exported).active
            assert sheet is not None and sheet["A1"].value == "突出问题 Top problems"
            assert [cell.value for cell in sheet[3]][:2] == ["电梯故障", "1"]

            # consultation (M1–M2): the community worker records a five-party meeting with the company's follow-up
            await page.click("a[data-tab=consultations]")
            await shown(page, "#meetings td")
            await page.fill("#meeting-topic", "电梯维保")
            for party in ("community_party_org", "residents_committee", "owners_committee", "company",
                          "owners_representatives"):
                await page.check(f"#meeting-parties input[value={party}]")
            await page.fill("#matter-subject", "电梯维保不到位")
            await page.fill("#matter-decision", "物业公司每月公示维保记录")
            await page.fill("#follow-up-action", "公示维保记录")
            await page.select_option("#follow-up-owner", "company")
            await page.fill("#follow-up-deadline", (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=7)).isoformat())
            await page.click("#meeting-form button[type=submit]")
            await shown(page, "#message:has-text('已记录会议')")
            await shown(page, "#meetings tr[data-meeting-id] .follow-up")
            assert (await page.inner_text("#figure-matters b"), await page.inner_text("#figure-solved b")) == ("1", "0")

            # ratings: the county officer reads the ranking and publishes the last quarter's lists (R4, R7)
            await page.click("#logout")
            await page.select_option("#username", "huian-officer")
            await page.click("#dev-login-button")
            await page.wait_for_selector("#who-text:has-text('huian-officer')")
            await page.click("a[data-tab=ratings]")
            ranked = page.locator(f"#rankings tr[data-company-id='{company['id']}']")
            await ranked.wait_for()
            assert company["name"] in await ranked.inner_text()
            assert "季度红黑榜" in await page.inner_text("#ratings-policy")
            await shown(page, "#lists td:has-text('未发布')")
            await page.fill("#lists-venue", "惠安县人民政府网站")
            await page.click("#lists-publish")
            await shown(page, "#message:has-text('榜单已发布')")
            await shown(page, f"#lists tr[data-company-id='{company['id']}']")
            assert "惠安县人民政府网站" in await page.inner_text("#lists-title")
            assert await page.is_disabled("#lists-publish")
            assert errors == []

        closed = await gateway.client.get(f"/api/v1/complaints/{case['case_id']}",
                                          headers=await gateway.token("huian-officer"))
        assert closed.json()["state"] == "closed"
        assert [step["action"] for step in closed.json()["history"]][1:] == [
            "accept", "dispatch", "add_reporter", "start_handling", "resolve", "reply", "record_callback", "close"]
    assert (screenshots / "console-dashboard.png").stat().st_size > 10_000
    assert (screenshots / "console-complaint.png").stat().st_size > 10_000


async def test_the_console_shows_chinese_only_at_a_switch_and_keeps_the_choice(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with funds_city(database_url_factory, nats_server, start_service) as (base, _, _):
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-community", "funds")
            assert await page.inner_text("a[data-tab=funds]") == "资金 Funds"
            await page.click("#lang-switch")
            assert await page.inner_text("a[data-tab=funds]") == "资金"
            assert await page.inner_text("a[data-tab=dashboard]") == "概览"
            assert await page.inner_text("#funds-refresh") == "刷新"
            assert "Open the mini fund" not in await page.inner_text("#mini-open-form")
            # what is drawn after the switch is Chinese only too, the figures and names left as they are
            await page.fill("#mini-rate", "0.30")
            await page.click("#mini-open-form button[type=submit]")
            await shown(page, "#message:has-text('已设立小公维金')")
            assert await page.inner_text("#message") == "已设立小公维金：凤凰城，¥0.30 / m²·月"
            assert await page.inner_text("#figure-mini-rate span") == "标准"
            # the choice is kept for the next visit, and switching back restores the English
            await page.reload()
            await shown(page, "#who-text:has-text('huian-community')")
            assert await page.inner_text("a[data-tab=funds]") == "资金"
            await page.screenshot(path=str(screenshots / "console-chinese-only.png"), full_page=True)
            await page.click("#lang-switch")
            assert await page.inner_text("a[data-tab=funds]") == "资金 Funds"
            assert await page.inner_text("#lang-switch") == "只显示中文"
            assert errors == []


async def test_the_console_page_is_static_and_names_no_data(tmp_path: Path) -> None:
    """The page and its assets load without a token; the script is same-origin only (CSP)."""
    app = create_app(GatewaySettings(dev_issuer=False))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        redirect = await client.get("/console")
        assert redirect.status_code == 307 and redirect.headers["location"] == "/console/"
        page = await client.get("/console/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "/console/assets/console.js" in page.text and "物业管理控制台" in page.text
        script = await client.get("/console/assets/console.js")
        assert script.status_code == 200 and "javascript" in script.headers["content-type"]
        assert (await client.get("/console/assets/console.css")).status_code == 200
        assert (await client.get("/console/assets/../app.py")).status_code == 404
        assert (await client.get("/dev/jwks.json")).status_code == 404  # production: no development issuer
        assert "/console/" not in (await client.get("/openapi.json")).json()["paths"]


async def log_in(page, base: str, username: str, tab: str) -> None:
    await page.goto(f"{base}/console#{tab}")
    if await page.is_visible("#logout"):
        await page.click("#logout")
    await page.wait_for_selector("#dev-login:not([hidden])")
    await page.select_option("#username", username)
    await page.click("#dev-login-button")
    # the screen as this person sees it: their own session's answers have all arrived
    await page.wait_for_selector(f"#who-text:has-text('{username}')")
    await page.wait_for_selector(f"#view-{tab}:not([aria-busy])")


async def test_A1_what_an_ended_session_was_still_loading_neither_ends_the_next_nor_says_it_expired(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    async with funds_city(database_url_factory, nats_server, start_service) as (base, _, _):
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-officer", "funds")
            # the next session's first screen waits for the compounds, which are held until it has ended too
            release = asyncio.Event()

            async def held(route) -> None:
                await release.wait()  # once released, every later request passes at once
                await route.continue_()

            await page.route("**/api/v1/compounds?*", held)
            await page.click("#logout")
            await page.select_option("#username", "huian-street")
            await page.click("#dev-login-button")
            await page.wait_for_selector("#who-text:has-text('huian-street')")
            await page.click("#logout")
            # the funds screen of the ended session now asks for the account without a token: answered 401
            async with page.expect_response(lambda answer: answer.status == 401):
                release.set()
            await page.wait_for_load_state("networkidle")
            assert await page.inner_text("#message") == ""  # no "session expired", no refusal on the login screen
            await page.select_option("#username", "huian-community")
            await page.click("#dev-login-button")
            await shown(page, "#who-text:has-text('huian-community')")
            await page.wait_for_load_state("networkidle")
            assert await page.is_visible("#who-text") and errors == []


async def test_S1_S4_the_task_force_and_its_addressees_work_the_campaign_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, tmp_path: Path,
    screenshots: Path,
) -> None:
    async with served_city(("registry", "enforcement"), database_url_factory, nats_server, start_service) as (base, gateway):
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        officer = await gateway.token("huian-officer")
        day = (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=20)).isoformat()
        street = {"kind": "jurisdiction", "id": "350500/350521/350521100"}

        async def issued() -> dict[str, Any] | None:
            # the street and the compound reach enforcement by the registry's events
            answer = await gateway.client.post("/api/v1/supervision/task-lists", headers=officer, json={
                "kind": "task_list", "title": "惠安县物业管理提升工作任务清单", "jurisdiction_path": "350500/350521",
                "tasks": [{"area": "党建引领", "title": "成立工作专班", "required_result": "专班名单",
                           "addressee": street, "deadline": day},
                          {"area": "环境整治", "title": "清理楼道堆物", "required_result": "整治前后照片",
                           "addressee": {"kind": "compound", "id": compound["id"]}, "deadline": day}]})
            return answer.json() if answer.status_code == 201 else None

        task_list = await eventually(issued)
        listed = await gateway.client.post("/api/v1/supervision/rectification-lists", headers=officer, json={
            "title": "第1号整改清单", "jurisdiction_path": "350500/350521", "items": [
                {"problem": "消防通道被占用", "addressee": {"kind": "compound", "id": compound["id"]}, "deadline": day}]})
        assert listed.status_code == 201, listed.text

        async with console_page(accept_downloads=True) as (page, errors):

            await log_in(page, base, "huian-officer", "supervision")
            await shown(page, "#figure-sup-tasks")
            assert (await page.inner_text("#figure-sup-tasks b"), await page.inner_text("#figure-sup-rate b")) == ("2", "0.0%")
            assert (await page.inner_text("#figure-sup-items b")) == "1"
            await page.click(f"#sup-task-lists tr[data-list-id='{task_list['list_id']}']")
            await shown(page, "#sup-list-rows tr[data-task-id]")
            assert "螺城镇" in await page.inner_text("#sup-list-rows") and "凤凰城" in await page.inner_text("#sup-list-rows")
            async with page.expect_download() as downloading:
                await page.click("#sup-export")
            saved = tmp_path / "task-list.xlsx"
            await (await downloading.value).save_as(saved)
            sheet = openpyxl.load_workbook(saved).active
            assert sheet is not None and sheet["E2"].value == "责任单位" and sheet["E3"].value == "螺城镇"
            await page.screenshot(path=str(screenshots / "console-supervision.png"), full_page=True)

            # the street reports its own task from its queue
            await log_in(page, base, "huian-street", "supervision")
            street_task = page.locator("#sup-queue tr[data-task-id]", has_text="成立工作专班")
            await street_task.wait_for()
            await street_task.locator(".step-text").fill("专班已成立，名单已报县专班")
            await street_task.locator("button.step-report").click()
            await shown(page, "#message:has-text('已报告完成')")
            await shown(page, "#figure-sup-on-time b:has-text('1')")

            # the community worker records how 凤凰城's problem was handled
            await log_in(page, base, "huian-community", "supervision")
            item = page.locator("#sup-queue tr[data-item-id]", has_text="消防通道被占用")
            await item.wait_for()
            await item.locator(".step-text").fill("已清理消防通道并设置禁停标志")
            # with a photo of the cleared lane (issue 15)
            await item.locator("input.step-photos").set_input_files(files=[
                {"name": "通道.jpg", "mimeType": "image/jpeg", "buffer": phone_photo(900, 1200)}])
            await item.locator("button.step-handle").click()
            await shown(page, "#message:has-text('已处置')")

            # and the county officer sees what was done, its photo drawn, and closes it by the follow-up visit (回访反馈)
            await log_in(page, base, "huian-officer", "supervision")
            await page.click(f"#sup-lists tr[data-list-id='{listed.json()['list_id']}']")
            handled = page.locator("#sup-list-rows tr[data-state=handled]")
            await handled.wait_for()
            assert "已清理消防通道并设置禁停标志" in await handled.inner_text()
            await page.wait_for_function(DRAWN, arg=["#sup-list-rows tr[data-state=handled] img.photo", 1])
            assert await handled.locator("img.photo").evaluate("(image) => image.naturalHeight") == 1200
            await handled.locator("button.step-satisfied").click()
            await shown(page, "#sup-list-rows tr[data-state=closed]")
            assert "已销号" in await page.inner_text("#sup-list-rows")
            assert errors == []


async def test_S1_S3_the_county_types_a_task_list_and_a_rectification_list_row_by_row_and_the_bad_row_is_named_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with served_city(("registry", "enforcement", "complaints"), database_url_factory, nats_server, start_service) as (base, gateway):
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        officer = await gateway.token("huian-officer")
        yesterday = (dt.datetime.now(SHANGHAI).date() - dt.timedelta(days=1)).isoformat()

        async def compound_known() -> bool:
            # refused for its deadline, no longer for its addressee: the registry's compound has reached enforcement
            probe = await gateway.client.post("/api/v1/supervision/task-lists", headers=officer, json={
                "kind": "task_list", "title": "探测", "jurisdiction_path": "350500/350521", "tasks": [
                    {"area": "探测", "title": "探测", "required_result": "无",
                     "addressee": {"kind": "compound", "id": compound["id"]}, "deadline": yesterday}]})
            return probe.status_code == 400 and probe.json()["field"] == "tasks[0].deadline"

        await eventually(compound_known)
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-officer", "supervision")
            await shown(page, "#task-form:not([hidden]) #task-lines tr.line")

            async def type_row(body: str, at: int, cells: dict[str, str], addressee: str, deadline: str = "") -> None:
                row = page.locator(f"#{body} tr.line").nth(at)
                for name, text in cells.items():
                    await row.locator(f".line-{name}").fill(text)
                await row.locator(".line-addressee").select_option(label=addressee)
                if deadline:
                    await row.locator(".line-deadline").fill(deadline)

            # S1: two tasks, to the street by its name and to the housing department; the second is due yesterday
            await page.fill("#task-title", "惠安县物业服务提升任务清单")
            await type_row("task-lines", 0, {"area": "党建引领", "title": "成立工作专班", "required_result": "专班名单"},
                           "螺城镇")
            await page.click("#task-line-add")
            await type_row("task-lines", 1, {"area": "安全隐患", "title": "电梯安全排查", "required_result": "排查台账"},
                           "住建 Housing and urban-rural development", yesterday)
            await page.click("#task-form button[type=submit]")
            await shown(page, "#message.error")
            said = await page.inner_text("#message")
            assert "第 2 行" in said and "tasks[1].deadline" in said, said
            assert await page.locator("#task-lines tr.refused").count() == 1
            assert "暂无清单" in await page.inner_text("#sup-task-lists")  # nothing issued
            await page.locator("#task-lines tr.line").nth(1).locator(".line-deadline").fill(
                (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=30)).isoformat())
            await page.click("#task-form button[type=submit]")
            await shown(page, "#message:has-text('已下发')")
            assert "任务 2 项" in await page.inner_text("#message")
            issued = page.locator("#sup-task-lists tr[data-list-id]", has_text="惠安县物业服务提升任务清单")
            await issued.wait_for()
            await issued.click()
            await shown(page, "#sup-list-rows tr[data-task-id]")
            rows = await page.inner_text("#sup-list-rows")
            assert "螺城镇" in rows and "住建" in rows and "电梯安全排查" in rows
            assert await page.locator("#task-lines tr.line").count() == 1  # the form is clear for the next list

            # S3: a problem found on an unannounced visit, assigned to the compound by its name
            await page.fill("#manual-list-title", "暗访发现问题整改清单")
            await type_row("manual-list-lines", 0, {"problem": "消防通道被占用"}, "凤凰城")
            await page.click("#manual-list-form button[type=submit]")
            await shown(page, "#message:has-text('已下发整改清单')")
            assert "问题 1 个" in await page.inner_text("#message")
            await shown(page, "#sup-list-rows tr[data-item-id]:has-text('消防通道被占用')")
            assert "凤凰城" in await page.inner_text("#sup-list-rows")
            await shown(page, "#sup-lists tr[data-list-id]:has-text('暗访发现问题整改清单')")
            await page.screenshot(path=str(screenshots / "console-supervision-typed-lists.png"), full_page=True)

            # what one officer typed is not left for the next: the street officer starts afresh, with the
            # addressees below her street
            await page.fill("#task-title", "未发出")
            await page.locator("#task-lines tr.line").nth(0).locator(".line-area").fill("未发出")
            await log_in(page, base, "huian-street", "supervision")
            await shown(page, "#task-form:not([hidden]) #task-lines tr.line")
            assert await page.locator("#task-lines tr.line").count() == 1
            assert await page.locator("#task-lines .line-area").input_value() == ""
            offered = await page.locator("#task-lines .line-addressee option").all_inner_texts()
            assert "凤凰城社区" in offered and "螺城镇" not in offered and "凤凰城" in offered
            assert errors == []


async def test_S1_the_county_issues_a_special_action_from_the_filled_in_template_and_sees_each_bad_row_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, tmp_path: Path,
    screenshots: Path,
) -> None:
    async with served_city(("registry", "enforcement"), database_url_factory, nats_server, start_service) as (base, gateway):
        officer = await gateway.token("huian-officer")
        street = "350500/350521/350521100"
        day = (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=20)).isoformat()

        async def street_known() -> bool:
            # all or nothing: with its second row bad this issues nothing, and says whether the first was taken
            answer = await gateway.client.post("/api/v1/supervision/task-lists/import", headers=officer, json={
                "kind": "task_list", "title": "探测", "jurisdiction_path": "350500/350521", "rows": [
                    {"area": "x", "title": "x", "required_result": "x", "addressee_kind": "jurisdiction",
                     "addressee": street, "deadline": day}, {"area": "x"}]})
            return [error["row"] for error in answer.json()["errors"]] == [2]

        await eventually(street_known)
        async with console_page(accept_downloads=True) as (page, errors):
            await log_in(page, base, "huian-officer", "supervision")
            await shown(page, "#task-import-form:not([hidden])")

            # the template: the header row the import reads, and the guide with every department's code
            async with page.expect_download() as downloading:
                await page.click("#task-template")
            template = tmp_path / "template.xlsx"
            await (await downloading.value).save_as(template)
            book = openpyxl.load_workbook(template)
            sheet = book.worksheets[0]
            assert [cell.value for cell in sheet[1]] == list(TASK_COLUMNS)
            assert "填写说明" in book.sheetnames and "部门代码" in book.sheetnames
            codes = {row[0].value: row[1].value for row in book["部门代码"].iter_rows(min_row=3)}
            assert codes and all(name for name in codes.values())

            # filled in with a good row, a deadline that is no day and a compound the registry does not know:
            # nothing is issued and each bad row is named with its column
            sheet.append(["环境整治", "清理楼道堆物", "整治前后照片", "jurisdiction", street, day])
            sheet.append(["消防安全", "疏通消防通道", "通道畅通", "jurisdiction", street, "明年"])
            sheet.append(["环境整治", "清理屋顶", "清理到位", "compound", "no-such-compound", day])
            book.save(template)
            await page.select_option("#import-kind", "special_action")
            await page.select_option("#import-origin", "county")
            await page.fill("#import-title", "楼道环境专项整治行动")
            await page.set_input_files("#import-file", str(template))
            await page.click("#task-import-form button[type=submit]")
            await shown(page, "#import-errors:not([hidden])")
            assert "2 行有误" in await page.inner_text("#message")
            rows = page.locator("#import-error-rows tr")
            assert [await rows.nth(at).get_attribute("data-row") for at in range(await rows.count())] == ["3", "4"]
            assert "完成时限" in await rows.nth(0).inner_text() and "责任单位" in await rows.nth(1).inner_text()
            assert "暂无清单" in await page.inner_text("#sup-task-lists")
            await page.screenshot(path=str(screenshots / "console-task-list-import.png"), full_page=True)

            # corrected, it is issued as one special action of the county
            sheet.delete_rows(3, 2)
            book.save(template)
            await page.set_input_files("#import-file", str(template))
            await page.click("#task-import-form button[type=submit]")
            await shown(page, "#message:has-text('已下发')")
            assert "任务 1 项" in await page.inner_text("#message")
            assert await page.is_hidden("#import-errors")
            issued = page.locator("#sup-task-lists tr[data-list-id]", has_text="楼道环境专项整治行动")
            await issued.wait_for()
            assert "专项行动" in await issued.inner_text() and "县级" in await issued.inner_text()
            assert errors == []


async def test_S2_S3_the_county_spot_checks_compounds_records_what_it_found_and_assigns_it_for_rectification_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path,
) -> None:
    async with served_city(("registry", "enforcement"), database_url_factory, nats_server, start_service) as (base, gateway):
        compounds = [await register_compound(gateway, "350521100001", code, name)
                     for code, name in (("FHC", "凤凰城"), ("OLY", "奥林匹克花园"))]
        officer = await gateway.token("huian-officer")
        day = (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=20)).isoformat()

        async def compounds_known() -> bool:
            # all or nothing: with its last row bad this issues nothing, and says whether the compounds were found
            answer = await gateway.client.post("/api/v1/supervision/task-lists/import", headers=officer, json={
                "kind": "task_list", "title": "探测", "jurisdiction_path": "350500/350521", "rows": [
                    *({"area": "x", "title": "x", "required_result": "x", "addressee_kind": "compound",
                       "addressee": compound["id"], "deadline": day} for compound in compounds), {"area": "x"}]})
            return [error["row"] for error in answer.json()["errors"]] == [3]

        await eventually(compounds_known)
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-officer", "supervision")
            await shown(page, "#sup-rounds:has-text('暂无督查')")

            # a spot check of both compounds, drawn with a seed it records (S2)
            await page.select_option("#round-kind", "spot_check")
            await page.fill("#round-title", "第一轮随机抽查")
            await page.fill("#round-size", "2")
            await page.click("#round-form button[type=submit]")
            await shown(page, "#message:has-text('已开始督查')")
            await shown(page, "#round-checks tr[data-check-id]:has-text('奥林匹克花园')")
            assert "从 2 个小区中按随机种子" in await page.inner_text("#round-facts")
            assert await page.is_hidden("#round-list-form")

            # what the visit found at 凤凰城, and nothing at 奥林匹克花园
            phoenix = page.locator("#round-checks tr[data-check-id]", has_text="凤凰城")
            await phoenix.locator(".step-text").fill("楼道堆放杂物；消防通道被占用")
            await phoenix.locator("button.step-findings").click()
            await shown(page, "#round-checks tr[data-recorded=true]:has-text('凤凰城')")
            assert "楼道堆放杂物；消防通道被占用" in await page.inner_text("#round-checks tr[data-recorded=true]")
            olympic = page.locator("#round-checks tr[data-check-id]", has_text="奥林匹克花园")
            await olympic.locator("button.step-clean").click()
            await shown(page, "#round-checks tr[data-recorded=true]:has-text('未发现问题')")
            await shown(page, "#sup-rounds tr[data-round-id]:has-text('2 / 2')")

            # the findings become one rectification list, each assigned to the compound it was found in (S3)
            await shown(page, "#round-list-form:not([hidden])")
            await page.fill("#round-list-title", "第一批问题整改清单")
            await page.fill("#round-list-deadline", day)
            await page.click("#round-list-form button[type=submit]")
            await shown(page, "#message:has-text('已下发整改清单')")
            assert "问题 2 个" in await page.inner_text("#message")
            await shown(page, "#sup-list-rows tr[data-item-id]:has-text('消防通道被占用')")
            items = page.locator("#sup-list-rows tr[data-item-id]")
            assert await items.count() == 2
            assert ["凤凰城" in text for text in await items.all_inner_texts()] == [True, True]
            await shown(page, "#sup-lists tr[data-list-id]:has-text('第一批问题整改清单')")
            await page.screenshot(path=str(screenshots / "console-supervision-round.png"), full_page=True)
            assert errors == []


async def test_F3_F6_P2_V2_officers_keep_the_funds_in_the_console_account_uses_expenses_ballots_and_disclosures(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with funds_city(database_url_factory, nats_server, start_service) as (base, gateway, compound):
        community = await gateway.token("huian-community")
        account = f"/api/v1/funds/compounds/{compound['id']}/maintenance-account"
        opened = await gateway.client.post(account, headers=community | {"Idempotency-Key": "account-1"},
                                           json={"rate_fen_per_m2": 3000, "construction_cost_fen_per_m2": 50000})
        assert opened.status_code == 201, opened.text
        homes = (await gateway.client.get(f"/api/v1/compounds/{compound['id']}/households", headers=community)).json()
        for home in homes["items"]:
            deposited = await gateway.client.post(f"{account}/first-deposits", json={"household_id": home["id"]},
                                                  headers=community | {"Idempotency-Key": f"deposit-{home['id']}"})
            assert deposited.status_code == 201, deposited.text
        income = await gateway.client.post(f"/api/v1/funds/compounds/{compound['id']}/common-income",
                                           headers=community | {"Idempotency-Key": "income-1"},
                                           json={"source": "parking", "amount_fen": 500000, "memo": "停车费"})
        assert income.status_code == 201, income.text
        chair = AuthContext(user="committee-chair", roles=frozenset({"committee_member"}),
                            scope=compound["jurisdiction_path"], post=f"committee-of-{compound['id']}",
                            compounds=frozenset({compound["id"]}))
        async with grpc.aio.insecure_channel(f"127.0.0.1:{gateway.apps['funds'].port}") as channel:
            expense = (await funds_pb2_grpc.CommitteeAccountServiceStub(channel).SubmitCommitteeExpense(
                funds_pb2.SubmitCommitteeExpenseRequest(compound_id=compound["id"], amount_fen=120000,
                                                        purpose="业委会办公用品"),
                metadata=chair.to_metadata())).expense

        async with console_page() as (page, errors):

            # the community worker reads the account in yuan, homes by name, and verifies its ledger
            await log_in(page, base, "huian-community", "funds")
            await shown(page, "#figure-account-balance")
            assert await page.inner_text("#figure-account-balance b") == "¥8,061.30"  # 3 × 89.57 m² × ¥30
            assert await page.inner_text("#figure-account-rate b") == "¥30.00 / m²"
            assert await page.inner_text("#figure-account-homes b") == "3"
            homes_shown = await page.inner_text("#sub-accounts")
            assert "3号楼 0101" in homes_shown and "89.57 m²" in homes_shown and "¥2,687.10" in homes_shown
            await page.click("#ledger-verify")
            await shown(page, "#ledger-result[data-intact=true]")
            assert "账本完整" in await page.inner_text("#ledger-result")

            # an emergency use (F6): a budget that is no amount of yuan is refused naming the field
            await page.fill("#use-plan", "3号楼电梯应急维修")
            await page.fill("#use-budget", "938.855")
            await page.select_option("#use-emergency", "lift_failure")
            await page.click("#use-form button[type=submit]")
            await shown(page, "#message.error")
            assert "budget_fen" in await page.inner_text("#message") and "金额" in await page.inner_text("#message")
            assert "暂无申请" in await page.inner_text("#use-applications")
            await page.fill("#use-budget", "938.85")
            await page.click("#use-form button[type=submit]")
            row = page.locator("#use-applications tr[data-application-id]", has_text="3号楼电梯应急维修")
            await row.wait_for()
            assert "¥938.85" in await row.inner_text() and "电梯故障严重" in await row.inner_text()
            await row.locator(".step-text").fill("业委会会议纪要 2026-09")
            await row.locator("button.step-committee-review").click()
            await shown(page, "#message:has-text('已记录业委会审核')")

            async def act(username: str, state: str, step: str, text: str = "") -> None:
                await log_in(page, base, username, "funds")
                waiting = page.locator(f"#use-applications tr[data-state={state}]")
                await waiting.wait_for()
                if text:
                    await waiting.locator(".step-text").fill(text)
                await waiting.locator(f"button.step-{step}").click()
                await shown(page, f"#use-applications tr:not([data-state={state}])[data-application-id]")

            await act("huian-street", "draft", "street-confirmation", "街道确认 2026-17")
            await act("huian-community", "approved", "works")
            await act("huian-community", "works", "payment-request", "938.85")
            await act("huian-street", "payment_requested", "pay-committee")  # A3: not the one who asked
            await act("huian-community", "paid", "completion", "公示：3号楼电梯应急维修 938.85 元")
            assert "已完成" in await page.inner_text("#use-applications")
            assert await page.inner_text("#figure-account-balance b") == "¥7,122.45"  # charged by area (F4)

            # the committee's expense (P2): each reviewer decides their own step, then the worker pays it
            for reviewer in ("huian-party-reviewer", "huian-rc-reviewer"):
                await log_in(page, base, reviewer, "funds")
                waiting = page.locator(f"#expenses tr[data-expense-id='{expense.expense_id}'][data-state=in_review]")
                await waiting.wait_for()
                assert "¥1,200.00" in await waiting.inner_text() and "凤凰城" in await waiting.inner_text()
                await waiting.locator("button.step-approve").click()
                await shown(page, "#message:has-text('已同意')")
            await log_in(page, base, "huian-community", "funds")
            approved = page.locator(f"#expenses tr[data-expense-id='{expense.expense_id}'][data-state=approved]")
            await approved.wait_for()
            assert "社区党组织 Party branch 同意" in await approved.inner_text()
            await approved.locator("button.step-pay").click()
            await shown(page, f"#expenses tr[data-expense-id='{expense.expense_id}'][data-state=paid]")

            # the compound's disclosure (F9, P3), posted for the 15 days the rule asks
            await page.fill("#disclosure-period", "2026-H2")
            await page.click("#disclosure-form button[type=submit]")
            await shown(page, "#message:has-text('已发布公示')")
            assert "凤凰城 2026-H2" in await page.inner_text("#message")
            await page.screenshot(path=str(screenshots / "console-funds.png"), full_page=True)

            # a vote's turnout so far against its thresholds (V2, V3), with a paper ballot entered (A2)
            await page.click("a[data-tab=votes]")
            await page.wait_for_selector("#votes td")
            await page.fill("#vote-title", "更换3号楼电梯")
            await page.click("#vote-form button[type=submit]")
            vote_row = page.locator("#votes tr", has_text="更换3号楼电梯")
            await vote_row.wait_for()
            assert "使用维修资金" in await vote_row.inner_text()
            assert "人数 owners 0/3" in await vote_row.locator(".turnout").inner_text()
            assert "≥ 66.7%" in await vote_row.locator(".turnout").inner_text()
            await page.wait_for_selector("#ballot-unit option:has-text('3号楼 0201')", state="attached")
            await page.select_option("#ballot-unit", label="3号楼 0201")
            await page.fill("#ballot-authorisation", "书面委托 2026-001")
            await page.click("#ballot-form button[type=submit]")
            await shown(page, "#message:has-text('已录入表决票')")
            await shown(page, "#votes tr:has-text('更换3号楼电梯') .turnout:has-text('1/3')")
            assert "33.3%" in await vote_row.locator(".turnout").inner_text()
            assert errors == []

    assert (screenshots / "console-funds.png").stat().st_size > 10_000


async def test_P2_A1_A3_the_committee_chair_acting_in_the_seat_submits_an_expense_and_the_reviewers_decide_it_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    funds = await start_service(funds_definition(await database_url_factory("funds"), nats_server.url, registry.port))
    # complaints too: the console reads its categories at sign-in
    complaints = await start_service(definition("complaints", await database_url_factory("complaints"), nats_server.url))
    world = await register_owners_compound(registry.port)
    chen, _, xu, lin = world.owners
    await form_owners_committee(registry.port, world.compound.id, chen, [xu, lin])
    for reviewer in ("huian-party-reviewer", "huian-rc-reviewer"):
        await appoint(registry.port, reviewer, community_code=HUIAN_COMMUNITY)
    async with served_gateway({"registry": registry, "funds": funds, "complaints": complaints},
                              roles_from_token=False) as (base, gateway):
        await configure_funds(gateway, {"id": world.compound.id, "jurisdiction_path": world.compound.jurisdiction_path})
        income = await gateway.client.post(f"/api/v1/funds/compounds/{world.compound.id}/common-income",
                                           headers=await gateway.token("huian-community") | {"Idempotency-Key": "p2-1"},
                                           json={"source": "parking", "amount_fen": 500000, "memo": "停车费"})
        assert income.status_code == 201, income.text
        async with console_page() as (page, errors):
            # 陈建国 signs in as the owner he is; his seat on the committee is offered by the compound's name
            await log_in(page, base, "huian-resident", "funds")
            await shown(page, "#post-choice-label:not([hidden])")
            offered = await page.locator("#post-choice option").all_inner_texts()
            assert offered[1:] == ["业委会委员 Committee member · 凤凰城", "业主 Owner · 凤凰城社区"]
            assert await page.is_hidden("#expense-form")  # as an owner he spends nothing of the committee's
            await page.select_option("#post-choice", label=offered[1])
            await shown(page, "#expense-form:not([hidden])")
            assert await page.inner_text("#who-text") == "huian-resident · 业委会委员 Committee member · 凤凰城"
            for keepers_only in ("#income-form", "#use-form", "#audit-form", "#disclosure-form"):
                assert await page.is_hidden(keepers_only)

            # an amount that is no sum of yuan is refused naming the field, and nothing is submitted
            await page.fill("#expense-purpose", "业委会办公用品")
            await page.fill("#expense-amount", "1200.001")
            await page.click("#expense-form button[type=submit]")
            await shown(page, "#message.error")
            assert "amount_fen" in await page.inner_text("#message") and "金额" in await page.inner_text("#message")
            assert "暂无支出" in await page.inner_text("#expenses")
            await page.fill("#expense-amount", "1,200.00")
            await page.click("#expense-form button[type=submit]")
            await shown(page, "#message:has-text('已提交支出')")
            assert "¥1,200.00" in await page.inner_text("#message")
            row = page.locator("#expenses tr[data-state=in_review]", has_text="业委会办公用品")
            await row.wait_for()
            assert "凤凰城" in await row.inner_text() and "待 Waiting for 社区党组织" in await row.inner_text()
            assert await row.locator("button").count() == 0  # he submitted it: he decides no step (A3)
            await page.screenshot(path=str(screenshots / "console-committee-expense.png"), full_page=True)

            # the party branch, then the residents' committee, each decide their own step
            for reviewer, decided in (("huian-party-reviewer", "社区党组织 Party branch 同意"),
                                      ("huian-rc-reviewer", "居委会 Residents' committee 同意")):
                await log_in(page, base, reviewer, "funds")
                waiting = page.locator("#expenses tr[data-state=in_review]", has_text="业委会办公用品")
                await waiting.wait_for()
                await waiting.locator("button.step-approve").click()
                await shown(page, f'#expenses tr:has-text("{decided}")')
            await shown(page, "#expenses tr[data-state=approved]:has-text('业委会办公用品')")
            assert await page.is_hidden("#expense-form")
            assert "出错" not in await page.inner_text("#message")
            assert errors == []


async def test_R4_P3_the_community_opens_the_vote_on_ending_a_black_listed_company_and_sees_its_audit_coverage_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    async with funds_city(database_url_factory, nats_server, start_service) as (base, gateway, compound):
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
        # the ratings service's advice after the company's second black-list quarter, as its outbox publishes it
        advice = ratings_events.ContractEndAdvised(
            company_id=company["id"], quarter="2026Q3", jurisdiction_path="350500/350521",
            compound_ids=[compound["id"]], black_quarters=["2026Q2", "2026Q3"], matter=4)
        headers = EventHeaders(new_id(), event_type_of(advice), "/wuye/ratings", dt.datetime.now(dt.UTC), company["id"])
        await gateway.apps["funds"].runtime.bus.js.publish(
            event_type_of(advice), advice.SerializeToString(), headers=headers.to_nats())
        officer = await gateway.token("huian-officer")

        async def proposed() -> bool:
            answer = await gateway.client.get("/api/v1/vote-proposals", params={"jurisdiction_path": "350500/350521"},
                                              headers=officer)
            return answer.status_code == 200 and bool(answer.json())

        await eventually(proposed)
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-community", "votes")
            proposal = page.locator("#vote-proposals tr[data-state=pending]")
            await proposal.wait_for()
            assert company["name"] in await proposal.inner_text() and "凤凰城" in await proposal.inner_text()
            await proposal.locator("button.step-open-proposed").click()
            await shown(page, "#message:has-text('已开启表决')")
            await shown(page, "#vote-proposals tr[data-state=opened]")
            await shown(page, "#votes tr[data-vote-id]")

            # P3: once 凤凰城 keeps common-parts income it is to be audited, and it is not yet this year; once its
            # audit is recorded, the coverage is whole
            await page.click("a[data-tab=funds]")
            await shown(page, "#figure-audit-coverage")
            await page.select_option("#income-source", "parking")
            await page.fill("#income-amount", "5000")
            await page.click("#income-form button[type=submit]")
            await shown(page, "#message:has-text('已入账公共收益')")
            await page.click("#funds-refresh")
            await shown(page, "#figure-audit-count b:text-is('0 / 1')")
            assert "未达标" in await page.inner_text("#figure-audit-coverage b")
            assert "凤凰城" in await page.inner_text("#unaudited")
            await page.fill("#audit-period", str(dt.datetime.now(SHANGHAI).year))
            await page.fill("#audit-auditor", "泉州某会计师事务所")
            await page.click("#audit-form button[type=submit]")
            await shown(page, "#message:has-text('已登记审计')")
            await page.click("#funds-refresh")
            await shown(page, "#figure-audit-coverage b:text-is('100.0%')")
            assert await page.inner_text("#figure-audit-count b") == "1 / 1"
            assert errors == []


async def test_F1_F8_A3_a_community_worker_keeps_the_maintenance_account_and_the_street_decides_a_refund_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with funds_city(database_url_factory, nats_server, start_service) as (base, gateway, compound):
        async with console_page() as (page, errors):

            # the community worker opens the account at ¥30 per m² (F1: 6 % of ¥500), one sub-account per home (F2);
            # a rate outside 5–8 % of the construction cost is refused naming the field
            await log_in(page, base, "huian-community", "funds")
            await shown(page, "#account-open-form:not([hidden])")
            assert "尚未开户" in await page.inner_text("#sub-accounts")
            await page.fill("#account-rate", "50")
            await page.fill("#account-cost", "500")
            await page.click("#account-open-form button[type=submit]")
            await shown(page, "#message.error:has-text('rate_fen_per_m2')")
            await page.fill("#account-rate", "30")
            await page.click("#account-open-form button[type=submit]")
            await shown(page, "#message:has-text('已开户')")
            assert "分户账 3 户" in await page.inner_text("#message")
            await shown(page, "#sub-accounts tr[data-household-id]:has-text('3号楼 0301')")
            assert await page.is_hidden("#account-open-form")

            # each home's first deposit (F1), posted once from its row
            for unit in ("0101", "0201", "0301"):
                home = page.locator("#sub-accounts tr[data-household-id]", has_text=f"3号楼 {unit}")
                await home.locator("button.step-first-deposit").click()
                await shown(page, f"#sub-accounts tr:has-text('3号楼 {unit}') td.money:has-text('¥2,687.10')")
                assert await home.locator("button.step-first-deposit").count() == 0, "posted once"
            assert await page.inner_text("#figure-account-balance b") == "¥8,061.30"

            # a top-up in yuan; an amount that is no yuan is refused naming the field and nothing is posted
            first = page.locator("#sub-accounts tr[data-household-id]", has_text="3号楼 0101")
            await first.locator(".step-text").fill("一百元")
            await first.locator("button.step-top-up").click()
            await shown(page, "#message.error:has-text('amount_fen')")
            assert "金额" in await page.inner_text("#message")
            await first.locator(".step-text").fill("100.50")
            await first.locator("button.step-top-up").click()
            await shown(page, "#sub-accounts tr:has-text('3号楼 0101') td.money:has-text('¥2,787.60')")

            # the year's interest, shared out by balance to the fen (F5), and the parking income (P1)
            await page.fill("#interest-amount", "81.62")
            await page.fill("#interest-memo", "2026年度利息")
            await page.click("#interest-form button[type=submit]")
            await shown(page, "#message:has-text('已分摊利息')")
            assert await page.inner_text("#figure-account-balance b") == "¥8,243.42"
            await page.select_option("#income-source", "parking")
            await page.fill("#income-amount", "5,000")
            await page.click("#income-form button[type=submit]")
            await shown(page, "#message:has-text('已入账公共收益')")
            assert "停车费" in await page.inner_text("#message") and "¥5,000.00" in await page.inner_text("#message")

            # 0301 is demolished: the worker asks for its refund, which waits for another person (A3)
            last = page.locator("#sub-accounts tr[data-household-id]", has_text="3号楼 0301")
            assert "¥2,713.97" in await last.inner_text()  # ¥2,687.10 and its ¥26.87 of the interest
            await last.locator(".step-text").fill("征收决定 2026-7")
            await last.locator("button.step-demolition-refund").click()
            waiting = page.locator("#movements tr[data-kind=demolition_refund]")
            await waiting.wait_for()
            shown_row = await waiting.inner_text()
            assert "拆迁退还" in shown_row and "3号楼 0301" in shown_row and "征收决定 2026-7" in shown_row
            await waiting.locator("button.step-approve").click()
            await shown(page, "#message.error:has-text('requested_by')")  # never by who asked for it
            assert "待复核" not in await page.inner_text("#message")
            assert "已销户" not in await page.inner_text("#sub-accounts")

            # the street officer approves it: the balance leaves the fund and the home's sub-account closes
            await log_in(page, base, "huian-street", "funds")
            waiting = page.locator("#movements tr[data-kind=demolition_refund]")
            await waiting.wait_for()
            await waiting.locator("button.step-approve").click()
            await shown(page, "#message:has-text('已同意')")
            await shown(page, "#movements:has-text('暂无待复核')")
            await shown(page, "#sub-accounts tr:has-text('3号楼 0301'):has-text('已销户')")
            assert await page.inner_text("#figure-account-balance b") == "¥5,529.45"  # ¥8,243.42 less 0301's ¥2,713.97

            # the ledger, newest first, names homes and accounts; the county asks to reverse the top-up posted
            # in error, and the city decides it (A3): a counter-posting, the balance back as before the top-up
            await log_in(page, base, "huian-officer", "funds")
            top_up = page.locator("#ledger-entries tr[data-kind=deposit]", has=page.locator("button.step-reverse"))
            await top_up.wait_for()
            assert "3号楼 0101" in await top_up.inner_text() and "¥100.50" in await top_up.inner_text()
            assert "拆迁退还" in await page.inner_text("#ledger-entries")
            await top_up.locator(".step-text").fill("续筹金额录入错误")
            await top_up.locator("button.step-reverse").click()
            await shown(page, "#movements tr[data-kind=ledger_reversal]")
            assert "续筹金额录入错误" in await page.inner_text("#movements tr[data-kind=ledger_reversal]")
            await log_in(page, base, "city-admin", "funds")
            reversal = page.locator("#movements tr[data-kind=ledger_reversal]")
            await reversal.wait_for()
            await reversal.locator("button.step-approve").click()
            await shown(page, "#ledger-entries tr[data-kind=reversal]")
            assert await page.inner_text("#figure-account-balance b") == "¥5,428.95"
            assert "冲销" in await page.inner_text("#ledger-entries tr[data-kind=reversal]")

            # and the community records the year's audit with what it found (P3)
            await log_in(page, base, "huian-community", "funds")
            await page.fill("#audit-period", "2026")
            await page.fill("#audit-auditor", "泉州某会计师事务所")
            await page.fill("#audit-findings", "停车费收入未及时入账 | 5000\n公示栏未张贴年度账目")
            await page.click("#audit-form button[type=submit]")
            await shown(page, "#message:has-text('已登记审计')")
            assert "发现 2 条" in await page.inner_text("#message")
            await page.screenshot(path=str(screenshots / "console-maintenance-account.png"), full_page=True)
            assert errors == []
    assert (screenshots / "console-maintenance-account.png").stat().st_size > 10_000


async def test_P4_P5_the_community_keeps_the_mini_fund_and_the_county_and_community_grant_the_neighbour_funds_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with funds_city(database_url_factory, nats_server, start_service) as (base, gateway, compound):
        async with console_page() as (page, errors):

            # the county opens its neighbour fund and the community's under it, and records a developer's
            # ¥1,000,000 (P5, seed 000); a grant that is no yuan is refused naming the field
            await log_in(page, base, "huian-officer", "funds")
            await shown(page, "#neighbour-funds:has-text('暂无友邻基金')")
            await page.select_option("#neighbour-level", "county")
            await page.select_option("#neighbour-place", label="惠安县")
            await page.fill("#neighbour-name", "惠安县友邻基金")
            await page.click("#neighbour-open-form button[type=submit]")
            await shown(page, "#neighbour-funds tr[data-level=county]:has-text('惠安县友邻基金')")
            await page.select_option("#neighbour-level", "community")
            await page.select_option("#neighbour-place", label="凤凰城社区")
            await page.select_option("#neighbour-parent", label="惠安县友邻基金（惠安县）")
            await page.fill("#neighbour-name", "凤凰城社区友邻基金")
            await page.click("#neighbour-open-form button[type=submit]")
            await shown(page, "#neighbour-funds tr[data-level=community]:has-text('凤凰城社区友邻基金')")
            await page.select_option("#donation-fund", label="惠安县友邻基金（惠安县）")
            await page.select_option("#donation-source", "companies")
            await page.fill("#donation-amount", "1,000,000")
            await page.fill("#donation-memo", "开发商捐赠")
            await page.click("#neighbour-donation-form button[type=submit]")
            county = page.locator("#neighbour-funds tr[data-level=county]")
            await shown(page, "#neighbour-funds tr[data-level=county] td.money:has-text('¥1,000,000.00')")
            assert "企业 ¥1,000,000.00" in await county.inner_text()
            await page.select_option("#grant-fund", label="惠安县友邻基金（惠安县）")
            await page.select_option("#grant-receiver", label="凤凰城社区友邻基金（凤凰城社区）")
            await page.fill("#grant-amount", "三十万")
            await page.fill("#grant-memo", "2026年下拨")
            await page.click("#neighbour-grant-form button[type=submit]")
            await shown(page, "#message.error:has-text('amount_fen')")
            await page.fill("#grant-amount", "300000")
            await page.click("#neighbour-grant-form button[type=submit]")
            await shown(page, "#message:has-text('已拨付')")
            await shown(page, "#neighbour-funds tr[data-level=county] td.money:has-text('¥700,000.00')")
            assert "¥300,000.00" in await page.inner_text("#neighbour-funds tr[data-level=community]")

            # the community worker opens the mini fund at ¥0.30 per m² a month (P4, seed 001), collects a
            # year from every home and a month from one: each home's month rounded to the fen (¥26.87)
            await log_in(page, base, "huian-community", "funds")
            await shown(page, "#mini-none")
            await page.fill("#mini-rate", "三毛")
            await page.click("#mini-open-form button[type=submit]")
            await shown(page, "#message.error:has-text('rate_fen_per_m2_month')")
            await page.fill("#mini-rate", "0.30")
            await page.click("#mini-open-form button[type=submit]")
            await shown(page, "#message:has-text('已设立小公维金')")
            assert "¥0.30 / m²·月" in await page.inner_text("#figure-mini-rate")
            await shown(page, "#mini-collect-form:not([hidden])")
            await page.select_option("#mini-home", label="全部房屋 Every home")
            await page.fill("#mini-months", "12")
            await page.click("#mini-collect-form button[type=submit]")
            await shown(page, "#message:has-text('已收取小公维金')")
            assert "¥967.32" in await page.inner_text("#message")  # 3 homes × 12 × ¥26.87
            await page.select_option("#mini-home", label="3号楼 0101")
            await page.fill("#mini-months", "1")
            await page.click("#mini-collect-form button[type=submit]")
            await shown(page, "#figure-mini-income b:has-text('¥994.19')")

            # a small repair is paid from the surplus, never beyond it
            await page.fill("#mini-repair-amount", "1000")
            await page.fill("#mini-repair-purpose", "更换楼道灯")
            await page.click("#mini-repair-form button[type=submit]")
            await shown(page, "#message.error:has-text('amount_fen')")
            assert await page.inner_text("#figure-mini-repairs b") == "0 项"
            await page.fill("#mini-repair-amount", "350")
            await page.click("#mini-repair-form button[type=submit]")
            await shown(page, "#message:has-text('已支付小额维修')")
            assert await page.inner_text("#figure-mini-surplus b") == "¥644.19"
            assert await page.inner_text("#figure-mini-repairs b") == "1 项"

            # and opens the compound's neighbour fund under the community's, grants it ¥100,000 and spends on
            # the neighbourhood festival; the county fund is outside this worker's list
            await page.select_option("#neighbour-level", "compound")
            await page.select_option("#neighbour-compound", label="凤凰城 (FHC)")
            await page.select_option("#neighbour-parent", label="凤凰城社区友邻基金（凤凰城社区）")
            await page.fill("#neighbour-name", "凤凰城友邻基金")
            await page.click("#neighbour-open-form button[type=submit]")
            await shown(page, "#neighbour-funds tr[data-level=compound]:has-text('凤凰城友邻基金')")
            assert await page.locator("#neighbour-funds tr[data-level=county]").count() == 0
            await page.select_option("#grant-fund", label="凤凰城社区友邻基金（凤凰城社区）")
            await page.select_option("#grant-receiver", label="凤凰城友邻基金（凤凰城）")
            await page.fill("#grant-amount", "100000")
            await page.fill("#grant-memo", "邻里节经费")
            await page.click("#neighbour-grant-form button[type=submit]")
            await shown(page, "#neighbour-funds tr[data-level=compound] td.money:has-text('¥100,000.00')")
            await page.select_option("#spend-fund", label="凤凰城友邻基金（凤凰城）")
            await page.fill("#spend-amount", "25000")
            await page.fill("#spend-purpose", "邻里节")
            await page.click("#neighbour-spend-form button[type=submit]")
            await shown(page, "#neighbour-funds tr[data-level=compound] td.money:has-text('¥75,000.00')")
            row = await page.inner_text("#neighbour-funds tr[data-level=compound]")
            assert "凤凰城" in row and "¥25,000.00" in row and "小区" in row
            assert "¥200,000.00" in await page.inner_text("#neighbour-funds tr[data-level=community] td.money")
            await page.screenshot(path=str(screenshots / "console-community-funds.png"), full_page=True)
            assert errors == []
    assert (screenshots / "console-community-funds.png").stat().st_size > 10_000


async def test_O1_O5_a_community_worker_forms_a_committee_from_screened_candidates_with_the_rules_checked_as_typed(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with registry_city(database_url_factory, nats_server, start_service) as (base, gateway, registry_port):
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        admin = await gateway.token("city-admin")
        building = await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings",
                                             json={"code": "1", "name": "1号楼"}, headers=admin)
        names = ["陈建国", "王文斌", "许志强", "林秀英", "黄美玲", "郑少华"]
        async with grpc.aio.insecure_channel(f"127.0.0.1:{registry_port}") as channel:
            stub = registry_pb2_grpc.RegistryServiceStub(channel)
            for number, name in enumerate(names, start=1):
                person = (await stub.RegisterPerson(registry_pb2.RegisterPersonRequest(
                    community_code="350521100001", name=name), metadata=CITY_ADMIN.to_metadata())).person
                await stub.AddHousehold(registry_pb2.AddHouseholdRequest(
                    building_id=building.json()["id"], unit_number=f"{number}01", area_dm2=9_000,
                    owners=[registry_pb2.OwnerShare(person_id=person.id, share="1")]), metadata=CITY_ADMIN.to_metadata())
                if number <= 2:  # two party members
                    await stub.SetPartyMembership(registry_pb2.SetPartyMembershipRequest(
                        person_id=person.id, is_party_member=True, since="2020-07-01"), metadata=CITY_ADMIN.to_metadata())
                await stub.ProposeCandidate(registry_pb2.ProposeCandidateRequest(
                    compound_id=compound["id"], person_id=person.id, screened_on="2026-11-20",
                    positions=[registry_pb2.RESERVE_POSITION_OWNERS_COMMITTEE_MEMBER],
                    unpaid_property_fees=name == "郑少华"), metadata=CITY_ADMIN.to_metadata())

        async with console_page() as (page, errors):
            await log_in(page, base, "huian-community", "registry")
            await page.click(f"#compounds tr[data-compound-id='{compound['id']}']")
            await shown(page, "#candidates tr[data-person-id]")
            assert "尚未组建" in await page.inner_text("#committees")
            screened = await page.inner_text("#candidates")
            assert "未通过" in screened and "物业费" in screened  # the O5 reason, in Chinese
            assert await page.locator("#committee-members .member").count() == 5  # only who passed may sit

            members = page.locator("#committee-members .member")
            await members.nth(0).locator("input").check()
            await shown(page, "#committee-check[data-ok=false]:has-text('须有且只有一名主任')")  # no chair yet
            await members.nth(0).locator("select").select_option("chair")
            for index in range(1, 4):
                await members.nth(index).locator("input").check()
            await shown(page, "#committee-check[data-ok=false]:has-text('O1')")  # four is even
            await members.nth(4).locator("input").check()
            await shown(page, "#committee-check[data-ok=true]")
            check = await page.inner_text("#committee-check")
            assert "党员 party 2/5（40.0%）" in check and "党员比例 O4" in check  # a warning, not a block (O4)
            await page.click("#committee-form button[type=submit]")
            await shown(page, "#message:has-text('已组建')")
            formed = page.locator("#committees tr[data-state=active]")
            await formed.wait_for()
            text = await formed.inner_text()
            assert "第1届" in text and "主任 Chair" in text and "2/5" in text and "未备案" in text
            # the term is filed with the street on the day given, never before the term starts
            await formed.locator("input.step-day").fill("2026-11-30")
            await formed.locator("button.step-file").click()
            await shown(page, "#message.error:has-text('filed_on')")
            filed_on = dt.datetime.now(SHANGHAI).date().isoformat()
            await formed.locator("input.step-day").fill(filed_on)
            await formed.locator("button.step-file").click()
            await shown(page, f"#committees tr[data-state=active]:has-text('已备案 filed {filed_on}')")
            assert await page.locator("#committees tr[data-state=active] button.step-file").count() == 0  # once
            await page.screenshot(path=str(screenshots / "console-registry.png"), full_page=True)
            # 换届: the next term, elected again from the screened candidates; a term that does not start
            # after the current one is refused
            for index in range(5):
                await members.nth(index).locator("input").check()
            await members.nth(1).locator("select").select_option("chair")
            await members.nth(4).locator("select").select_option("vice_chair")
            # forming another is refused while one is in office: the check points to re-election
            await shown(page, "#committee-check:has-text('换届请用')")
            await page.click("#committees tr[data-state=active] button.step-re-elect")
            await shown(page, "#message.error:has-text('term_start')")
            await page.fill("#committee-start", "2031-12-01")
            await page.fill("#committee-end", "2036-11-30")
            await page.click("#committees tr[data-state=active] button.step-re-elect")
            await shown(page, "#message:has-text('已换届')")
            await shown(page, "#committees tr[data-state=active]:has-text('第2届 2031-12-01')")
            again = await page.inner_text("#committees tr[data-state=active]")
            assert "未备案" in again  # the new term is filed again
            assert again.count("（主任 Chair）") == 1 and again.count("（副主任 Vice chair）") == 1
            assert await page.locator("#committees tr[data-state=active]").count() == 1  # one committee, its next term
            await page.fill("#committees tr[data-state=active] input.step-day", "2031-12-01")
            await page.click("#committees tr[data-state=active] button.step-dissolve")
            await shown(page, "#committees tr[data-state=dissolved]")
            assert "已解散" in await page.inner_text("#committees tr[data-state=dissolved]")
            assert errors == []
    assert (screenshots / "console-registry.png").stat().st_size > 10_000


async def test_A1_a_person_holding_two_posts_chooses_the_one_to_act_in_and_the_screens_follow_it_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    async with served_gateway({"registry": registry}, roles_from_token=False) as (base, gateway):
        for parent, code, name in HIERARCHY:
            async with grpc.aio.insecure_channel(f"127.0.0.1:{registry.port}") as channel:
                await registry_pb2_grpc.RegistryServiceStub(channel).RegisterJurisdiction(
                    registry_pb2.RegisterJurisdictionRequest(parent_code=parent, code=code, name=name),
                    metadata=APPOINTER.to_metadata())
        person = await appoint(registry.port, "huian-community", community_code=HUIAN_COMMUNITY)
        await give_post(registry.port, person, "party_branch_reviewer", HUIAN_COMMUNITY)
        async with console_page() as (page, errors):
            await page.goto(f"{base}/console#registry")
            await page.wait_for_selector("#dev-login:not([hidden])")
            await page.select_option("#username", "huian-community")
            await page.click("#dev-login-button")
            # nothing loads until the post is chosen; both are offered by their names
            await shown(page, "#message:has-text('请先选择办理身份')")
            await shown(page, "#post-choice-label:not([hidden])")
            offered = await page.locator("#post-choice option").all_inner_texts()
            assert offered[1:] == ["社区工作者 Community worker · 凤凰城社区",
                                   "社区党组织审核人 Party branch reviewer · 凤凰城社区"]
            await page.select_option("#post-choice", label=offered[1])
            await shown(page, "#compound-register-form:not([hidden])")  # a community worker keeps the registry
            assert "请先选择" not in await page.inner_text("#message")
            # as the party branch's reviewer the same person keeps no register
            await page.select_option("#post-choice", label=offered[2])
            await page.wait_for_selector("#compound-register-form", state="hidden")
            await page.wait_for_load_state("networkidle")
            # (complaints is not started here: the categories read at login answer 503)
            assert await page.is_hidden("#compound-register-form") and "无权" not in await page.inner_text("#message")
            assert await page.input_value("#post-choice") != ""
            assert errors == []


async def test_A4_the_county_registers_a_street_and_a_community_under_it_and_a_code_outside_its_parent_is_refused_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    async with registry_city(database_url_factory, nats_server, start_service) as (base, _, _):
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-officer", "registry")
            await shown(page, "#places tr[data-code='350521100001']")
            assert "凤凰城社区" in await page.inner_text("#places") and "安溪县" not in await page.inner_text("#places")

            # a street code that is not below its parent county is refused naming the field
            await page.select_option("#place-parent", label="惠安县（县 County）")
            await page.fill("#place-code", "350524101")
            await page.fill("#place-name", "紫山镇")
            await page.click("#place-form button[type=submit]")
            await shown(page, "#message.error:has-text('(code)')")
            assert await page.locator("#places tr[data-code='350524101']").count() == 0

            await page.fill("#place-code", "350521101")
            await page.click("#place-form button[type=submit]")
            await shown(page, "#places tr[data-code='350521101'][data-level=street]:has-text('紫山镇')")
            await page.select_option("#place-parent", label="紫山镇（街道 Street）")
            await page.fill("#place-code", "350521101001")
            await page.fill("#place-name", "紫山社区")
            await page.click("#place-form button[type=submit]")
            await shown(page, "#places tr[data-code='350521101001'][data-level=community]:has-text('紫山镇')")
            # and the new community is where a compound can now be registered
            assert "紫山社区" in await page.inner_text("#register-community")

            # a street officer registers no jurisdiction
            await log_in(page, base, "huian-street", "registry")
            await shown(page, "#compound-register-form:not([hidden])")
            assert await page.is_hidden("#places-section")
            assert errors == []


async def test_O3_O6_the_county_reads_its_coverage_street_by_street_on_any_day_against_the_targets_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    async with registry_city(database_url_factory, nats_server, start_service) as (base, gateway, _):
        for code, name in (("FHC", "凤凰城"), ("OLY", "奥林匹克花园")):
            await register_compound(gateway, "350521100001", code, name)
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-officer", "registry")
            county = page.locator("#coverage-rows tr[data-code='350521']")
            await county.wait_for()
            assert "惠安县（合计" in await county.inner_text()
            street = page.locator("#coverage-rows tr[data-code='350521100']")
            cells = await street.locator("td").all_inner_texts()
            assert cells[:2] == ["螺城镇", "2"]
            assert cells[3] == "0.0% 未达标 below target"  # no committee formed, the target is 50 %
            # the day before the compounds were registered, there were none
            yesterday = (dt.datetime.now(SHANGHAI).date() - dt.timedelta(days=1)).isoformat()
            await page.fill("#coverage-as-of", yesterday)
            await page.click("#coverage-refresh")
            await shown(page, "#coverage-rows tr[data-code='350521100'] td:nth-child(2):text-is('0')")
            assert errors == []


async def test_A4_the_city_uploads_a_workbook_of_its_registry_sees_it_progress_and_each_refused_row_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, tmp_path: Path, screenshots: Path
) -> None:
    async with registry_city(database_url_factory, nats_server, start_service) as (base, gateway, _):
        book = openpyxl.Workbook()
        book.remove(book.worksheets[0])
        for kind, rows in {
            "compounds": [["ZSH", "紫山花园", "commodity", "company", "350521100001"]],
            "buildings": [["ZSH", "1", "1号楼"]],
            "households": [["ZSH", "1", "101", "89.57", "false"], ["ZSH", "1", "102", "120.00", "false"]],
            "owners": [["ZSH", "1", "101", "P1", "陈建国", "13800000001", "", "1"],
                       ["ZSH", "1", "102", "P2", "林丽娟", "13800000002", "", "2"]],
        }.items():
            sheet = book.create_sheet(kind)
            for row in [list(IMPORT_COLUMNS[kind]), *rows]:
                sheet.append(row)
        workbook = tmp_path / "惠安县台账.xlsx"
        book.save(workbook)
        async with console_page() as (page, errors):
            await log_in(page, base, "city-admin", "registry")
            await shown(page, "#import-section:not([hidden])")
            await page.set_input_files("#import-workbook", str(workbook))
            await page.click("#import-submit")
            await shown(page, "#figure-import-read")
            assert await page.inner_text("#figure-import-read b") == "6"
            assert await page.inner_text("#figure-import-compounds b") == "1"
            assert await page.inner_text("#figure-import-bad b") == "1"
            assert await page.get_attribute("#import-progress", "value") == "6"
            assert "6 / 6" in await page.inner_text("#import-status")
            refused_row = page.locator("#import-error-list tr[data-sheet=owners][data-row='3']")
            await refused_row.wait_for()
            assert "share" in await refused_row.inner_text() and "第 3 行" in await refused_row.inner_text()
            assert "有误未写入" in await page.inner_text("#message")
            await page.screenshot(path=str(screenshots / "console-registry-import.png"), full_page=True)
            # the compound is registered and listed with the rest
            compounds = (await gateway.client.get("/api/v1/compounds", params={"jurisdiction_code": "350521100001"},
                                                  headers=await gateway.token("city-admin"))).json()["items"]
            assert [one["name"] for one in compounds] == ["紫山花园"]
            # a county officer imports nothing here
            await log_in(page, base, "huian-officer", "registry")
            await shown(page, "#places-section:not([hidden])")
            assert await page.is_hidden("#import-section")
            assert errors == []


async def test_O7_A1_the_street_registers_a_compound_its_company_and_contract_and_the_community_marks_its_four_failures(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with registry_city(database_url_factory, nats_server, start_service) as (base, gateway, _):
        today = dt.datetime.now(SHANGHAI).date().isoformat()
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-street", "registry")
            # the street officer registers a compound in one of the street's communities, by name
            await shown(page, "#register-community:has(option[value='350521100001'])")
            assert await page.inner_text("#register-community") == "凤凰城社区"
            await page.fill("#register-code", "FHC2")
            await page.fill("#register-name", "凤凰城二期")
            await page.select_option("#register-type", "old")
            await page.select_option("#register-mode", "none")
            await page.click("#compound-register-form button[type=submit]")
            await shown(page, "#message:has-text('已登记小区')")
            await shown(page, "#compound-service:has-text('暂无物业服务')")  # opened on registering
            row = await page.inner_text("#compounds tr:has-text('凤凰城二期')")
            assert "老旧小区" in row and "无物业" in row

            # a company whose credit code fails its check character is refused, naming the field
            await page.fill("#company-uscc", "91350521MA2YC4XL1X")
            await page.fill("#company-name", "惠安安居物业有限公司")
            await page.click("#company-form button[type=submit]")
            await shown(page, "#message.error:has-text('uscc')")
            assert await page.locator("#companies tr[data-company-id]").count() == 0
            await page.fill("#company-uscc", "91350521MA2YC4XL1N")
            await page.check("#company-party-required")
            await page.select_option("#company-party-mode", "joint_branch")
            await page.fill("#company-party-since", "2025-07-01")
            await page.click("#company-form button[type=submit]")
            await shown(page, "#companies tr:has-text('惠安安居物业有限公司')")
            assert "应建 Required · 联合党支部" in await page.inner_text("#companies tr:has-text('惠安安居物业有限公司')")
            # it sets up a party organisation of its own: from a day, never a future one
            company_row = page.locator("#companies tr:has-text('惠安安居物业有限公司')")
            await company_row.locator("select.step-mode").select_option("standalone")
            tomorrow = (dt.datetime.now(SHANGHAI).date() + dt.timedelta(days=1)).isoformat()
            await company_row.locator("input.step-day").fill(tomorrow)
            await company_row.locator("button.step-party-mode").click()
            await shown(page, "#message.error:has-text('effective_from')")
            await company_row.locator("input.step-day").fill(today)
            await company_row.locator("button.step-party-mode").click()
            await shown(page, "#companies tr:has-text('应建 Required · 单独建立')")

            # it starts serving the compound, open-ended; the compound is then managed by a company
            await page.click("#compounds tr:has-text('凤凰城二期')")
            await shown(page, "#contract-form:not([hidden]) #contract-company:has(option)")
            await page.select_option("#contract-mode", "trusteeship")
            await page.fill("#contract-start", today)
            await page.click("#contract-form button[type=submit]")
            await shown(page, "#compound-service:has-text('惠安安居物业有限公司')")
            service = await page.inner_text("#compound-service")
            assert "国企托管" in service and "长期" in service
            assert await page.is_hidden("#contract-form")  # one contract at a time
            await page.select_option("#edit-mode", "company")
            await page.click("#compound-edit-form button[type=submit]")
            await shown(page, "#compounds tr:has-text('凤凰城二期'):has-text('物业企业')")
            await page.fill("#building-code", "1")
            await page.fill("#building-name", "1号楼")
            await page.click("#building-form button[type=submit]")
            await shown(page, "#buildings tr:has-text('1号楼')")
            await page.screenshot(path=str(screenshots / "console-registry-service.png"), full_page=True)
            # the contract ends on its last day: the company still serves today, and no longer from tomorrow
            await page.fill("#contract-terminated", today)
            await page.click("#contract-end-button")
            await shown(page, "#message:has-text('已终止合同')")
            await shown(page, f"#compound-service:has-text('已终止，服务至 ended, serving until {today}')")
            assert await page.locator("#contract-end-button").count() == 0  # ended once

            # the community worker records what failed there (O7); companies and contracts are not theirs
            await log_in(page, base, "huian-community", "registry")
            await shown(page, "#compounds tr:has-text('凤凰城二期')")
            assert await page.is_hidden("#companies-section")
            await page.click("#compounds tr:has-text('凤凰城二期')")
            await shown(page, "#compound-service:has-text('惠安安居物业有限公司')")
            assert await page.is_hidden("#contract-form") and await page.locator("#contract-end-button").count() == 0
            await page.check("#four-failures-form input[value=market_failure]")
            await page.check("#four-failures-form input[value=no_management]")
            await page.click("#four-failures-form button[type=submit]")
            await shown(page, "#compounds tr:has-text('市场失灵 Market failure、物业失管 No management')")
            assert errors == []

        admin = await gateway.token("city-admin")
        needing = (await gateway.client.get("/api/v1/service-coverage/350521/compounds-needing-service",
                                            headers=admin)).json()["items"]
        assert [(need["compound"]["name"], sorted(need["four_failures"])) for need in needing] == [
            ("凤凰城二期", ["market_failure", "no_management"])]
        compound = (await gateway.client.get(f"/api/v1/compounds/{needing[0]['compound']['id']}", headers=admin)).json()
        assert compound["compound"]["management_mode"] == "company"
        assert compound["current_contract"]["mode"] == "trusteeship"
        assert compound["current_contract"]["terminated_on"] == today
    assert (screenshots / "console-registry-service.png").stat().st_size > 10_000


async def test_A1_O4_the_street_registers_a_person_finds_them_masked_and_gives_and_ends_their_post(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with registry_city(database_url_factory, nats_server, start_service) as (base, gateway, _):
        today = dt.datetime.now(SHANGHAI).date().isoformat()
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-street", "registry")
            await shown(page, "#person-community:has(option[value='350521100001'])")
            await page.fill("#person-name", "林志明")
            await page.fill("#person-phone", "13805951234")
            await page.click("#person-form button[type=submit]")
            await shown(page, "#people tr:has-text('林志明')")
            row = await page.inner_text("#people tr:has-text('林志明')")
            assert "138****1234" in row and "否 No" in row
            assert "13805951234" not in await page.inner_text("body")  # the full number is never shown

            # found again by the full number, answered masked; the street records the party membership (O4)
            await page.reload()
            await shown(page, "#people-search-form:not([hidden])")
            await page.fill("#people-phone", "13805951234")
            await page.click("#people-search-form button[type=submit]")
            await shown(page, "#message:has-text('找到 1 人')")
            await page.click("#people tr:has-text('林志明') button.step-party")
            await shown(page, "#people tr:has-text('林志明'):has-text('是 Yes')")

            # a grid worker's post is held at a community: only the street's communities are offered
            await page.select_option("#post-kind", "grid_worker")
            assert await page.inner_text("#post-place") == "凤凰城社区"
            await page.click("#post-form button[type=submit]")
            await shown(page, "#posts tr:has-text('林志明'):has-text('网格员 Grid worker')")
            assert "凤凰城社区" in await page.inner_text("#posts tr:has-text('林志明')")
            # a street officer's post is given from above, not by the street's own officer (A1)
            await page.select_option("#post-kind", "street_officer")
            assert await page.inner_text("#post-place") == "螺城镇"
            await page.click("#post-form button[type=submit]")
            await shown(page, "#message.error:has-text('kind')")
            assert await page.locator("#posts tr:has-text('街道干部')").count() == 0
            await page.screenshot(path=str(screenshots / "console-registry-people.png"), full_page=True)
            post = page.locator("#posts tr:has-text('林志明')")
            await post.locator("input.step-day").fill(today)
            await post.locator("button.step-end-post").click()
            await shown(page, f"#posts tr:has-text('林志明'):has-text('— {today}')")
            assert "已结束" in await page.inner_text("#posts tr:has-text('林志明')")
            assert errors == []

        posts = (await gateway.client.get("/api/v1/posts", params={"jurisdiction_code": "350521100001"},
                                          headers=await gateway.token("city-admin"))).json()
        assert [(post["kind"], post["ended_on"]) for post in posts] == [("grid_worker", today)]
    assert (screenshots / "console-registry-people.png").stat().st_size > 10_000


async def test_O3_O6_A1_a_community_worker_screens_candidates_sets_up_the_compound_branch_and_links_a_cadre(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with registry_city(database_url_factory, nats_server, start_service) as (base, gateway, _):
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
        await gateway.client.post(f"/api/v1/compounds/{compound['id']}/buildings", json={"code": "1", "name": "1号楼"},
                                  headers=await gateway.token("city-admin"))
        async with console_page() as (page, errors):
            await log_in(page, base, "huian-community", "registry")
            for name, phone, party in (("陈建国", "13805950001", True), ("郑少华", "13805950002", False)):
                await page.fill("#person-name", name)
                await page.fill("#person-phone", phone)
                await page.set_checked("#person-party", party)
                await page.click("#person-form button[type=submit]")
                await shown(page, f"#people tr:has-text('{name}')")
            await page.click(f"#compounds tr[data-compound-id='{compound['id']}']")
            await shown(page, "#candidate-person:has(option)")

            # O5: each proposal carries what the screening found; the negative list decides, in Chinese
            await page.select_option("#candidate-person", label="陈建国 138****0001")
            await page.check(".candidate-position[value=branch_secretary]")
            await page.click("#candidate-form button[type=submit]")
            await shown(page, "#message:has-text('审查通过')")
            await page.select_option("#candidate-person", label="郑少华 138****0002")
            await page.check("#candidate-unpaid-fees")
            await page.click("#candidate-form button[type=submit]")
            await shown(page, "#message:has-text('未通过')")
            await shown(page, "#candidates tr:has-text('郑少华'):has-text('物业费')")
            assert "通过 Eligible" in await page.inner_text("#candidates tr:has-text('陈建国')")
            assert await page.locator("#committee-members .member").count() == 1  # only who passed may sit

            # a tie to another company than the compound's does not count; the candidate's spouse working for
            # the company that serves 凤凰城 does
            await page.fill("#person-name", "黄美华")
            await page.fill("#person-phone", "13805950003")
            await page.set_checked("#person-party", False)
            await page.click("#person-form button[type=submit]")
            await shown(page, "#people tr:has-text('黄美华')")
            await page.select_option("#candidate-person", label="黄美华 138****0003")
            await page.click("#candidate-add-tie")
            tie = page.locator("#candidate-ties .candidate-tie").last
            await tie.locator(".tie-company").select_option(label=f"{company['name']}（本小区物业 serving）")
            await tie.locator(".tie-relation").select_option("spouse")
            await tie.locator(".tie-kind").select_option("employment")
            await page.click("#candidate-add-tie")
            other = page.locator("#candidate-ties .candidate-tie").last
            await other.locator(".tie-company").select_option("")
            await other.locator(".tie-uscc").fill("91350521MA2YC4XL2R")
            await other.locator(".tie-kind").select_option("stake")
            await page.click("#candidate-form button[type=submit]")
            await shown(page, "#message:has-text('未通过')")
            assert await page.locator("#candidate-ties .candidate-tie").count() == 0
            screened_out = await page.inner_text("#candidates tr:has-text('黄美华')")
            assert "物业" in screened_out and "Eligible" not in screened_out

            # the party organisations: the community's committee, the compound's branch under it, a building group
            await page.select_option("#party-level", "community_committee")
            await page.fill("#party-name", "凤凰城社区党委")
            await page.click("#party-form button[type=submit]")
            await shown(page, "#party-organisations tr:has-text('凤凰城社区党委')")
            await page.select_option("#party-level", "compound_branch")
            await page.fill("#party-name", "凤凰城小区党支部")
            await page.select_option("#party-parent", label="凤凰城社区党委")
            await page.select_option("#party-secretary", label="陈建国 138****0001")
            await page.click("#party-form button[type=submit]")
            await shown(page, "#party-organisations tr:has-text('凤凰城小区党支部'):has-text('陈建国')")
            await page.select_option("#party-level", "building_group")
            await page.fill("#party-name", "1号楼党小组")
            await page.select_option("#party-parent", label="凤凰城小区党支部")
            await page.click("#party-form button[type=submit]")
            await shown(page, "#party-organisations tr:has-text('1号楼党小组（1号楼）')")
            branch = await page.inner_text("#party-organisations tr:has-text('凤凰城小区党支部')")
            assert "小区党支部 Compound branch" in branch and "凤凰城社区党委" in branch

            # 包联: a community cadre is linked to the compound
            await page.select_option("#cadre-person", label="郑少华 138****0002")
            await page.fill("#cadre-post", "社区两委委员")
            await page.click("#cadre-form button[type=submit]")
            await shown(page, "#cadre-links tr:has-text('郑少华'):has-text('社区两委委员')")
            assert "至今" in await page.inner_text("#cadre-links tr:has-text('郑少华')")
            await page.screenshot(path=str(screenshots / "console-registry-party.png"), full_page=True)
            assert errors == []

        coverage = (await gateway.client.get("/api/v1/coverage/350521100001",
                                             headers=await gateway.token("city-admin"))).json()
        assert coverage["party_branch_coverage"]["numerator"] == coverage["party_branch_coverage"]["denominator"] == 1
    assert (screenshots / "console-registry-party.png").stat().st_size > 10_000


async def test_E1_the_city_imports_the_departments_catalogue_from_their_spreadsheet_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, tmp_path: Path
) -> None:
    async with served_city(("registry", "enforcement"), database_url_factory, nats_server, start_service) as (base, gateway):
        gas = {"code": "GAS-01", "lead_department": "消防救援", "partner_departments": "住建", "content": "燃气管道是否有泄漏",
               "legal_basis": "《城镇燃气管理条例》", "standard": "无泄漏", "frequency": "每年一次"}
        book = openpyxl.Workbook()
        sheet = book.worksheets[0]
        sheet.append(list(CATALOGUE_COLUMNS))
        for row in (gas, {**gas, "code": "GAS-02", "lead_department": "天文台", "content": "燃气表是否完好"}):
            sheet.append([row.get(column, "") for column in CATALOGUE_COLUMNS])
        workbook = tmp_path / "检查事项.xlsx"
        book.save(workbook)
        async with console_page() as (page, errors):
            await log_in(page, base, "city-admin", "plans")
            await shown(page, "#catalogue-form:not([hidden])")
            await page.set_input_files("#catalogue-file", str(workbook))
            await page.click("#catalogue-form button[type=submit]")
            await shown(page, "#catalogue-error-rows tr[data-row='3']:has-text('lead_department')")
            assert "未导入" in await page.inner_text("#message")
            sheet.delete_rows(3)
            book.save(workbook)
            await page.set_input_files("#catalogue-file", str(workbook))
            await page.click("#catalogue-form button[type=submit]")
            await shown(page, "#message:has-text('已导入检查事项')")
            assert "1 项" in await page.inner_text("#message") and await page.is_hidden("#catalogue-errors")
            items = (await gateway.client.get("/api/v1/enforcement/items", params={"department": "fire_rescue"},
                                              headers=await gateway.token("city-admin"))).json()
            assert [(item["code"], item["partner_departments"]) for item in items] == [("GAS-01", ["housing"])]
            # an officer of a county imports no catalogue
            await log_in(page, base, "huian-officer", "plans")
            await shown(page, "#plans-refresh")
            assert await page.is_hidden("#catalogue-form")
            assert errors == []


async def test_E1_E5_an_inspector_records_issues_and_rechecks_and_an_officer_escalates_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path, tmp_path: Path
) -> None:
    registry = await start_service(definition("registry", await database_url_factory("registry"), nats_server.url))
    # the overdue sweep runs every 0.2 s, so an order given a two-second deadline is overdue within the test
    enforcement = await start_service(build_enforcement(EnforcementSettings(
        database_url=await database_url_factory("enforcement"), nats_url=nats_server.url, grpc_port=0,
        overdue_interval_seconds=0.2, object_store_url=f"file://{tmp_path / 'objects'}")))
    async with served_gateway({"registry": registry, "enforcement": enforcement}) as (base, gateway):
        await register_hierarchy(gateway)
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
        await add_housing_item(enforcement.port)
        await eventually(lambda: enforcement_knows_serving_company(gateway, compound, company))
        # an earlier visit whose order ran out of time: planned, found and issued through the REST surface
        officer, housing = await gateway.token("huian-officer"), await gateway.token("huian-housing")
        earlier = await gateway.client.post("/api/v1/enforcement/plans", headers=officer | {"Idempotency-Key": "earlier"}, json={
            "kind": "special", "basis": "电梯安全专项检查", "visit_date": dt.datetime.now(SHANGHAI).date().isoformat(), "compound_ids": [compound["id"]],
            "teams": [{"department": "housing"}]})
        assert earlier.status_code == 201, earlier.text
        visit = f"/api/v1/enforcement/inspections/{earlier.json()['visits'][0]['inspection_id']}"
        recorded = await gateway.client.post(f"{visit}/results", headers=housing, json={
            "item_code": "LIFT-01", "outcome": "fail", "severity": "serious", "evidence_refs": ["photo-0900.jpg"]})
        assert recorded.status_code == 200, recorded.text
        soon = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)).isoformat()
        completed = await gateway.client.post(f"{visit}/completion", headers=housing, json={
            "orders": [{"item_code": "LIFT-01", "addressee": "company", "deadline": soon}]})
        assert completed.status_code == 200, completed.text
        late_order = completed.json()["orders"][0]["order_id"]

        async def overdue() -> bool:
            answer = await gateway.client.get(f"/api/v1/enforcement/orders/{late_order}", headers=officer)
            return answer.json()["state"] == "overdue"

        await eventually(overdue)

        async with console_page() as (page, errors):

            # the county officer plans this quarter's visit with the housing department
            await log_in(page, base, "huian-officer", "plans")
            await shown(page, "#plan-departments input[value=housing]")
            await page.fill("#plan-basis", "第四季度联合检查")
            await page.check("#plan-departments input[value=housing]")
            await page.fill("[data-department=housing] .inspectors", "施住建")
            await page.click("#plan-form button[type=submit]")
            await shown(page, "#plans tr:has-text('第四季度联合检查')")
            assert "凤凰城" in await page.inner_text("#plans tr:has-text('第四季度联合检查')")  # names, not ids
            assert await page.is_hidden("#recheck-form") and await page.is_hidden("#completion-form")

            # the housing inspector opens the visit, records the failure and completes it with an order
            await log_in(page, base, "huian-housing", "plans")
            await page.click("#plans tr:has-text('第四季度联合检查')")
            await shown(page, "#plan-teams tr[data-department=housing]:has-text('施住建')")
            team = page.locator("#plan-teams tr[data-department=housing]")
            await team.locator("input.step-text").fill("施住建、苏助理")
            await team.locator("button.step-name-inspectors").click()
            await shown(page, "#plan-teams tr[data-department=housing] .people:has-text('苏助理')")
            assert "电梯年检是否有效" in await page.inner_text("#plan-checklist")
            assert "住建" in await page.inner_text("#plan-checklist")  # the department by name
            await page.click("#plan-visits tr[data-state=open]")
            line = page.locator("#inspection-lines tr[data-item-code='LIFT-01']")
            await line.locator("select.outcome").wait_for()
            assert "未检查" in await line.inner_text()
            await line.locator("select.outcome").select_option("fail")
            await line.locator("button.record").click()
            # a failure without evidence is refused, naming the field and the rule; nothing is recorded
            await shown(page, "#message.error:has-text('evidence_refs')")
            assert "证据材料（evidence_refs）" in await page.inner_text("#message")
            assert "未检查" in await line.inner_text()
            await line.locator("select.outcome").select_option("fail")
            await line.locator("select.severity").select_option("major")
            await line.locator("input.evidence").fill("检查记录表第3页, 维保记录")
            # with the inspector's photo of the lapsed certificate, drawn on the line once recorded
            await line.locator("input.evidence-photo-input").set_input_files(files=[
                {"name": "年检标志.jpg", "mimeType": "image/jpeg", "buffer": phone_photo(1200, 900)}])
            await line.locator("input.note").fill("3号楼电梯年检过期")
            await line.locator("button.record").click()
            await shown(page, "#inspection-lines tr[data-outcome=fail]")
            await page.wait_for_function(DRAWN, arg=["#inspection-lines tr[data-outcome=fail] img.photo", 1])
            recorded_line = await page.inner_text("#inspection-lines tr[data-outcome=fail]")
            assert "不合格" in recorded_line and "较重" in recorded_line and "维保记录" in recorded_line
            assert "照片 1 张" in recorded_line and "photo:" not in recorded_line  # the photo itself, not its id
            assert await page.evaluate(
                "document.querySelector('#inspection-lines tr[data-outcome=fail] img.photo').naturalWidth") == 1200
            order_row = page.locator("#completion-orders .completion-order[data-item-code='LIFT-01']")
            assert company["name"] in await order_row.inner_text()  # the order goes to the serving company by name
            await order_row.locator("input.days").fill("5")
            await page.click("#completion-form button[type=submit]")
            await shown(page, "#inspection-orders tr[data-state=issued]")
            assert (await page.inner_text("#inspection-state")).startswith("已完成")
            assert company["name"] in await page.inner_text("#inspection-orders")

            # the company reports the work done: the re-check before the deadline must say why (E4)
            await page.click("#inspection-orders tr[data-state=issued]")
            await shown(page, "#recheck-form:not([hidden])")
            assert await page.is_visible("#recheck-reason")
            await page.click("#recheck-form button[type=submit]")
            await shown(page, "#message.error:has-text('early_reason')")
            await page.fill("#recheck-reason", "物业公司报告已完成整改")
            await page.click("#recheck-form button[type=submit]")
            await shown(page, "#order[data-state=rectified]")
            assert "物业公司报告已完成整改" in await page.inner_text("#order-rechecks")
            assert await page.is_hidden("#recheck-form")
            await shown(page, "#inspection-orders tr[data-state=rectified]")

            # the county officer escalates the earlier, overdue order and records how the case ended
            await log_in(page, base, "huian-officer", "plans")
            await page.click(f"#orders-overdue tr[data-order-id='{late_order}']")
            await shown(page, "#escalation-form:not([hidden])")
            await page.select_option("#escalation-kind", "referral")
            assert await page.is_visible("#escalation-referral") and await page.is_hidden("#escalation-department")
            await page.select_option("#escalation-kind", "penalty_case")
            await page.select_option("#escalation-department", "housing")
            await page.click("#escalation-form button[type=submit]")
            await shown(page, "#order[data-state=escalated]")
            assert "立案处罚" in await page.inner_text("#order-facts")
            await page.locator(f"#orders-overdue tr[data-order-id='{late_order}']").wait_for(state="detached")
            await page.select_option("#escalation-outcome", "penalty_imposed")
            await page.click("#outcome-form button[type=submit]")
            await shown(page, "#order-facts:has-text('已处罚')")
            assert await page.is_hidden("#outcome-form")

            # the figures count both visits' problems, one rectified (E5)
            await page.click("#plans-refresh")
            await shown(page, "#figure-enf-problems b:text-is('2')")
            assert await page.inner_text("#figure-enf-rectified b") == "1"
            assert await page.inner_text("#figure-enf-rectification-rate b") == "50.0%"
            await page.screenshot(path=str(screenshots / "console-inspections.png"), full_page=True)
            assert errors == []
    assert (screenshots / "console-inspections.png").stat().st_size > 10_000


async def test_R2_R3_R5_the_county_rates_a_year_the_city_approves_five_stars_and_adds_a_rule_version_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with served_city(("registry", "ratings"), database_url_factory, nats_server, start_service) as (base, gateway):
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N", start_on="2024-06-01")
        officer = await gateway.token("huian-officer")
        street = "350500/350521/350521100"

        async def serving() -> bool:  # the contract reaches ratings by the registry's events
            answer = await gateway.client.get(f"/api/v1/ratings/companies/{company['id']}/quarterly-evaluation",
                                              params={"street_path": street, "quarter": "2025Q4"}, headers=officer)
            return answer.status_code == 200

        await eventually(serving)
        # the housing department's evaluations of 2025 as they were submitted then (a past quarter is closed
        # to new ones): all 18 aspects 10 in three quarters and 9 in the fourth, a year's mean of 97.5
        async with gateway.apps["ratings"].runtime.db.sessions() as session, session.begin():
            for quarter, aspect in enumerate((10, 10, 10, 9), start=1):
                await session.execute(evaluations.insert().values(
                    evaluation_id=new_id(), company_id=company["id"], street_path=street, quarter=f"2025Q{quarter}",
                    kind="department", evaluator_id="housing", aspect_scores=",".join([str(aspect)] * 18),
                    submitted_on=dt.date(2025, quarter * 3, 1), submitted_by="huian-housing"))
        async with console_page() as (page, errors):

            # the county officer reads the fourth quarter and assesses 2025: four stars, five awaiting the city
            await log_in(page, base, "huian-officer", "ratings")
            await page.click(f"#rankings tr[data-company-id='{company['id']}']")
            await shown(page, "#star-ratings:has-text('尚未评定')")
            await page.select_option("#quarterly-street", label="螺城镇")
            await page.fill("#quarterly-quarter", "2025Q4")
            await page.click("#quarterly-form button[type=submit]")
            await shown(page, "#figure-quarterly-departments")
            assert await page.inner_text("#figure-quarterly-departments b") == "1 份 · 90.0"
            assert await page.inner_text("#figure-quarterly-combined b") == "90.0"
            await page.fill("#stars-year", "2025")
            await page.click("#stars-form button[type=submit]")
            await shown(page, "#message:has-text('已评定星级')")
            assert "97.5" in await page.inner_text("#message") and "待市级复核五星" in await page.inner_text("#message")
            pending = page.locator("#star-ratings tr[data-year='2025'][data-review=pending]")
            await pending.wait_for()
            assert "4 星" in await pending.inner_text() and await pending.locator("button").count() == 0
            await page.click("#stars-form button[type=submit]")
            await shown(page, "#message.error:has-text('R5')")  # a year is rated once

            # the city reviews the candidate and approves the fifth star
            await log_in(page, base, "city-admin", "ratings")
            await page.click(f"#rankings tr[data-company-id='{company['id']}']")
            await page.locator("#star-ratings tr[data-review=pending] button.step-approve-five").click()
            await shown(page, "#star-ratings tr[data-review=approved]")
            assert await page.inner_text("#figure-company-stars-held b") == "★★★★★ 5 星"

            # and adds the 2027 rules: illegal charging costs 8 points from then on; points that are no number
            # are refused naming the field
            await shown(page, "#rule-form:not([hidden])")
            await page.fill("#rule-version", "2027")
            await page.fill("#rule-from", "2027-01-01")
            charging = page.locator("#rule-points tr[data-kind=illegal_charging] input")
            await charging.fill("八分")
            await page.click("#rule-form button[type=submit]")
            await shown(page, "#message.error:has-text('points[0]')")
            await charging.fill("-8")
            await page.click("#rule-form button[type=submit]")
            await shown(page, "#message:has-text('已新增规则版本')")
            await shown(page, "#rule-versions tr[data-version='2027']:has-text('2027-01-01')")
            # the base score left blank stays as it was
            assert "70.0" in await page.inner_text("#rule-versions tr[data-version='2027']")
            await shown(page, "#rule-points tr[data-kind=illegal_charging]:has-text('-8.0')")
            await page.screenshot(path=str(screenshots / "console-stars-and-rules.png"), full_page=True)
            assert errors == []


async def test_R3_the_housing_department_and_a_peer_company_evaluate_a_company_this_quarter_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with served_city(("registry", "ratings"), database_url_factory, nats_server, start_service) as (base, gateway):
        rated, peer = [
            await register_serving_company(gateway, await register_compound(gateway, "350521100001", code, name), uscc)
            for code, name, uscc in (("FHC", "凤凰城", "91350521MA2YC4XL1N"), ("OLY", "奥林匹克花园", "91350521MA2YC4XL2R"))]
        officer = await gateway.token("huian-officer")
        street = "350500/350521/350521100"
        quarter = f"{dt.datetime.now(SHANGHAI).year}Q{(dt.datetime.now(SHANGHAI).month - 1) // 3 + 1}"

        async def serving() -> bool:  # both contracts reach ratings by the registry's events
            for company in (rated, peer):
                answer = await gateway.client.get(f"/api/v1/ratings/companies/{company['id']}/quarterly-evaluation",
                                                  params={"street_path": street, "quarter": quarter}, headers=officer)
                if answer.status_code != 200:
                    return False
            return True

        await eventually(serving)
        async with console_page() as (page, errors):

            # the housing department's inspector sees the evaluation only (no rankings), 18 aspects
            await log_in(page, base, "huian-housing", "ratings")
            await shown(page, "#evaluation-form:not([hidden])")
            # (complaints is not started here: the categories the console reads at login answer 503)
            assert await page.is_hidden("#ratings-board") and "无权" not in await page.inner_text("#message")
            assert await page.locator("#evaluation-aspects input.aspect").count() == 18
            assert quarter in await page.inner_text("#evaluation-title")
            await page.select_option("#evaluation-company", label=rated["name"])
            await page.select_option("#evaluation-street", label="螺城镇")
            for aspect in await page.locator("#evaluation-aspects input.aspect").all():
                await aspect.fill("9")
            await page.click("#evaluation-form button[type=submit]")
            await shown(page, "#message:has-text('已提交评价')")
            assert await page.inner_text("#figure-evaluation-departments b") == "1 份 · 90.0"
            assert await page.inner_text("#figure-evaluation-combined b") == "90.0"
            # once a quarter per department
            await page.click("#evaluation-form button[type=submit]")
            await shown(page, "#message.error:has-text('R3')")

            # the other company of the street rates it as a peer on 12 aspects, never itself
            await page.click("#logout")
            await page.fill("#token", company_staff_token(gateway, peer["id"])["Authorization"].removeprefix("Bearer "))
            await page.click("#token-login button[type=submit]")
            await page.click("a[data-tab=ratings]")
            await shown(page, "#evaluation-title:has-text('物业互相评')")
            assert await page.locator("#evaluation-aspects input.aspect").count() == 12
            assert peer["name"] not in await page.inner_text("#evaluation-company")
            await page.select_option("#evaluation-company", label=rated["name"])
            await page.select_option("#evaluation-street", label="螺城镇")
            for aspect in await page.locator("#evaluation-aspects input.aspect").all():
                await aspect.fill("8")
            await page.click("#evaluation-form button[type=submit]")
            await shown(page, "#message:has-text('已提交评价')")
            assert await page.inner_text("#figure-evaluation-peers b") == "1 份 · 80.0"
            assert await page.inner_text("#figure-evaluation-departments b") == "1 份 · 90.0"
            await page.screenshot(path=str(screenshots / "console-quarterly-evaluation.png"), full_page=True)
            assert errors == []


async def test_R1_R6_an_officer_records_the_company_its_staff_appeal_and_the_county_decides_in_the_console(
    database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with served_city(("registry", "ratings"), database_url_factory, nats_server, start_service) as (base, gateway):
        compound = await register_compound(gateway, "350521100001", "FHC", "凤凰城")
        company = await register_serving_company(gateway, compound, "91350521MA2YC4XL1N")
        officer = await gateway.token("huian-officer")

        async def rated() -> bool:  # the company reaches ratings by the registry's events
            answer = await gateway.client.get(f"/api/v1/ratings/companies/{company['id']}/score-card", headers=officer)
            return answer.status_code == 200

        await eventually(rated)
        async with console_page() as (page, errors):

            # the county officer opens the company's card and enters an illegal-charging record by hand
            await log_in(page, base, "huian-officer", "ratings")
            await page.click(f"#rankings tr[data-company-id='{company['id']}']")
            await shown(page, "#figure-company-score")
            before = await page.inner_text("#figure-company-score b")
            assert company["name"] in await page.inner_text("#company-title")
            await page.select_option("#record-kind", "illegal_charging")
            await page.fill("#record-note", "违规收取停车费")
            await page.click("#record-form button[type=submit]")
            await shown(page, "#credit-records tr[data-status=active]:has-text('违规收费')")
            assert await page.inner_text("#figure-company-score b") != before
            assert "1" in await page.inner_text("#figure-company-counted b")

            # the company's staff (the identity provider's token names their company) appeal it
            await page.click("#logout")
            await page.fill("#token", company_staff_token(gateway, company["id"])["Authorization"].removeprefix("Bearer "))
            await page.click("#token-login button[type=submit]")
            await page.click("a[data-tab=ratings]")
            record = page.locator("#credit-records tr[data-status=active]")
            await record.locator("button.step-appeal").wait_for()
            await record.locator("input.step-text").fill("停车费经业主大会决定收取")
            await record.locator("button.step-appeal").click()
            await shown(page, "#credit-records tr:has-text('申诉中')")
            assert await page.is_hidden("#record-form")  # staff do not enter records

            # the county officer upholds the appeal: the record is withdrawn and stops counting
            await log_in(page, base, "huian-officer", "ratings")
            await page.click(f"#rankings tr[data-company-id='{company['id']}']")
            record = page.locator("#credit-records tr:has-text('申诉中')")
            await record.locator("button.step-uphold").wait_for()
            await record.locator("input.step-text").fill("有业主大会决议")
            await record.locator("button.step-uphold").click()
            await shown(page, "#credit-records tr[data-status=withdrawn]")
            assert "申诉成立" in await page.inner_text("#credit-records tr[data-status=withdrawn]")
            await page.screenshot(path=str(screenshots / "console-ratings.png"), full_page=True)

            # the county chooses yearly red/yellow lists by ranking share (R7); the screen follows it
            await shown(page, "#policy-form:not([hidden])")
            assert "季度红黑榜" in await page.inner_text("#ratings-policy")
            await page.select_option("#policy-scheme", "yearly_red_yellow")
            await page.fill("#policy-red", "20")
            await page.fill("#policy-yellow", "10")
            await page.click("#policy-form button[type=submit]")
            await shown(page, "#message:has-text('已保存榜单规则')")
            await shown(page, "#ratings-policy:has-text('前 top 20%')")
            await shown(page, "#lists-title:has-text('年度红黄榜')")
            assert errors == []
    assert (screenshots / "console-ratings.png").stat().st_size > 10_000
