"""Money movement rows ⇄ the domain ``MoneyMovement`` (A3)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_funds.adapters.listing import newest_under
from wuye_funds.adapters.orm import money_movements
from wuye_funds.domain.money_movements import MoneyMovement, MovementKind, MovementState


class MoneyMovementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, movement: MoneyMovement) -> None:
        await self.session.execute(money_movements.insert().values(target=movement.target, **_columns(movement)))

    async def get(self, movement_id: str, *, for_update: bool = False) -> MoneyMovement | None:
        query = sa.select(money_movements).where(money_movements.c.movement_id == movement_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _movement(row)

    async def under(self, path: str, *, state: MovementState | None, before: str | None, limit: int
                    ) -> list[MoneyMovement]:
        """Movements of every compound at or below ``path`` (in ``state`` when given), newest first."""
        query = newest_under(money_movements, money_movements.c.movement_id, path,
                             state=None if state is None else state.value, before=before, limit=limit)
        return [_movement(row) for row in (await self.session.execute(query)).mappings()]

    async def open_for(self, target: str) -> int:
        """How many requests for this household or ledger entry await their decision."""
        return int(await self.session.scalar(sa.select(sa.func.count()).select_from(money_movements).where(
            money_movements.c.target == target, money_movements.c.state == MovementState.REQUESTED.value)) or 0)

    async def save(self, movement: MoneyMovement) -> None:
        await self.session.execute(
            money_movements.update().where(money_movements.c.movement_id == movement.movement_id)
            .values(**_columns(movement))
        )


def _columns(movement: MoneyMovement) -> dict[str, object]:
    return {
        "movement_id": movement.movement_id, "kind": movement.kind.value, "compound_id": movement.compound_id,
        "jurisdiction_path": movement.jurisdiction_path, "ledger_id": movement.ledger_id,
        "household_id": movement.household_id or None, "owner_key": movement.owner_key or None,
        "reference": movement.reference or None, "sequence": movement.sequence or None, "memo": movement.memo or None,
        "state": movement.state.value, "requested_by": movement.requested_by, "requested_at": movement.requested_at,
        "decided_by": movement.decided_by or None, "decided_at": movement.decided_at, "reason": movement.reason or None,
        "amount_fen": movement.amount_fen or None,
    }


def _movement(row: sa.RowMapping) -> MoneyMovement:
    return MoneyMovement(
        movement_id=row["movement_id"], kind=MovementKind(row["kind"]), compound_id=row["compound_id"],
        jurisdiction_path=row["jurisdiction_path"], ledger_id=row["ledger_id"], requested_by=row["requested_by"],
        requested_at=row["requested_at"], household_id=row["household_id"] or "", owner_key=row["owner_key"] or "",
        reference=row["reference"] or "", sequence=row["sequence"] or 0, memo=row["memo"] or "",
        state=MovementState(row["state"]), decided_by=row["decided_by"] or "", decided_at=row["decided_at"],
        reason=row["reason"] or "", amount_fen=row["amount_fen"] or 0,
    )
