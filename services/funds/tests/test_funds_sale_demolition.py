"""F8 sale transfer and demolition refund over real gRPC, a real database and a real NATS server."""

from __future__ import annotations

import grpc
import pytest

from services.funds.tests.funds_support import ANXI_OFFICER, COMPOUND, Funds, refused, resident
from wuye.funds.v1 import events_pb2, funds_pb2

HOUSEHOLDS = {"h-101": ("b1", 10_000), "h-102": ("b1", 8_950)}  # first deposits 300,000 and 268,500 fen
LEDGER = f"{COMPOUND}/maintenance"
CHANGE_TABLES = ("ledger_entries", "sub_account_changes")


async def funded(funds: Funds) -> None:
    await funds.open_account(HOUSEHOLDS)
    for household in HOUSEHOLDS:
        await funds.call(
            "RecordFirstDeposit", funds_pb2.RecordFirstDepositRequest(compound_id=COMPOUND, household_id=household)
        )


def sale(household: str = "h-101", buyer: str = "o-buyer", reference: str = "不动产转移登记 2026-001"):
    return funds_pb2.TransferSubAccountOnSaleRequest(
        compound_id=COMPOUND, household_id=household, buyer_owner_key=buyer, reference=reference
    )


def demolition(household: str = "h-101", owner: str = "o-h-101", reference: str = "征收决定 2026-7"):
    return funds_pb2.RefundSubAccountOnDemolitionRequest(
        compound_id=COMPOUND, household_id=household, owner_key=owner, reference=reference
    )


async def test_F8_sale_transfers_the_balance_with_the_home(funds: Funds) -> None:
    await funded(funds)
    answer = await funds.call("TransferSubAccountOnSale", sale())
    assert answer.sub_account.balance_fen == 300_000 and not answer.sub_account.closed
    assert [(e.sequence, e.account_id, e.amount_fen, e.kind) for e in answer.entries] == [
        (5, "handover:sale", 300_000, "sale_transfer"),
        (6, "household:h-101", -300_000, "sale_transfer"),
        (7, "household:h-101", 300_000, "sale_transfer"),
        (8, "handover:sale", -300_000, "sale_transfer"),
    ]
    assert await funds.balances() == {"h-101": 300_000, "h-102": 268_500}  # no money left the fund
    check = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=LEDGER))
    assert check.intact and check.entries_checked == 8
    [event] = await funds.events(events_pb2.SubAccountTransferredOnSale)
    assert (event.household_id, event.balance_fen, event.sequence) == ("h-101", 300_000, 5)
    assert event.jurisdiction_path == (await funds.call(
        "GetCompound", funds_pb2.GetCompoundRequest(compound_id=COMPOUND))).compound.jurisdiction_path
    # the buyer keeps paying into the same sub-account
    more = await funds.call(
        "RecordDeposit", funds_pb2.RecordDepositRequest(compound_id=COMPOUND, household_id="h-101", amount_fen=100)
    )
    assert more.sub_account.balance_fen == 300_100


async def test_F8_sale_of_an_empty_sub_account_is_recorded_without_a_posting(funds: Funds) -> None:
    await funds.open_account(HOUSEHOLDS)
    answer = await funds.call("TransferSubAccountOnSale", sale("h-102"))
    assert answer.sub_account.balance_fen == 0 and not answer.entries
    assert await funds.count("sub_account_changes") == 1
    [event] = await funds.events(events_pb2.SubAccountTransferredOnSale)
    assert (event.balance_fen, event.sequence) == (0, 0)


async def test_F8_demolition_refunds_the_balance_to_the_owner_and_closes_the_sub_account(funds: Funds) -> None:
    await funded(funds)
    answer = await funds.call("RefundSubAccountOnDemolition", demolition())
    assert answer.refund_fen == 300_000
    assert answer.sub_account.balance_fen == 0 and answer.sub_account.closed
    assert not answer.sub_account.needs_replenishment  # a closed sub-account is not asked to replenish
    assert [(e.account_id, e.amount_fen, e.kind) for e in answer.entries] == [
        ("payee:demolition_refunds", 300_000, "demolition_refund"),
        ("household:h-101", -300_000, "demolition_refund"),
    ]
    [event] = await funds.events(events_pb2.SubAccountRefundedOnDemolition)
    assert (event.household_id, event.refund_fen, event.sequence) == ("h-101", 300_000, 5)
    account = (await funds.call("GetMaintenanceAccount", funds_pb2.GetMaintenanceAccountRequest(compound_id=COMPOUND))).account
    assert account.balance_fen == 268_500
    assert (await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=LEDGER))).intact


async def test_F8_a_closed_sub_account_takes_no_deposit_sale_refund_or_charge(funds: Funds) -> None:
    await funded(funds)
    await funds.call("RefundSubAccountOnDemolition", demolition())
    before = await funds.counts(*CHANGE_TABLES)
    for method, request in (
        ("RecordDeposit", funds_pb2.RecordDepositRequest(compound_id=COMPOUND, household_id="h-101", amount_fen=5)),
        ("TransferSubAccountOnSale", sale()),
        ("RefundSubAccountOnDemolition", demolition()),
    ):
        status, error = await refused(funds.call(method, request))
        assert status == grpc.StatusCode.FAILED_PRECONDITION
        assert (error.field, error.rule) == ("household_id", "F8")
    assert await funds.counts(*CHANGE_TABLES) == before
    # interest now goes only to the open sub-account (F8 pro rata to balance)
    await funds.call("AllocateInterest", funds_pb2.AllocateInterestRequest(compound_id=COMPOUND, interest_fen=1_000))
    assert await funds.balances() == {"h-101": 0, "h-102": 269_500}


@pytest.mark.parametrize(
    ("method", "request_message", "field"),
    [
        ("TransferSubAccountOnSale", sale(buyer=" "), "buyer_owner_key"),
        ("TransferSubAccountOnSale", sale(reference=""), "reference"),
        ("RefundSubAccountOnDemolition", demolition(owner=""), "owner_key"),
        ("RefundSubAccountOnDemolition", demolition(reference=""), "reference"),
    ],
    ids=["no buyer", "no sale reference", "no owner", "no demolition reference"],
)
async def test_F8_bad_input_is_refused_naming_the_field_and_changes_nothing(
    funds: Funds, method: str, request_message: object, field: str
) -> None:
    await funded(funds)
    before = await funds.counts(*CHANGE_TABLES)
    status, error = await refused(funds.call(method, request_message))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == field
    assert await funds.counts(*CHANGE_TABLES) == before


async def test_F8_sale_and_refund_need_a_manager_in_scope(funds: Funds) -> None:
    await funded(funds)
    before = await funds.counts(*CHANGE_TABLES)
    status, _ = await refused(funds.call("TransferSubAccountOnSale", sale(), resident("o-h-101")))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(funds.call("RefundSubAccountOnDemolition", demolition(), ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, error = await refused(funds.call("TransferSubAccountOnSale", sale("h-999")))
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "household_id"
    assert await funds.counts(*CHANGE_TABLES) == before
