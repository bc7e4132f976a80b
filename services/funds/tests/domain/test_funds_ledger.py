import dataclasses
import hashlib

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_funds.domain.ledger import (
    GENESIS_HASH,
    REVERSAL_KIND,
    BreakReason,
    ChainBreak,
    balances,
    canonical_bytes,
    entry_hash,
    next_entry,
    post,
    reverse,
    verify_chain,
)

AT = "2025-03-01T09:30:00+08:00"


def ledger_of(*amounts):
    """A ledger with one posting per amount, bank → household sub-account."""
    chain = []
    for index, amount in enumerate(amounts):
        chain.extend(
            post(
                chain[-1] if chain else None,
                debit_account_id="bank",
                credit_account_id=f"household-{index}",
                amount_fen=amount,
                kind="deposit",
                memo=f"首次交存 {index}",
                occurred_at=AT,
            )
        )
    return chain


def test_ledger_first_entry_hashes_onto_genesis_as_documented():
    entry = next_entry(
        None, account_id="bank", amount_fen=12345, counter_account_id="hh-1", kind="deposit", memo="维修", occurred_at=AT
    )
    expected = (
        b"20:wuye-ledger-entry-v1,1:1,4:bank,4:hh-1,5:12345,7:deposit,"
        + "6:维修,".encode()
        + f"25:{AT},0:,64:{GENESIS_HASH},".encode()
    )
    assert (entry.sequence, entry.prev_hash) == (1, GENESIS_HASH)
    assert canonical_bytes(
        sequence=1,
        account_id="bank",
        counter_account_id="hh-1",
        amount_fen=12345,
        kind="deposit",
        memo="维修",
        occurred_at=AT,
        reverses_sequence=None,
        prev_hash=GENESIS_HASH,
    ) == expected
    assert entry.hash == hashlib.sha256(expected).hexdigest() == entry_hash(entry)


def test_ledger_each_entry_chains_to_the_previous_hash():
    chain = ledger_of(100, 200)
    assert [entry.sequence for entry in chain] == [1, 2, 3, 4]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(chain, chain[1:]))


def test_ledger_posting_is_balanced_debits_equal_credits():
    debit, credit = post(
        None,
        debit_account_id="bank",
        credit_account_id="hh-1",
        amount_fen=403065,
        kind="deposit",
        memo="",
        occurred_at=AT,
    )
    assert (debit.account_id, debit.amount_fen, debit.counter_account_id) == ("bank", 403065, "hh-1")
    assert (credit.account_id, credit.amount_fen, credit.counter_account_id) == ("hh-1", -403065, "bank")
    assert debit.amount_fen + credit.amount_fen == 0


def test_ledger_balances_add_up_to_zero():
    totals = balances(ledger_of(100, 250, 7))
    assert totals == {"bank": 357, "household-0": -100, "household-1": -250, "household-2": -7}
    assert sum(totals.values()) == 0


@pytest.mark.parametrize("amount", [0, -5, 1.5, True])
def test_ledger_posting_amount_must_be_positive_fen(amount):
    with pytest.raises(InvalidArgument) as caught:
        post(None, debit_account_id="a", credit_account_id="b", amount_fen=amount, kind="k", memo="", occurred_at=AT)
    assert caught.value.field == "amount_fen"
    assert caught.value.rule == "ledger.double_entry"


def test_ledger_posting_to_the_same_account_refused():
    with pytest.raises(InvalidArgument) as caught:
        post(None, debit_account_id="a", credit_account_id="a", amount_fen=1, kind="k", memo="", occurred_at=AT)
    assert (caught.value.field, caught.value.rule) == ("counter_account_id", "ledger.double_entry")


@pytest.mark.parametrize("moment", ["2025-03-01T09:30:00", "yesterday", ""])
def test_ledger_occurred_at_must_be_iso_with_offset(moment):
    with pytest.raises(InvalidArgument) as caught:
        post(None, debit_account_id="a", credit_account_id="b", amount_fen=1, kind="k", memo="", occurred_at=moment)
    assert caught.value.field == "occurred_at"


def test_ledger_posting_after_a_lone_debit_leg_refused():
    lone = next_entry(None, account_id="a", amount_fen=5, counter_account_id="b", kind="k", memo="", occurred_at=AT)
    with pytest.raises(FailedPrecondition) as caught:
        post(lone, debit_account_id="a", credit_account_id="b", amount_fen=1, kind="k", memo="", occurred_at=AT)
    assert caught.value.rule == "ledger.double_entry"


def test_ledger_verify_intact_chain_returns_none():
    assert verify_chain(ledger_of(100, 200, 300)) is None
    assert verify_chain([]) is None


def test_ledger_verify_finds_edited_amount_as_hash_mismatch():
    chain = ledger_of(100, 200, 300)
    chain[2] = dataclasses.replace(chain[2], amount_fen=999)
    assert verify_chain(chain) == ChainBreak(sequence=3, position=2, reason=BreakReason.HASH_MISMATCH)


def test_ledger_verify_finds_rehashed_edit_as_prev_hash_mismatch_on_next_entry():
    chain = ledger_of(100, 200, 300)
    edited = dataclasses.replace(chain[2], memo="changed")
    chain[2] = dataclasses.replace(edited, hash=entry_hash(edited))
    assert verify_chain(chain) == ChainBreak(sequence=4, position=3, reason=BreakReason.PREV_HASH_MISMATCH)


def test_ledger_verify_finds_deleted_entries_as_sequence_gap():
    chain = ledger_of(100, 200, 300)
    del chain[2:4]
    assert verify_chain(chain) == ChainBreak(sequence=5, position=2, reason=BreakReason.SEQUENCE_GAP)


def test_ledger_verify_finds_chain_not_starting_at_one():
    assert verify_chain(ledger_of(100, 200)[2:]).reason is BreakReason.SEQUENCE_GAP


def test_ledger_verify_finds_lone_leg_as_unbalanced():
    chain = ledger_of(100)
    chain.append(
        next_entry(chain[-1], account_id="a", amount_fen=5, counter_account_id="b", kind="k", memo="", occurred_at=AT)
    )
    assert verify_chain(chain) == ChainBreak(sequence=3, position=2, reason=BreakReason.UNBALANCED)


def test_ledger_verify_finds_legs_that_do_not_mirror_as_unbalanced():
    first = next_entry(None, account_id="a", amount_fen=5, counter_account_id="b", kind="k", memo="", occurred_at=AT)
    second = next_entry(first, account_id="b", amount_fen=-4, counter_account_id="a", kind="k", memo="", occurred_at=AT)
    assert verify_chain([first, second]) == ChainBreak(sequence=2, position=1, reason=BreakReason.UNBALANCED)


@pytest.mark.parametrize("named_leg", [3, 4])
def test_ledger_reverse_cancels_the_whole_posting_from_either_leg(named_leg):
    chain = ledger_of(100, 250)
    reversal = reverse(chain, named_leg, occurred_at="2025-03-02T10:00:00+08:00", memo="录入错误")
    assert [(e.account_id, e.amount_fen, e.kind, e.reverses_sequence) for e in reversal] == [
        ("household-1", 250, REVERSAL_KIND, 3),
        ("bank", -250, REVERSAL_KIND, 3),
    ]
    chain.extend(reversal)
    assert verify_chain(chain) is None
    assert balances(chain) == {"bank": 100, "household-0": -100, "household-1": 0}
    assert len(chain) == 6  # the original posting is still there


def test_ledger_posting_reversed_only_once():
    chain = ledger_of(100)
    chain.extend(reverse(chain, 1, occurred_at=AT))
    with pytest.raises(FailedPrecondition) as caught:
        reverse(chain, 2, occurred_at=AT)
    assert (caught.value.field, caught.value.rule) == ("sequence", "ledger.reversal")


def test_ledger_reversal_can_itself_be_reversed():
    chain = ledger_of(100)
    chain.extend(reverse(chain, 1, occurred_at=AT))
    chain.extend(reverse(chain, 3, occurred_at=AT))
    assert balances(chain) == {"bank": 100, "household-0": -100}
    assert chain[-1].reverses_sequence == 3
    assert verify_chain(chain) is None


@pytest.mark.parametrize("sequence", [0, 3])
def test_ledger_reverse_unknown_entry_not_found(sequence):
    with pytest.raises(NotFound) as caught:
        reverse(ledger_of(100), sequence, occurred_at=AT)
    assert (caught.value.field, caught.value.rule) == ("sequence", "ledger.reversal")
