"""``MaintenanceFundService`` over ``service/maintenance.py`` and ``service/applications.py``: a
compound's funds settings, its maintenance fund account (F1–F3, F8) and the uses of the fund (F4–F7)."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.funds.v1 import funds_pb2 as api
from wuye.funds.v1 import funds_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, page_size
from wuye_chassis.proto_values import enum_choice, enum_text
from wuye_funds.adapters.compounds import FundsCompound
from wuye_funds.adapters.events import application_message, charge_messages, vote_message
from wuye_funds.domain import commands
from wuye_funds.entrypoints.grpc.messages import (
    entry_message,
    movement_message,
    page,
    sub_account_message,
)
from wuye_funds.service import applications, maintenance, money_movements
from wuye_funds.service.maintenance import MaintenanceAccountView
from wuye_funds.service.unit_of_work import FundsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["MaintenanceFundService"].full_name


def compound_message(compound: FundsCompound) -> api.Compound:
    return api.Compound(
        compound_id=compound.compound_id, jurisdiction_path=compound.jurisdiction_path,
        follow_majority=compound.follow_majority,
    )


def account_message(account: MaintenanceAccountView) -> api.MaintenanceAccount:
    return api.MaintenanceAccount(
        compound_id=account.compound_id, jurisdiction_path=account.jurisdiction_path, ledger_id=account.ledger_id,
        rate_fen_per_m2=account.rate_fen_per_m2, balance_fen=account.balance_fen,
        sub_accounts=[sub_account_message(sub) for sub in account.sub_accounts],
    )


def emergency_text(number: int) -> str:
    """The F6 category's text; an unknown number stays visible, so the handler refuses it rather than
    taking it for a normal use."""
    return enum_choice(api.EmergencyCategory, number)


class MaintenanceFundServicer(funds_pb2_grpc.MaintenanceFundServiceServicer):
    def __init__(self, unit_of_work: Callable[[], FundsUnitOfWork]) -> None:
        self.uow = unit_of_work

    # --- settings and the account ------------------------------------------------------------------

    async def ConfigureCompound(
        self, request: api.ConfigureCompoundRequest, context: grpc.aio.ServicerContext
    ) -> api.ConfigureCompoundResponse:
        sent = request.compound
        compound = await maintenance.configure_compound(
            commands.ConfigureCompound(sent.compound_id, sent.jurisdiction_path, follow_majority=sent.follow_majority),
            self.uow(),
        )
        return api.ConfigureCompoundResponse(compound=compound_message(compound))

    async def GetCompound(self, request: api.GetCompoundRequest, context: grpc.aio.ServicerContext) -> api.GetCompoundResponse:
        compound = await maintenance.get_compound(commands.GetCompound(request.compound_id), self.uow())
        return api.GetCompoundResponse(compound=compound_message(compound))

    async def OpenMaintenanceAccount(
        self, request: api.OpenMaintenanceAccountRequest, context: grpc.aio.ServicerContext
    ) -> api.OpenMaintenanceAccountResponse:
        account = await maintenance.open_maintenance_account(
            commands.OpenMaintenanceAccount(
                compound_id=request.compound_id,
                rate_fen_per_m2=request.rate_fen_per_m2,
                construction_cost_fen_per_m2=request.construction_cost_fen_per_m2,
                households_sent=len(request.households),
            ),
            self.uow(),
        )
        return api.OpenMaintenanceAccountResponse(account=account_message(account))

    async def GetMaintenanceAccount(
        self, request: api.GetMaintenanceAccountRequest, context: grpc.aio.ServicerContext
    ) -> api.GetMaintenanceAccountResponse:
        account = await maintenance.get_maintenance_account(commands.GetMaintenanceAccount(request.compound_id), self.uow())
        return api.GetMaintenanceAccountResponse(account=account_message(account))

    async def RecordFirstDeposit(
        self, request: api.RecordFirstDepositRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordFirstDepositResponse:
        deposit = await maintenance.record_first_deposit(
            commands.RecordFirstDeposit(request.compound_id, request.household_id, memo=request.memo), self.uow()
        )
        return api.RecordFirstDepositResponse(
            sub_account=sub_account_message(deposit.sub_account), entry=entry_message(deposit.entry)
        )

    async def RecordDeposit(
        self, request: api.RecordDepositRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordDepositResponse:
        deposit = await maintenance.record_deposit(
            commands.RecordDeposit(request.compound_id, request.household_id, request.amount_fen, memo=request.memo),
            self.uow(),
        )
        return api.RecordDepositResponse(sub_account=sub_account_message(deposit.sub_account), entry=entry_message(deposit.entry))

    async def AllocateInterest(
        self, request: api.AllocateInterestRequest, context: grpc.aio.ServicerContext
    ) -> api.AllocateInterestResponse:
        account = await maintenance.allocate_interest(
            commands.AllocateInterest(request.compound_id, request.interest_fen, memo=request.memo), self.uow()
        )
        return api.AllocateInterestResponse(account=account_message(account))

    async def TransferSubAccountOnSale(
        self, request: api.TransferSubAccountOnSaleRequest, context: grpc.aio.ServicerContext
    ) -> api.TransferSubAccountOnSaleResponse:
        requested = await money_movements.request_sale_transfer(
            commands.TransferSubAccountOnSale(
                request.compound_id, request.household_id, buyer_owner_key=request.buyer_owner_key,
                reference=request.reference,
            ),
            self.uow(),
        )
        return api.TransferSubAccountOnSaleResponse(
            sub_account=sub_account_message(requested.sub_account), movement=movement_message(requested.movement)
        )

    async def RefundSubAccountOnDemolition(
        self, request: api.RefundSubAccountOnDemolitionRequest, context: grpc.aio.ServicerContext
    ) -> api.RefundSubAccountOnDemolitionResponse:
        requested = await money_movements.request_demolition_refund(
            commands.RefundSubAccountOnDemolition(
                request.compound_id, request.household_id, owner_key=request.owner_key, reference=request.reference
            ),
            self.uow(),
        )
        return api.RefundSubAccountOnDemolitionResponse(
            sub_account=sub_account_message(requested.sub_account), movement=movement_message(requested.movement)
        )

    # --- uses of the fund --------------------------------------------------------------------------

    async def SubmitUseApplication(
        self, request: api.SubmitUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> api.SubmitUseApplicationResponse:
        placed = await applications.submit_use_application(
            commands.SubmitUseApplication(
                compound_id=request.compound_id,
                plan=request.plan,
                budget_fen=request.budget_fen,
                building_ids=tuple(request.building_ids),
                emergency=emergency_text(request.emergency),
            ),
            self.uow(),
        )
        return api.SubmitUseApplicationResponse(application=application_message(placed))

    async def OpenUseVote(self, request: api.OpenUseVoteRequest, context: grpc.aio.ServicerContext) -> api.OpenUseVoteResponse:
        opening = await applications.open_use_vote(
            commands.OpenUseVote(request.application_id, roster_sent=len(request.roster)), self.uow()
        )
        return api.OpenUseVoteResponse(
            application=application_message(opening.application), vote=vote_message(opening.vote)
        )

    async def RecordCommitteeReview(
        self, request: api.RecordCommitteeReviewRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordCommitteeReviewResponse:
        placed = await applications.record_committee_review(
            commands.RecordCommitteeReview(request.application_id, request.reference), self.uow()
        )
        return api.RecordCommitteeReviewResponse(application=application_message(placed))

    async def RecordStreetConfirmation(
        self, request: api.RecordStreetConfirmationRequest, context: grpc.aio.ServicerContext
    ) -> api.RecordStreetConfirmationResponse:
        placed = await applications.record_street_confirmation(
            commands.RecordStreetConfirmation(request.application_id, request.reference), self.uow()
        )
        return api.RecordStreetConfirmationResponse(application=application_message(placed))

    async def StartWorks(self, request: api.StartWorksRequest, context: grpc.aio.ServicerContext) -> api.StartWorksResponse:
        placed = await applications.start_works(commands.StartWorks(request.application_id), self.uow())
        return api.StartWorksResponse(application=application_message(placed))

    async def RequestPayment(
        self, request: api.RequestPaymentRequest, context: grpc.aio.ServicerContext
    ) -> api.RequestPaymentResponse:
        placed = await applications.request_payment(
            commands.RequestPayment(
                request.application_id, request.actual_cost_fen, settlement_audit=request.settlement_audit
            ),
            self.uow(),
        )
        return api.RequestPaymentResponse(application=application_message(placed))

    async def PayUseApplication(
        self, request: api.PayUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> api.PayUseApplicationResponse:
        payment = await applications.pay_use_application(
            commands.PayUseApplication(
                request.application_id, approved_by=enum_text(api.PaymentApprover, request.approved_by)
            ),
            self.uow(),
        )
        return api.PayUseApplicationResponse(
            application=application_message(payment.application), charges=charge_messages(payment.charges)
        )

    async def CompleteUseApplication(
        self, request: api.CompleteUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> api.CompleteUseApplicationResponse:
        placed = await applications.complete_use_application(
            commands.CompleteUseApplication(request.application_id, disclosure=request.disclosure), self.uow()
        )
        return api.CompleteUseApplicationResponse(application=application_message(placed))

    async def GetUseApplication(
        self, request: api.GetUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> api.GetUseApplicationResponse:
        placed = await applications.get_use_application(commands.GetUseApplication(request.application_id), self.uow())
        return api.GetUseApplicationResponse(application=application_message(placed))

    async def ListUseApplications(
        self, request: api.ListUseApplicationsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListUseApplicationsResponse:
        limit = page_size(request.page.page_size)
        found = await applications.list_use_applications(
            commands.ListUseApplications(
                request.jurisdiction_path, state=enum_choice(api.UseState, request.state),
                before=decode_cursor(request.page.page_token) or "", limit=limit + 1,
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda placed: placed.application.application_id)
        return api.ListUseApplicationsResponse(applications=[application_message(one) for one in shown], page=next_page)


def servicer(unit_of_work: Callable[[], FundsUnitOfWork]) -> Servicer:
    return Servicer(
        MaintenanceFundServicer(unit_of_work), funds_pb2_grpc.add_MaintenanceFundServiceServicer_to_server, SERVICE_NAME
    )
