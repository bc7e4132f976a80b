"""Compound settings and maintenance fund account rows ⇄ protobuf."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_funds.adapters.orm import compounds, maintenance_accounts, sub_accounts


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
    session: AsyncSession, compound_id: str, household_id: str | None = None
) -> list[sa.RowMapping]:
    query = sa.select(sub_accounts).where(sub_accounts.c.compound_id == compound_id)
    if household_id is not None:
        query = query.where(sub_accounts.c.household_id == household_id)
    return list((await session.execute(query.order_by(sub_accounts.c.household_id))).mappings().all())
