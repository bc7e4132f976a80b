"""Use cases on the hash-chained ledgers: posting (for the other use cases), reversal, reading, verifying.

The chain rules (hashing, pairing of legs, what a reversal is) live in ``domain.ledger``; here entries
are appended in the caller's transaction, after locking the ledger's row so that concurrent postings
take consecutive sequences instead of racing for the same one.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from wuye.common.v1 import common_pb2
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.db import utcnow
from wuye_chassis.errors import InvalidArgument, NotFound
from wuye_chassis.money import Fen
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import ledger as repository
from wuye_funds.domain import ledger

#: roles that may cancel a posting with a reversing posting
CORRECTORS = ("county_officer", "city_admin")

_BREAK_REASONS = {
    ledger.BreakReason.SEQUENCE_GAP: funds_pb2.CHAIN_BREAK_REASON_SEQUENCE_GAP,
    ledger.BreakReason.PREV_HASH_MISMATCH: funds_pb2.CHAIN_BREAK_REASON_PREV_HASH_MISMATCH,
    ledger.BreakReason.HASH_MISMATCH: funds_pb2.CHAIN_BREAK_REASON_HASH_MISMATCH,
    ledger.BreakReason.UNBALANCED: funds_pb2.CHAIN_BREAK_REASON_UNBALANCED,
}


def now_text() -> str:
    """The moment of a posting as the ISO 8601 text that is hashed and stored."""
    return utcnow().isoformat(timespec="microseconds")


async def post(
    session: AsyncSession,
    ledger_id: str,
    *,
    debit_account_id: str,
    credit_account_id: str,
    amount_fen: Fen,
    kind: str,
    memo: str,
) -> tuple[ledger.Entry, ledger.Entry]:
    """Append one balanced posting; the caller holds the ledger's lock (``locked_ledger``)."""
    debit, credit = ledger.post(
        await repository.last_entry(session, ledger_id),
        debit_account_id=debit_account_id,
        credit_account_id=credit_account_id,
        amount_fen=amount_fen,
        kind=kind,
        memo=memo,
        occurred_at=now_text(),
    )
    await repository.append(session, ledger_id, (debit, credit))
    return debit, credit


async def ensure_ledger(session: AsyncSession, ledger_id: str, *, compound_id: str, jurisdiction_path: str) -> None:
    """Create the ledger on its first use."""
    if await repository.get(session, ledger_id) is None:
        await repository.create(
            session, ledger_id=ledger_id, compound_id=compound_id, jurisdiction_path=jurisdiction_path
        )


async def locked_ledger(session: AsyncSession, ledger_id: str, *, action: str) -> str:
    """Lock the ledger for appending after checking the caller's scope; returns its jurisdiction path."""
    row = await repository.get(session, ledger_id, for_update=True)
    if row is None:
        raise NotFound(f"ledger {ledger_id} does not exist", field="ledger_id")
    auth.require_access(row["jurisdiction_path"], action=action)
    return row["jurisdiction_path"]


async def reverse_posting(uow: UnitOfWork, *, ledger_id: str, sequence: int, memo: str) -> list[funds_pb2.LedgerEntry]:
    auth.require_role(CORRECTORS, action="reverse a ledger posting")
    require_text(ledger_id, field="ledger_id")
    async with uow:
        path = await locked_ledger(uow.session, ledger_id, action="reverse a ledger posting")
        chain = await repository.entries(uow.session, ledger_id)
        debit, credit = ledger.reverse(chain, sequence, occurred_at=now_text(), memo=memo)
        await repository.append(uow.session, ledger_id, (debit, credit))
        await uow.publish(
            events_pb2.LedgerPostingReversed(
                ledger_id=ledger_id,
                jurisdiction_path=path,
                reversed_sequence=debit.reverses_sequence or 0,
                reversal_sequence=debit.sequence,
            ),
            aggregate_id=ledger_id,
        )
        await uow.commit()
    return [repository.to_message(ledger_id, debit), repository.to_message(ledger_id, credit)]


async def _readable_ledger(session: AsyncSession, ledger_id: str, *, action: str) -> None:
    require_text(ledger_id, field="ledger_id")
    row = await repository.get(session, ledger_id)
    if row is None:
        raise NotFound(f"ledger {ledger_id} does not exist", field="ledger_id")
    auth.require_access(row["jurisdiction_path"], action=action)


async def list_entries(
    session: AsyncSession, *, ledger_id: str, page: common_pb2.PageRequest
) -> funds_pb2.ListLedgerEntriesResponse:
    limit = page_size(page.page_size)
    cursor = decode_cursor(page.page_token)
    if cursor is not None and not cursor.isdigit():
        raise InvalidArgument("page_token is not a token this service issued", field="page.page_token")
    after = int(cursor) if cursor else 0
    await _readable_ledger(session, ledger_id, action="read a ledger")
    found = await repository.entries(session, ledger_id, after=after, limit=limit + 1)
    shown = found[:limit]
    more = len(found) > limit
    return funds_pb2.ListLedgerEntriesResponse(
        entries=[repository.to_message(ledger_id, entry) for entry in shown],
        page=common_pb2.PageResponse(next_page_token=encode_cursor(str(shown[-1].sequence)) if more else ""),
    )


async def verify(session: AsyncSession, *, ledger_id: str) -> funds_pb2.VerifyLedgerResponse:
    """Recompute the whole chain from the stored rows (anyone who may read the ledger may verify it)."""
    await _readable_ledger(session, ledger_id, action="verify a ledger")
    chain = await repository.entries(session, ledger_id)
    found = ledger.verify_chain(chain)
    answer = funds_pb2.VerifyLedgerResponse(
        ledger_id=ledger_id,
        intact=found is None,
        entries_checked=len(chain) if found is None else found.position,
        head_hash=chain[-1].hash if chain else "",
    )
    if found is not None:
        answer.broken_sequence = found.sequence
        answer.broken_reason = _BREAK_REASONS[found.reason]
    return answer
