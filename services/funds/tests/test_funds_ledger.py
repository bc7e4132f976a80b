"""The hash-chained maintenance fund ledger over real gRPC, a real database and a real NATS server."""

from __future__ import annotations

import asyncio
import base64

import grpc
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.ext.asyncio import create_async_engine

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
from wuye_chassis.migrations import Migrations, migrate
from wuye_funds.domain import ledger
from wuye_funds.entrypoints.app import build
from wuye_funds.entrypoints.cli import sign_heads
from wuye_funds.settings import FundsSettings

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


# --- what the chain alone cannot show: anchors and signed checkpoints (issue 19, finding 3) ----------


async def three_postings(funds: Funds) -> list[funds_pb2.LedgerEntry]:
    await open_account(funds)
    for household in AREAS:
        await first_deposit(funds, household)
    return list((await funds.call("ListLedgerEntries", funds_pb2.ListLedgerEntriesRequest(ledger_id=funds.ledger))).entries)


def found_anchors(check: funds_pb2.VerifyLedgerResponse) -> list[tuple[str, str, int, int]]:
    return [
        (funds_pb2.AnchorSource.Name(d.source).removeprefix("ANCHOR_SOURCE_"),
         funds_pb2.DiscrepancyKind.Name(d.kind).removeprefix("DISCREPANCY_KIND_"), d.recorded.sequence, d.found.sequence)
        for d in check.discrepancies
    ]


async def test_ledger_every_posting_leaves_a_checkpoint_anyone_can_check_with_the_published_key(funds: Funds) -> None:
    entries = await three_postings(funds)
    check = await verify(funds)
    assert check.intact and not check.discrepancies
    assert (check.head_sequence, check.head_hash) == (6, entries[-1].hash)
    assert (check.checkpoint.sequence, check.checkpoint.hash) == (6, entries[-1].hash)
    key = await funds.call("GetLedgerSigningKey", funds_pb2.GetLedgerSigningKeyRequest(), ANXI_OFFICER)
    assert key.key_id == check.checkpoint_key_id and len(key.key_id) == 16
    # checked outside the service, from the documented bytes and the published key alone
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key.public_key))
    rows = await funds.rows(f"SELECT sequence, hash, signature FROM ledger_checkpoints WHERE ledger_id = '{funds.ledger}' ORDER BY sequence")
    assert [(sequence, digest) for sequence, digest, _ in rows] == [(2, entries[1].hash), (4, entries[3].hash), (6, entries[5].hash)]
    for sequence, digest, signature in rows:
        public.verify(bytes(signature), ledger.checkpoint_bytes(funds.ledger, ledger.Anchor(sequence, digest)))


async def test_ledger_the_last_posting_deleted_is_found_and_its_sequence_is_never_given_again(funds: Funds) -> None:
    await three_postings(funds)
    await funds.execute(f"DELETE FROM ledger_entries WHERE ledger_id = '{funds.ledger}' AND sequence IN (5, 6)")
    check = await verify(funds, AUDITOR)
    assert not check.intact and check.broken_reason == funds_pb2.CHAIN_BREAK_REASON_UNSPECIFIED  # the chain itself holds
    assert found_anchors(check) == [("LEDGER_HEAD", "TRUNCATED", 6, 4), ("CHECKPOINT", "TRUNCATED", 6, 4)]
    assert check.discrepancies[0].description.endswith("but the chain ends at entry 4")
    before = await funds.counts("ledger_entries", "ledger_checkpoints")
    status, error = await refused(
        funds.call("RecordDeposit", funds_pb2.RecordDepositRequest(
            compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=100))
    )
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "ledger_id", "ledger.head")
    assert await funds.counts("ledger_entries", "ledger_checkpoints") == before


async def rewrite_from_second_posting(funds: Funds, entries: list[funds_pb2.LedgerEntry]) -> list[ledger.Entry]:
    """What someone with write access to the database can do: change posting 2's amount, recompute every
    hash after it, and move the ledger's recorded head along."""
    def stored(entry: funds_pb2.LedgerEntry) -> ledger.Entry:
        return ledger.Entry(entry.sequence, entry.account_id, entry.amount_fen, entry.counter_account_id, entry.kind,
                            entry.memo, entry.occurred_at, entry.prev_hash, entry.hash)

    chain = [stored(entries[0]), stored(entries[1])]
    for debit, amount in ((entries[2], 1), (entries[4], entries[4].amount_fen)):
        chain += ledger.post(chain[-1], debit_account_id=debit.account_id, credit_account_id=debit.counter_account_id,
                             amount_fen=amount, kind=debit.kind, memo=debit.memo, occurred_at=debit.occurred_at)
    for entry in chain[2:]:
        await funds.execute(
            "UPDATE ledger_entries SET amount_fen = :amount, prev_hash = :prev, hash = :hash "
            "WHERE ledger_id = :ledger AND sequence = :sequence",
            amount=entry.amount_fen, prev=entry.prev_hash, hash=entry.hash, ledger=funds.ledger, sequence=entry.sequence,
        )
    await funds.execute("UPDATE ledgers SET head_hash = :hash WHERE ledger_id = :ledger", hash=chain[-1].hash, ledger=funds.ledger)
    return chain


async def test_ledger_a_rewrite_with_every_hash_recomputed_is_found_by_the_signed_checkpoints(funds: Funds) -> None:
    chain = await rewrite_from_second_posting(funds, await three_postings(funds))
    check = await verify(funds, AUDITOR)
    assert check.broken_reason == funds_pb2.CHAIN_BREAK_REASON_UNSPECIFIED and check.head_hash == chain[-1].hash
    assert not check.intact
    assert found_anchors(check) == [("CHECKPOINT", "REWRITTEN", 4, 4), ("CHECKPOINT", "REWRITTEN", 6, 6)]
    assert check.discrepancies[0].found.hash == chain[3].hash


async def test_ledger_checkpoints_rewritten_to_match_without_the_key_do_not_verify(funds: Funds) -> None:
    chain = await rewrite_from_second_posting(funds, await three_postings(funds))
    for entry in chain[3::2]:
        await funds.execute("UPDATE ledger_checkpoints SET hash = :hash WHERE ledger_id = :ledger AND sequence = :sequence",
                            hash=entry.hash, ledger=funds.ledger, sequence=entry.sequence)
    check = await verify(funds, AUDITOR)
    assert not check.intact and found_anchors(check) == [("CHECKPOINT", "BAD_SIGNATURE", 4, 4)]


async def test_ledger_the_latest_disclosure_and_a_head_noted_by_a_resident_are_compared_too(funds: Funds) -> None:
    entries = await three_postings(funds)
    published = (await funds.call("PublishDisclosure", funds_pb2.PublishDisclosureRequest(
        compound_id=funds.compound, period="2026-H2"))).disclosure
    assert (published.maintenance_head_sequence, published.maintenance_head_hash) == (6, entries[-1].hash)
    # everything the database holds is made to agree: entries 5–6 gone, the head and checkpoints moved back
    await funds.execute(f"DELETE FROM ledger_entries WHERE ledger_id = '{funds.ledger}' AND sequence IN (5, 6)")
    await funds.execute(f"DELETE FROM ledger_checkpoints WHERE ledger_id = '{funds.ledger}' AND sequence = 6")
    await funds.execute("UPDATE ledgers SET head_sequence = 4, head_hash = :hash WHERE ledger_id = :ledger",
                        hash=entries[3].hash, ledger=funds.ledger)
    noted = funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger, expected_head_sequence=6, expected_head_hash=entries[-1].hash)
    check = await funds.call("VerifyLedger", noted, AUDITOR)
    assert not check.intact and found_anchors(check) == [("DISCLOSURE", "TRUNCATED", 6, 4), ("GIVEN", "TRUNCATED", 6, 4)]
    earlier = funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger, expected_head_sequence=2, expected_head_hash=entries[1].hash)
    assert found_anchors(await funds.call("VerifyLedger", earlier, AUDITOR)) == [("DISCLOSURE", "TRUNCATED", 6, 4)]


@pytest.mark.parametrize(("sequence", "digest", "field"), [(0, "ab" * 32, "expected_head_sequence"), (3, "", "expected_head_hash"),
                                                           (-1, "ab" * 32, "expected_head_sequence")])
async def test_ledger_an_expected_head_needs_its_sequence_and_its_hash(funds: Funds, sequence: int, digest: str, field: str) -> None:
    await three_postings(funds)
    status, error = await refused(funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(
        ledger_id=funds.ledger, expected_head_sequence=sequence, expected_head_hash=digest)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, field, "ledger.head")


async def test_ledger_entries_inserted_without_a_posting_are_unanchored(funds: Funds) -> None:
    entries = await three_postings(funds)
    last = entries[-1]
    tail = ledger.Entry(last.sequence, last.account_id, last.amount_fen, last.counter_account_id, last.kind,
                        last.memo, last.occurred_at, last.prev_hash, last.hash)
    debit, credit = ledger.post(tail, debit_account_id="bank", credit_account_id="owners:deposits", amount_fen=5,
                                kind="deposit", memo="", occurred_at=last.occurred_at)
    for entry in (debit, credit):
        await funds.execute(
            "INSERT INTO ledger_entries (ledger_id, sequence, account_id, counter_account_id, amount_fen, kind, memo, "
            "occurred_at, reverses_sequence, prev_hash, hash) VALUES (:ledger, :sequence, :account, :counter, :amount, "
            ":kind, :memo, :at, NULL, :prev, :hash)",
            ledger=funds.ledger, sequence=entry.sequence, account=entry.account_id, counter=entry.counter_account_id,
            amount=entry.amount_fen, kind=entry.kind, memo=entry.memo, at=entry.occurred_at, prev=entry.prev_hash, hash=entry.hash,
        )
    check = await verify(funds, AUDITOR)
    assert check.broken_reason == funds_pb2.CHAIN_BREAK_REASON_UNSPECIFIED and not check.intact
    assert found_anchors(check) == [("LEDGER_HEAD", "UNANCHORED_ENTRIES", 6, 8), ("CHECKPOINT", "UNANCHORED_ENTRIES", 6, 8)]


async def test_ledger_the_upgrade_records_the_head_of_every_existing_ledger(database_url: str) -> None:
    """Migration 0010 on a database with postings: each ledger's head is its last entry, so the next
    posting goes on from it; an empty ledger's head is empty."""
    migrations = Migrations("wuye_funds:migrations")
    await asyncio.to_thread(migrate, database_url, migrations, "0009")
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            for ledger_id in ("c1/maintenance", "c1/committee"):
                await connection.execute(sa.text(
                    "INSERT INTO ledgers (ledger_id, compound_id, jurisdiction_path, created_at) "
                    "VALUES (:ledger, NULL, '/c', CURRENT_TIMESTAMP)"), {"ledger": ledger_id})
            for sequence in (1, 2, 3, 4):
                await connection.execute(sa.text(
                    "INSERT INTO ledger_entries (ledger_id, sequence, account_id, counter_account_id, amount_fen, kind, "
                    "memo, occurred_at, prev_hash, hash) VALUES ('c1/maintenance', :sequence, 'a', 'b', 1, 'deposit', '', "
                    "'2026-01-01T00:00:00+00:00', 'p', :hash)"), {"sequence": sequence, "hash": f"h{sequence}"})
        await asyncio.to_thread(migrate, database_url, migrations)
        async with engine.connect() as connection:
            heads = dict((await connection.execute(sa.text(
                "SELECT ledger_id, head_sequence || ':' || head_hash FROM ledgers"))).all())
    finally:
        await engine.dispose()
    assert heads == {"c1/maintenance": "4:h4", "c1/committee": "0:"}


async def test_ledger_heads_from_before_checkpoints_are_signed_once_and_only_where_the_chain_verifies(
    database_url: str,
) -> None:
    """``python -m wuye_funds sign-ledger-heads`` after the upgrade: an intact ledger's head is signed, a
    broken one is reported and left unsigned, and a second run signs nothing more."""
    migrations = Migrations("wuye_funds:migrations")
    await asyncio.to_thread(migrate, database_url, migrations, "0009")
    chain = [*ledger.post(None, debit_account_id="bank", credit_account_id="owners:deposits", amount_fen=300_000,
                          kind="deposit", memo="", occurred_at="2026-01-05T09:00:00+08:00")]
    chain += ledger.post(chain[-1], debit_account_id="bank", credit_account_id="owners:deposits", amount_fen=100,
                         kind="deposit", memo="", occurred_at="2026-01-06T09:00:00+08:00")
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            for ledger_id in ("intact/maintenance", "broken/maintenance"):
                await connection.execute(sa.text(
                    "INSERT INTO ledgers (ledger_id, compound_id, jurisdiction_path, created_at) "
                    "VALUES (:ledger, NULL, '/c', CURRENT_TIMESTAMP)"), {"ledger": ledger_id})
                for entry in chain:
                    await connection.execute(sa.text(
                        "INSERT INTO ledger_entries (ledger_id, sequence, account_id, counter_account_id, amount_fen, "
                        "kind, memo, occurred_at, prev_hash, hash) VALUES (:ledger, :sequence, :account, :counter, "
                        ":amount, :kind, :memo, :at, :prev, :hash)"),
                        {"ledger": ledger_id, "sequence": entry.sequence, "account": entry.account_id,
                         "counter": entry.counter_account_id,
                         "amount": entry.amount_fen + (1 if ledger_id.startswith("broken") and entry.sequence == 3 else 0),
                         "kind": entry.kind, "memo": entry.memo, "at": entry.occurred_at, "prev": entry.prev_hash,
                         "hash": entry.hash})
        await asyncio.to_thread(migrate, database_url, migrations)
        definition = build(FundsSettings(database_url=database_url, migrate_on_start=False))
        first = await sign_heads(definition)
        again = await sign_heads(definition)
        async with engine.connect() as connection:
            checkpoints = (await connection.execute(sa.text(
                "SELECT ledger_id, sequence, hash FROM ledger_checkpoints"))).all()
    finally:
        await engine.dispose()
    assert first.signed == ["intact/maintenance"]
    assert first.refused == [("broken/maintenance", "entry 3: hash_mismatch")]
    assert (again.signed, [ledger_id for ledger_id, _ in again.refused]) == ([], ["broken/maintenance"])
    assert [tuple(row) for row in checkpoints] == [("intact/maintenance", 4, chain[-1].hash)]
