"""Use application rows ⇄ the domain ``UseApplication`` with its place and deciding vote."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_funds.adapters.listing import newest_under
from wuye_funds.adapters.orm import use_applications
from wuye_funds.domain.maintenance_fund import (
    EmergencyCategory,
    PaymentApprover,
    PlacedApplication,
    UseApplication,
    UseState,
)


class ApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, placed: PlacedApplication) -> None:
        application = placed.application
        scope = application.building_ids
        await self.session.execute(
            use_applications.insert().values(
                application_id=application.application_id,
                compound_id=placed.compound_id,
                jurisdiction_path=placed.jurisdiction_path,
                plan=application.plan,
                budget_fen=application.budget_fen,
                building_scope=None if scope is None else json.dumps(sorted(scope)),
                emergency=None if application.emergency is None else application.emergency.value,
                state=application.state.value,
                created_at=utcnow(),
            )
        )

    async def get(self, application_id: str, *, for_update: bool = False) -> PlacedApplication | None:
        """The application, without its deciding vote's result (``UseApplication.vote_result`` is None)."""
        query = sa.select(use_applications).where(use_applications.c.application_id == application_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _placed(row)

    async def decided_by(self, vote_id: str) -> PlacedApplication | None:
        """The application a vote decides, if any; locked, since closing the vote moves it on."""
        query = sa.select(use_applications).where(use_applications.c.vote_id == vote_id).with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _placed(row)

    async def completed_in(self, compound_id: str, limit: int) -> list[UseApplication]:
        """The compound's completed uses of the fund, the latest first."""
        rows = await self.session.execute(
            sa.select(use_applications)
            .where(use_applications.c.compound_id == compound_id,
                   use_applications.c.state == UseState.COMPLETED.value)
            .order_by(use_applications.c.created_at.desc(), use_applications.c.application_id.desc())
            .limit(limit)
        )
        return [_placed(row).application for row in rows.mappings()]

    async def under(self, path: str, *, state: UseState | None, before: str | None, limit: int) -> list[PlacedApplication]:
        """Applications of every compound at or below ``path`` (in ``state`` when given), newest first."""
        query = newest_under(use_applications, use_applications.c.application_id, path,
                             state=None if state is None else state.value, before=before, limit=limit)
        return [_placed(row) for row in (await self.session.execute(query)).mappings()]

    async def save(self, placed: PlacedApplication) -> None:
        application = placed.application
        approver = application.payment_approved_by
        await self.session.execute(
            use_applications.update()
            .where(use_applications.c.application_id == application.application_id)
            .values(
                state=application.state.value,
                vote_id=placed.vote_id,
                committee_review=application.committee_review,
                street_confirmation=application.street_confirmation,
                actual_cost_fen=application.actual_cost_fen,
                settlement_audit=application.settlement_audit,
                payment_approved_by=None if approver is None else approver.value,
                disclosure=application.disclosure,
                payment_requested_by=application.payment_requested_by,
                paid_by=application.paid_by,
            )
        )


def _placed(row: sa.RowMapping) -> PlacedApplication:
    scope = row["building_scope"]
    approver = row["payment_approved_by"]
    application = UseApplication(
        application_id=row["application_id"],
        plan=row["plan"],
        budget_fen=row["budget_fen"],
        building_ids=None if scope is None else frozenset(json.loads(scope)),
        emergency=None if row["emergency"] is None else EmergencyCategory(row["emergency"]),
        state=UseState(row["state"]),
        committee_review=row["committee_review"],
        street_confirmation=row["street_confirmation"],
        actual_cost_fen=row["actual_cost_fen"],
        settlement_audit=row["settlement_audit"],
        payment_approved_by=None if approver is None else PaymentApprover(approver),
        disclosure=row["disclosure"],
        payment_requested_by=row["payment_requested_by"],
        paid_by=row["paid_by"],
    )
    return PlacedApplication(application, row["compound_id"], row["jurisdiction_path"], row["vote_id"])
