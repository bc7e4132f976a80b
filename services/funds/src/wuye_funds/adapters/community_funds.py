"""Mini fund (P4) and neighbour fund (P5) rows; their money lives in the ledgers, never in these rows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_funds.adapters.listing import newest_under
from wuye_funds.adapters.orm import mini_funds, neighbour_funds
from wuye_funds.domain.neighbour_fund import FundLevel


@dataclass(frozen=True)
class MiniFund:
    compound_id: str
    jurisdiction_path: str
    ledger_id: str
    #: surcharge per m² of exclusive area per month
    rate_fen_per_m2_month: int


@dataclass(frozen=True)
class NeighbourFundRecord:
    fund_id: str
    level: FundLevel
    #: None for a county fund
    parent_fund_id: str | None
    jurisdiction_path: str
    #: set for a compound fund only
    compound_id: str | None
    name: str
    ledger_id: str


class MiniFundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, compound_id: str) -> MiniFund | None:
        query = sa.select(mini_funds).where(mini_funds.c.compound_id == compound_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _mini_fund(row)

    async def add(self, fund: MiniFund) -> None:
        await self.session.execute(
            mini_funds.insert().values(
                compound_id=fund.compound_id, jurisdiction_path=fund.jurisdiction_path, ledger_id=fund.ledger_id,
                rate_fen_per_m2_month=fund.rate_fen_per_m2_month, opened_at=utcnow(),
            )
        )

    async def under(self, jurisdiction_path: str) -> list[MiniFund]:
        query = sa.select(mini_funds).where(at_or_below(mini_funds.c.jurisdiction_path, jurisdiction_path))
        return [_mini_fund(row) for row in (await self.session.execute(query.order_by(mini_funds.c.compound_id))).mappings()]


class NeighbourFundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, fund_id: str) -> NeighbourFundRecord | None:
        query = sa.select(neighbour_funds).where(neighbour_funds.c.fund_id == fund_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _neighbour_fund(row)

    async def under(self, path: str, *, before: str | None, limit: int) -> list[NeighbourFundRecord]:
        """The funds at or below ``path``, newest first."""
        query = newest_under(neighbour_funds, neighbour_funds.c.fund_id, path, state=None, before=before, limit=limit)
        return [_neighbour_fund(row) for row in (await self.session.execute(query)).mappings()]

    async def add(self, fund: NeighbourFundRecord) -> None:
        await self.session.execute(
            neighbour_funds.insert().values(
                fund_id=fund.fund_id, level=fund.level.value, parent_fund_id=fund.parent_fund_id,
                jurisdiction_path=fund.jurisdiction_path, compound_id=fund.compound_id, name=fund.name,
                ledger_id=fund.ledger_id, opened_at=utcnow(),
            )
        )


def _mini_fund(row: sa.RowMapping) -> MiniFund:
    return MiniFund(row["compound_id"], row["jurisdiction_path"], row["ledger_id"], row["rate_fen_per_m2_month"])


def _neighbour_fund(row: sa.RowMapping) -> NeighbourFundRecord:
    return NeighbourFundRecord(
        fund_id=row["fund_id"], level=FundLevel(row["level"]), parent_fund_id=row["parent_fund_id"],
        jurisdiction_path=row["jurisdiction_path"], compound_id=row["compound_id"], name=row["name"],
        ledger_id=row["ledger_id"],
    )
