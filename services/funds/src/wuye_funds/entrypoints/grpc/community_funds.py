"""``CommunityFundsService`` over ``service/mini_fund.py`` and ``service/neighbour_fund.py``: a
compound's mini maintenance fund (P4) and the three-level neighbour funds (P5)."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.funds.v1 import funds_pb2 as api
from wuye.funds.v1 import funds_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, page_size
from wuye_chassis.proto_values import enum_number, enum_text
from wuye_funds.adapters.events import mini_summary_message
from wuye_funds.domain import commands
from wuye_funds.entrypoints.grpc.messages import entry_message, page
from wuye_funds.service import mini_fund, neighbour_fund
from wuye_funds.service.mini_fund import MiniFundView
from wuye_funds.service.neighbour_fund import NeighbourFundView
from wuye_funds.service.unit_of_work import FundsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["CommunityFundsService"].full_name


def mini_fund_message(view: MiniFundView) -> api.MiniFund:
    fund = view.fund
    return api.MiniFund(
        compound_id=fund.compound_id, jurisdiction_path=fund.jurisdiction_path, ledger_id=fund.ledger_id,
        rate_fen_per_m2_month=fund.rate_fen_per_m2_month, summary=mini_summary_message(view.summary),
    )


def neighbour_fund_message(view: NeighbourFundView) -> api.NeighbourFund:
    fund = view.fund
    return api.NeighbourFund(
        fund_id=fund.fund_id,
        level=enum_number(api.NeighbourFundLevel, fund.level.value),
        parent_fund_id=fund.parent_fund_id or "",
        jurisdiction_path=fund.jurisdiction_path,
        compound_id=fund.compound_id or "",
        name=fund.name,
        ledger_id=fund.ledger_id,
        balance_fen=view.balance_fen,
        donations=[
            api.DonationTotal(source=enum_number(api.DonationSource, source.value), amount_fen=amount)
            for source, amount in view.donations.items()
        ],
        granted_in_fen=view.granted_in_fen,
        granted_out_fen=view.granted_out_fen,
        spent_fen=view.spent_fen,
    )


class CommunityFundsServicer(funds_pb2_grpc.CommunityFundsServiceServicer):
    def __init__(self, unit_of_work: Callable[[], FundsUnitOfWork]) -> None:
        self.uow = unit_of_work

    # --- the mini fund -----------------------------------------------------------------------------

    async def OpenMiniFund(self, request: api.OpenMiniFundRequest, context: grpc.aio.ServicerContext) -> api.OpenMiniFundResponse:
        view = await mini_fund.open_mini_fund(
            commands.OpenMiniFund(request.compound_id, request.rate_fen_per_m2_month), self.uow()
        )
        return api.OpenMiniFundResponse(mini_fund=mini_fund_message(view))

    async def CollectMiniFundSurcharge(
        self, request: api.CollectMiniFundSurchargeRequest, context: grpc.aio.ServicerContext
    ) -> api.CollectMiniFundSurchargeResponse:
        posting = await mini_fund.collect_mini_fund_surcharge(
            commands.CollectMiniFundSurcharge(request.compound_id, request.household_id, request.area_dm2, request.months),
            self.uow(),
        )
        return api.CollectMiniFundSurchargeResponse(
            amount_fen=posting.amount_fen, entry=entry_message(posting.entry), mini_fund=mini_fund_message(posting.fund)
        )

    async def PayMiniFundRepair(
        self, request: api.PayMiniFundRepairRequest, context: grpc.aio.ServicerContext
    ) -> api.PayMiniFundRepairResponse:
        posting = await mini_fund.pay_mini_fund_repair(
            commands.PayMiniFundRepair(request.compound_id, request.amount_fen, request.purpose), self.uow()
        )
        return api.PayMiniFundRepairResponse(entry=entry_message(posting.entry), mini_fund=mini_fund_message(posting.fund))

    async def GetMiniFund(self, request: api.GetMiniFundRequest, context: grpc.aio.ServicerContext) -> api.GetMiniFundResponse:
        view = await mini_fund.get_mini_fund(commands.GetMiniFund(request.compound_id), self.uow())
        return api.GetMiniFundResponse(mini_fund=mini_fund_message(view))

    async def GetMiniFundFigures(
        self, request: api.GetMiniFundFiguresRequest, context: grpc.aio.ServicerContext
    ) -> api.GetMiniFundFiguresResponse:
        figures = await mini_fund.get_mini_fund_figures(commands.GetMiniFundFigures(request.jurisdiction_path), self.uow())
        return api.GetMiniFundFiguresResponse(
            jurisdiction_path=figures.jurisdiction_path, compounds=figures.compounds,
            summary=mini_summary_message(figures.summary),
        )

    # --- the neighbour funds -----------------------------------------------------------------------

    async def OpenNeighbourFund(
        self, request: api.OpenNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> api.OpenNeighbourFundResponse:
        view = await neighbour_fund.open_neighbour_fund(
            commands.OpenNeighbourFund(
                level=enum_text(api.NeighbourFundLevel, request.level),
                name=request.name,
                jurisdiction_path=request.jurisdiction_path,
                compound_id=request.compound_id,
                parent_fund_id=request.parent_fund_id,
            ),
            self.uow(),
        )
        return api.OpenNeighbourFundResponse(fund=neighbour_fund_message(view))

    async def DonateToNeighbourFund(
        self, request: api.DonateToNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> api.DonateToNeighbourFundResponse:
        posting = await neighbour_fund.donate_to_neighbour_fund(
            commands.DonateToNeighbourFund(
                request.fund_id, source=enum_text(api.DonationSource, request.source), amount_fen=request.amount_fen,
                memo=request.memo,
            ),
            self.uow(),
        )
        return api.DonateToNeighbourFundResponse(fund=neighbour_fund_message(posting.fund), entry=entry_message(posting.entry))

    async def GrantNeighbourFund(
        self, request: api.GrantNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> api.GrantNeighbourFundResponse:
        grant = await neighbour_fund.grant_neighbour_fund(
            commands.GrantNeighbourFund(
                request.fund_id, receiver_fund_id=request.receiver_fund_id, amount_fen=request.amount_fen,
                memo=request.memo,
            ),
            self.uow(),
        )
        return api.GrantNeighbourFundResponse(
            giver=neighbour_fund_message(grant.giver), receiver=neighbour_fund_message(grant.receiver)
        )

    async def SpendNeighbourFund(
        self, request: api.SpendNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> api.SpendNeighbourFundResponse:
        posting = await neighbour_fund.spend_neighbour_fund(
            commands.SpendNeighbourFund(request.fund_id, amount_fen=request.amount_fen, purpose=request.purpose),
            self.uow(),
        )
        return api.SpendNeighbourFundResponse(fund=neighbour_fund_message(posting.fund), entry=entry_message(posting.entry))

    async def GetNeighbourFund(
        self, request: api.GetNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> api.GetNeighbourFundResponse:
        view = await neighbour_fund.get_neighbour_fund(commands.GetNeighbourFund(request.fund_id), self.uow())
        return api.GetNeighbourFundResponse(fund=neighbour_fund_message(view))

    async def ListNeighbourFunds(
        self, request: api.ListNeighbourFundsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListNeighbourFundsResponse:
        limit = page_size(request.page.page_size)
        found = await neighbour_fund.list_neighbour_funds(
            commands.ListNeighbourFunds(
                request.jurisdiction_path, before=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda view: view.fund.fund_id)
        return api.ListNeighbourFundsResponse(funds=[neighbour_fund_message(one) for one in shown], page=next_page)


def servicer(unit_of_work: Callable[[], FundsUnitOfWork]) -> Servicer:
    return Servicer(
        CommunityFundsServicer(unit_of_work), funds_pb2_grpc.add_CommunityFundsServiceServicer_to_server, SERVICE_NAME
    )
