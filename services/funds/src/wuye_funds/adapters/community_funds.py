"""Mini fund (P4) and neighbour fund (P5) rows; their money lives in the ledgers, never in these rows."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_funds.adapters.orm import mini_funds, neighbour_funds


async def mini_fund(session: AsyncSession, compound_id: str) -> sa.RowMapping | None:
    query = sa.select(mini_funds).where(mini_funds.c.compound_id == compound_id)
    return (await session.execute(query)).mappings().first()


async def add_mini_fund(
    session: AsyncSession, *, compound_id: str, jurisdiction_path: str, ledger_id: str, rate_fen_per_m2_month: int
) -> None:
    await session.execute(
        mini_funds.insert().values(
            compound_id=compound_id, jurisdiction_path=jurisdiction_path, ledger_id=ledger_id,
            rate_fen_per_m2_month=rate_fen_per_m2_month, opened_at=utcnow(),
        )
    )


async def mini_funds_under(session: AsyncSession, jurisdiction_path: str) -> list[sa.RowMapping]:
    query = sa.select(mini_funds).where(at_or_below(mini_funds.c.jurisdiction_path, jurisdiction_path))
    return list((await session.execute(query.order_by(mini_funds.c.compound_id))).mappings().all())


async def neighbour_fund(session: AsyncSession, fund_id: str) -> sa.RowMapping | None:
    query = sa.select(neighbour_funds).where(neighbour_funds.c.fund_id == fund_id)
    return (await session.execute(query)).mappings().first()


async def add_neighbour_fund(session: AsyncSession, **values: object) -> None:
    await session.execute(neighbour_funds.insert().values(opened_at=utcnow(), **values))
