"""F8 sale transfer and demolition refund over real gRPC, a real database and a real NATS server, beside
the real registry that says who owns each home (A4); each requested by one person and carried out when
another approves it (A3)."""

from __future__ import annotations

import grpc
import pytest

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    COMMUNITY_WORKER,
    STREET_OFFICER,
    Funds,
    refused,
    resident,
)
from wuye.common.v1 import common_pb2
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye.registry.v1 import registry_pb2

HOUSEHOLDS = {"h-101": ("b1", 10_000), "h-102": ("b1", 8_950)}  # first deposits 300,000 and 268,500 fen
CHANGE_TABLES = ("ledger_entries", "sub_account_changes", "money_movements")


async def funded(funds: Funds) -> None:
    await funds.open_account(HOUSEHOLDS)
    for household in HOUSEHOLDS:
        await funds.call(
            "RecordFirstDeposit",
            funds_pb2.RecordFirstDepositRequest(compound_id=funds.compound, household_id=funds.household(household)),
        )


async def sold(funds: Funds, household: str = "h-101") -> str:
    """The sale recorded in the registry first (the home's new owner); the buyer's owner key."""
    buyer = await funds.registry.person("买受人")
    await funds.registry.call("SetHouseholdOwners", registry_pb2.SetHouseholdOwnersRequest(
        household_id=funds.household(household), owners=[registry_pb2.OwnerShare(person_id=buyer, share="1")]))
    return buyer


def sale(household: str = "h-101", buyer: str = "", reference: str = "不动产转移登记 2026-001"):
    """The request for ``household``'s transfer; ``buyer`` as the registry's owner key."""
    return lambda funds: funds_pb2.TransferSubAccountOnSaleRequest(
        compound_id=funds.compound, household_id=funds.household(household), buyer_owner_key=buyer, reference=reference
    )


def demolition(household: str = "h-101", owner: str = "", reference: str = "征收决定 2026-7"):
    """The request for ``household``'s refund; ``owner`` as an owner key, "" for the registered owner."""
    return lambda funds: funds_pb2.RefundSubAccountOnDemolitionRequest(
        compound_id=funds.compound, household_id=funds.household(household), owner_key=owner, reference=reference
    )


async def moved(funds: Funds, method: str, request: object) -> funds_pb2.DecideMoneyMovementResponse:
    """Requested by the community worker, approved by the street officer (A3): what the approval did."""
    requested = await funds.call(method, request, COMMUNITY_WORKER)
    assert requested.movement.state == funds_pb2.MONEY_MOVEMENT_STATE_REQUESTED and not requested.entries
    return await funds.call("DecideMoneyMovement", funds_pb2.DecideMoneyMovementRequest(
        movement_id=requested.movement.movement_id, approve=True), STREET_OFFICER)


async def test_F8_sale_transfers_the_balance_with_the_home(funds: Funds) -> None:
    await funded(funds)
    buyer = await sold(funds)
    answer = await moved(funds, "TransferSubAccountOnSale", sale(buyer=buyer)(funds))
    assert answer.sub_account.balance_fen == 300_000 and not answer.sub_account.closed
    assert [(e.sequence, e.account_id, e.amount_fen, e.kind) for e in answer.entries] == [
        (5, "handover:sale", 300_000, "sale_transfer"),
        (6, f"household:{funds.household('h-101')}", -300_000, "sale_transfer"),
        (7, f"household:{funds.household('h-101')}", 300_000, "sale_transfer"),
        (8, "handover:sale", -300_000, "sale_transfer"),
    ]
    assert await funds.balances() == {"h-101": 300_000, "h-102": 268_500}  # no money left the fund
    check = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger))
    assert check.intact and check.entries_checked == 8
    [event] = await funds.events(events_pb2.SubAccountTransferredOnSale)
    assert (funds.name_of(event.household_id), event.balance_fen, event.sequence) == ("h-101", 300_000, 5)
    assert event.jurisdiction_path == (await funds.call(
        "GetCompound", funds_pb2.GetCompoundRequest(compound_id=funds.compound))).compound.jurisdiction_path
    # the buyer keeps paying into the same sub-account
    more = await funds.call(
        "RecordDeposit", funds_pb2.RecordDepositRequest(compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=100)
    )
    assert more.sub_account.balance_fen == 300_100


async def test_F8_sale_of_an_empty_sub_account_is_recorded_without_a_posting(funds: Funds) -> None:
    await funds.open_account(HOUSEHOLDS)
    answer = await moved(funds, "TransferSubAccountOnSale", sale("h-102", buyer=await sold(funds, "h-102"))(funds))
    assert answer.sub_account.balance_fen == 0 and not answer.entries
    assert await funds.count("sub_account_changes") == 1
    [event] = await funds.events(events_pb2.SubAccountTransferredOnSale)
    assert (event.balance_fen, event.sequence) == (0, 0)


async def test_F8_demolition_refunds_the_balance_to_the_owner_and_closes_the_sub_account(funds: Funds) -> None:
    await funded(funds)
    answer = await moved(funds, "RefundSubAccountOnDemolition", demolition()(funds))
    assert answer.movement.amount_fen == 300_000
    assert answer.sub_account.balance_fen == 0 and answer.sub_account.closed
    assert not answer.sub_account.needs_replenishment  # a closed sub-account is not asked to replenish
    assert [(e.account_id, e.amount_fen, e.kind) for e in answer.entries] == [
        ("payee:demolition_refunds", 300_000, "demolition_refund"),
        (f"household:{funds.household('h-101')}", -300_000, "demolition_refund"),
    ]
    [event] = await funds.events(events_pb2.SubAccountRefundedOnDemolition)
    assert (funds.name_of(event.household_id), event.refund_fen, event.sequence) == ("h-101", 300_000, 5)
    [change] = await funds.rows("SELECT owner_key FROM sub_account_changes")
    assert change == (funds.owner_keys["h-101"],)  # paid to the registered owner, though none was named
    account = (await funds.call("GetMaintenanceAccount", funds_pb2.GetMaintenanceAccountRequest(compound_id=funds.compound))).account
    assert account.balance_fen == 268_500
    assert (await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger))).intact


async def test_F8_a_closed_sub_account_takes_no_deposit_sale_refund_or_charge(funds: Funds) -> None:
    await funded(funds)
    await moved(funds, "RefundSubAccountOnDemolition", demolition()(funds))
    before = await funds.counts(*CHANGE_TABLES)
    for method, request in (
        ("RecordDeposit", funds_pb2.RecordDepositRequest(compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=5)),
        ("TransferSubAccountOnSale", sale(buyer=funds.owner_keys["h-101"])(funds)),
        ("RefundSubAccountOnDemolition", demolition()(funds)),
    ):
        status, error = await refused(funds.call(method, request))
        assert status == grpc.StatusCode.FAILED_PRECONDITION
        assert (error.field, error.rule) == ("household_id", "F8")
    assert await funds.counts(*CHANGE_TABLES) == before
    # interest now goes only to the open sub-account (F8 pro rata to balance)
    await funds.call("AllocateInterest", funds_pb2.AllocateInterestRequest(compound_id=funds.compound, interest_fen=1_000))
    assert await funds.balances() == {"h-101": 0, "h-102": 269_500}


@pytest.mark.parametrize(
    ("method", "request_for", "status", "field", "rule"),
    [
        ("TransferSubAccountOnSale", sale(buyer=" "), grpc.StatusCode.INVALID_ARGUMENT, "buyer_owner_key", "F8"),
        ("TransferSubAccountOnSale", sale(buyer="someone-else"), grpc.StatusCode.INVALID_ARGUMENT, "buyer_owner_key", "A4"),
        ("TransferSubAccountOnSale", sale(buyer="seller", reference=""), grpc.StatusCode.INVALID_ARGUMENT, "reference", "F8"),
        ("TransferSubAccountOnSale", sale("h-999", buyer="seller"), grpc.StatusCode.NOT_FOUND, "household_id", "A4"),
        ("RefundSubAccountOnDemolition", demolition(owner="someone-else"), grpc.StatusCode.INVALID_ARGUMENT, "owner_key", "A4"),
        ("RefundSubAccountOnDemolition", demolition(reference=""), grpc.StatusCode.INVALID_ARGUMENT, "reference", "F8"),
    ],
    ids=["no buyer", "a buyer the registry does not record as owner", "no sale reference",
         "a household the registry does not know", "a refund to someone other than the registered owner",
         "no demolition reference"],
)
async def test_F8_A4_bad_input_is_refused_naming_the_field_and_changes_nothing(
    funds: Funds, method: str, request_for, status: grpc.StatusCode, field: str, rule: str
) -> None:
    await funded(funds)
    request = request_for(funds)
    if getattr(request, "buyer_owner_key", "") == "seller":
        request.buyer_owner_key = funds.owner_keys["h-101"]
    before = await funds.counts(*CHANGE_TABLES)
    code, error = await refused(funds.call(method, request))
    assert (code, error.field, error.rule) == (status, field, rule)
    assert await funds.counts(*CHANGE_TABLES) == before


async def test_F8_sale_and_refund_need_a_manager_in_scope(funds: Funds) -> None:
    await funded(funds)
    buyer = await sold(funds)
    before = await funds.counts(*CHANGE_TABLES)
    status, _ = await refused(funds.call("TransferSubAccountOnSale", sale(buyer=buyer)(funds), resident(buyer)))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(funds.call("RefundSubAccountOnDemolition", demolition()(funds), ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    assert await funds.counts(*CHANGE_TABLES) == before


async def test_A3_the_requester_never_decides_a_rejection_needs_a_reason_and_moves_nothing(funds: Funds) -> None:
    await funded(funds)
    requested = (await funds.call("RefundSubAccountOnDemolition", demolition()(funds), COMMUNITY_WORKER)).movement
    assert (requested.requested_by, requested.owner_key) == (COMMUNITY_WORKER.user, funds.owner_keys["h-101"])
    assert await funds.balances() == {"h-101": 300_000, "h-102": 268_500}  # nothing moved yet
    before = await funds.counts("ledger_entries", "sub_account_changes")

    def decision(approve: bool, reason: str = "") -> funds_pb2.DecideMoneyMovementRequest:
        return funds_pb2.DecideMoneyMovementRequest(movement_id=requested.movement_id, approve=approve, reason=reason)

    status, error = await refused(funds.call("DecideMoneyMovement", decision(True), COMMUNITY_WORKER))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "requested_by", "A3")
    status, error = await refused(funds.call("DecideMoneyMovement", decision(False), STREET_OFFICER))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "reason", "A3")
    status, error = await refused(funds.call("DecideMoneyMovement", decision(True), ANXI_OFFICER))
    assert (status, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "scope")
    # one request at a time for a home
    status, error = await refused(funds.call("RefundSubAccountOnDemolition", demolition()(funds), STREET_OFFICER))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "household_id", "A3")

    rejected = (await funds.call("DecideMoneyMovement", decision(False, "征收补偿协议尚未签订"), STREET_OFFICER)).movement
    assert (rejected.state, rejected.decided_by, rejected.reason) == (
        funds_pb2.MONEY_MOVEMENT_STATE_REJECTED, STREET_OFFICER.user, "征收补偿协议尚未签订")
    assert await funds.counts("ledger_entries", "sub_account_changes") == before
    assert not await funds.events(events_pb2.SubAccountRefundedOnDemolition)
    status, error = await refused(funds.call("DecideMoneyMovement", decision(True), STREET_OFFICER))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "state", "A3")
    stored = (await funds.call("GetMoneyMovement", funds_pb2.GetMoneyMovementRequest(
        movement_id=requested.movement_id))).movement
    assert stored == rejected


async def test_A3_F8_the_approval_moves_the_balance_as_it_stands_then(funds: Funds) -> None:
    await funded(funds)
    requested = (await funds.call("RefundSubAccountOnDemolition", demolition()(funds), COMMUNITY_WORKER)).movement
    await funds.call("RecordDeposit", funds_pb2.RecordDepositRequest(
        compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=100))
    approved = await funds.call("DecideMoneyMovement", funds_pb2.DecideMoneyMovementRequest(
        movement_id=requested.movement_id, approve=True), STREET_OFFICER)
    assert (approved.movement.state, approved.movement.amount_fen) == (funds_pb2.MONEY_MOVEMENT_STATE_APPROVED, 300_100)
    assert approved.sub_account.closed and approved.sub_account.balance_fen == 0


async def test_A3_the_deciders_queue_lists_the_requested_movements_of_their_jurisdiction(funds: Funds) -> None:
    await funded(funds)
    street = "350500/350521/350521100"
    rejected = (await funds.call("RefundSubAccountOnDemolition", demolition()(funds), COMMUNITY_WORKER)).movement
    await funds.call("DecideMoneyMovement", funds_pb2.DecideMoneyMovementRequest(
        movement_id=rejected.movement_id, approve=False, reason="征收补偿协议尚未签订"), STREET_OFFICER)
    waiting = (await funds.call("RefundSubAccountOnDemolition", demolition("h-102")(funds), COMMUNITY_WORKER)).movement
    again = (await funds.call("RefundSubAccountOnDemolition", demolition()(funds), COMMUNITY_WORKER)).movement

    def listed(state: int = 0, size: int = 0, token: str = "", path: str = street) -> funds_pb2.ListMoneyMovementsRequest:
        return funds_pb2.ListMoneyMovementsRequest(
            jurisdiction_path=path, state=state, page=common_pb2.PageRequest(page_size=size, page_token=token))

    queue = await funds.call("ListMoneyMovements", listed(funds_pb2.MONEY_MOVEMENT_STATE_REQUESTED), STREET_OFFICER)
    assert [m.movement_id for m in queue.movements] == [again.movement_id, waiting.movement_id], "newest first"
    every = await funds.call("ListMoneyMovements", listed(), STREET_OFFICER)
    assert [m.movement_id for m in every.movements] == [again.movement_id, waiting.movement_id, rejected.movement_id]
    first = await funds.call("ListMoneyMovements", listed(size=2), STREET_OFFICER)
    rest = await funds.call("ListMoneyMovements", listed(size=2, token=first.page.next_page_token), STREET_OFFICER)
    assert [m.movement_id for m in [*first.movements, *rest.movements]] == [m.movement_id for m in every.movements]
    assert rest.page.next_page_token == ""

    status, error = await refused(funds.call("ListMoneyMovements", listed(), ANXI_OFFICER))
    assert (status, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "scope")
    status, error = await refused(funds.call("ListMoneyMovements", listed(state=9), STREET_OFFICER))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "state")
