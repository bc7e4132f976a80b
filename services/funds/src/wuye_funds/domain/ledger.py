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
    fields = (
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
    )
    out = bytearray()
    for text in fields:
        data = text.encode("utf-8")
        out += f"{len(data)}:".encode("ascii") + data + b","
    return bytes(out)


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
