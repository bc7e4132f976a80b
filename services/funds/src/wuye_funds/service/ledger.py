"""Use cases on the hash-chained ledgers: posting (for the other use cases), reversal, reading, verifying.

The chain rules (hashing, pairing of legs, what a reversal is) live in ``domain.ledger``; here entries
are appended in the caller's transaction, after locking the ledger's row so that concurrent postings
take consecutive sequences instead of racing for the same one.
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
    #: the last entry's hash (the value to publish or compare), "" for an empty ledger
    head_hash: str
    #: the first broken entry, None when the whole chain is intact
    broken: ledger.ChainBreak | None


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
        await uow.ledgers.last_entry(ledger_id),
        debit_account_id=debit_account_id,
        credit_account_id=credit_account_id,
        amount_fen=amount_fen,
        kind=kind,
        memo=memo,
        occurred_at=now_text(),
    )
    await uow.ledgers.append(ledger_id, (debit, credit))
    return PostedEntry(ledger_id, debit), PostedEntry(ledger_id, credit)


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
    debit, credit = ledger.reverse(await uow.ledgers.entries(ledger_id), sequence, occurred_at=now_text(), memo=memo)
    await uow.ledgers.append(ledger_id, (debit, credit))
    await uow.publish(
        LedgerPostingReversed(
            ledger_id=ledger_id,
            jurisdiction_path=path,
            reversed_sequence=debit.reverses_sequence or 0,
            reversal_sequence=debit.sequence,
        )
    )
    return [PostedEntry(ledger_id, debit), PostedEntry(ledger_id, credit)]


async def _require_readable(uow: FundsUnitOfWork, ledger_id: str, *, action: str) -> None:
    require_text(ledger_id, field="ledger_id")
    _in_scope(await uow.ledgers.get(ledger_id), ledger_id, action=action)


async def list_ledger_entries(query: commands.ListLedgerEntries, uow: FundsUnitOfWork) -> list[PostedEntry]:
    """Up to ``limit`` entries after the sequence ``after``, in sequence order."""
    if query.after and not query.after.isdigit():
        raise InvalidArgument("page_token is not a token this service issued", field="page.page_token")
    async with uow.reading():
        await _require_readable(uow, query.ledger_id, action="read a ledger")
        found = await uow.ledgers.entries(query.ledger_id, after=int(query.after or 0), limit=query.limit)
    return [PostedEntry(query.ledger_id, entry) for entry in found]


async def verify_ledger(query: commands.VerifyLedger, uow: FundsUnitOfWork) -> Verification:
    """Recompute the whole chain from the stored rows (anyone who may read the ledger may verify it)."""
    async with uow.reading():
        await _require_readable(uow, query.ledger_id, action="verify a ledger")
        chain = await uow.ledgers.entries(query.ledger_id)
    broken = ledger.verify_chain(chain)
    return Verification(
        ledger_id=query.ledger_id,
        entries_checked=len(chain) if broken is None else broken.position,
        head_hash=chain[-1].hash if chain else "",
        broken=broken,
    )
