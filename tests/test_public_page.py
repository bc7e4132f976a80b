"""一码统览: the public transparency page, its JSON and its QR code, through the gateway with no login."""

from __future__ import annotations

import io

import grpc
import png

from services.funds.tests.funds_support import COMPOUND, Funds
from services.funds.tests.test_funds_transparency import movements
from tests.platform import StartService, definition, gateway_for
from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.natsd import EmbeddedNats
from wuye_funds.adapters.orm import known_compounds


async def test_the_public_page_shows_balances_and_never_personal_data(
    database_url: str, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    app = await start_service(definition("funds", database_url, nats_server.url))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{app.port}") as channel:
        funds = Funds(app, channel)
        await movements(funds)  # deposits, interest, common income, and an expense "张三家门口修路"
        await funds.call("PublishDisclosure", funds_pb2.PublishDisclosureRequest(compound_id=COMPOUND, period="2026-H1"))
        # the registry's CompoundRegistered as funds' read model keeps it
        async with app.runtime.db.sessions() as session, session.begin():
            await session.execute(known_compounds.insert().values(
                compound_id=COMPOUND, name="凤凰城", jurisdiction_path="350500/350521/350521100/350521100001",
                company_id=None, updated_at=utcnow()))
    async with gateway_for({"funds": app}, public_base_url="https://wuye.example.gov.cn") as gateway:
        data = await gateway.client.get(f"/api/v1/public/compounds/{COMPOUND}/transparency")
        page = await gateway.client.get(f"/c/{COMPOUND}")
        svg = await gateway.client.get(f"/c/{COMPOUND}/qr.svg")
        png_answer = await gateway.client.get(f"/c/{COMPOUND}/qr.png")
        unknown = await gateway.client.get("/c/nowhere")

    assert data.status_code == 200, data.text
    body = data.json()
    assert body["maintenance_balance_fen"] == 568_879 and body["committee_balance_fen"] == 50_000
    assert body["latest_disclosure"]["period"] == "2026-H1"
    assert "households" not in body["latest_disclosure"]
    text = data.text + page.text
    for private in ("h-101", "h-102", "张三"):
        assert private not in text, f"{private} must not appear on the public page"

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "¥5688.79" in page.text and "¥500.00" in page.text
    assert 'name="viewport"' in page.text  # mobile-friendly
    # issue 14: the heading is the compound's name, never its id
    assert body["compound_name"] == "凤凰城" and "<h1>凤凰城 · 资金公开</h1>" in page.text
    assert COMPOUND not in page.text.split("</header>")[0]

    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert "<svg" in svg.text
    width, height, _, _ = png.Reader(file=io.BytesIO(png_answer.content)).read()
    assert png_answer.headers["content-type"] == "image/png" and width == height > 100
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
