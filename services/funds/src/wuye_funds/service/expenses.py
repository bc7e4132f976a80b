"""Common-parts income (P1) and owners'-committee expenses under community review (P2, 业账社审).

The committee's money is the account ``committee:account`` in the compound's committee ledger; income
comes from ``income:<source>``, paid expenses go to ``payee:expenses``. The review order, the reason
on every decision and "paid only after the last approval" are ``domain.review.CommitteeExpense``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.common.v1 import common_pb2
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis import auth
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import expenses as repository
from wuye_funds.adapters import ledger as ledger_repository
from wuye_funds.domain.review import CommitteeExpense, ReviewState
from wuye_funds.service import ledger
from wuye_funds.service.compounds import MANAGERS, compound_in_scope

#: the community side records the reviewers' decisions (party organisation, residents' committee)
REVIEWERS = ("community_worker", "street_officer")
COMMITTEE_ACCOUNT = "committee:account"
EXPENSE_PAYEE = "payee:expenses"
INCOME_KIND = "common_income"
EXPENSE_KIND = "committee_expense"


def committee_ledger_id(compound_id: str) -> str:
    return f"{compound_id}/committee"


async def record_income(
    uow: UnitOfWork, *, compound_id: str, source: str, amount_fen: int, memo: str
) -> funds_pb2.RecordCommonIncomeResponse:
    auth.require_role(MANAGERS, action="record common-parts income")
    source = require_text(source, field="source", rule="P1", max_length=40)
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="record common-parts income")
        ledger_id = committee_ledger_id(compound_id)
        await ledger.ensure_ledger(
            uow.session, ledger_id, compound_id=compound_id, jurisdiction_path=compound["jurisdiction_path"]
        )
        await ledger.locked_ledger(uow.session, ledger_id, action="record common-parts income")
        debit, _ = await ledger.post(
            uow.session, ledger_id, debit_account_id=COMMITTEE_ACCOUNT, credit_account_id=f"income:{source}",
            amount_fen=amount_fen, kind=INCOME_KIND, memo=memo,
        )
        balance = (await ledger_repository.account_balances(uow.session, ledger_id, [COMMITTEE_ACCOUNT]))[COMMITTEE_ACCOUNT]
        await uow.commit()
    return funds_pb2.RecordCommonIncomeResponse(
        entry=ledger_repository.to_message(ledger_id, debit), committee_balance_fen=balance
    )


async def submit(uow: UnitOfWork, *, compound_id: str, amount_fen: int, purpose: str) -> funds_pb2.CommitteeExpense:
    caller = auth.require_role(MANAGERS, action="submit a committee expense")
    expense = CommitteeExpense.submit(new_id(), amount_fen=amount_fen, purpose=purpose)
    async with uow:
        compound = await compound_in_scope(uow.session, compound_id, action="submit a committee expense")
        await repository.add(
            uow.session, expense, compound_id=compound_id, jurisdiction_path=compound["jurisdiction_path"],
            submitted_by=caller.user,
        )
        message = await _message(uow.session, expense.expense_id)
        await uow.commit()
    return message


async def _row_in_scope(
    session: AsyncSession, expense_id: str, *, action: str, for_update: bool = False
) -> sa.RowMapping:
    require_text(expense_id, field="expense_id", max_length=36)
    row = await repository.get_row(session, expense_id, for_update=for_update)
    if row is None:
        raise NotFound(f"committee expense {expense_id} does not exist", field="expense_id")
    auth.require_access(row["jurisdiction_path"], action=action)
    return row


async def _message(session: AsyncSession, expense_id: str) -> funds_pb2.CommitteeExpense:
    return await repository.to_message(session, await repository.get_row(session, expense_id))  # type: ignore[arg-type]


async def review(
    uow: UnitOfWork, *, expense_id: str, reviewer: str, approve: bool, reason: str
) -> funds_pb2.CommitteeExpense:
    caller = auth.require_role(REVIEWERS, action="review a committee expense")
    async with uow:
        row = await _row_in_scope(uow.session, expense_id, action="review a committee expense", for_update=True)
        expense = repository.to_domain(row, await repository.decision_rows(uow.session, expense_id))
        decision = expense.approve(reviewer, reason) if approve else expense.reject(reviewer, reason)
        await repository.add_decision(uow.session, expense_id, decision, decided_by=caller.user)
        await repository.save_state(uow.session, expense)
        message = await _message(uow.session, expense_id)
        if expense.state is ReviewState.APPROVED:
            await uow.publish(events_pb2.CommitteeExpenseApproved(expense=message), aggregate_id=expense_id)
        elif expense.state is ReviewState.REJECTED:
            await uow.publish(events_pb2.CommitteeExpenseRejected(expense=message), aggregate_id=expense_id)
        await uow.commit()
    return message


async def pay(uow: UnitOfWork, *, expense_id: str) -> funds_pb2.PayCommitteeExpenseResponse:
    auth.require_role(MANAGERS, action="pay a committee expense")
    async with uow:
        row = await _row_in_scope(uow.session, expense_id, action="pay a committee expense", for_update=True)
        expense = repository.to_domain(row, await repository.decision_rows(uow.session, expense_id))
        amount = expense.pay()
        ledger_id = committee_ledger_id(row["compound_id"])
        await ledger.ensure_ledger(
            uow.session, ledger_id, compound_id=row["compound_id"], jurisdiction_path=row["jurisdiction_path"]
        )
        await ledger.locked_ledger(uow.session, ledger_id, action="pay a committee expense")
        debit, _ = await ledger.post(
            uow.session, ledger_id, debit_account_id=EXPENSE_PAYEE, credit_account_id=COMMITTEE_ACCOUNT,
            amount_fen=amount, kind=EXPENSE_KIND, memo=f"committee expense {expense_id}",
        )
        await repository.save_state(uow.session, expense)
        message = await _message(uow.session, expense_id)
        await uow.publish(events_pb2.CommitteeExpensePaid(expense=message, sequence=debit.sequence), aggregate_id=expense_id)
        await uow.commit()
    return funds_pb2.PayCommitteeExpenseResponse(expense=message, entry=ledger_repository.to_message(ledger_id, debit))


async def get(session: AsyncSession, expense_id: str) -> funds_pb2.CommitteeExpense:
    row = await _row_in_scope(session, expense_id, action="read a committee expense")
    return await repository.to_message(session, row)


async def list_under(
    session: AsyncSession, *, jurisdiction_path: str, page: common_pb2.PageRequest
) -> funds_pb2.ListCommitteeExpensesResponse:
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action="list committee expenses")
    limit = page_size(page.page_size)
    rows = await repository.under(session, path, before=decode_cursor(page.page_token), limit=limit + 1)
    shown = rows[:limit]
    return funds_pb2.ListCommitteeExpensesResponse(
        expenses=[await repository.to_message(session, row) for row in shown],
        page=common_pb2.PageResponse(next_page_token=encode_cursor(shown[-1]["expense_id"]) if len(rows) > limit else ""),
    )
