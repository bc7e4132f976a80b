"""The hash-chained maintenance fund ledger over real gRPC, a real database and a real NATS server."""

from __future__ import annotations

import grpc
import pytest

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    AUDITOR,
    CITY_ADMIN,
    COMMUNITY_WORKER,
    COUNTY_OFFICER,
    Funds,
    refused,
)
from wuye.common.v1 import common_pb2
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_funds.domain import ledger

RATE = 3_000  # fen per m², 6 % of the construction cost below
COST = 50_000
AREAS = {"h-101": 10_000, "h-102": 8_950, "h-201": 12_345}  # dm²


async def open_account(funds: Funds) -> funds_pb2.MaintenanceAccount:
    await funds.open_account({household: ("b1", area) for household, area in AREAS.items()}, rate=RATE, cost=COST)
    answer = await funds.call("GetMaintenanceAccount", funds_pb2.GetMaintenanceAccountRequest(compound_id=funds.compound))
    return answer.account


async def first_deposit(funds: Funds, household: str) -> funds_pb2.RecordFirstDepositResponse:
    return await funds.call(
        "RecordFirstDeposit",
        funds_pb2.RecordFirstDepositRequest(compound_id=funds.compound, household_id=funds.household(household)),
    )


async def verify(funds: Funds, who=COMMUNITY_WORKER) -> funds_pb2.VerifyLedgerResponse:
    return await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger), who)


async def test_F1_first_deposit_is_rate_times_area_posted_as_a_balanced_hash_chained_pair(funds: Funds) -> None:
    account = await open_account(funds)
    assert {funds.name_of(sub.household_id): sub.first_deposit_fen for sub in account.sub_accounts} == {
        "h-101": 300_000, "h-102": 268_500, "h-201": 370_350,
    }
    answer = await first_deposit(funds, "h-101")
    await first_deposit(funds, "h-102")
    assert answer.sub_account.balance_fen == 300_000 and not answer.sub_account.needs_replenishment
    entries = (await funds.call("ListLedgerEntries", funds_pb2.ListLedgerEntriesRequest(ledger_id=funds.ledger))).entries
    assert [(e.sequence, e.account_id, e.amount_fen) for e in entries] == [
        (1, f"household:{funds.household('h-101')}", 300_000),
        (2, "owners:deposits", -300_000),
        (3, f"household:{funds.household('h-102')}", 268_500),
        (4, "owners:deposits", -268_500),
    ]
    assert entries[0].prev_hash == "0" * 64 and entries[1].prev_hash == entries[0].hash
    check = await verify(funds)
    assert check.intact and check.entries_checked == 4 and check.head_hash == entries[-1].hash
    deposits = await funds.events(events_pb2.DepositRecorded)
    assert [(funds.name_of(event.household_id), event.amount_fen, event.sequence) for event in deposits] == [
        ("h-101", 300_000, 1),
        ("h-102", 268_500, 3),
    ]
    account = (await funds.call("GetMaintenanceAccount", funds_pb2.GetMaintenanceAccountRequest(compound_id=funds.compound))).account
    assert account.balance_fen == 568_500


async def test_F1_a_second_first_deposit_is_refused_and_changes_nothing(funds: Funds) -> None:
    await open_account(funds)
    await first_deposit(funds, "h-101")
    before = await funds.counts("ledger_entries")
    status, error = await refused(first_deposit(funds, "h-101"))
    assert status == grpc.StatusCode.ALREADY_EXISTS and error.rule == "F1" and error.field == "household_id"
    assert await funds.counts("ledger_entries") == before


@pytest.mark.parametrize("amount", [-5, 0])
async def test_ledger_non_positive_amount_is_refused_naming_the_field_and_changes_nothing(
    funds: Funds, amount: int
) -> None:
    await open_account(funds)
    before = await funds.counts("ledger_entries")
    status, error = await refused(
        funds.call(
            "RecordDeposit",
            funds_pb2.RecordDepositRequest(compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=amount),
        )
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "amount_fen"
    assert await funds.counts("ledger_entries") == before


async def test_F3_a_sub_account_below_30_percent_of_its_first_deposit_needs_replenishment(funds: Funds) -> None:
    await open_account(funds)
    low = await funds.call(
        "RecordDeposit", funds_pb2.RecordDepositRequest(compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=89_999)
    )
    assert low.sub_account.needs_replenishment  # 89,999 < 30 % of 300,000
    enough = await funds.call(
        "RecordDeposit", funds_pb2.RecordDepositRequest(compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=1)
    )
    assert enough.sub_account.balance_fen == 90_000 and not enough.sub_account.needs_replenishment


async def test_ledger_correction_is_a_reversing_posting_never_an_edit(funds: Funds) -> None:
    await open_account(funds)
    await first_deposit(funds, "h-101")
    await first_deposit(funds, "h-102")
    requested = await funds.call(
        "ReverseLedgerPosting",
        funds_pb2.ReverseLedgerPostingRequest(ledger_id=funds.ledger, sequence=2, memo="wrong household"),
        COUNTY_OFFICER,
    )
    assert not requested.entries and await funds.count("ledger_entries") == 4  # nothing posted before approval (A3)
    status, error = await refused(funds.call("DecideMoneyMovement", funds_pb2.DecideMoneyMovementRequest(
        movement_id=requested.movement.movement_id, approve=True), COUNTY_OFFICER))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "requested_by", "A3")
    status, error = await refused(funds.call("DecideMoneyMovement", funds_pb2.DecideMoneyMovementRequest(
        movement_id=requested.movement.movement_id, approve=True)))  # a community worker corrects no ledger
    assert status == grpc.StatusCode.PERMISSION_DENIED
    answer = await funds.call("DecideMoneyMovement", funds_pb2.DecideMoneyMovementRequest(
        movement_id=requested.movement.movement_id, approve=True), CITY_ADMIN)
    assert (answer.movement.kind, answer.movement.sequence, answer.movement.amount_fen) == (
        funds_pb2.MONEY_MOVEMENT_KIND_LEDGER_REVERSAL, 2, 300_000)
    assert [(e.sequence, e.account_id, e.amount_fen, e.reverses_sequence) for e in answer.entries] == [
        (5, "owners:deposits", 300_000, 1),
        (6, f"household:{funds.household('h-101')}", -300_000, 1),
    ]
    account = (await funds.call("GetMaintenanceAccount", funds_pb2.GetMaintenanceAccountRequest(compound_id=funds.compound))).account
    assert {funds.name_of(sub.household_id): sub.balance_fen for sub in account.sub_accounts}["h-101"] == 0
    assert (await verify(funds)).intact
    [event] = await funds.events(events_pb2.LedgerPostingReversed)
    assert (event.reversed_sequence, event.reversal_sequence) == (1, 5)
    await first_deposit(funds, "h-101")  # the cancelled first deposit may be paid again

    before = await funds.counts("ledger_entries")
    status, error = await refused(
        funds.call(
            "ReverseLedgerPosting", funds_pb2.ReverseLedgerPostingRequest(ledger_id=funds.ledger, sequence=1), COUNTY_OFFICER
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "sequence"
    status, _ = await refused(
        funds.call("ReverseLedgerPosting", funds_pb2.ReverseLedgerPostingRequest(ledger_id=funds.ledger, sequence=3))
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED  # a community worker cannot correct the ledger
    assert await funds.counts("ledger_entries") == before


TAMPERING = {
    "amount": ("UPDATE ledger_entries SET amount_fen = 1 WHERE sequence = 3", 3, "HASH_MISMATCH"),
    "memo": ("UPDATE ledger_entries SET memo = 'paid in cash' WHERE sequence = 4", 4, "HASH_MISMATCH"),
    "hash": ("UPDATE ledger_entries SET hash = :forged WHERE sequence = 2", 2, "HASH_MISMATCH"),
    "deleted row": ("DELETE FROM ledger_entries WHERE sequence = 3", 4, "SEQUENCE_GAP"),
    "deleted posting": ("DELETE FROM ledger_entries WHERE sequence IN (3, 4)", 5, "SEQUENCE_GAP"),
    "deleted last leg": ("DELETE FROM ledger_entries WHERE sequence = 6", 5, "UNBALANCED"),
}


@pytest.mark.parametrize("tampering", TAMPERING, ids=list(TAMPERING))
async def test_ledger_tampered_rows_are_found_by_verification(funds: Funds, tampering: str) -> None:
    await open_account(funds)
    for household in AREAS:
        await first_deposit(funds, household)
    assert (await verify(funds)).intact
    statement, sequence, reason = TAMPERING[tampering]
    await funds.execute(statement, forged="f" * 64) if ":forged" in statement else await funds.execute(statement)
    check = await verify(funds, AUDITOR)
    assert not check.intact
    assert check.broken_sequence == sequence
    assert check.broken_reason == funds_pb2.ChainBreakReason.Value(f"CHAIN_BREAK_REASON_{reason}")


async def test_ledger_a_rehashed_forgery_breaks_the_link_to_the_next_entry(funds: Funds) -> None:
    await open_account(funds)
    for household in AREAS:
        await first_deposit(funds, household)
    entries = (await funds.call("ListLedgerEntries", funds_pb2.ListLedgerEntriesRequest(ledger_id=funds.ledger))).entries
    stored = entries[2]
    forged = ledger.Entry(
        sequence=stored.sequence,
        account_id=stored.account_id,
        amount_fen=1,
        counter_account_id=stored.counter_account_id,
        kind=stored.kind,
        memo=stored.memo,
        occurred_at=stored.occurred_at,
        prev_hash=stored.prev_hash,
        hash="",
    )
    # whoever edits a row and recomputes its hash still leaves the next entry pointing at the old hash
    await funds.execute(
        "UPDATE ledger_entries SET amount_fen = 1, hash = :rehashed WHERE sequence = 3",
        rehashed=ledger.entry_hash(forged),
    )
    check = await verify(funds)
    assert not check.intact and check.broken_sequence == 4
    assert check.broken_reason == funds_pb2.CHAIN_BREAK_REASON_PREV_HASH_MISMATCH


async def test_ledger_reads_are_scoped_and_auditors_read_across_their_scope(funds: Funds) -> None:
    await open_account(funds)
    for household in AREAS:
        await first_deposit(funds, household)
    status, error = await refused(verify(funds, ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, _ = await refused(
        funds.call("ListLedgerEntries", funds_pb2.ListLedgerEntriesRequest(ledger_id=funds.ledger), ANXI_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    seen: list[int] = []
    token = ""
    while True:
        answer = await funds.call(
            "ListLedgerEntries",
            funds_pb2.ListLedgerEntriesRequest(
                ledger_id=funds.ledger, page=common_pb2.PageRequest(page_size=4, page_token=token)
            ),
            AUDITOR,
        )
        seen += [entry.sequence for entry in answer.entries]
        token = answer.page.next_page_token
        if not token:
            break
    assert seen == [1, 2, 3, 4, 5, 6]
    assert (await verify(funds, AUDITOR)).intact
