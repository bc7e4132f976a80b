"""The owners' committee account: common-parts income (P1) and committee expenses under community review
(P2, 业账社审).

The committee's money is an account in the compound's committee ledger (``domain.accounts``); income
comes from one account per source, paid expenses go to the expenses payee. The review order, the reason
on every decision and "paid only after the last approval" are ``domain.review.CommitteeExpense``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import PermissionDenied
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_text
from wuye_funds.domain import commands
from wuye_funds.domain.accounts import (
    COMMITTEE_ACCOUNT,
    EXPENSE_KIND,
    EXPENSE_PAYEE,
    INCOME_KIND,
    committee_ledger_id,
    income_account,
)
from wuye_funds.domain.events import CommitteeExpenseApproved, CommitteeExpensePaid, CommitteeExpenseRejected
from wuye_funds.domain.review import STEP_POSTS, CommitteeExpense, ExpenseRecord, ReviewState
from wuye_funds.service import ledger
from wuye_funds.service.ledger import PostedEntry
from wuye_funds.service.maintenance import MANAGERS
from wuye_funds.service.unit_of_work import FundsUnitOfWork, in_scope

#: each P2 step is decided by the holder of that step's reviewer post in the compound's community (A3)
REVIEWERS = tuple(STEP_POSTS.values())


@dataclass(frozen=True)
class IncomeRecorded:
    #: the debit leg (the committee account's side)
    entry: PostedEntry
    committee_balance_fen: Fen


@dataclass(frozen=True)
class ExpensePaid:
    expense: ExpenseRecord
    entry: PostedEntry


async def record_common_income(command: commands.RecordCommonIncome, uow: FundsUnitOfWork) -> IncomeRecorded:
    auth.require_role(MANAGERS, action="record common-parts income")
    source = require_text(command.source, field="source", rule="P1", max_length=40)
    async with uow:
        compound = await uow.compound(command.compound_id, action="record common-parts income")
        ledger_id = committee_ledger_id(compound.compound_id)
        await ledger.ensure_ledger(
            uow, ledger_id, compound_id=compound.compound_id, jurisdiction_path=compound.jurisdiction_path
        )
        await ledger.locked_ledger(uow, ledger_id, action="record common-parts income")
        debit, _ = await ledger.post(
            uow, ledger_id, debit_account_id=COMMITTEE_ACCOUNT, credit_account_id=income_account(source),
            amount_fen=command.amount_fen, kind=INCOME_KIND, memo=command.memo,
        )
        balance = (await uow.ledgers.account_balances(ledger_id, [COMMITTEE_ACCOUNT]))[COMMITTEE_ACCOUNT]
        await uow.commit()
    return IncomeRecorded(debit, balance)


async def submit_committee_expense(command: commands.SubmitCommitteeExpense, uow: FundsUnitOfWork) -> ExpenseRecord:
    """The committee spends its own money (P2): a member of the compound's committee, acting in that seat,
    submits; the community's reviewers decide (A3)."""
    caller = auth.require_role((auth.COMMITTEE_MEMBER_ROLE,), action="submit a committee expense")
    if command.compound_id.strip() not in caller.compounds:
        raise PermissionDenied(
            "only a member of this compound's committee, acting in that seat, submits its expenses",
            field="compound_id", rule="A1",
        )
    expense = CommitteeExpense.submit(new_id(), amount_fen=command.amount_fen, purpose=command.purpose,
                                      submitted_by=caller.user)
    async with uow:
        compound = await uow.compound(command.compound_id, action="submit a committee expense")
        await uow.expenses.add(
            expense, compound_id=compound.compound_id, jurisdiction_path=compound.jurisdiction_path,
            submitted_by=caller.user,
        )
        record = await _stored(uow, expense.expense_id)
        await uow.commit()
    return record


async def _in_scope(uow: FundsUnitOfWork, expense_id: str, *, action: str, for_update: bool = False) -> ExpenseRecord:
    require_text(expense_id, field="expense_id", max_length=36)
    return in_scope(
        await uow.expenses.get(expense_id, for_update=for_update),
        missing=f"committee expense {expense_id} does not exist", field="expense_id", action=action,
    )


async def _stored(uow: FundsUnitOfWork, expense_id: str) -> ExpenseRecord:
    """The expense as this transaction has written it, with the decisions' recorded times."""
    record = await uow.expenses.get(expense_id)
    assert record is not None, f"expense {expense_id} was written in this transaction"
    return record


async def review_committee_expense(command: commands.ReviewCommitteeExpense, uow: FundsUnitOfWork) -> ExpenseRecord:
    caller = auth.require_role(REVIEWERS, action="review a committee expense")
    async with uow:
        expense = (
            await _in_scope(uow, command.expense_id, action="review a committee expense", for_update=True)
        ).expense
        step = _step_of(caller, command.reviewer)
        if command.approve:
            decision = expense.approve(step, command.reason, decided_by=caller.user)
        else:
            decision = expense.reject(step, command.reason, decided_by=caller.user)
        await uow.expenses.add_decision(expense.expense_id, decision, decided_by=caller.user)
        await uow.expenses.save_state(expense)
        record = await _stored(uow, expense.expense_id)
        if expense.state is ReviewState.APPROVED:
            await uow.publish(CommitteeExpenseApproved(record))
        elif expense.state is ReviewState.REJECTED:
            await uow.publish(CommitteeExpenseRejected(record))
        await uow.commit()
    return record


def _step_of(caller: auth.AuthContext, named: str) -> str:
    """The review step the caller's post decides (A3); the system (a migration, a replay) names it."""
    if caller.has_role(auth.SYSTEM_ROLE):
        return named
    return next(step for step, post in STEP_POSTS.items() if caller.has_role(post))


async def pay_committee_expense(command: commands.PayCommitteeExpense, uow: FundsUnitOfWork) -> ExpensePaid:
    auth.require_role(MANAGERS, action="pay a committee expense")
    async with uow:
        found = await _in_scope(uow, command.expense_id, action="pay a committee expense", for_update=True)
        expense = found.expense
        amount = expense.pay()
        ledger_id = committee_ledger_id(found.compound_id)
        await ledger.ensure_ledger(uow, ledger_id, compound_id=found.compound_id, jurisdiction_path=found.jurisdiction_path)
        await ledger.locked_ledger(uow, ledger_id, action="pay a committee expense")
        debit, _ = await ledger.post(
            uow, ledger_id, debit_account_id=EXPENSE_PAYEE, credit_account_id=COMMITTEE_ACCOUNT,
            amount_fen=amount, kind=EXPENSE_KIND, memo=f"committee expense {expense.expense_id}",
        )
        await uow.expenses.save_state(expense)
        record = await _stored(uow, expense.expense_id)
        await uow.publish(CommitteeExpensePaid(record, debit.entry.sequence))
        await uow.commit()
    return ExpensePaid(record, debit)


async def get_committee_expense(query: commands.GetCommitteeExpense, uow: FundsUnitOfWork) -> ExpenseRecord:
    async with uow.reading():
        return await _in_scope(uow, query.expense_id, action="read a committee expense")


async def list_committee_expenses(query: commands.ListCommitteeExpenses, uow: FundsUnitOfWork) -> list[ExpenseRecord]:
    """Up to ``limit`` expenses at or below the jurisdiction older than ``before``, newest first."""
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    auth.require_access(path, action="list committee expenses")
    async with uow.reading():
        return await uow.expenses.under(path, before=query.before or None, limit=query.limit)
