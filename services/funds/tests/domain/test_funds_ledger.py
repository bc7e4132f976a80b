import dataclasses
import hashlib

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_funds.domain.ledger import (
    EMPTY_HEAD,
    GENESIS_HASH,
    REVERSAL_KIND,
    Anchor,
    AnchorSource,
    BreakReason,
    ChainBreak,
    Checkpoint,
    DiscrepancyKind,
    anchor_discrepancies,
    balances,
    canonical_bytes,
    checkpoint_bytes,
    entry_hash,
    head_of,
    next_entry,
    post,
    require_extends_head,
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


# --- anchors: what the chain alone cannot show (issue 19, finding 3) ---------------------------------


def signed(*anchors):
    return [Checkpoint(anchor, signature_valid=True) for anchor in anchors]


def heads(chain):
    """The anchor each posting left (its credit leg), as the service signs them."""
    return [Anchor(entry.sequence, entry.hash) for entry in chain if entry.sequence % 2 == 0]


def test_ledger_anchors_agree_with_an_untouched_chain():
    chain = ledger_of(100, 200, 300)
    assert anchor_discrepancies(
        chain, recorded_head=head_of(chain), checkpoints=signed(*heads(chain)),
        published=[(AnchorSource.DISCLOSURE, heads(chain)[1]), (AnchorSource.GIVEN, heads(chain)[0])],
    ) == []
    assert anchor_discrepancies([], recorded_head=EMPTY_HEAD, checkpoints=[]) == []


def test_ledger_anchors_find_the_last_posting_cut_off_although_the_chain_itself_verifies():
    chain = ledger_of(100, 200, 300)
    cut = chain[:4]
    assert verify_chain(cut) is None
    found = anchor_discrepancies(cut, recorded_head=head_of(chain), checkpoints=signed(*heads(chain)))
    assert [(d.source, d.kind, d.anchor.sequence, d.found.sequence) for d in found] == [
        (AnchorSource.LEDGER_HEAD, DiscrepancyKind.TRUNCATED, 6, 4),
        (AnchorSource.CHECKPOINT, DiscrepancyKind.TRUNCATED, 6, 4),
    ]
    assert found[0].describe() == f"the ledger's recorded head names entry 6 ({chain[5].hash[:12]}…) but the chain ends at entry 4"


def test_ledger_anchors_find_a_rewrite_with_recomputed_hashes_from_the_earliest_checkpoint_it_breaks():
    chain = ledger_of(100, 200, 300)
    rewritten = ledger_of(100, 999, 300)  # same first posting, every hash after it recomputed
    assert verify_chain(rewritten) is None
    found = anchor_discrepancies(rewritten, recorded_head=head_of(rewritten), checkpoints=signed(*heads(chain)))
    assert [(d.source, d.kind, d.anchor.sequence, d.found.hash) for d in found] == [
        (AnchorSource.CHECKPOINT, DiscrepancyKind.REWRITTEN, 4, rewritten[3].hash),
        (AnchorSource.CHECKPOINT, DiscrepancyKind.REWRITTEN, 6, rewritten[5].hash),
    ]


def test_ledger_anchors_refuse_a_checkpoint_no_trusted_key_signed():
    chain = ledger_of(100, 200)
    forged = [Checkpoint(heads(chain)[0], True), Checkpoint(heads(chain)[1], signature_valid=False)]
    found = anchor_discrepancies(chain, recorded_head=head_of(chain), checkpoints=forged)
    assert [(d.source, d.kind, d.anchor.sequence) for d in found] == [(AnchorSource.CHECKPOINT, DiscrepancyKind.BAD_SIGNATURE, 4)]


def test_ledger_anchors_find_entries_added_without_a_posting():
    chain = ledger_of(100, 200)
    found = anchor_discrepancies(chain, recorded_head=heads(chain)[0], checkpoints=signed(heads(chain)[0]))
    assert [(d.source, d.kind, d.anchor.sequence, d.found.sequence) for d in found] == [
        (AnchorSource.LEDGER_HEAD, DiscrepancyKind.UNANCHORED_ENTRIES, 2, 4),
        (AnchorSource.CHECKPOINT, DiscrepancyKind.UNANCHORED_ENTRIES, 2, 4),
    ]
    # a ledger with entries and not a single checkpoint is unanchored from its first entry
    assert [d.kind for d in anchor_discrepancies(chain, recorded_head=head_of(chain), checkpoints=[])] == [
        DiscrepancyKind.UNANCHORED_ENTRIES
    ]


def test_ledger_published_anchors_may_be_older_than_the_head_but_must_still_be_in_the_chain():
    chain = ledger_of(100, 200, 300)
    published = heads(chain)[0]
    ok = anchor_discrepancies(chain, recorded_head=head_of(chain), checkpoints=signed(*heads(chain)),
                              published=[(AnchorSource.DISCLOSURE, published)])
    assert ok == []
    other = ledger_of(101, 200, 300)
    found = anchor_discrepancies(other, recorded_head=head_of(other), checkpoints=signed(*heads(other)),
                                 published=[(AnchorSource.DISCLOSURE, published), (AnchorSource.GIVEN, Anchor(8, "ab" * 32))])
    assert [(d.source, d.kind) for d in found] == [
        (AnchorSource.DISCLOSURE, DiscrepancyKind.REWRITTEN), (AnchorSource.GIVEN, DiscrepancyKind.TRUNCATED),
    ]


def test_ledger_head_a_posting_after_entries_were_removed_is_refused_so_no_sequence_is_given_twice():
    chain = ledger_of(100, 200)
    require_extends_head(chain[-1], head_of(chain))
    require_extends_head(None, EMPTY_HEAD)
    with pytest.raises(FailedPrecondition) as refused:
        require_extends_head(chain[1], head_of(chain))
    assert (refused.value.field, refused.value.rule) == ("ledger_id", "ledger.head")
    with pytest.raises(FailedPrecondition):
        require_extends_head(None, head_of(chain))


def test_ledger_checkpoint_bytes_are_the_documented_netstrings():
    assert checkpoint_bytes("c1/maintenance", Anchor(12, "ab" * 32)) == (
        b"25:wuye-ledger-checkpoint-v1,14:c1/maintenance,2:12,64:" + b"ab" * 32 + b","
    )
