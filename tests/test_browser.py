"""The public transparency page (一码统览) in a real browser: headless Chromium on a phone-sized screen.

Needs Debian's chromium (CI installs it: `.ci/run`); skipped with the reason where it is missing.
The gateway runs under uvicorn on a free port, in front of a real funds service.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
import uvicorn

from services.funds.tests.funds_support import funds_beside_registry
from services.funds.tests.test_funds_transparency import movements
from tests.platform import StartService
from wuye.funds.v1 import funds_pb2
from wuye_chassis.natsd import EmbeddedNats, free_port
from wuye_gateway.app import create_app
from wuye_gateway.settings import GatewaySettings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.async_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"),
]
#: the flags this machine's closed network needs (no background connections, no sandbox as root)
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


async def test_a_resident_opens_the_compound_page_on_a_phone(
    database_url: str, database_url_factory, nats_server: EmbeddedNats, start_service: StartService, screenshots: Path
) -> None:
    async with funds_beside_registry(
        database_url, await database_url_factory("registry"), nats_server.url, start_service
    ) as funds:
        await movements(funds)
        await funds.call("PublishDisclosure", funds_pb2.PublishDisclosureRequest(compound_id=funds.compound, period="2026-H1"))
    app, compound = funds.app, funds.compound

    port = free_port()
    settings = GatewaySettings(funds_addr=f"127.0.0.1:{app.port}", host="127.0.0.1", port=port)
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_config=None))
    serving = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.05)
        async with playwright.async_playwright() as driver:
            browser = await driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = await browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            answer = await page.goto(f"http://127.0.0.1:{port}/c/{compound}")
            assert answer is not None and answer.status == 200
            assert "¥5688.79" in await page.inner_text("#maintenance")
            assert "¥500.00" in await page.inner_text("#committee")
            assert "2026-H1" in await page.inner_text("body")
            # laid out for the phone: nothing wider than the screen
            assert await page.evaluate("document.documentElement.scrollWidth") <= 390
            await page.goto(f"http://127.0.0.1:{port}/c/{compound}/qr.svg")
            assert await page.evaluate("document.documentElement.tagName") == "svg"
            await page.goto(f"http://127.0.0.1:{port}/c/{compound}")
            await page.screenshot(path=str(screenshots / "public-page.png"), full_page=True)
            await browser.close()
    finally:
        server.should_exit = True
        await serving
    assert (screenshots / "public-page.png").stat().st_size > 10_000
