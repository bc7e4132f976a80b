"""Append-only, double-entry, hash-chained ledger: every fen movement can be verified by anyone.

Sign convention: ``amount_fen`` > 0 debits ``account_id``, < 0 credits it. Every posting is two
consecutive entries, the debit leg (odd sequence) then its mirror credit leg (even sequence), so the
amounts of a posting add up to zero and so does the whole ledger. Entries are never changed or deleted;
the only correction is a reversing posting (``reverse``) that names the posting it cancels.

Hash chain. Each entry's ``hash`` is the lowercase hex SHA-256 of its canonical serialisation, which
includes the previous entry's hash (``GENESIS_HASH``, 64 zeros, for sequence 1). The canonical
serialisation is the concatenation, in this order, of these ten fields, each written as a netstring
``<byte length in decimal>:<UTF-8 bytes>,``:

    1 the literal ``wuye-ledger-entry-v1``     6 kind
    2 sequence (decimal, no leading zeros)     7 memo (may be empty)
    3 account_id                               8 occurred_at (the ISO 8601 text exactly as stored)
    4 counter_account_id                       9 reverses_sequence (decimal, or empty when absent)
    5 amount_fen (decimal, "-" when negative)  10 prev_hash

Example: sequence 1 is written ``1:1,``; an empty memo ``0:,``; a memo "维修" ``6:维修,``.

Anchors. The chain alone cannot show that its end was cut off, or that it was rewritten from some entry on
with every hash recomputed. So a ledger's head (the last entry's sequence and hash) is also recorded
where a rewrite of the entries does not reach: on the ledger itself (advanced with every posting, so a
sequence is never given twice), in a checkpoint signed with a key the funds database does not hold (one per
posting), in every disclosure, and by anyone who noted a head from a notice or the public page.
Verification compares the chain with each of them (``anchor_discrepancies``). A checkpoint signs the
netstrings of ``wuye-ledger-checkpoint-v1``, the ledger id, the sequence and the hash, in that order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.money import Fen, require_fen
from wuye_chassis.validation import require_text

GENESIS_HASH = "0" * 64
SERIALISATION_TAG = "wuye-ledger-entry-v1"
CHECKPOINT_TAG = "wuye-ledger-checkpoint-v1"
REVERSAL_KIND = "reversal"
MEMO_MAX_LENGTH = 500


@dataclass(frozen=True)
class Entry:
    sequence: int
    account_id: str
    amount_fen: Fen  # > 0 debit, < 0 credit
    counter_account_id: str
    kind: str
    memo: str
    occurred_at: str  # ISO 8601 with a UTC offset
    prev_hash: str
    hash: str
    reverses_sequence: int | None = None  # the debit-leg sequence of the posting this one cancels


class BreakReason(Enum):
    SEQUENCE_GAP = "sequence_gap"
    PREV_HASH_MISMATCH = "prev_hash_mismatch"
    HASH_MISMATCH = "hash_mismatch"
    UNBALANCED = "unbalanced"


@dataclass(frozen=True)
class ChainBreak:
    """The first entry where verification failed: its stored sequence, its position in the list, why."""

    sequence: int
    position: int
    reason: BreakReason


@dataclass(frozen=True)
class Anchor:
    """A ledger's head as it was recorded somewhere: the last entry's sequence and hash (0 and "" while
    the ledger is empty)."""

    sequence: int
    hash: str


EMPTY_HEAD = Anchor(0, "")


class AnchorSource(Enum):
    #: the head the ledger's own row records, advanced by every posting
    LEDGER_HEAD = "ledger_head"
    #: a checkpoint signed when the posting was made
    CHECKPOINT = "checkpoint"
    #: the head written into the compound's latest disclosure
    DISCLOSURE = "disclosure"
    #: the head the caller brought, e.g. from a printed notice or the public page
    GIVEN = "given"


class DiscrepancyKind(Enum):
    #: the chain ends before the anchor's entry: entries were removed from its end
    TRUNCATED = "truncated"
    #: the chain's entry at the anchor's sequence has another hash: the chain was rewritten up to there
    REWRITTEN = "rewritten"
    #: the chain goes on past the head recorded on the ledger or past the last signed checkpoint: entries
    #: were added without a posting
    UNANCHORED_ENTRIES = "unanchored_entries"
    #: the checkpoint's signature does not verify with a trusted key: the checkpoint itself was forged
    BAD_SIGNATURE = "bad_signature"


@dataclass(frozen=True)
class Checkpoint:
    """A signed head, as stored; ``signature_valid`` says whether a trusted key verifies it."""

    anchor: Anchor
    signature_valid: bool


@dataclass(frozen=True)
class Discrepancy:
    """Where the chain and one record of its head disagree."""

    source: AnchorSource
    anchor: Anchor
    #: the chain's entry at the anchor's sequence; for truncation and unanchored entries, the chain's head
    found: Anchor
    kind: DiscrepancyKind

    def describe(self) -> str:
        recorded = f"{_SOURCE_WORDS[self.source]} names entry {self.anchor.sequence} ({self.anchor.hash[:12]}…)"
        if self.kind is DiscrepancyKind.TRUNCATED:
            return f"{recorded} but the chain ends at entry {self.found.sequence}"
        if self.kind is DiscrepancyKind.REWRITTEN:
            return f"{recorded} but the chain's entry {self.found.sequence} is {self.found.hash[:12]}…"
        if self.kind is DiscrepancyKind.UNANCHORED_ENTRIES:
            return f"{recorded} but the chain goes on to entry {self.found.sequence}"
        return f"{recorded} with a signature no trusted key made"


_SOURCE_WORDS = {
    AnchorSource.LEDGER_HEAD: "the ledger's recorded head",
    AnchorSource.CHECKPOINT: "the signed checkpoint",
    AnchorSource.DISCLOSURE: "the latest disclosure",
    AnchorSource.GIVEN: "the expected head",
}


def head_of(chain: Sequence[Entry]) -> Anchor:
    return Anchor(chain[-1].sequence, chain[-1].hash) if chain else EMPTY_HEAD


def checkpoint_bytes(ledger_id: str, anchor: Anchor) -> bytes:
    """The exact bytes a checkpoint signs (see the module docstring)."""
    return _netstrings((CHECKPOINT_TAG, ledger_id, str(anchor.sequence), anchor.hash))


def require_extends_head(last: Entry | None, head: Anchor) -> None:
    """A posting goes on from the recorded head only: when the chain's last entry is not the head, entries
    were removed or added outside a posting, and appending would give a sequence a second time."""
    if head_of([] if last is None else [last]) != head:
        raise FailedPrecondition(
            f"the ledger's entries end at {0 if last is None else last.sequence} but its recorded head is entry "
            f"{head.sequence}: the ledger has been altered and takes no postings until it is verified and repaired",
            field="ledger_id",
            rule="ledger.head",
        )


def anchor_discrepancies(
    chain: Sequence[Entry],
    *,
    recorded_head: Anchor,
    checkpoints: Sequence[Checkpoint],
    published: Sequence[tuple[AnchorSource, Anchor]] = (),
) -> list[Discrepancy]:
    """Every way the chain disagrees with the records of its head, in source order.

    The ledger's recorded head and the latest checkpoint must be the chain's head exactly; every checkpoint
    and every published anchor must name an entry of the chain with its hash (the chain may have grown
    since). Of the checkpoints, the earliest that disagrees is reported (a rewrite from entry n makes all
    later ones disagree), and the latest when it is not the chain's head.
    """
    by_sequence = {entry.sequence: entry.hash for entry in chain}
    head = head_of(chain)
    found: list[Discrepancy] = []
    if recorded_head != head:
        found.append(_contained(AnchorSource.LEDGER_HEAD, recorded_head, by_sequence, head)
                     or Discrepancy(AnchorSource.LEDGER_HEAD, recorded_head, head, DiscrepancyKind.UNANCHORED_ENTRIES))
    for checkpoint in checkpoints:
        if not checkpoint.signature_valid:
            found.append(Discrepancy(AnchorSource.CHECKPOINT, checkpoint.anchor,
                                     _at(checkpoint.anchor.sequence, by_sequence), DiscrepancyKind.BAD_SIGNATURE))
            break
        mismatch = _contained(AnchorSource.CHECKPOINT, checkpoint.anchor, by_sequence, head)
        if mismatch is not None:
            found.append(mismatch)
            break
    latest = checkpoints[-1].anchor if checkpoints else EMPTY_HEAD
    if latest != head:
        mismatch = _contained(AnchorSource.CHECKPOINT, latest, by_sequence, head)
        if mismatch is None:
            found.append(Discrepancy(AnchorSource.CHECKPOINT, latest, head, DiscrepancyKind.UNANCHORED_ENTRIES))
        elif mismatch not in found:
            found.append(mismatch)
    for source, anchor in published:
        mismatch = _contained(source, anchor, by_sequence, head)
        if mismatch is not None:
            found.append(mismatch)
    return found


def _at(sequence: int, by_sequence: dict[int, str]) -> Anchor:
    return Anchor(sequence, by_sequence.get(sequence, ""))


def _contained(
    source: AnchorSource, anchor: Anchor, by_sequence: dict[int, str], head: Anchor
) -> Discrepancy | None:
    """None when the chain holds the anchor's entry with the anchor's hash (an empty anchor always holds)."""
    if anchor.sequence == 0:
        return None
    if anchor.sequence > head.sequence:
        return Discrepancy(source, anchor, head, DiscrepancyKind.TRUNCATED)
    at = _at(anchor.sequence, by_sequence)
    return None if at.hash == anchor.hash else Discrepancy(source, anchor, at, DiscrepancyKind.REWRITTEN)


def _netstrings(fields: Iterable[str]) -> bytes:
    out = bytearray()
    for text in fields:
        data = text.encode("utf-8")
        out += f"{len(data)}:".encode("ascii") + data + b","
    return bytes(out)


def canonical_bytes(
    *,
    sequence: int,
    account_id: str,
    counter_account_id: str,
    amount_fen: Fen,
    kind: str,
    memo: str,
    occurred_at: str,
    reverses_sequence: int | None,
    prev_hash: str,
) -> bytes:
    """The exact bytes that are hashed (see the module docstring)."""
    return _netstrings((
        SERIALISATION_TAG,
        str(sequence),
        account_id,
        counter_account_id,
        str(amount_fen),
        kind,
        memo,
        occurred_at,
        "" if reverses_sequence is None else str(reverses_sequence),
        prev_hash,
    ))


def entry_hash(entry: Entry) -> str:
    """Recompute an entry's hash from its stored fields."""
    return hashlib.sha256(
        canonical_bytes(
            sequence=entry.sequence,
            account_id=entry.account_id,
            counter_account_id=entry.counter_account_id,
            amount_fen=entry.amount_fen,
            kind=entry.kind,
            memo=entry.memo,
            occurred_at=entry.occurred_at,
            reverses_sequence=entry.reverses_sequence,
            prev_hash=entry.prev_hash,
        )
    ).hexdigest()


def next_entry(
    prev: Entry | None,
    *,
    account_id: str,
    amount_fen: Fen,
    counter_account_id: str,
    kind: str,
    memo: str,
    occurred_at: str,
    reverses_sequence: int | None = None,
) -> Entry:
    """The entry that follows ``prev`` (None for the first entry), hashed onto the chain.

    This writes one leg; use ``post`` or ``reverse`` so that the ledger stays balanced.
    """
    account = require_text(account_id, field="account_id", rule="ledger.entry", max_length=64)
    counter = require_text(counter_account_id, field="counter_account_id", rule="ledger.entry", max_length=64)
    if account == counter:
        raise InvalidArgument(
            "an entry's account and counter-account must differ", field="counter_account_id", rule="ledger.double_entry"
        )
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen == 0:
        raise InvalidArgument(
            f"amount_fen must be a non-zero whole number of fen, got {amount_fen!r}",
            field="amount_fen",
            rule="ledger.entry",
        )
    if not isinstance(memo, str) or len(memo) > MEMO_MAX_LENGTH:
        raise InvalidArgument(
            f"memo must be text of at most {MEMO_MAX_LENGTH} characters", field="memo", rule="ledger.entry"
        )
    unhashed = Entry(
        sequence=1 if prev is None else prev.sequence + 1,
        account_id=account,
        amount_fen=amount_fen,
        counter_account_id=counter,
        kind=require_text(kind, field="kind", rule="ledger.entry", max_length=64),
        memo=memo,
        occurred_at=_require_moment(occurred_at),
        prev_hash=GENESIS_HASH if prev is None else prev.hash,
        hash="",
        reverses_sequence=reverses_sequence,
    )
    return replace(unhashed, hash=entry_hash(unhashed))


def post(
    prev: Entry | None,
    *,
    debit_account_id: str,
    credit_account_id: str,
    amount_fen: Fen,
    kind: str,
    memo: str,
    occurred_at: str,
) -> tuple[Entry, Entry]:
    """A balanced posting: the debit leg (+amount) and its mirror credit leg (−amount)."""
    _require_posting_boundary(prev)
    amount = require_fen(amount_fen, field="amount_fen", rule="ledger.double_entry")
    return _posting(prev, debit_account_id, credit_account_id, amount, kind, memo, occurred_at, None)


def reverse(chain: Sequence[Entry], sequence: int, *, occurred_at: str, memo: str = "") -> tuple[Entry, Entry]:
    """The posting that cancels the posting containing entry ``sequence``, appended after ``chain``.

    Either leg may be named. A posting can be reversed once; a reversal is itself a posting and can in
    turn be reversed to restore the original.
    """
    if not chain:
        raise NotFound("the ledger is empty; there is nothing to reverse", field="sequence", rule="ledger.reversal")
    by_sequence = {entry.sequence: entry for entry in chain}
    if sequence not in by_sequence:
        raise NotFound(f"no entry {sequence} in this ledger", field="sequence", rule="ledger.reversal")
    debit_leg = by_sequence[sequence if sequence % 2 == 1 else sequence - 1]
    if any(entry.reverses_sequence == debit_leg.sequence for entry in chain):
        raise FailedPrecondition(
            f"the posting at entry {debit_leg.sequence} has already been reversed",
            field="sequence",
            rule="ledger.reversal",
        )
    prev = chain[-1]
    _require_posting_boundary(prev)
    return _posting(
        prev,
        debit_leg.counter_account_id,
        debit_leg.account_id,
        debit_leg.amount_fen,
        REVERSAL_KIND,
        memo,
        occurred_at,
        debit_leg.sequence,
    )


def verify_chain(entries: Sequence[Entry]) -> ChainBreak | None:
    """Recompute the chain from the first entry; return the first break, or None if all is intact."""
    expected_prev = GENESIS_HASH
    for position, entry in enumerate(entries):
        reason = _entry_break(entry, position, expected_prev)
        if reason is None and entry.sequence % 2 == 0 and not _mirrors(entries[position - 1], entry):
            reason = BreakReason.UNBALANCED
        if reason is None and entry.sequence % 2 == 1 and (position == len(entries) - 1 or entry.amount_fen < 0):
            reason = BreakReason.UNBALANCED  # a posting's debit leg comes first and never alone
        if reason is not None:
            return ChainBreak(sequence=entry.sequence, position=position, reason=reason)
        expected_prev = entry.hash
    return None


def balances(entries: Iterable[Entry]) -> dict[str, Fen]:
    """Each account's balance, debits positive; over a whole ledger the balances add up to zero."""
    totals: dict[str, Fen] = {}
    for entry in entries:
        totals[entry.account_id] = totals.get(entry.account_id, 0) + entry.amount_fen
    return totals


def _entry_break(entry: Entry, position: int, expected_prev: str) -> BreakReason | None:
    if entry.sequence != position + 1:
        return BreakReason.SEQUENCE_GAP
    if entry.prev_hash != expected_prev:
        return BreakReason.PREV_HASH_MISMATCH
    if entry_hash(entry) != entry.hash:
        return BreakReason.HASH_MISMATCH
    return None


def _mirrors(debit: Entry, credit: Entry) -> bool:
    return (
        debit.amount_fen > 0
        and credit.amount_fen == -debit.amount_fen
        and credit.account_id == debit.counter_account_id
        and credit.counter_account_id == debit.account_id
        and (credit.kind, credit.memo, credit.occurred_at, credit.reverses_sequence)
        == (debit.kind, debit.memo, debit.occurred_at, debit.reverses_sequence)
    )


def _posting(
    prev: Entry | None,
    debit_account_id: str,
    credit_account_id: str,
    amount: Fen,
    kind: str,
    memo: str,
    occurred_at: str,
    reverses_sequence: int | None,
) -> tuple[Entry, Entry]:
    debit = next_entry(
        prev,
        account_id=debit_account_id,
        amount_fen=amount,
        counter_account_id=credit_account_id,
        kind=kind,
        memo=memo,
        occurred_at=occurred_at,
        reverses_sequence=reverses_sequence,
    )
    credit = next_entry(
        debit,
        account_id=credit_account_id,
        amount_fen=-amount,
        counter_account_id=debit_account_id,
        kind=kind,
        memo=memo,
        occurred_at=occurred_at,
        reverses_sequence=reverses_sequence,
    )
    return debit, credit


def _require_posting_boundary(prev: Entry | None) -> None:
    # postings occupy (odd, even) sequence pairs; appending after a lone debit leg would pair wrong legs
    if prev is not None and prev.sequence % 2 == 1:
        raise FailedPrecondition(
            f"entry {prev.sequence} is a debit leg without its credit leg; the ledger is not balanced",
            field="prev",
            rule="ledger.double_entry",
        )


def _require_moment(value: object) -> str:
    text = require_text(value, field="occurred_at", rule="ledger.entry", max_length=64)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidArgument(
            f"occurred_at must be an ISO 8601 date-time, got {text!r}", field="occurred_at", rule="ledger.entry"
        ) from None
    if moment.tzinfo is None:
        raise InvalidArgument(
            f"occurred_at must carry a UTC offset, got {text!r}", field="occurred_at", rule="ledger.entry"
        )
    return text
