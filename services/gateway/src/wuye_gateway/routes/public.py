"""一码统览: the public, no-login transparency page of a compound, its QR code, and the same data as JSON.

Shows only what the funds service publishes for everyone (balances, recent entries named by kind, open
votes without ballots, the latest disclosure's totals). Nothing here needs or reveals an identity.
"""

from __future__ import annotations

import html
import io
from typing import Any

import qrcode
import qrcode.image.pure
import qrcode.image.svg
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from wuye.funds.v1 import funds_pb2
from wuye_chassis.money import fen_to_yuan
from wuye_gateway.convert import to_json
from wuye_gateway.dependencies import PROBLEM_RESPONSES

router = APIRouter(tags=["public transparency (一码统览)"], responses=PROBLEM_RESPONSES)

MATTERS_ZH = {
    "assembly_rules": "制定和修改业主大会议事规则",
    "management_covenant": "制定和修改管理规约",
    "owners_committee": "选举业主委员会或者更换业主委员会成员",
    "property_company": "选聘和解聘物业服务企业",
    "use_maintenance_fund": "使用建筑物及其附属设施的维修资金",
    "raise_maintenance_fund": "筹集建筑物及其附属设施的维修资金",
    "rebuild": "改建、重建建筑物及其附属设施",
    "common_parts_use": "改变共有部分的用途或者利用共有部分从事经营活动",
    "other_major": "有关共有和共同管理权利的其他重大事项",
}
#: the F6 emergencies as the notices name them
EMERGENCIES_ZH = {
    "lift_failure": "电梯故障严重",
    "fire_equipment_damage": "消防设施严重损坏",
    "facade_falling_risk": "外墙墙面有脱落危险",
    "collapsed_wall_or_road": "围墙或道路塌陷",
    "roof_or_wall_leak": "屋面、外墙渗漏",
    "drain_blockage": "排水设施严重堵塞",
}


class PublicEntry(BaseModel):
    ledger_id: str
    sequence: int
    account: str = Field(..., description="the kind of account only; households are never named")
    amount_fen: int
    kind: str
    occurred_at: str
    hash: str


class VoteCount(BaseModel):
    owners: int
    area_dm2: int


class PublicVote(BaseModel):
    vote_id: str
    matter: str | None
    title: str
    electorate: VoteCount | None
    opened_at: str | None


class AccountTotals(BaseModel):
    ledger_id: str
    received_fen: int
    spent_fen: int
    gains_fen: int
    balance_fen: int


class DisclosureTotals(BaseModel):
    period: str
    published_at: str | None
    maintenance: AccountTotals | None
    committee: AccountTotals | None
    #: the ledgers' heads at publication (anchors): anyone may verify later that the ledgers still hold them
    maintenance_head_hash: str
    committee_head_hash: str
    maintenance_head_sequence: int = 0
    committee_head_sequence: int = 0


class PublicUse(BaseModel):
    """A completed use of the maintenance fund (F5, F6) and its notice."""

    application_id: str
    plan: str
    #: the F6 emergency it answered; null for a use the owners voted on
    emergency: str | None = None
    budget_fen: int
    actual_cost_fen: int
    disclosure: str


class Transparency(BaseModel):
    compound_id: str
    #: the name residents know the compound by ("" until the registry's announcement has arrived)
    compound_name: str = ""
    maintenance_balance_fen: int
    committee_balance_fen: int
    recent_entries: list[PublicEntry]
    open_votes: list[PublicVote]
    latest_disclosure: DisclosureTotals | None
    #: the latest completed uses of the maintenance fund, with their notices
    completed_uses: list[PublicUse] = []


async def public_transparency(request: Request, compound_id: str) -> Transparency:
    answer = await request.app.state.backends.method("funds", "GetCompoundTransparency")(
        funds_pb2.GetCompoundTransparencyRequest(compound_id=compound_id)
    )
    data: dict[str, Any] = to_json(answer)
    disclosure = data.get("latest_disclosure")
    if disclosure is not None:
        # the public view carries totals only, whatever else a disclosure holds
        data["latest_disclosure"] = {key: disclosure[key] for key in DisclosureTotals.model_fields}
    return Transparency.model_validate(data)


@router.get("/api/v1/public/compounds/{compound_id}/transparency", response_model=Transparency,
            summary="A compound's public accounts (no login)")
async def transparency(compound_id: str, request: Request) -> Transparency:
    return await public_transparency(request, compound_id)


class LedgerSigningKey(BaseModel):
    #: the first 16 hex digits of the SHA-256 of the raw public key
    key_id: str
    #: the raw Ed25519 public key, base64; it verifies every ledger checkpoint (funds.proto, GetLedgerSigningKey)
    public_key: str


@router.get("/api/v1/public/ledger-signing-key", response_model=LedgerSigningKey,
            summary="The public key that signs the ledgers' checkpoints (no login)")
async def ledger_signing_key(request: Request) -> LedgerSigningKey:
    answer = await request.app.state.backends.method("funds", "GetLedgerSigningKey")(
        funds_pb2.GetLedgerSigningKeyRequest()
    )
    return LedgerSigningKey.model_validate(to_json(answer))


def page_url(request: Request, compound_id: str) -> str:
    base = request.app.state.settings.public_base_url or str(request.base_url).rstrip("/")
    return f"{base}/c/{compound_id}"


@router.get("/c/{compound_id}/qr.svg", summary="QR code of the compound's page (SVG)",
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
async def qr_svg(compound_id: str, request: Request) -> Response:
    image = qrcode.make(page_url(request, compound_id), image_factory=qrcode.image.svg.SvgPathImage)
    return Response(image.to_string(encoding="unicode"), media_type="image/svg+xml")


@router.get("/c/{compound_id}/qr.png", summary="QR code of the compound's page (PNG, for posters)",
            response_class=Response, responses={200: {"content": {"image/png": {}}}})
async def qr_png(compound_id: str, request: Request) -> Response:
    image = qrcode.make(page_url(request, compound_id), image_factory=qrcode.image.pure.PyPNGImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), media_type="image/png")


@router.get("/c/{compound_id}", response_class=HTMLResponse, summary="The compound's public page (一码统览)")
async def page(compound_id: str, request: Request) -> HTMLResponse:
    data = await public_transparency(request, compound_id)
    return HTMLResponse(render_page(data))


def _yuan(fen: int) -> str:
    return f"¥{fen_to_yuan(fen)}"


def render_page(data: Transparency) -> str:
    e = html.escape
    entries = "".join(
        f"<tr><td>{e(entry.occurred_at[:10])}</td><td>{e(entry.kind)}</td><td>{e(entry.account)}</td>"
        f"<td class=num>{_yuan(entry.amount_fen)}</td></tr>"
        for entry in data.recent_entries
    ) or "<tr><td colspan=4>暂无记录 No entries yet</td></tr>"
    votes = "".join(
        f"<li><b>{e(vote.title)}</b><br><small>{e(MATTERS_ZH.get(vote.matter or '', vote.matter or ''))}"
        f"{' · ' + str(vote.electorate.owners) + ' 户业主' if vote.electorate else ''}</small></li>"
        for vote in data.open_votes
    ) or "<li>当前没有进行中的表决 No open votes</li>"
    disclosure = data.latest_disclosure
    if disclosure is None or disclosure.maintenance is None:
        disclosed = "<p>尚未公示 Not yet disclosed</p>"
    else:
        m = disclosure.maintenance
        disclosed = (
            f"<p>{e(disclosure.period)} · 交存 {_yuan(m.received_fen)} · 使用 {_yuan(m.spent_fen)} · "
            f"增值 {_yuan(m.gains_fen)} · 余额 {_yuan(m.balance_fen)}</p>"
            f"<p id=anchors><small>账本锚点 Ledger anchors（可据此核验账本未被删改）:<br>"
            f"维修资金 第 {disclosure.maintenance_head_sequence} 条 <code>{e(disclosure.maintenance_head_hash)}</code><br>"
            f"公共收益 第 {disclosure.committee_head_sequence} 条 <code>{e(disclosure.committee_head_hash)}</code>"
            f"</small></p>"
        )
    uses = "".join(
        f"<li><b>{e(use.plan)}</b>"
        f"<small>{'（应急：' + e(EMERGENCIES_ZH.get(use.emergency, use.emergency)) + '）' if use.emergency else '（业主表决通过）'}"
        f" · 预算 {_yuan(use.budget_fen)} · 实际 {_yuan(use.actual_cost_fen)}</small>"
        f"{'<br>' + e(use.disclosure) if use.disclosure else ''}</li>"
        for use in data.completed_uses
    ) or "<li>暂无已完成的维修资金使用 No completed uses</li>"
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(data.compound_name or "小区")}资金公开 · 一码统览</title>
<style>
 body{{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#222}}
 header{{background:#b71c1c;color:#fff;padding:16px}} header h1{{margin:0;font-size:1.2rem}}
 main{{padding:12px;max-width:720px;margin:auto}} section{{background:#fff;border-radius:8px;padding:12px;margin-bottom:12px}}
 .balances{{display:flex;gap:12px}} .balance{{flex:1}} .balance b{{display:block;font-size:1.4rem}}
 table{{width:100%;border-collapse:collapse;font-size:.9rem;table-layout:fixed}}
 td{{border-bottom:1px solid #eee;padding:6px 4px;overflow-wrap:anywhere}}
 .num{{text-align:right;font-variant-numeric:tabular-nums}} small{{color:#666}} code{{overflow-wrap:anywhere}}
</style></head>
<body><header><h1>{e(data.compound_name or "本小区")} · 资金公开</h1><small>一码统览 Compound accounts</small></header>
<main>
<section class="balances">
 <div class="balance" id="maintenance">维修资金 Maintenance fund<b>{_yuan(data.maintenance_balance_fen)}</b></div>
 <div class="balance" id="committee">公共收益 Common income<b>{_yuan(data.committee_balance_fen)}</b></div>
</section>
<section><h2>最近收支 Recent entries</h2><table>{entries}</table></section>
<section><h2>进行中的表决 Open votes</h2><ul id="votes">{votes}</ul></section>
<section><h2>最新公示 Latest disclosure</h2>{disclosed}</section>
<section><h2>维修资金使用公示 Completed uses</h2><ul id="uses">{uses}</ul></section>
</main></body></html>"""
