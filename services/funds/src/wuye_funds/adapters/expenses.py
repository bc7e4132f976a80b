"""Committee expense rows (with their review decisions) ⇄ the domain ``CommitteeExpense`` and its record."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.jurisdiction import scope_like_pattern
from wuye_funds.adapters.orm import committee_expenses, expense_decisions
from wuye_funds.domain.review import CommitteeExpense, ExpenseRecord, RecordedDecision, ReviewDecision, ReviewState


class ExpenseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, expense: CommitteeExpense, *, compound_id: str, jurisdiction_path: str, submitted_by: str) -> None:
        await self.session.execute(
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

    async def get(self, expense_id: str, *, for_update: bool = False) -> ExpenseRecord | None:
        query = sa.select(committee_expenses).where(committee_expenses.c.expense_id == expense_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else await self._record(row)

    async def add_decision(self, expense_id: str, decision: ReviewDecision, *, decided_by: str) -> None:
        await self.session.execute(
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

    async def save_state(self, expense: CommitteeExpense) -> None:
        await self.session.execute(
            committee_expenses.update()
            .where(committee_expenses.c.expense_id == expense.expense_id)
            .values(state=expense.state.value)
        )

    async def under(self, path: str, *, before: str | None, limit: int) -> list[ExpenseRecord]:
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
        return [await self._record(row) for row in (await self.session.execute(query)).mappings().all()]

    async def _record(self, row: sa.RowMapping) -> ExpenseRecord:
        query = sa.select(expense_decisions).where(expense_decisions.c.expense_id == row["expense_id"])
        recorded = [
            RecordedDecision(
                ReviewDecision(step=d["step"], reviewer=d["reviewer"], approved=d["approved"], reason=d["reason"],
                               decided_by=d["decided_by"]),
                decided_by=d["decided_by"],
                decided_at=d["decided_at"],
            )
            for d in (await self.session.execute(query.order_by(expense_decisions.c.step))).mappings()
        ]
        expense = CommitteeExpense(
            expense_id=row["expense_id"],
            amount_fen=row["amount_fen"],
            purpose=row["purpose"],
            chain=tuple(json.loads(row["chain"])),
            decisions=[item.decision for item in recorded],
            state=ReviewState(row["state"]),
            submitted_by=row["submitted_by"],
        )
        return ExpenseRecord(expense, row["compound_id"], row["jurisdiction_path"], row["submitted_at"], tuple(recorded))
