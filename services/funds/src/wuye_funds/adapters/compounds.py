"""Compound settings and maintenance fund account rows ⇄ protobuf."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_funds.adapters.orm import compounds, maintenance_accounts, sub_account_changes, sub_accounts


async def get(session: AsyncSession, compound_id: str) -> sa.RowMapping | None:
    query = sa.select(compounds).where(compounds.c.compound_id == compound_id)
    return (await session.execute(query)).mappings().first()


async def save(session: AsyncSession, compound: funds_pb2.Compound) -> None:
    values = {
        "jurisdiction_path": compound.jurisdiction_path,
        "follow_majority": compound.follow_majority,
        "updated_at": utcnow(),
    }
    updated = await session.execute(
        compounds.update().where(compounds.c.compound_id == compound.compound_id).values(**values)
    )
    if updated.rowcount == 0:
        await session.execute(compounds.insert().values(compound_id=compound.compound_id, **values))


def to_message(row: sa.RowMapping) -> funds_pb2.Compound:
    return funds_pb2.Compound(
        compound_id=row["compound_id"],
        jurisdiction_path=row["jurisdiction_path"],
        follow_majority=row["follow_majority"],
    )


async def get_account(session: AsyncSession, compound_id: str) -> sa.RowMapping | None:
    query = sa.select(maintenance_accounts).where(maintenance_accounts.c.compound_id == compound_id)
    return (await session.execute(query)).mappings().first()


async def add_account(
    session: AsyncSession,
    *,
    compound_id: str,
    ledger_id: str,
    rate_fen_per_m2: int,
    construction_cost_fen_per_m2: int,
    households: list[dict[str, object]],
) -> None:
    await session.execute(
        maintenance_accounts.insert().values(
            compound_id=compound_id,
            ledger_id=ledger_id,
            rate_fen_per_m2=rate_fen_per_m2,
            construction_cost_fen_per_m2=construction_cost_fen_per_m2,
            opened_at=utcnow(),
        )
    )
    await session.execute(sub_accounts.insert(), [{"compound_id": compound_id, **row} for row in households])


async def sub_account_rows(
    session: AsyncSession, compound_id: str, household_id: str | None = None, *, open_only: bool = False
) -> list[sa.RowMapping]:
    """The sub-accounts, by household id; ``open_only`` leaves out those closed on demolition (F8)."""
    query = sa.select(sub_accounts).where(sub_accounts.c.compound_id == compound_id)
    if household_id is not None:
        query = query.where(sub_accounts.c.household_id == household_id)
    if open_only:
        query = query.where(sub_accounts.c.closed_at.is_(None))
    return list((await session.execute(query.order_by(sub_accounts.c.household_id))).mappings().all())


async def record_change(
    session: AsyncSession,
    *,
    compound_id: str,
    household_id: str,
    kind: str,
    owner_key: str,
    reference: str,
    amount_fen: int,
    recorded_by: str,
    closes: bool,
) -> None:
    """F8: keep a sale or demolition on record; a demolition also closes the sub-account."""
    now = utcnow()
    await session.execute(
        sub_account_changes.insert().values(
            change_id=new_id(), compound_id=compound_id, household_id=household_id, kind=kind, owner_key=owner_key,
            reference=reference, amount_fen=amount_fen, recorded_by=recorded_by, recorded_at=now,
        )
    )
    if closes:
        await session.execute(
            sub_accounts.update()
            .where(sub_accounts.c.compound_id == compound_id, sub_accounts.c.household_id == household_id)
            .values(closed_at=now)
        )
