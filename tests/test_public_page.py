"""一码统览: the public transparency page, its JSON and its QR code, through the gateway with no login."""

from __future__ import annotations

import io

import png

from services.funds.tests.funds_support import funds_beside_registry
from services.funds.tests.test_funds_transparency import movements
from tests.platform import StartService, gateway_for
from tests.support import eventually
from wuye.funds.v1 import funds_pb2
from wuye_chassis.natsd import EmbeddedNats
from wuye_gateway.routes.public import PublicUse, Transparency, render_page


async def test_the_public_page_shows_balances_and_never_personal_data(
    database_url: str, database_url_factory, nats_server: EmbeddedNats, start_service: StartService
) -> None:
    async with funds_beside_registry(
        database_url, await database_url_factory("registry"), nats_server.url, start_service
    ) as funds:
        compound = funds.compound
        await movements(funds)  # deposits, interest, common income, and an expense "张三家门口修路"
        await funds.call("PublishDisclosure", funds_pb2.PublishDisclosureRequest(compound_id=compound, period="2026-H1"))
        # the compound's name comes with the registry's CompoundRegistered
        await eventually(lambda: funds.rows("SELECT name FROM known_compounds WHERE name = '凤凰城'"))
        private_words = ["张三", *funds.households.values(), *funds.owner_keys.values(), "业主h-101"]
        head = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger))
        signing = await funds.call("GetLedgerSigningKey", funds_pb2.GetLedgerSigningKeyRequest())
    async with gateway_for({"funds": funds.app}, public_base_url="https://wuye.example.gov.cn") as gateway:
        data = await gateway.client.get(f"/api/v1/public/compounds/{compound}/transparency")
        page = await gateway.client.get(f"/c/{compound}")
        svg = await gateway.client.get(f"/c/{compound}/qr.svg")
        png_answer = await gateway.client.get(f"/c/{compound}/qr.png")
        unknown = await gateway.client.get("/c/nowhere")
        key = await gateway.client.get("/api/v1/public/ledger-signing-key")

    assert data.status_code == 200, data.text
    body = data.json()
    assert body["maintenance_balance_fen"] == 568_879 and body["committee_balance_fen"] == 50_000
    assert body["latest_disclosure"]["period"] == "2026-H1"
    assert "households" not in body["latest_disclosure"]
    text = data.text + page.text
    for private in private_words:
        assert private not in text, f"{private} must not appear on the public page"

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "¥5688.79" in page.text and "¥500.00" in page.text
    assert 'name="viewport"' in page.text  # mobile-friendly
    # issue 14: the heading is the compound's name, never its id
    assert body["compound_name"] == "凤凰城" and "<h1>凤凰城 · 资金公开</h1>" in page.text
    assert compound not in page.text.split("</header>")[0]

    # issue 19, finding 3: the disclosure's ledger anchors are on the page, for anyone to verify against later
    disclosed = body["latest_disclosure"]
    assert (disclosed["maintenance_head_sequence"], disclosed["maintenance_head_hash"]) == (head.head_sequence, head.head_hash)
    assert head.head_sequence > 0
    assert f"维修资金 第 {head.head_sequence} 条 <code>{head.head_hash}</code>" in page.text
    assert key.status_code == 200 and key.json() == {"key_id": signing.key_id, "public_key": signing.public_key}

    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    assert "<svg" in svg.text
    width, height, _, _ = png.Reader(file=io.BytesIO(png_answer.content)).read()
    assert png_answer.headers["content-type"] == "image/png" and width == height > 100
    assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"


def test_the_public_page_lists_completed_uses_with_their_notices_in_chinese_and_yuan() -> None:
    """Issue 14: residents see what the maintenance fund paid for, beside the disclosures."""
    data = Transparency(
        compound_id="c-1", compound_name="凤凰城", maintenance_balance_fen=0, committee_balance_fen=0,
        recent_entries=[], open_votes=[], latest_disclosure=None,
        completed_uses=[
            PublicUse(application_id="u-1", plan="更换1号楼电梯", emergency="lift_failure", budget_fen=93_885,
                      actual_cost_fen=93_885, disclosure="公示：1号楼电梯应急维修"),
            PublicUse(application_id="u-2", plan="修补2号楼屋面", emergency=None, budget_fen=1_200_000,
                      actual_cost_fen=1_150_050, disclosure=""),
        ],
    )
    page = render_page(data)
    uses = page.split('<ul id="uses">')[1].split("</ul>")[0]
    assert "<b>更换1号楼电梯</b><small>（应急：电梯故障严重） · 预算 ¥938.85 · 实际 ¥938.85</small><br>公示：1号楼电梯应急维修" in uses
    assert "<b>修补2号楼屋面</b><small>（业主表决通过） · 预算 ¥12000.00 · 实际 ¥11500.50</small></li>" in uses
    assert "暂无已完成的维修资金使用" in render_page(data.model_copy(update={"completed_uses": []}))
