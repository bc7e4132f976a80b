"""Committee expense rows (with their review decisions) ⇄ the domain ``CommitteeExpense`` and protobuf."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.jurisdiction import scope_like_pattern
from wuye_funds.adapters.orm import committee_expenses, expense_decisions
from wuye_funds.domain.review import CommitteeExpense, ReviewDecision, ReviewState

_STATES = {state: funds_pb2.ExpenseState.Value(f"EXPENSE_STATE_{state.name}") for state in ReviewState}


async def add(
    session: AsyncSession, expense: CommitteeExpense, *, compound_id: str, jurisdiction_path: str, submitted_by: str
) -> None:
    await session.execute(
        committee_expenses.insert().values(
            expense_id=expense.expense_id,
            compound_id=compound_id,
            jurisdiction_path=jurisdiction_path,
            amount_fen=expense.amount_fen,
            purpose=expense.purpose,
            chain=json.dumps(list(expense.chain)),
            state=expense.state.value,
            submitted_by=submitted_by,
            submitted_at=utcnow(),
        )
    )


async def get_row(session: AsyncSession, expense_id: str, *, for_update: bool = False) -> sa.RowMapping | None:
    query = sa.select(committee_expenses).where(committee_expenses.c.expense_id == expense_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).mappings().first()


async def decision_rows(session: AsyncSession, expense_id: str) -> list[sa.RowMapping]:
    query = sa.select(expense_decisions).where(expense_decisions.c.expense_id == expense_id)
    return list((await session.execute(query.order_by(expense_decisions.c.step))).mappings().all())


def to_domain(row: sa.RowMapping, decisions: list[sa.RowMapping]) -> CommitteeExpense:
    return CommitteeExpense(
        expense_id=row["expense_id"],
        amount_fen=row["amount_fen"],
        purpose=row["purpose"],
        chain=tuple(json.loads(row["chain"])),
        decisions=[
            ReviewDecision(step=d["step"], reviewer=d["reviewer"], approved=d["approved"], reason=d["reason"])
            for d in decisions
        ],
        state=ReviewState(row["state"]),
    )


async def add_decision(session: AsyncSession, expense_id: str, decision: ReviewDecision, *, decided_by: str) -> None:
    await session.execute(
        expense_decisions.insert().values(
            expense_id=expense_id,
            step=decision.step,
            reviewer=decision.reviewer,
            approved=decision.approved,
            reason=decision.reason,
            decided_by=decided_by,
            decided_at=utcnow(),
        )
    )


async def save_state(session: AsyncSession, expense: CommitteeExpense) -> None:
    await session.execute(
        committee_expenses.update()
        .where(committee_expenses.c.expense_id == expense.expense_id)
        .values(state=expense.state.value)
    )


async def under(session: AsyncSession, path: str, *, before: str | None, limit: int) -> list[sa.RowMapping]:
    """Expenses of every compound at or below ``path``, newest first."""
    query = (
        sa.select(committee_expenses)
        .where(
            sa.or_(
                committee_expenses.c.jurisdiction_path == path,
                committee_expenses.c.jurisdiction_path.like(scope_like_pattern(path)),
            )
        )
        .order_by(committee_expenses.c.expense_id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(committee_expenses.c.expense_id < before)
    return list((await session.execute(query)).mappings().all())


async def to_message(session: AsyncSession, row: sa.RowMapping) -> funds_pb2.CommitteeExpense:
    decisions = await decision_rows(session, row["expense_id"])
    expense = to_domain(row, decisions)
    message = funds_pb2.CommitteeExpense(
        expense_id=row["expense_id"],
        compound_id=row["compound_id"],
        jurisdiction_path=row["jurisdiction_path"],
        amount_fen=row["amount_fen"],
        purpose=row["purpose"],
        chain=expense.chain,
        state=_STATES[expense.state],
        expected_reviewer=expense.expected_reviewer or "",
    )
    message.submitted_at.FromDatetime(row["submitted_at"])
    for decision in decisions:
        recorded = message.decisions.add(
            step=decision["step"],
            reviewer=decision["reviewer"],
            approved=decision["approved"],
            reason=decision["reason"],
            decided_by=decision["decided_by"],
        )
        recorded.decided_at.FromDatetime(decision["decided_at"])
    return message
