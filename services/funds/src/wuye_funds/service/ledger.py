"""Use cases on the hash-chained ledgers: posting (for the other use cases), reversal, reading, verifying.

The chain rules (hashing, pairing of legs, what a reversal is, how anchors are compared) live in
``domain.ledger``; here entries are appended in the caller's transaction, after locking the ledger's row
so that concurrent postings take consecutive sequences instead of racing for the same one. Every posting
goes on from the head recorded on the ledger, advances it and signs it (a checkpoint).
"""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_text
from wuye_funds.adapters.ledger import Ledger
from wuye_funds.domain import commands, ledger
from wuye_funds.domain.events import LedgerPostingReversed
from wuye_funds.service.unit_of_work import FundsUnitOfWork, in_scope

#: roles that may cancel a posting with a reversing posting
CORRECTORS = ("county_officer", "city_admin")


@dataclass(frozen=True)
class PostedEntry:
    """One leg of a posting, with the ledger it is in."""

    ledger_id: str
    entry: ledger.Entry


@dataclass(frozen=True)
class Verification:
    ledger_id: str
    #: the entries found intact, from the first
    entries_checked: int
    #: the chain's last entry (the values to publish or compare), 0 and "" for an empty ledger
    head: ledger.Anchor
    #: the first broken entry, None when the whole chain is intact
    broken: ledger.ChainBreak | None
    #: where the chain disagrees with the recorded head, the signed checkpoints, the latest disclosure and
    #: the anchor the caller brought
    discrepancies: list[ledger.Discrepancy]
    #: the latest signed checkpoint, with the id of the key that signed it (None before the first)
    checkpoint: ledger.Anchor | None
    checkpoint_key_id: str

    @property
    def intact(self) -> bool:
        return self.broken is None and not self.discrepancies


@dataclass(frozen=True)
class SigningKey:
    """The public half of the key that signs the ledgers' heads, for anyone to check a checkpoint."""

    key_id: str
    public_key_base64: str


def now_text() -> str:
    """The moment of a posting as the ISO 8601 text that is hashed and stored."""
    return utcnow().isoformat(timespec="microseconds")


async def post(
    uow: FundsUnitOfWork,
    ledger_id: str,
    *,
    debit_account_id: str,
    credit_account_id: str,
    amount_fen: Fen,
    kind: str,
    memo: str,
) -> tuple[PostedEntry, PostedEntry]:
    """Append one balanced posting; the caller holds the ledger's lock (``locked_ledger``). Returns its
    debit and credit legs."""
    debit, credit = ledger.post(
        await _last_at_head(uow, ledger_id),
        debit_account_id=debit_account_id,
        credit_account_id=credit_account_id,
        amount_fen=amount_fen,
        kind=kind,
        memo=memo,
        occurred_at=now_text(),
    )
    await _append(uow, ledger_id, debit, credit)
    return PostedEntry(ledger_id, debit), PostedEntry(ledger_id, credit)


async def _last_at_head(uow: FundsUnitOfWork, ledger_id: str) -> ledger.Entry | None:
    """The ledger's last entry, once it is the head the last posting recorded (``ledger.head``)."""
    found = await uow.ledgers.get(ledger_id)
    last = await uow.ledgers.last_entry(ledger_id)
    ledger.require_extends_head(last, ledger.EMPTY_HEAD if found is None else found.head)
    return last


async def _append(uow: FundsUnitOfWork, ledger_id: str, debit: ledger.Entry, credit: ledger.Entry) -> None:
    await uow.ledgers.append(ledger_id, (debit, credit))
    head = ledger.head_of((credit,))
    await uow.ledgers.advance_head(ledger_id, head, uow.signer.sign(ledger_id, head))


async def ensure_ledger(uow: FundsUnitOfWork, ledger_id: str, *, compound_id: str, jurisdiction_path: str) -> None:
    """Create the ledger on its first use."""
    if await uow.ledgers.get(ledger_id) is None:
        await uow.ledgers.create(Ledger(ledger_id, compound_id, jurisdiction_path))


def _in_scope(found: Ledger | None, ledger_id: str, *, action: str) -> Ledger:
    return in_scope(found, missing=f"ledger {ledger_id} does not exist", field="ledger_id", action=action)


async def locked_ledger(uow: FundsUnitOfWork, ledger_id: str, *, action: str) -> str:
    """Lock the ledger for appending after checking the caller's scope; returns its jurisdiction path."""
    return _in_scope(await uow.ledgers.get(ledger_id, for_update=True), ledger_id, action=action).jurisdiction_path


async def checked_reversal(uow: FundsUnitOfWork, ledger_id: str, sequence: int, memo: str) -> Ledger:
    """A reversal of the posting at ``sequence``, checked in the caller's transaction without appending it
    (the ledger is in scope, the posting exists and was not reversed already); the ledger."""
    require_text(ledger_id, field="ledger_id", max_length=100)
    found = _in_scope(await uow.ledgers.get(ledger_id, for_update=True), ledger_id, action="reverse a ledger posting")
    ledger.reverse(await uow.ledgers.entries(ledger_id), sequence, occurred_at=now_text(), memo=memo)
    return found


async def append_reversal(uow: FundsUnitOfWork, ledger_id: str, sequence: int, memo: str) -> list[PostedEntry]:
    """The reversing posting, once approved (A3), in the caller's transaction."""
    path = await locked_ledger(uow, ledger_id, action="reverse a ledger posting")
    await _last_at_head(uow, ledger_id)
    debit, credit = ledger.reverse(await uow.ledgers.entries(ledger_id), sequence, occurred_at=now_text(), memo=memo)
    await _append(uow, ledger_id, debit, credit)
    await uow.publish(
        LedgerPostingReversed(
            ledger_id=ledger_id,
            jurisdiction_path=path,
            reversed_sequence=debit.reverses_sequence or 0,
            reversal_sequence=debit.sequence,
        )
    )
    return [PostedEntry(ledger_id, debit), PostedEntry(ledger_id, credit)]


async def _require_readable(uow: FundsUnitOfWork, ledger_id: str, *, action: str) -> Ledger:
    require_text(ledger_id, field="ledger_id")
    return _in_scope(await uow.ledgers.get(ledger_id), ledger_id, action=action)


async def list_ledger_entries(query: commands.ListLedgerEntries, uow: FundsUnitOfWork) -> list[PostedEntry]:
    """Up to ``limit`` entries after the sequence ``after``, in sequence order."""
    if query.after and not query.after.isdigit():
        raise InvalidArgument("page_token is not a token this service issued", field="page.page_token")
    async with uow.reading():
        await _require_readable(uow, query.ledger_id, action="read a ledger")
        found = await uow.ledgers.entries(query.ledger_id, after=int(query.after or 0), limit=query.limit)
    return [PostedEntry(query.ledger_id, entry) for entry in found]


async def verify_ledger(query: commands.VerifyLedger, uow: FundsUnitOfWork) -> Verification:
    """Recompute the whole chain from the stored rows and compare it with every record of its head (anyone
    who may read the ledger may verify it)."""
    given = query.expected
    if given is not None and (given.sequence < 1 or not given.hash):
        field = "expected_head_sequence" if given.sequence < 1 else "expected_head_hash"
        raise InvalidArgument(
            "an expected head needs both its sequence (1 or more) and its hash", field=field, rule="ledger.head"
        )
    async with uow.reading():
        found = await _require_readable(uow, query.ledger_id, action="verify a ledger")
        chain = await uow.ledgers.entries(query.ledger_id)
        stored = await uow.ledgers.checkpoints(query.ledger_id)
        published = await _published_anchor(uow, found)
    broken = ledger.verify_chain(chain)
    checkpoints = [
        ledger.Checkpoint(item.anchor, uow.signer.verifies(query.ledger_id, item.anchor, item.signature))
        for item in stored
    ]
    anchors = [*([] if published is None else [(ledger.AnchorSource.DISCLOSURE, published)]),
               *([] if given is None else [(ledger.AnchorSource.GIVEN, given)])]
    return Verification(
        ledger_id=query.ledger_id,
        entries_checked=len(chain) if broken is None else broken.position,
        head=ledger.head_of(chain),
        broken=broken,
        discrepancies=ledger.anchor_discrepancies(
            chain, recorded_head=found.head, checkpoints=checkpoints, published=anchors
        ),
        checkpoint=stored[-1].anchor if stored else None,
        checkpoint_key_id=stored[-1].signature.key_id if stored else "",
    )


async def _published_anchor(uow: FundsUnitOfWork, found: Ledger) -> ledger.Anchor | None:
    """The head of this ledger that its compound's latest disclosure published, if it published one."""
    if found.compound_id is None:
        return None
    latest = await uow.disclosures.latest(found.compound_id)
    return None if latest is None else latest.anchor_of(found.ledger_id)


def signing_key(uow: FundsUnitOfWork) -> SigningKey:
    return SigningKey(uow.signer.key_id, uow.signer.public_key_base64)


@dataclass(frozen=True)
class HeadSigning:
    """What ``sign_unsigned_heads`` did: the ledgers whose head it signed, and those it would not sign."""

    signed: list[str]
    #: (ledger id, why): a chain that does not verify, or that does not end at its recorded head
    refused: list[tuple[str, str]]


async def sign_unsigned_heads(uow: FundsUnitOfWork) -> HeadSigning:
    """Once, after upgrading to checkpoints (migration 0010): sign the head of every ledger that has none,
    but only where the chain verifies and ends at the recorded head — a broken ledger is not blessed."""
    signed: list[str] = []
    refused: list[tuple[str, str]] = []
    async with uow:
        for found in await uow.ledgers.unsigned_heads():
            await uow.ledgers.get(found.ledger_id, for_update=True)
            chain = await uow.ledgers.entries(found.ledger_id)
            broken = ledger.verify_chain(chain)
            if broken is not None:
                refused.append((found.ledger_id, f"entry {broken.sequence}: {broken.reason.value}"))
                continue
            if ledger.head_of(chain) != found.head:
                refused.append((found.ledger_id, f"the chain ends at entry {ledger.head_of(chain).sequence}, "
                                                 f"its recorded head is entry {found.head.sequence}"))
                continue
            await uow.ledgers.add_checkpoint(found.ledger_id, found.head, uow.signer.sign(found.ledger_id, found.head))
            signed.append(found.ledger_id)
        await uow.commit()
    return HeadSigning(signed, refused)
