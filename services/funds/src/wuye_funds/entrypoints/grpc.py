"""gRPC servicer: protobuf in, use case, protobuf out. No rules here."""

from __future__ import annotations

import grpc

from wuye.funds.v1 import funds_pb2, funds_pb2_grpc
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.grpc_server import Servicer
from wuye_funds.service import (
    applications,
    compounds,
    disclosure_schedule,
    disclosures,
    expenses,
    ledger,
    maintenance,
    mini_fund,
    neighbour_fund,
    vote_proposals,
    votes,
)
from wuye_funds.service.roster import OwnerRosterSource

SERVICE_NAME = funds_pb2.DESCRIPTOR.services_by_name["FundsService"].full_name


class FundsServicer(funds_pb2_grpc.FundsServiceServicer):
    def __init__(self, runtime: ServiceRuntime, roster_source: OwnerRosterSource) -> None:
        self.runtime = runtime
        self.roster_source = roster_source

    async def ConfigureCompound(
        self, request: funds_pb2.ConfigureCompoundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ConfigureCompoundResponse:
        compound = await compounds.configure(self.runtime.unit_of_work(), request.compound)
        return funds_pb2.ConfigureCompoundResponse(compound=compound)

    async def GetCompound(
        self, request: funds_pb2.GetCompoundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetCompoundResponse:
        async with self.runtime.db.sessions() as session:
            return funds_pb2.GetCompoundResponse(compound=await compounds.get(session, request.compound_id))

    async def OpenMaintenanceAccount(
        self, request: funds_pb2.OpenMaintenanceAccountRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.OpenMaintenanceAccountResponse:
        account = await maintenance.open_account(
            self.runtime.unit_of_work(),
            compound_id=request.compound_id,
            rate_fen_per_m2=request.rate_fen_per_m2,
            construction_cost_fen_per_m2=request.construction_cost_fen_per_m2,
            households=request.households,
        )
        return funds_pb2.OpenMaintenanceAccountResponse(account=account)

    async def GetMaintenanceAccount(
        self, request: funds_pb2.GetMaintenanceAccountRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetMaintenanceAccountResponse:
        async with self.runtime.db.sessions() as session:
            account = await maintenance.get_account(session, request.compound_id)
        return funds_pb2.GetMaintenanceAccountResponse(account=account)

    async def RecordFirstDeposit(
        self, request: funds_pb2.RecordFirstDepositRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RecordFirstDepositResponse:
        sub, entry = await maintenance.record_first_deposit(
            self.runtime.unit_of_work(), compound_id=request.compound_id, household_id=request.household_id,
            memo=request.memo,
        )
        return funds_pb2.RecordFirstDepositResponse(sub_account=sub, entry=entry)

    async def RecordDeposit(
        self, request: funds_pb2.RecordDepositRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RecordDepositResponse:
        sub, entry = await maintenance.record_deposit(
            self.runtime.unit_of_work(), compound_id=request.compound_id, household_id=request.household_id,
            amount_fen=request.amount_fen, memo=request.memo,
        )
        return funds_pb2.RecordDepositResponse(sub_account=sub, entry=entry)

    async def AllocateInterest(
        self, request: funds_pb2.AllocateInterestRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.AllocateInterestResponse:
        account = await maintenance.allocate_interest(
            self.runtime.unit_of_work(), compound_id=request.compound_id, interest_fen=request.interest_fen,
            memo=request.memo,
        )
        return funds_pb2.AllocateInterestResponse(account=account)

    async def TransferSubAccountOnSale(
        self, request: funds_pb2.TransferSubAccountOnSaleRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.TransferSubAccountOnSaleResponse:
        sub, entries = await maintenance.transfer_on_sale(
            self.runtime.unit_of_work(), compound_id=request.compound_id, household_id=request.household_id,
            buyer_owner_key=request.buyer_owner_key, reference=request.reference,
        )
        return funds_pb2.TransferSubAccountOnSaleResponse(sub_account=sub, entries=entries)

    async def RefundSubAccountOnDemolition(
        self, request: funds_pb2.RefundSubAccountOnDemolitionRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RefundSubAccountOnDemolitionResponse:
        sub, refund, entries = await maintenance.refund_on_demolition(
            self.runtime.unit_of_work(), compound_id=request.compound_id, household_id=request.household_id,
            owner_key=request.owner_key, reference=request.reference,
        )
        return funds_pb2.RefundSubAccountOnDemolitionResponse(sub_account=sub, refund_fen=refund, entries=entries)

    async def SubmitUseApplication(
        self, request: funds_pb2.SubmitUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.SubmitUseApplicationResponse:
        application = await applications.submit(
            self.runtime.unit_of_work(), compound_id=request.compound_id, plan=request.plan,
            budget_fen=request.budget_fen, building_ids=request.building_ids, emergency=request.emergency,
        )
        return funds_pb2.SubmitUseApplicationResponse(application=application)

    async def OpenUseVote(
        self, request: funds_pb2.OpenUseVoteRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.OpenUseVoteResponse:
        application, vote = await applications.open_use_vote(
            self.runtime.unit_of_work(), self.roster_source, application_id=request.application_id,
            roster=request.roster,
        )
        return funds_pb2.OpenUseVoteResponse(application=application, vote=vote)

    async def RecordCommitteeReview(
        self, request: funds_pb2.RecordCommitteeReviewRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RecordCommitteeReviewResponse:
        application = await applications.record_committee_review(
            self.runtime.unit_of_work(), application_id=request.application_id, reference=request.reference
        )
        return funds_pb2.RecordCommitteeReviewResponse(application=application)

    async def RecordStreetConfirmation(
        self, request: funds_pb2.RecordStreetConfirmationRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RecordStreetConfirmationResponse:
        application = await applications.record_street_confirmation(
            self.runtime.unit_of_work(), application_id=request.application_id, reference=request.reference
        )
        return funds_pb2.RecordStreetConfirmationResponse(application=application)

    async def StartWorks(
        self, request: funds_pb2.StartWorksRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.StartWorksResponse:
        application = await applications.start_works(self.runtime.unit_of_work(), application_id=request.application_id)
        return funds_pb2.StartWorksResponse(application=application)

    async def RequestPayment(
        self, request: funds_pb2.RequestPaymentRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RequestPaymentResponse:
        application = await applications.request_payment(
            self.runtime.unit_of_work(), application_id=request.application_id,
            actual_cost_fen=request.actual_cost_fen, settlement_audit=request.settlement_audit,
        )
        return funds_pb2.RequestPaymentResponse(application=application)

    async def PayUseApplication(
        self, request: funds_pb2.PayUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.PayUseApplicationResponse:
        application, charges = await applications.pay(
            self.runtime.unit_of_work(), application_id=request.application_id, approved_by=request.approved_by
        )
        return funds_pb2.PayUseApplicationResponse(application=application, charges=charges)

    async def CompleteUseApplication(
        self, request: funds_pb2.CompleteUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.CompleteUseApplicationResponse:
        application = await applications.complete(
            self.runtime.unit_of_work(), application_id=request.application_id, disclosure=request.disclosure
        )
        return funds_pb2.CompleteUseApplicationResponse(application=application)

    async def GetUseApplication(
        self, request: funds_pb2.GetUseApplicationRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetUseApplicationResponse:
        async with self.runtime.db.sessions() as session:
            return funds_pb2.GetUseApplicationResponse(application=await applications.get(session, request.application_id))

    async def RecordCommonIncome(
        self, request: funds_pb2.RecordCommonIncomeRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RecordCommonIncomeResponse:
        return await expenses.record_income(
            self.runtime.unit_of_work(), compound_id=request.compound_id, source=request.source,
            amount_fen=request.amount_fen, memo=request.memo,
        )

    async def SubmitCommitteeExpense(
        self, request: funds_pb2.SubmitCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.SubmitCommitteeExpenseResponse:
        expense = await expenses.submit(
            self.runtime.unit_of_work(), compound_id=request.compound_id, amount_fen=request.amount_fen,
            purpose=request.purpose,
        )
        return funds_pb2.SubmitCommitteeExpenseResponse(expense=expense)

    async def ReviewCommitteeExpense(
        self, request: funds_pb2.ReviewCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ReviewCommitteeExpenseResponse:
        expense = await expenses.review(
            self.runtime.unit_of_work(), expense_id=request.expense_id, reviewer=request.reviewer,
            approve=request.approve, reason=request.reason,
        )
        return funds_pb2.ReviewCommitteeExpenseResponse(expense=expense)

    async def PayCommitteeExpense(
        self, request: funds_pb2.PayCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.PayCommitteeExpenseResponse:
        return await expenses.pay(self.runtime.unit_of_work(), expense_id=request.expense_id)

    async def GetCommitteeExpense(
        self, request: funds_pb2.GetCommitteeExpenseRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetCommitteeExpenseResponse:
        async with self.runtime.db.sessions() as session:
            return funds_pb2.GetCommitteeExpenseResponse(expense=await expenses.get(session, request.expense_id))

    async def ListCommitteeExpenses(
        self, request: funds_pb2.ListCommitteeExpensesRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ListCommitteeExpensesResponse:
        async with self.runtime.db.sessions() as session:
            return await expenses.list_under(session, jurisdiction_path=request.jurisdiction_path, page=request.page)

    async def PublishDisclosure(
        self, request: funds_pb2.PublishDisclosureRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.PublishDisclosureResponse:
        disclosure = await disclosures.publish(
            self.runtime.unit_of_work(), compound_id=request.compound_id, period=request.period,
            posting_days=request.posting_days,
        )
        return funds_pb2.PublishDisclosureResponse(disclosure=disclosure)

    async def ListOverdueDisclosures(
        self, request: funds_pb2.ListOverdueDisclosuresRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ListOverdueDisclosuresResponse:
        async with self.runtime.db.sessions() as session:
            return await disclosure_schedule.list_overdue(
                session, self.runtime.settings, jurisdiction_path=request.jurisdiction_path,  # type: ignore[arg-type]
                as_of=request.as_of if request.HasField("as_of") else None,
            )

    async def RecordAudit(
        self, request: funds_pb2.RecordAuditRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.RecordAuditResponse:
        audit = await disclosure_schedule.record_audit(
            self.runtime.unit_of_work(), compound_id=request.compound_id, period=request.period,
            auditor=request.auditor, findings=request.findings,
        )
        return funds_pb2.RecordAuditResponse(audit=audit)

    async def GetAuditCoverage(
        self, request: funds_pb2.GetAuditCoverageRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetAuditCoverageResponse:
        async with self.runtime.db.sessions() as session:
            return await disclosure_schedule.coverage(
                session, jurisdiction_path=request.jurisdiction_path, period=request.period
            )

    async def GetCompoundTransparency(
        self, request: funds_pb2.GetCompoundTransparencyRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetCompoundTransparencyResponse:
        async with self.runtime.db.sessions() as session:
            return await disclosures.transparency(
                session, compound_id=request.compound_id, recent_entries=request.recent_entries
            )

    async def OpenMiniFund(
        self, request: funds_pb2.OpenMiniFundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.OpenMiniFundResponse:
        fund = await mini_fund.open_fund(
            self.runtime.unit_of_work(), compound_id=request.compound_id,
            rate_fen_per_m2_month=request.rate_fen_per_m2_month,
        )
        return funds_pb2.OpenMiniFundResponse(mini_fund=fund)

    async def CollectMiniFundSurcharge(
        self, request: funds_pb2.CollectMiniFundSurchargeRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.CollectMiniFundSurchargeResponse:
        return await mini_fund.collect(
            self.runtime.unit_of_work(), compound_id=request.compound_id, household_id=request.household_id,
            area_dm2=request.area_dm2, months=request.months,
        )

    async def PayMiniFundRepair(
        self, request: funds_pb2.PayMiniFundRepairRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.PayMiniFundRepairResponse:
        return await mini_fund.pay_repair(
            self.runtime.unit_of_work(), compound_id=request.compound_id, amount_fen=request.amount_fen,
            purpose=request.purpose,
        )

    async def GetMiniFund(
        self, request: funds_pb2.GetMiniFundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetMiniFundResponse:
        async with self.runtime.db.sessions() as session:
            return funds_pb2.GetMiniFundResponse(mini_fund=await mini_fund.get(session, request.compound_id))

    async def GetMiniFundFigures(
        self, request: funds_pb2.GetMiniFundFiguresRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetMiniFundFiguresResponse:
        async with self.runtime.db.sessions() as session:
            return await mini_fund.figures(session, jurisdiction_path=request.jurisdiction_path)

    async def OpenNeighbourFund(
        self, request: funds_pb2.OpenNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.OpenNeighbourFundResponse:
        fund = await neighbour_fund.open_fund(
            self.runtime.unit_of_work(), level=request.level, jurisdiction_path=request.jurisdiction_path,
            compound_id=request.compound_id, parent_fund_id=request.parent_fund_id, name=request.name,
        )
        return funds_pb2.OpenNeighbourFundResponse(fund=fund)

    async def DonateToNeighbourFund(
        self, request: funds_pb2.DonateToNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.DonateToNeighbourFundResponse:
        return await neighbour_fund.donate(
            self.runtime.unit_of_work(), fund_id=request.fund_id, source=request.source,
            amount_fen=request.amount_fen, memo=request.memo,
        )

    async def GrantNeighbourFund(
        self, request: funds_pb2.GrantNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GrantNeighbourFundResponse:
        return await neighbour_fund.grant(
            self.runtime.unit_of_work(), fund_id=request.fund_id, receiver_fund_id=request.receiver_fund_id,
            amount_fen=request.amount_fen, memo=request.memo,
        )

    async def SpendNeighbourFund(
        self, request: funds_pb2.SpendNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.SpendNeighbourFundResponse:
        return await neighbour_fund.spend(
            self.runtime.unit_of_work(), fund_id=request.fund_id, amount_fen=request.amount_fen,
            purpose=request.purpose,
        )

    async def GetNeighbourFund(
        self, request: funds_pb2.GetNeighbourFundRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetNeighbourFundResponse:
        async with self.runtime.db.sessions() as session:
            return funds_pb2.GetNeighbourFundResponse(fund=await neighbour_fund.get(session, request.fund_id))

    async def ReverseLedgerPosting(
        self, request: funds_pb2.ReverseLedgerPostingRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ReverseLedgerPostingResponse:
        entries = await ledger.reverse_posting(
            self.runtime.unit_of_work(), ledger_id=request.ledger_id, sequence=request.sequence, memo=request.memo
        )
        return funds_pb2.ReverseLedgerPostingResponse(entries=entries)

    async def ListLedgerEntries(
        self, request: funds_pb2.ListLedgerEntriesRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ListLedgerEntriesResponse:
        async with self.runtime.db.sessions() as session:
            return await ledger.list_entries(session, ledger_id=request.ledger_id, page=request.page)

    async def VerifyLedger(
        self, request: funds_pb2.VerifyLedgerRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.VerifyLedgerResponse:
        async with self.runtime.db.sessions() as session:
            return await ledger.verify(session, ledger_id=request.ledger_id)

    async def OpenVote(
        self, request: funds_pb2.OpenVoteRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.OpenVoteResponse:
        vote = await votes.open_vote(
            self.runtime.unit_of_work(),
            self.roster_source,
            compound_id=request.compound_id,
            matter=request.matter,
            title=request.title,
            building_ids=request.building_ids,
            roster=request.roster,
        )
        return funds_pb2.OpenVoteResponse(vote=vote)

    async def CastBallot(
        self, request: funds_pb2.CastBallotRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.CastBallotResponse:
        return await votes.cast_ballot(
            self.runtime.unit_of_work(), vote_id=request.vote_id, owner_key=request.owner_key, choice=request.choice
        )

    async def CloseVote(
        self, request: funds_pb2.CloseVoteRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.CloseVoteResponse:
        return funds_pb2.CloseVoteResponse(vote=await votes.close_vote(self.runtime.unit_of_work(), vote_id=request.vote_id))

    async def GetVote(
        self, request: funds_pb2.GetVoteRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.GetVoteResponse:
        async with self.runtime.db.sessions() as session:
            return funds_pb2.GetVoteResponse(vote=await votes.get_vote(session, request.vote_id))

    async def ListVotes(
        self, request: funds_pb2.ListVotesRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ListVotesResponse:
        async with self.runtime.db.sessions() as session:
            return await votes.list_votes(session, compound_id=request.compound_id, page=request.page)

    async def ListVoteProposals(
        self, request: funds_pb2.ListVoteProposalsRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.ListVoteProposalsResponse:
        async with self.runtime.db.sessions() as session:
            return await vote_proposals.list_under(
                session, jurisdiction_path=request.jurisdiction_path, state=request.state
            )

    async def OpenProposedVote(
        self, request: funds_pb2.OpenProposedVoteRequest, context: grpc.aio.ServicerContext
    ) -> funds_pb2.OpenProposedVoteResponse:
        proposal, vote = await vote_proposals.open_vote(
            self.runtime.unit_of_work(), self.roster_source, proposal_id=request.proposal_id, roster=request.roster
        )
        return funds_pb2.OpenProposedVoteResponse(proposal=proposal, vote=vote)


def registrar(runtime: ServiceRuntime, roster_source: OwnerRosterSource) -> Servicer:  # type: ignore[type-arg]
    return Servicer(
        FundsServicer(runtime, roster_source), funds_pb2_grpc.add_FundsServiceServicer_to_server, SERVICE_NAME
    )
