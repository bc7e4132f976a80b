"""``CommitteeAccountService`` over ``service/committee_account.py``: common-parts income (P1) and
committee expenses under community review (P2)."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.funds.v1 import funds_pb2 as api
from wuye.funds.v1 import funds_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, page_size
from wuye_funds.adapters.events import expense_message
from wuye_funds.domain import commands
from wuye_funds.entrypoints.grpc.messages import entry_message, page
from wuye_funds.service import committee_account
from wuye_funds.service.unit_of_work import FundsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["CommitteeAccountService"].full_name


class CommitteeAccountServicer(funds_pb2_grpc.CommitteeAccountServiceServicer):
    def __init__(self, unit_of_work: Callable[[], FundsUnitOfWork]) -> None:
        self.uow = unit_of_work

    async def RecordCommonIncome(
        self, request: api.RecordCommonIncomeRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordCommonIncomeResponse:
        income = await committee_account.record_common_income(
            commands.RecordCommonIncome(request.compound_id, request.source, request.amount_fen, memo=request.memo),
            self.uow(),
        )
        return api.RecordCommonIncomeResponse(
            entry=entry_message(income.entry), committee_balance_fen=income.committee_balance_fen
        )

    async def SubmitCommitteeExpense(
        self, request: api.SubmitCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> api.SubmitCommitteeExpenseResponse:
        expense = await committee_account.submit_committee_expense(
            commands.SubmitCommitteeExpense(request.compound_id, request.amount_fen, request.purpose), self.uow()
        )
        return api.SubmitCommitteeExpenseResponse(expense=expense_message(expense))

    async def ReviewCommitteeExpense(
        self, request: api.ReviewCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> api.ReviewCommitteeExpenseResponse:
        expense = await committee_account.review_committee_expense(
            commands.ReviewCommitteeExpense(
                request.expense_id, reviewer=request.reviewer, approve=request.approve, reason=request.reason
            ),
            self.uow(),
        )
        return api.ReviewCommitteeExpenseResponse(expense=expense_message(expense))

    async def PayCommitteeExpense(
        self, request: api.PayCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> api.PayCommitteeExpenseResponse:
        paid = await committee_account.pay_committee_expense(commands.PayCommitteeExpense(request.expense_id), self.uow())
        return api.PayCommitteeExpenseResponse(expense=expense_message(paid.expense), entry=entry_message(paid.entry))

    async def GetCommitteeExpense(
        self, request: api.GetCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> api.GetCommitteeExpenseResponse:
        expense = await committee_account.get_committee_expense(commands.GetCommitteeExpense(request.expense_id), self.uow())
        return api.GetCommitteeExpenseResponse(expense=expense_message(expense))

    async def ListCommitteeExpenses(
        self, request: api.ListCommitteeExpensesRequest, context: grpc.aio.ServicerContext
    ) -> api.ListCommitteeExpensesResponse:
        limit = page_size(request.page.page_size)
        found = await committee_account.list_committee_expenses(
            commands.ListCommitteeExpenses(
                request.jurisdiction_path, before=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda record: record.expense.expense_id)
        return api.ListCommitteeExpensesResponse(expenses=[expense_message(record) for record in shown], page=next_page)


def servicer(unit_of_work: Callable[[], FundsUnitOfWork]) -> Servicer:
    return Servicer(
        CommitteeAccountServicer(unit_of_work), funds_pb2_grpc.add_CommitteeAccountServiceServicer_to_server,
        SERVICE_NAME,
    )
