"""Maintenance fund account rows: the account, its household sub-accounts, and their sales and demolitions
(F8). The money is in the compound's maintenance ledger, never in these rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id
from wuye_chassis.money import Fen
from wuye_funds.adapters.orm import maintenance_accounts, sub_account_changes, sub_accounts


@dataclass(frozen=True)
class MaintenanceAccount:
    compound_id: str
    ledger_id: str
    rate_fen_per_m2: int


@dataclass(frozen=True)
class SubAccountRecord:
    household_id: str
    building_id: str
    area_dm2: int
    first_deposit_fen: Fen
    #: F8: closed when the home was demolished and its balance refunded
    closed: bool


@dataclass(frozen=True)
class SubAccountChange:
    """F8: a sale or a demolition, with whom the balance passed to."""

    compound_id: str
    household_id: str
    kind: str
    owner_key: str
    reference: str
    amount_fen: Fen
    recorded_by: str


class MaintenanceAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, compound_id: str) -> MaintenanceAccount | None:
        query = sa.select(maintenance_accounts).where(maintenance_accounts.c.compound_id == compound_id)
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else MaintenanceAccount(row["compound_id"], row["ledger_id"], row["rate_fen_per_m2"])

    async def add(
        self, account: MaintenanceAccount, *, construction_cost_fen_per_m2: int, households: Sequence[SubAccountRecord]
    ) -> None:
        await self.session.execute(
            maintenance_accounts.insert().values(
                compound_id=account.compound_id,
                ledger_id=account.ledger_id,
                rate_fen_per_m2=account.rate_fen_per_m2,
                construction_cost_fen_per_m2=construction_cost_fen_per_m2,
                opened_at=utcnow(),
            )
        )
        await self.session.execute(
            sub_accounts.insert(),
            [
                {
                    "compound_id": account.compound_id,
                    "household_id": household.household_id,
                    "building_id": household.building_id,
                    "area_dm2": household.area_dm2,
                    "first_deposit_fen": household.first_deposit_fen,
                }
                for household in households
            ],
        )

    async def sub_accounts(
        self, compound_id: str, household_id: str | None = None, *, open_only: bool = False
    ) -> list[SubAccountRecord]:
        """The sub-accounts, by household id; ``open_only`` leaves out those closed on demolition (F8)."""
        query = sa.select(sub_accounts).where(sub_accounts.c.compound_id == compound_id)
        if household_id is not None:
            query = query.where(sub_accounts.c.household_id == household_id)
        if open_only:
            query = query.where(sub_accounts.c.closed_at.is_(None))
        rows = (await self.session.execute(query.order_by(sub_accounts.c.household_id))).mappings()
        return [
            SubAccountRecord(
                household_id=row["household_id"],
                building_id=row["building_id"],
                area_dm2=row["area_dm2"],
                first_deposit_fen=row["first_deposit_fen"],
                closed=row["closed_at"] is not None,
            )
            for row in rows
        ]

    async def record_change(self, change: SubAccountChange, *, closes: bool) -> None:
        """F8: keep a sale or demolition on record; a demolition also closes the sub-account."""
        now = utcnow()
        await self.session.execute(
            sub_account_changes.insert().values(
                change_id=new_id(), compound_id=change.compound_id, household_id=change.household_id,
                kind=change.kind, owner_key=change.owner_key, reference=change.reference,
                amount_fen=change.amount_fen, recorded_by=change.recorded_by, recorded_at=now,
            )
        )
        if closes:
            await self.session.execute(
                sub_accounts.update()
                .where(sub_accounts.c.compound_id == change.compound_id, sub_accounts.c.household_id == change.household_id)
                .values(closed_at=now)
            )
