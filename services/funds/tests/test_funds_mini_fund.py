"""P4 mini maintenance fund (小公维金) over real gRPC, a real database and a real NATS server, beside the
real registry whose exclusive areas the surcharges are charged on (A4)."""

from __future__ import annotations

import grpc
import pytest

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    COMMUNITY,
    COUNTY_OFFICER,
    Funds,
    refused,
    resident,
)
from wuye.funds.v1 import events_pb2, funds_pb2

RATE = 30  # fen per m² per month, on top of a 130 fen property fee (seed 001)
MONEY_TABLES = ("ledger_entries", "mini_funds")
HOUSEHOLDS = {"h-101": ("b1", 10_000), "h-102": ("b1", 8_950)}


async def open_mini_fund(funds: Funds, compound_id: str = "") -> None:
    """凤凰城's households registered (the first time) and its mini fund opened."""
    if not funds.households:
        await funds.register_households(HOUSEHOLDS)
    compound_id = compound_id or funds.compound
    await funds.call("OpenMiniFund", funds_pb2.OpenMiniFundRequest(compound_id=compound_id, rate_fen_per_m2_month=RATE))


async def collect(funds: Funds, months: int, household: str = "h-102", area_dm2: int = 0):
    """A surcharge on a household of 凤凰城, on its registered area unless ``area_dm2`` is sent."""
    return await funds.call(
        "CollectMiniFundSurcharge",
        funds_pb2.CollectMiniFundSurchargeRequest(
            compound_id=funds.compound, household_id=funds.household(household), area_dm2=area_dm2, months=months
        ),
    )


async def repair(funds: Funds, amount_fen: int, compound_id: str = "", purpose: str = "更换楼道灯"):
    compound_id = compound_id or funds.compound
    return await funds.call(
        "PayMiniFundRepair",
        funds_pb2.PayMiniFundRepairRequest(compound_id=compound_id, amount_fen=amount_fen, purpose=purpose),
    )


async def test_P4_surcharge_per_m2_per_month_pays_repairs_and_the_surplus_is_published(funds: Funds) -> None:
    await funds.configure()
    await open_mini_fund(funds)
    collected = await collect(funds, 3)  # 30 fen × 89.5 m² (the registry's) = 2,685 fen a month
    assert collected.amount_fen == 8_055
    assert (collected.entry.account_id, collected.entry.kind) == ("mini:fund", "mini_surcharge")
    paid = await repair(funds, 5_000)
    assert paid.mini_fund.summary == funds_pb2.MiniFundSummary(
        income_fen=8_055, repair_count=1, repairs_paid_fen=5_000, surplus_fen=3_055
    )
    [event] = await funds.events(events_pb2.MiniFundRepairPaid)
    assert (event.amount_fen, event.purpose, event.sequence) == (5_000, "更换楼道灯", 3)
    assert event.summary.surplus_fen == 3_055 and event.jurisdiction_path == COMMUNITY
    check = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=f"{funds.compound}/mini"))
    assert check.intact and check.entries_checked == 4
    public = await funds.call(
        "GetCompoundTransparency", funds_pb2.GetCompoundTransparencyRequest(compound_id=funds.compound), resident("o-1")
    )
    assert public.mini_fund == paid.mini_fund.summary


async def test_P4_a_repair_beyond_the_surplus_is_refused_and_changes_nothing(funds: Funds) -> None:
    await funds.configure()
    await open_mini_fund(funds)
    await collect(funds, 3)
    await repair(funds, 5_000)
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(repair(funds, 3_056))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and (error.field, error.rule) == ("amount_fen", "P4")
    assert await funds.counts(*MONEY_TABLES) == before
    assert (await repair(funds, 3_055)).mini_fund.summary.surplus_fen == 0


def surcharge(household: str = "h-101", area_dm2: int = 0, months: int = 1):
    return lambda funds: funds_pb2.CollectMiniFundSurchargeRequest(
        compound_id=funds.compound, household_id=funds.household(household), area_dm2=area_dm2, months=months
    )


@pytest.mark.parametrize(
    ("method", "request_for", "status", "field", "rule"),
    [
        ("OpenMiniFund", lambda funds: funds_pb2.OpenMiniFundRequest(compound_id=funds.compound, rate_fen_per_m2_month=0),
         grpc.StatusCode.INVALID_ARGUMENT, "rate_fen_per_m2_month", "P4"),
        ("CollectMiniFundSurcharge", surcharge(months=0), grpc.StatusCode.INVALID_ARGUMENT, "months", "P4"),
        ("CollectMiniFundSurcharge", surcharge(area_dm2=9_999), grpc.StatusCode.INVALID_ARGUMENT, "area_dm2", "A4"),
        ("CollectMiniFundSurcharge", surcharge(household="h-invented"), grpc.StatusCode.NOT_FOUND, "household_id", None),
        ("PayMiniFundRepair", lambda funds: funds_pb2.PayMiniFundRepairRequest(compound_id=funds.compound, amount_fen=-1, purpose="x"),
         grpc.StatusCode.INVALID_ARGUMENT, "amount_fen", None),
        ("PayMiniFundRepair", lambda funds: funds_pb2.PayMiniFundRepairRequest(compound_id=funds.compound, amount_fen=1, purpose=" "),
         grpc.StatusCode.INVALID_ARGUMENT, "purpose", "P4"),
    ],
    ids=["zero rate", "no months", "an area other than the registry's", "a household the registry does not know",
         "negative repair", "no purpose"],
)
async def test_P4_A4_bad_input_is_refused_naming_the_field_and_changes_nothing(
    funds: Funds, method: str, request_for, status: grpc.StatusCode, field: str, rule: str | None
) -> None:
    if method != "OpenMiniFund":
        await open_mini_fund(funds)
        await collect(funds, 1)
    before = await funds.counts(*MONEY_TABLES)
    code, error = await refused(funds.call(method, request_for(funds)))
    assert code == status and error.field == field
    assert rule is None or error.rule == rule
    assert await funds.counts(*MONEY_TABLES) == before


async def test_A4_a_household_of_another_compound_pays_no_surcharge_here(funds: Funds) -> None:
    await open_mini_fund(funds)
    taoyuan = await funds.registry.place("TYJ", "桃源居")
    owner = await funds.registry.person("业主桃源")
    elsewhere = await funds.registry.household(taoyuan, "t1", "101", 9_000, [owner])
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(funds.call("CollectMiniFundSurcharge", funds_pb2.CollectMiniFundSurchargeRequest(
        compound_id=funds.compound, household_id=elsewhere, months=1)))
    assert status == grpc.StatusCode.NOT_FOUND and (error.field, error.rule) == ("household_id", "A4")
    assert await funds.counts(*MONEY_TABLES) == before


async def test_P4_A4_a_surcharge_on_every_household_at_once_is_each_registered_households_bill_summed(funds: Funds) -> None:
    await open_mini_fund(funds)
    answer = await funds.call("CollectMiniFundSurcharge", funds_pb2.CollectMiniFundSurchargeRequest(
        compound_id=funds.compound, months=12))
    # 30 fen × 100 m² + 30 fen × 89.5 m² = 5,685 fen a month (each rounded per month), × 12
    assert answer.amount_fen == 68_220 and answer.entry.memo == "every household, 12 month(s)"


async def test_P4_mini_fund_writes_need_a_manager_in_scope(funds: Funds) -> None:
    await funds.configure()
    await open_mini_fund(funds)
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(funds.call(
        "CollectMiniFundSurcharge",
        funds_pb2.CollectMiniFundSurchargeRequest(compound_id=funds.compound, household_id=funds.household("h-101"), months=1),
        ANXI_OFFICER,
    ))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, _ = await refused(funds.call(
        "PayMiniFundRepair", funds_pb2.PayMiniFundRepairRequest(compound_id=funds.compound, amount_fen=1, purpose="x"),
        resident("o-1"),
    ))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(open_mini_fund(funds))
    assert status == grpc.StatusCode.ALREADY_EXISTS and error.rule == "P4"
    assert await funds.counts(*MONEY_TABLES) == before


async def test_P4_seed_001_figures_5_1_million_collected_15_repairs_1_04_million_surplus(funds: Funds) -> None:
    # two compounds of 500,000 m² and 350,000 m² of exclusive area, each registered as one building's
    # worth of units (five of 100,000 m² and seven of 50,000 m²), charged all at once for 20 months
    await funds.register_households({f"u{n}": ("b1", 10_000_000) for n in range(5)})
    await open_mini_fund(funds)
    taoyuan = await funds.registry.place("TYJ", "桃源居", community=f"{COMMUNITY[:-1]}2")
    for n in range(7):
        owner = await funds.registry.person(f"业主{n}")
        await funds.registry.household(taoyuan, "t1", f"{n}", 5_000_000, [owner])
    await funds.call(
        "OpenMiniFund", funds_pb2.OpenMiniFundRequest(compound_id=taoyuan, rate_fen_per_m2_month=RATE),
        COUNTY_OFFICER,
    )
    # 30 fen × 500,000 m² × 20 months = ¥3.0 M; 30 fen × 350,000 m² × 20 months = ¥2.1 M
    everyone = funds_pb2.CollectMiniFundSurchargeRequest(compound_id=funds.compound, months=20)
    assert (await funds.call("CollectMiniFundSurcharge", everyone)).amount_fen == 300_000_000
    for _ in range(8):
        await repair(funds, 27_000_000)
    await funds.call(
        "CollectMiniFundSurcharge", funds_pb2.CollectMiniFundSurchargeRequest(compound_id=taoyuan, months=20), COUNTY_OFFICER
    )
    for amount in [27_000_000] * 6 + [28_000_000]:
        await funds.call(
            "PayMiniFundRepair",
            funds_pb2.PayMiniFundRepairRequest(compound_id=taoyuan, amount_fen=amount, purpose="小修"),
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
