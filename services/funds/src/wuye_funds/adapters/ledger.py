"""Ledger rows ⇄ domain entries, the ledgers' recorded heads and their signed checkpoints.

Inserts only: there is no update or delete of an entry or a checkpoint; a ledger's head only moves on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.money import Fen
from wuye_funds.adapters.ledger_signing import Signature
from wuye_funds.adapters.orm import ledger_checkpoints, ledger_entries, ledgers
from wuye_funds.domain.ledger import EMPTY_HEAD, Anchor, Entry


@dataclass(frozen=True)
class Ledger:
    ledger_id: str
    #: None for a county or community neighbour fund's ledger (P5), which belongs to no compound
    compound_id: str | None
    jurisdiction_path: str
    #: the head the last posting left, as recorded on the ledger itself
    head: Anchor = EMPTY_HEAD


@dataclass(frozen=True)
class StoredCheckpoint:
    anchor: Anchor
    signature: Signature


def _to_entry(row: sa.RowMapping) -> Entry:
    return Entry(
        sequence=row["sequence"],
        account_id=row["account_id"],
        amount_fen=row["amount_fen"],
        counter_account_id=row["counter_account_id"],
        kind=row["kind"],
        memo=row["memo"],
        occurred_at=row["occurred_at"],
        prev_hash=row["prev_hash"],
        hash=row["hash"],
        reverses_sequence=row["reverses_sequence"],
    )


class LedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, ledger: Ledger) -> None:
        await self.session.execute(
            ledgers.insert().values(
                ledger_id=ledger.ledger_id, compound_id=ledger.compound_id,
                jurisdiction_path=ledger.jurisdiction_path, created_at=utcnow(),
            )
        )

    async def get(self, ledger_id: str, *, for_update: bool = False) -> Ledger | None:
        """The ledger; ``for_update`` locks its row so that concurrent postings append one after another."""
        query = sa.select(ledgers).where(ledgers.c.ledger_id == ledger_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        return Ledger(row["ledger_id"], row["compound_id"], row["jurisdiction_path"],
                      Anchor(row["head_sequence"], row["head_hash"]))

    async def advance_head(self, ledger_id: str, head: Anchor, signature: Signature) -> None:
        """Record the head a posting left, with its signed checkpoint (the caller holds the ledger's lock)."""
        await self.session.execute(
            ledgers.update().where(ledgers.c.ledger_id == ledger_id)
            .values(head_sequence=head.sequence, head_hash=head.hash)
        )
        await self.add_checkpoint(ledger_id, head, signature)

    async def add_checkpoint(self, ledger_id: str, head: Anchor, signature: Signature) -> None:
        await self.session.execute(
            ledger_checkpoints.insert().values(
                ledger_id=ledger_id, sequence=head.sequence, hash=head.hash, key_id=signature.key_id,
                signature=signature.signature, signed_at=utcnow(),
            )
        )

    async def unsigned_heads(self) -> list[Ledger]:
        """The ledgers with entries whose recorded head has no checkpoint (ledgers from before checkpoints)."""
        signed = sa.exists().where(
            ledger_checkpoints.c.ledger_id == ledgers.c.ledger_id,
            ledger_checkpoints.c.sequence == ledgers.c.head_sequence,
        )
        rows = await self.session.execute(
            sa.select(ledgers).where(ledgers.c.head_sequence > 0, ~signed).order_by(ledgers.c.ledger_id)
        )
        return [Ledger(row["ledger_id"], row["compound_id"], row["jurisdiction_path"],
                       Anchor(row["head_sequence"], row["head_hash"])) for row in rows.mappings()]

    async def checkpoints(self, ledger_id: str) -> list[StoredCheckpoint]:
        """The ledger's signed heads in sequence order."""
        rows = await self.session.execute(
            sa.select(ledger_checkpoints)
            .where(ledger_checkpoints.c.ledger_id == ledger_id)
            .order_by(ledger_checkpoints.c.sequence)
        )
        return [
            StoredCheckpoint(Anchor(row["sequence"], row["hash"]), Signature(row["key_id"], bytes(row["signature"])))
            for row in rows.mappings()
        ]

    async def last_entry(self, ledger_id: str) -> Entry | None:
        row = (
            await self.session.execute(
                sa.select(ledger_entries)
                .where(ledger_entries.c.ledger_id == ledger_id)
                .order_by(ledger_entries.c.sequence.desc())
                .limit(1)
            )
        ).mappings().first()
        return None if row is None else _to_entry(row)

    async def entries(self, ledger_id: str, *, after: int = 0, limit: int | None = None) -> list[Entry]:
        """Stored entries in sequence order, exactly as they are in the table."""
        query = (
            sa.select(ledger_entries)
            .where(ledger_entries.c.ledger_id == ledger_id, ledger_entries.c.sequence > after)
            .order_by(ledger_entries.c.sequence)
        )
        if limit is not None:
            query = query.limit(limit)
        return [_to_entry(row) for row in (await self.session.execute(query)).mappings()]

    async def append(self, ledger_id: str, new_entries: Iterable[Entry]) -> None:
        await self.session.execute(
            ledger_entries.insert(),
            [
                {
                    "ledger_id": ledger_id,
                    "sequence": entry.sequence,
                    "account_id": entry.account_id,
                    "counter_account_id": entry.counter_account_id,
                    "amount_fen": entry.amount_fen,
                    "kind": entry.kind,
                    "memo": entry.memo,
                    "occurred_at": entry.occurred_at,
                    "reverses_sequence": entry.reverses_sequence,
                    "prev_hash": entry.prev_hash,
                    "hash": entry.hash,
                }
                for entry in new_entries
            ],
        )

    async def account_balances(self, ledger_id: str, account_ids: Iterable[str]) -> dict[str, Fen]:
        """Balances (debits positive) of the given accounts, 0 for an account without entries."""
        wanted = list(account_ids)
        rows = await self.session.execute(
            sa.select(ledger_entries.c.account_id, sa.func.sum(ledger_entries.c.amount_fen))
            .where(ledger_entries.c.ledger_id == ledger_id, ledger_entries.c.account_id.in_(wanted))
            .group_by(ledger_entries.c.account_id)
        )
        found = {account: int(total) for account, total in rows.all()}
        return {account: found.get(account, 0) for account in wanted}

    async def unreversed_amounts(self, ledger_id: str, *, account_id: str, kind: str) -> list[Fen]:
        """The debit legs of ``kind`` on ``account_id`` that no reversal has cancelled, in sequence order."""
        reversed_sequences = (
            sa.select(ledger_entries.c.reverses_sequence)
            .where(ledger_entries.c.ledger_id == ledger_id, ledger_entries.c.reverses_sequence.is_not(None))
            .scalar_subquery()
        )
        rows = await self.session.execute(
            sa.select(ledger_entries.c.amount_fen)
            .where(
                ledger_entries.c.ledger_id == ledger_id,
                ledger_entries.c.account_id == account_id,
                ledger_entries.c.kind == kind,
                ledger_entries.c.amount_fen > 0,
                ledger_entries.c.sequence.not_in(reversed_sequences),
            )
            .order_by(ledger_entries.c.sequence)
        )
        return [int(amount) for (amount,) in rows.all()]

    async def movements(self, ledger_id: str) -> dict[tuple[str, str], Fen]:
        """Net amount per (account, counter-account) pair over the whole ledger, reversals included."""
        return (await self.movements_of([ledger_id]))[ledger_id]

    async def movements_of(self, ledger_ids: Sequence[str]) -> dict[str, dict[tuple[str, str], Fen]]:
        """``movements`` of each ledger, in one grouped query (a ledger without entries has none)."""
        found: dict[str, dict[tuple[str, str], Fen]] = {ledger_id: {} for ledger_id in ledger_ids}
        if not ledger_ids:
            return found
        rows = await self.session.execute(
            sa.select(
                ledger_entries.c.ledger_id, ledger_entries.c.account_id, ledger_entries.c.counter_account_id,
                sa.func.sum(ledger_entries.c.amount_fen),
            )
            .where(ledger_entries.c.ledger_id.in_(list(ledger_ids)))
            .group_by(ledger_entries.c.ledger_id, ledger_entries.c.account_id, ledger_entries.c.counter_account_id)
        )
        for ledger_id, account, counter, total in rows.all():
            found[ledger_id][(account, counter)] = int(total)
        return found

    async def recent(self, ledger_id: str, limit: int) -> list[Entry]:
        """The latest ``limit`` entries, newest first."""
        query = (
            sa.select(ledger_entries)
            .where(ledger_entries.c.ledger_id == ledger_id)
            .order_by(ledger_entries.c.sequence.desc())
            .limit(limit)
        )
        return [_to_entry(row) for row in (await self.session.execute(query)).mappings()]
