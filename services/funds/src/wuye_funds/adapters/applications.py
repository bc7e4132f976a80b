"""Use application rows ⇄ the domain ``UseApplication`` and protobuf."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_funds.adapters.orm import use_applications
from wuye_funds.domain.maintenance_fund import EmergencyCategory, PaymentApprover, UseApplication, UseState
from wuye_funds.domain.voting import VoteResult

EMERGENCIES = {category: funds_pb2.EmergencyCategory.Value(f"EMERGENCY_CATEGORY_{category.name}") for category in EmergencyCategory}
APPROVERS = {approver: funds_pb2.PaymentApprover.Value(f"PAYMENT_APPROVER_{approver.name}") for approver in PaymentApprover}
_STATES = {state: funds_pb2.UseState.Value(f"USE_STATE_{state.name}") for state in UseState}


async def add(session: AsyncSession, application: UseApplication, *, compound_id: str, jurisdiction_path: str) -> None:
    scope = application.building_ids
    await session.execute(
        use_applications.insert().values(
            application_id=application.application_id,
            compound_id=compound_id,
            jurisdiction_path=jurisdiction_path,
            plan=application.plan,
            budget_fen=application.budget_fen,
            building_scope=None if scope is None else json.dumps(sorted(scope)),
            emergency=None if application.emergency is None else application.emergency.value,
            state=application.state.value,
            created_at=utcnow(),
        )
    )


async def get_row(session: AsyncSession, application_id: str, *, for_update: bool = False) -> sa.RowMapping | None:
    query = sa.select(use_applications).where(use_applications.c.application_id == application_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).mappings().first()


async def row_for_vote(session: AsyncSession, vote_id: str) -> sa.RowMapping | None:
    """The application a vote decides, if any; locked, since closing the vote moves it on."""
    query = sa.select(use_applications).where(use_applications.c.vote_id == vote_id).with_for_update()
    return (await session.execute(query)).mappings().first()


def to_domain(row: sa.RowMapping, vote_result: VoteResult | None) -> UseApplication:
    scope = row["building_scope"]
    return UseApplication(
        application_id=row["application_id"],
        plan=row["plan"],
        budget_fen=row["budget_fen"],
        building_ids=None if scope is None else frozenset(json.loads(scope)),
        emergency=None if row["emergency"] is None else EmergencyCategory(row["emergency"]),
        state=UseState(row["state"]),
        vote_result=vote_result,
        committee_review=row["committee_review"],
        street_confirmation=row["street_confirmation"],
        actual_cost_fen=row["actual_cost_fen"],
        settlement_audit=row["settlement_audit"],
        payment_approved_by=None if row["payment_approved_by"] is None else PaymentApprover(row["payment_approved_by"]),
        disclosure=row["disclosure"],
    )


async def save(session: AsyncSession, application: UseApplication, *, vote_id: str | None = None) -> None:
    values: dict[str, object] = {
        "state": application.state.value,
        "committee_review": application.committee_review,
        "street_confirmation": application.street_confirmation,
        "actual_cost_fen": application.actual_cost_fen,
        "settlement_audit": application.settlement_audit,
        "payment_approved_by": None if application.payment_approved_by is None else application.payment_approved_by.value,
        "disclosure": application.disclosure,
    }
    if vote_id is not None:
        values["vote_id"] = vote_id
    await session.execute(
        use_applications.update().where(use_applications.c.application_id == application.application_id).values(**values)
    )


def to_message(row: sa.RowMapping) -> funds_pb2.UseApplication:
    return funds_pb2.UseApplication(
        application_id=row["application_id"],
        compound_id=row["compound_id"],
        jurisdiction_path=row["jurisdiction_path"],
        plan=row["plan"],
        budget_fen=row["budget_fen"],
        building_ids=json.loads(row["building_scope"]) if row["building_scope"] else [],
        emergency=EMERGENCIES[EmergencyCategory(row["emergency"])] if row["emergency"] else 0,
        state=_STATES[UseState(row["state"])],
        vote_id=row["vote_id"] or "",
        committee_review=row["committee_review"] or "",
        street_confirmation=row["street_confirmation"] or "",
        actual_cost_fen=row["actual_cost_fen"] or 0,
        settlement_audit=row["settlement_audit"] or "",
        payment_approved_by=APPROVERS[PaymentApprover(row["payment_approved_by"])] if row["payment_approved_by"] else 0,
        disclosure=row["disclosure"] or "",
    )
