"""The residents' mobile web (/m/, issue 15) in headless Chromium on a phone-sized screen, against the platform
as ``make run`` starts it with the demo city: 苏美玲, an owner of 凤凰城 1-102, signs in with her phone, files a
complaint for her compound, follows it with its deadline and history, answers its callback herself once the
company has replied, and casts her own ballot in her compound's open vote with its matter, thresholds and her
own weight (A1, A2, A5, C5). The others in her story are the demo's own people at their desks, in the officers'
console beside her phone: 陈社工 opens the vote and dispatches her case, 张物业 of the company takes it on, resolves
it and replies.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy import demo
from deploy.localstack import LocalStack
from tests.demo_city import demo_city
from tests.support import DRAWN, phone_photo
from tests.test_browser import CHROMIUM, CHROMIUM_FLAGS
from tests.test_console import log_in
from wuye_chassis.workdays import SHANGHAI

playwright = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]

#: 苏美玲 of 凤凰城 1-102, as the demo roster has her
RESIDENT_PHONE = "13800000002"


@pytest.fixture
def city(tmp_path: Path) -> Iterator[LocalStack]:
    with demo_city(tmp_path) as stack:
        yield stack


async def open_vote_in_console(console, gateway_url: str, title: str) -> None:
    """陈社工, the demo's community worker, opens a vote in 凤凰城 on its maintenance fund in the console."""
    await log_in(console, gateway_url, "huian-community", "votes")
    fenghuang = console.locator("#vote-compound option").filter(has_text=re.compile(f"^{demo.FENGHUANG} \\("))
    await console.select_option("#vote-compound", await fenghuang.get_attribute("value"))
    await console.select_option("#vote-matter", "use_maintenance_fund")
    await console.fill("#vote-title", title)
    await console.click("#vote-form button[type=submit]")
    await console.locator("#votes tr", has_text=title).wait_for()


async def handle_in_console(console, gateway_url: str, case_id: str) -> None:
    """The case worked in the console by the demo's own people: 陈社工 accepts it and dispatches it to 凤凰城's
    company; 张物业, that company's staff, takes it on, resolves it and replies (A1: each step by whoever holds
    the case)."""
    await log_in(console, gateway_url, "huian-community", "complaints")
    await console.locator(f"#cases tr[data-case-id='{case_id}']").click()
    await shown(console, "#case-accept:visible")
    await console.click("#case-accept")
    await shown(console, "#case-state-value[data-state=accepted]")
    await console.select_option("#dispatch-kind", "company")
    await console.click("#case-dispatch")
    await shown(console, "#case-state-value[data-state=dispatched]")
    await log_in(console, gateway_url, "huian-company", "complaints")
    await shown(console, "#who-text:has-text('物业企业员工 Company staff')")
    await console.select_option("#case-state", "dispatched")
    await console.locator(f"#cases tr[data-case-id='{case_id}']").click()
    await shown(console, "#case-start:visible")
    await console.click("#case-start")
    await shown(console, "#case-state-value[data-state=in_progress]")
    await console.fill("#case-text", "更换了曳引机")
    await console.click("#case-resolve")
    await shown(console, "#case-state-value[data-state=resolved]")
    await console.fill("#case-text", "电梯已修复，已恢复运行")
    await console.click("#case-reply")
    await shown(console, "#case-history li[data-action=reply]")


async def shown(page, selector: str, state: str = "visible") -> None:
    try:
        await page.wait_for_selector(selector, timeout=15_000, state=state)
    except playwright.Error:
        raise AssertionError(f"{selector} did not appear; the page said: {await page.inner_text('#message')!r}") from None


async def test_a_resident_files_follows_and_votes_on_a_phone_while_the_officers_and_the_company_work_in_the_console(
    city: LocalStack, screenshots: Path
) -> None:
    title = "1号楼屋面防水维修"
    async with playwright.async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = await browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        # the officers and the company at their desks, in a session of their own
        console = await browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        for one in (page, console):
            one.on("pageerror", lambda error: errors.append(str(error)))
        await open_vote_in_console(console, city.gateway_url, title)
        answer = await page.goto(f"{city.gateway_url}/m")
        assert answer is not None and answer.status == 200
        assert "default-src 'none'" in answer.headers["content-security-policy"]

        await page.wait_for_selector("#phone-login:not([hidden])")
        await page.fill("#phone", RESIDENT_PHONE)
        await page.click("#phone-login-button")
        await shown(page, "#tabs:not([hidden])")
        await shown(page, "#cases li")
        assert "暂无投诉" in await page.inner_text("#cases")
        # her compound's public page is a tap away
        link = page.locator("#compound-pages a.compound-page")
        href = await link.get_attribute("href") or ""
        assert await link.inner_text() == demo.FENGHUANG and href.startswith("/c/")
        public = await page.request.get(city.gateway_url + href)
        assert public.status == 200 and demo.FENGHUANG in await public.text()

        # file a complaint for her own compound; the category is named in Chinese
        await page.click("a[data-tab=file]")
        await shown(page, "#file-compound option", state="attached")  # an option is never "visible" itself
        assert await page.inner_text("#file-compound option") == demo.FENGHUANG
        await page.select_option("#file-category", "lifts")
        assert "电梯" in await page.inner_text("#file-category option:checked")
        await page.fill("#file-description", "1号楼电梯停运两天，老人上下楼困难")
        await page.fill("#file-name", "苏美玲")
        # with a photo from her phone's camera (issue 15), shown before it is sent
        await page.set_input_files("#file-photos", files=[
            {"name": "电梯.jpg", "mimeType": "image/jpeg", "buffer": phone_photo(3000, 4000)}])
        await shown(page, "#file-photo-previews img.photo")
        await page.click("#file-submit")
        await shown(page, "#message:has-text('附照片 1 张')")
        await shown(page, "#cases li[data-case-id]")
        await page.click("#cases li[data-case-id]")
        await shown(page, "#case[data-state=submitted]")
        assert "电梯故障" in await page.inner_text("#case-category")
        # her photo, fetched with her token: kept upright at 1920×2560 and drawn
        await page.wait_for_function(DRAWN, arg=["#case-photos img.photo", 1])
        assert await page.evaluate("document.querySelector('#case-photos img').naturalHeight") == 2560
        assert "提交" in await page.inner_text("#case-history") and await page.inner_text("#case-due") != "—"
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        assert await page.locator("#callback-form").is_hidden()  # nothing to answer before the reply

        # the company fixed it and replied: she answers the callback herself, on her phone (C5, A5)
        case_id = await page.get_attribute("#cases li[data-case-id]", "data-case-id")
        assert case_id
        await handle_in_console(console, city.gateway_url, case_id)
        await page.click("#cases li[data-case-id]")
        await shown(page, "#case[data-state=resolved] #callback-form")
        assert "电梯已修复" in await page.inner_text("#case-reply")
        await page.check("#callback-form input[name=solved][value=true]")
        await page.check("#callback-form input[name=satisfaction][value=basically_satisfied]")
        await page.screenshot(path=str(screenshots / "resident-callback.png"), full_page=True)
        await page.click("#callback-submit")
        await shown(page, "#message:has-text('已提交回访')")
        await shown(page, "#case[data-state=callback]")
        assert await page.locator("#callback-form").is_hidden() and "回访" in await page.inner_text("#case-history")

        # her own ballot in 凤凰城's open vote: the matter, the thresholds and her area
        await page.click("a[data-tab=votes]")
        vote = page.locator("#votes li", has_text=title)
        await vote.wait_for()
        text = await vote.inner_text()
        assert "维修资金" in text and "m²" in text and "未投" in text
        await vote.locator("button.cast-yes").click()
        await shown(page, "#message:has-text('已投票')")
        await shown(page, f"#votes li:has-text('{title}') .choice:has-text('同意')")
        await page.screenshot(path=str(screenshots / "resident-votes.png"), full_page=True)

        # and rates her home's company this quarter on its ten aspects (居民自己评, R3)
        await page.click("a[data-tab=survey]")
        await shown(page, "#survey-aspects select.aspect")
        assert await page.inner_text("#survey-home option:checked") == demo.FENGHUANG
        aspects = page.locator("#survey-aspects select.aspect")
        assert await aspects.count() == 10
        for at in range(10):
            await aspects.nth(at).select_option("9")
        await page.click("#survey-submit")
        await shown(page, "#message:has-text('已提交评价')")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.screenshot(path=str(screenshots / "resident-survey.png"), full_page=True)
        assert errors == []
        await browser.close()

    # what the page did, the services recorded as hers (A1, A2, A5)
    with httpx.Client(base_url=city.gateway_url) as client:
        token = client.post("/dev/token", json={"phone": RESIDENT_PHONE}).json()["access_token"]
        mine = client.get("/api/v1/me/votes", headers={"Authorization": f"Bearer {token}"}).json()
        [cast] = [v for v in (mine["items"] if isinstance(mine, dict) else mine) if v["vote"]["title"] == title]
        assert cast["choice"] == "yes"
        case = client.get(f"/api/v1/complaints/{case_id}", headers={"Authorization": f"Bearer {token}"}).json()
        [callback] = case["callbacks"]
        assert (callback["actor_id"], callback["satisfaction"], callback["solved"]) == (
            case["reporter_person_id"], "basically_satisfied", True)
        # her survey counts in the quarterly evaluation of 凤凰城's company in its street: one, 90.0
        officer_token = client.post("/dev/token", json={"username": "huian-officer"}).json()["access_token"]
        officer = {"Authorization": f"Bearer {officer_token}"}
        ranked = client.get("/api/v1/ratings/rankings", params={"jurisdiction_path": "350500/350521"},
                            headers=officer).json()["rankings"]
        quarter = f"{dt.datetime.now(SHANGHAI).year}Q{(dt.datetime.now(SHANGHAI).month - 1) // 3 + 1}"
        surveyed = [client.get(f"/api/v1/ratings/companies/{one['company_id']}/quarterly-evaluation", headers=officer,
                               params={"street_path": "350500/350521/350521100", "quarter": quarter}).json()
                    for one in ranked]
        counted = [one for one in surveyed if one.get("resident_count")]
        assert [(one["resident_count"], one["resident_average"]["display"]) for one in counted] == [(1, "90.0")]
