"""P4 mini maintenance fund (小公维金) over real gRPC, a real database and a real NATS server."""

from __future__ import annotations

import grpc
import pytest

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    COMMUNITY,
    COMPOUND,
    COUNTY_OFFICER,
    Funds,
    refused,
    resident,
)
from wuye.funds.v1 import events_pb2, funds_pb2

RATE = 30  # fen per m² per month, on top of a 130 fen property fee (seed 001)
MONEY_TABLES = ("ledger_entries", "mini_funds")
OTHER_COMPOUND = "taoyuan-court"


async def open_mini_fund(funds: Funds, compound_id: str = COMPOUND) -> None:
    await funds.call("OpenMiniFund", funds_pb2.OpenMiniFundRequest(compound_id=compound_id, rate_fen_per_m2_month=RATE))


async def collect(funds: Funds, area_dm2: int, months: int, compound_id: str = COMPOUND):
    return await funds.call(
        "CollectMiniFundSurcharge",
        funds_pb2.CollectMiniFundSurchargeRequest(
            compound_id=compound_id, household_id="h-102", area_dm2=area_dm2, months=months
        ),
    )


async def repair(funds: Funds, amount_fen: int, compound_id: str = COMPOUND, purpose: str = "更换楼道灯"):
    return await funds.call(
        "PayMiniFundRepair",
        funds_pb2.PayMiniFundRepairRequest(compound_id=compound_id, amount_fen=amount_fen, purpose=purpose),
    )


async def test_P4_surcharge_per_m2_per_month_pays_repairs_and_the_surplus_is_published(funds: Funds) -> None:
    await funds.configure()
    await open_mini_fund(funds)
    collected = await collect(funds, 8_950, 3)  # 30 fen × 89.5 m² = 2,685 fen a month
    assert collected.amount_fen == 8_055
    assert (collected.entry.account_id, collected.entry.kind) == ("mini:fund", "mini_surcharge")
    paid = await repair(funds, 5_000)
    assert paid.mini_fund.summary == funds_pb2.MiniFundSummary(
        income_fen=8_055, repair_count=1, repairs_paid_fen=5_000, surplus_fen=3_055
    )
    [event] = await funds.events(events_pb2.MiniFundRepairPaid)
    assert (event.amount_fen, event.purpose, event.sequence) == (5_000, "更换楼道灯", 3)
    assert event.summary.surplus_fen == 3_055 and event.jurisdiction_path == COMMUNITY
    check = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=f"{COMPOUND}/mini"))
    assert check.intact and check.entries_checked == 4
    public = await funds.call(
        "GetCompoundTransparency", funds_pb2.GetCompoundTransparencyRequest(compound_id=COMPOUND), resident("o-1")
    )
    assert public.mini_fund == paid.mini_fund.summary


async def test_P4_a_repair_beyond_the_surplus_is_refused_and_changes_nothing(funds: Funds) -> None:
    await funds.configure()
    await open_mini_fund(funds)
    await collect(funds, 8_950, 3)
    await repair(funds, 5_000)
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(repair(funds, 3_056))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and (error.field, error.rule) == ("amount_fen", "P4")
    assert await funds.counts(*MONEY_TABLES) == before
    assert (await repair(funds, 3_055)).mini_fund.summary.surplus_fen == 0


@pytest.mark.parametrize(
    ("method", "request_message", "field"),
    [
        ("OpenMiniFund", funds_pb2.OpenMiniFundRequest(compound_id=COMPOUND, rate_fen_per_m2_month=0), "rate_fen_per_m2_month"),
        ("CollectMiniFundSurcharge", funds_pb2.CollectMiniFundSurchargeRequest(compound_id=COMPOUND, household_id="h-1", area_dm2=9_000, months=0), "months"),
        ("CollectMiniFundSurcharge", funds_pb2.CollectMiniFundSurchargeRequest(compound_id=COMPOUND, household_id="h-1", area_dm2=0, months=1), "area_dm2"),
        ("CollectMiniFundSurcharge", funds_pb2.CollectMiniFundSurchargeRequest(compound_id=COMPOUND, area_dm2=9_000, months=1), "household_id"),
        ("PayMiniFundRepair", funds_pb2.PayMiniFundRepairRequest(compound_id=COMPOUND, amount_fen=-1, purpose="x"), "amount_fen"),
        ("PayMiniFundRepair", funds_pb2.PayMiniFundRepairRequest(compound_id=COMPOUND, amount_fen=1, purpose=" "), "purpose"),
    ],
    ids=["zero rate", "no months", "no area", "no household", "negative repair", "no purpose"],
)
async def test_P4_bad_input_is_refused_naming_the_field_and_changes_nothing(
    funds: Funds, method: str, request_message: object, field: str
) -> None:
    await funds.configure()
    if method != "OpenMiniFund":
        await open_mini_fund(funds)
        await collect(funds, 10_000, 1)
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(funds.call(method, request_message))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == field
    assert await funds.counts(*MONEY_TABLES) == before


async def test_P4_mini_fund_writes_need_a_manager_in_scope(funds: Funds) -> None:
    await funds.configure()
    await open_mini_fund(funds)
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(funds.call(
        "CollectMiniFundSurcharge",
        funds_pb2.CollectMiniFundSurchargeRequest(compound_id=COMPOUND, household_id="h-1", area_dm2=1, months=1),
        ANXI_OFFICER,
    ))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, _ = await refused(funds.call(
        "PayMiniFundRepair", funds_pb2.PayMiniFundRepairRequest(compound_id=COMPOUND, amount_fen=1, purpose="x"),
        resident("o-1"),
    ))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(open_mini_fund(funds))
    assert status == grpc.StatusCode.ALREADY_EXISTS and error.rule == "P4"
    assert await funds.counts(*MONEY_TABLES) == before


async def test_P4_seed_001_figures_5_1_million_collected_15_repairs_1_04_million_surplus(funds: Funds) -> None:
    await funds.configure()
    await funds.configure(compound_id=OTHER_COMPOUND, path=f"{COMMUNITY[:-1]}2", who=COUNTY_OFFICER)
    await open_mini_fund(funds)
    await funds.call(
        "OpenMiniFund", funds_pb2.OpenMiniFundRequest(compound_id=OTHER_COMPOUND, rate_fen_per_m2_month=RATE),
        COUNTY_OFFICER,
    )
    # 30 fen × 500,000 m² × 20 months = ¥3.0 M; 30 fen × 350,000 m² × 20 months = ¥2.1 M
    assert (await collect(funds, 50_000_000, 20)).amount_fen == 300_000_000
    for _ in range(8):
        await repair(funds, 27_000_000)
    await funds.call(
        "CollectMiniFundSurcharge",
        funds_pb2.CollectMiniFundSurchargeRequest(compound_id=OTHER_COMPOUND, household_id="all", area_dm2=35_000_000, months=20),
        COUNTY_OFFICER,
    )
    for amount in [27_000_000] * 6 + [28_000_000]:
        await funds.call(
            "PayMiniFundRepair",
            funds_pb2.PayMiniFundRepairRequest(compound_id=OTHER_COMPOUND, amount_fen=amount, purpose="小修"),
            COUNTY_OFFICER,
        )
    figures = await funds.call(
        "GetMiniFundFigures", funds_pb2.GetMiniFundFiguresRequest(jurisdiction_path="350500/350521"), resident("o-1")
    )
    assert figures.compounds == 2
    assert figures.summary == funds_pb2.MiniFundSummary(
        income_fen=510_000_000, repair_count=15, repairs_paid_fen=406_000_000, surplus_fen=104_000_000
    )
    elsewhere = await funds.call(
        "GetMiniFundFigures", funds_pb2.GetMiniFundFiguresRequest(jurisdiction_path="350500/350524")
    )
    assert elsewhere.compounds == 0 and elsewhere.summary.income_fen == 0
    status, error = await refused(funds.call("GetMiniFundFigures", funds_pb2.GetMiniFundFiguresRequest(jurisdiction_path="35")))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "jurisdiction_path"
