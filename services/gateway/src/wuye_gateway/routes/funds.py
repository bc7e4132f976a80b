"""Funds: owners' votes (residents vote from mobile), maintenance-fund use applications, committee
expenses under community review, and the hash-chained ledgers auditors read and verify.

Bodies and answers are the funds service's own messages (see wuye_gateway.routing). A vote's electorate
is the registry's owner roster, which the funds service takes itself: clients never send a roster.
"""

from typing import Any, Literal

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from wuye.funds.v1 import funds_pb2 as pb
from wuye_chassis.proto_values import enum_number
from wuye_gateway.convert import to_json
from wuye_gateway.dependencies import PROBLEM_RESPONSES, Caller, IdempotencyKey, call
from wuye_gateway.routing import Backend, command, query

router = APIRouter(prefix="/api/v1", tags=["funds"], responses=PROBLEM_RESPONSES)
FUNDS = Backend(router=router, service="funds")
APPLICATION = "/use-applications/{application_id}"

command(**FUNDS, path="/funds/compounds", rpc="ConfigureCompound", request=pb.ConfigureCompoundRequest,
        response=pb.ConfigureCompoundResponse, answer="compound",
        summary="Set a compound's fund settings (jurisdiction, follow-the-majority rule)")
query(**FUNDS, path="/funds/compounds/{compound_id}", rpc="GetCompound", request=pb.GetCompoundRequest,
      response=pb.GetCompoundResponse, answer="compound", summary="A compound's fund settings")
MAINTENANCE = "/funds/compounds/{compound_id}/maintenance-account"
command(**FUNDS, path=MAINTENANCE, rpc="OpenMaintenanceAccount", request=pb.OpenMaintenanceAccountRequest,
        response=pb.OpenMaintenanceAccountResponse, answer="account", creates=True,
        summary="Open the maintenance fund account (F2): one sub-account per household of the roster",
        examples={"rate_fen_per_m2": [3000], "construction_cost_fen_per_m2": [50000]})
query(**FUNDS, path=MAINTENANCE, rpc="GetMaintenanceAccount", request=pb.GetMaintenanceAccountRequest,
      response=pb.GetMaintenanceAccountResponse, answer="account",
      summary="Balances of the compound account and every household sub-account")
command(**FUNDS, path=f"{MAINTENANCE}/first-deposits", rpc="RecordFirstDeposit", request=pb.RecordFirstDepositRequest,
        response=pb.RecordFirstDepositResponse, creates=True, summary="Post a household's first deposit (F1), once")

command(**FUNDS, path="/votes", rpc="OpenVote", request=pb.OpenVoteRequest, response=pb.OpenVoteResponse,
        answer="vote", creates=True, exclude=("roster",),
        summary="Open an owners' vote on one matter (V1); the electorate is the registry roster now",
        examples={"matter": ["use_maintenance_fund"], "title": ["3号楼电梯更换"]})
query(**FUNDS, path="/votes/{vote_id}", rpc="GetVote", request=pb.GetVoteRequest, response=pb.GetVoteResponse,
      answer="vote", summary="One vote with its result once closed")
query(**FUNDS, path="/votes", rpc="ListVotes", request=pb.ListVotesRequest, response=pb.ListVotesResponse,
      items="votes", summary="The votes of a compound, newest first")
query(**FUNDS, path="/me/votes", rpc="ListMyVotes", request=pb.ListMyVotesRequest, response=pb.ListMyVotesResponse,
      items="votes", summary="A resident's own votes: the matter and what it needs, their weight, and the choice "
                             "that counts for them so far (A5, V7)")
command(**FUNDS, path="/votes/{vote_id}/close", rpc="CloseVote", request=pb.CloseVoteRequest,
        response=pb.CloseVoteResponse, answer="vote",
        summary="Close a vote and count it (V2–V5); the result is preliminary for the objection period (V8)")
command(**FUNDS, path="/votes/{vote_id}/objections", rpc="ObjectToVoteResult", request=pb.ObjectToVoteResultRequest,
        response=pb.ObjectToVoteResultResponse, creates=True,
        summary="An owner objects to the preliminary result, with a reason, before the deadline (V8)",
        examples={"reason": ["3号楼有两户的纸质表决票未计入"]})
command(**FUNDS, path="/votes/{vote_id}/objections/{objection_id}/answer", rpc="AnswerVoteObjection",
        request=pb.AnswerVoteObjectionRequest, response=pb.AnswerVoteObjectionResponse, answer="vote",
        summary="The organiser answers an objection (V8)")
command(**FUNDS, path="/votes/{vote_id}/finalise", rpc="FinaliseVote", request=pb.FinaliseVoteRequest,
        response=pb.FinaliseVoteResponse, answer="vote",
        summary="Make the result final after the objection deadline, every objection answered (V8); "
                "a use application is decided then (F5)")


class BallotIn(BaseModel):
    choice: Literal["yes", "no", "abstain"]
    owner_key: str = Field("", max_length=64,
                           description="the roster owner whose ballot this is; empty: the caller's own when they are "
                                       "exactly one owner (co-owners share their unit's key, A2)")
    authorisation_ref: str = Field("", max_length=100,
                                   description="a paper or proxy ballot a community worker enters: the reference of "
                                               "the owner's written authorisation (A2); empty when an owner casts")


class Ballot(BaseModel):
    vote_id: str
    owner_key: str
    choice: Literal["yes", "no", "abstain"] | None = Field(..., description="the choice that counts for this owner")
    cast_by: str = Field("", description="the person who cast it: the owner, a co-owner, or the worker entering it")
    authorisation_ref: str = ""


@router.post("/votes/{vote_id}/ballots", status_code=status.HTTP_201_CREATED, response_model=Ballot,
             summary="Cast a ballot; a later ballot replaces the earlier one until the vote closes (V7)")
async def cast_ballot(vote_id: str, body: BallotIn, request: Request, who: Caller,
                      key: IdempotencyKey = None) -> dict[str, Any]:
    own = sorted(who.owner_keys)
    message = pb.CastBallotRequest(vote_id=vote_id, owner_key=body.owner_key or (own[0] if len(own) == 1 else ""),
                                   choice=enum_number(pb.Choice, body.choice),
                                   authorisation_ref=body.authorisation_ref)
    return to_json(await call(request, "funds", "CastBallot", message, who, key))


command(**FUNDS, path="/use-applications", rpc="SubmitUseApplication", request=pb.SubmitUseApplicationRequest,
        response=pb.SubmitUseApplicationResponse, answer="application", creates=True,
        summary="Apply to use the maintenance fund (F5); an emergency category skips the vote (F6)",
        examples={"plan": ["更换3号楼电梯"], "budget_fen": [38000000]})
query(**FUNDS, path="/use-applications", rpc="ListUseApplications", request=pb.ListUseApplicationsRequest,
      response=pb.ListUseApplicationsResponse, items="applications",
      summary="Use applications in a jurisdiction, newest first, optionally in one state (a reviewer's queue)")
query(**FUNDS, path=APPLICATION, rpc="GetUseApplication", request=pb.GetUseApplicationRequest,
      response=pb.GetUseApplicationResponse, answer="application", summary="One use application")
command(**FUNDS, path=f"{APPLICATION}/vote", rpc="OpenUseVote", request=pb.OpenUseVoteRequest,
        response=pb.OpenUseVoteResponse, exclude=("roster",),
        summary="Put the application to the owners of the benefiting buildings")
for step, rpc, request_class, response_class, summary in (
    ("committee-review", "RecordCommitteeReview", pb.RecordCommitteeReviewRequest, pb.RecordCommitteeReviewResponse,
     "Record the owners' committee review"),
    ("street-confirmation", "RecordStreetConfirmation", pb.RecordStreetConfirmationRequest,
     pb.RecordStreetConfirmationResponse, "Record the street's confirmation"),
    ("works", "StartWorks", pb.StartWorksRequest, pb.StartWorksResponse, "Works start"),
    ("payment-request", "RequestPayment", pb.RequestPaymentRequest, pb.RequestPaymentResponse,
     "Request payment with the actual cost and the settlement audit"),
    ("completion", "CompleteUseApplication", pb.CompleteUseApplicationRequest, pb.CompleteUseApplicationResponse,
     "Complete with the disclosure of the spending"),
):
    command(**FUNDS, path=f"{APPLICATION}/{step}", rpc=rpc, request=request_class, response=response_class,
            answer="application", summary=summary)
command(**FUNDS, path=f"{APPLICATION}/payment", rpc="PayUseApplication", request=pb.PayUseApplicationRequest,
        response=pb.PayUseApplicationResponse,
        summary="Pay: charge the benefiting households by exclusive area (exact to the fen)")

command(**FUNDS, path="/funds/compounds/{compound_id}/common-income", rpc="RecordCommonIncome",
        request=pb.RecordCommonIncomeRequest, response=pb.RecordCommonIncomeResponse, creates=True,
        summary="Record common-parts income (parking, advertising, rentals) into the committee account (P1)",
        examples={"source": ["parking"], "amount_fen": [500000], "memo": ["2026年11月停车费"]})
command(**FUNDS, path="/committee-expenses", rpc="SubmitCommitteeExpense", request=pb.SubmitCommitteeExpenseRequest,
        response=pb.SubmitCommitteeExpenseResponse, answer="expense", creates=True,
        summary="Submit a committee expense for community review before payment",
        examples={"amount_fen": [120000], "purpose": ["业委会办公用品"]})
query(**FUNDS, path="/committee-expenses/{expense_id}", rpc="GetCommitteeExpense",
      request=pb.GetCommitteeExpenseRequest, response=pb.GetCommitteeExpenseResponse, answer="expense",
      summary="One committee expense with its review decisions")
query(**FUNDS, path="/committee-expenses", rpc="ListCommitteeExpenses", request=pb.ListCommitteeExpensesRequest,
      response=pb.ListCommitteeExpensesResponse, items="expenses", summary="Committee expenses in a jurisdiction")
command(**FUNDS, path="/committee-expenses/{expense_id}/reviews", rpc="ReviewCommitteeExpense",
        request=pb.ReviewCommitteeExpenseRequest, response=pb.ReviewCommitteeExpenseResponse, answer="expense",
        exclude=("reviewer",),
        summary="A reviewer decides their step (their post says which, A3), in chain order; a rejection needs a reason",
        examples={"approve": [True]})
command(**FUNDS, path="/committee-expenses/{expense_id}/payment", rpc="PayCommitteeExpense",
        request=pb.PayCommitteeExpenseRequest, response=pb.PayCommitteeExpenseResponse,
        summary="Pay an approved expense from the committee account")

# a ledger id names its account ("<compound>/committee"), slash included
LEDGER = "/ledgers/{ledger_id:path}"
query(**FUNDS, path=f"{LEDGER}/entries", rpc="ListLedgerEntries", request=pb.ListLedgerEntriesRequest,
      response=pb.ListLedgerEntriesResponse, items="entries", summary="A ledger's entries in sequence order")
query(**FUNDS, path=f"{LEDGER}/verification", rpc="VerifyLedger", request=pb.VerifyLedgerRequest,
      response=pb.VerifyLedgerResponse, summary="Verify the ledger's hash chain (where it breaks, and why)")

# maintenance fund: deposits, interest, a sub-account on sale or demolition, disclosures, audits
command(**FUNDS, path=f"{MAINTENANCE}/deposits", rpc="RecordDeposit", request=pb.RecordDepositRequest,
        response=pb.RecordDepositResponse, creates=True,
        summary="Post a further deposit (top-up) to a household's sub-account",
        examples={"amount_fen": [100000], "memo": ["续交维修资金"]})
command(**FUNDS, path=f"{MAINTENANCE}/interest", rpc="AllocateInterest", request=pb.AllocateInterestRequest,
        response=pb.AllocateInterestResponse, answer="account", creates=True,
        summary="Allocate interest to the sub-accounts in proportion to their balances (exact to the fen)",
        examples={"interest_fen": [12345], "memo": ["2026年度利息"]})
SUB_ACCOUNT = f"{MAINTENANCE}/sub-accounts/{{household_id}}"
command(**FUNDS, path=f"{SUB_ACCOUNT}/sale-transfer", rpc="TransferSubAccountOnSale",
        request=pb.TransferSubAccountOnSaleRequest, response=pb.TransferSubAccountOnSaleResponse,
        summary="Request that the sold unit's sub-account balance pass to the buyer with the house (F8); "
                "another person's decision carries it out (A3)",
        examples={"reference": ["不动产登记 2026-1234"]})
command(**FUNDS, path=f"{SUB_ACCOUNT}/demolition-refund", rpc="RefundSubAccountOnDemolition",
        request=pb.RefundSubAccountOnDemolitionRequest, response=pb.RefundSubAccountOnDemolitionResponse,
        summary="Request the refund of the demolished unit's sub-account balance to its owner (F8); "
                "another person's decision carries it out (A3)",
        examples={"reference": ["征收决定 2026-07"]})
command(**FUNDS, path="/funds/compounds/{compound_id}/disclosures", rpc="PublishDisclosure",
        request=pb.PublishDisclosureRequest, response=pb.PublishDisclosureResponse, answer="disclosure",
        creates=True, summary="Publish the period's account disclosure to the owners",
        examples={"period": ["2026H2"], "posting_days": [15]})
query(**FUNDS, path="/funds/overdue-disclosures", rpc="ListOverdueDisclosures", request=pb.ListOverdueDisclosuresRequest,
      response=pb.ListOverdueDisclosuresResponse, items="overdue",
      summary="Compounds of a jurisdiction whose disclosure is overdue (as_of: RFC 3339, now when empty)")
command(**FUNDS, path="/funds/compounds/{compound_id}/audits", rpc="RecordAudit", request=pb.RecordAuditRequest,
        response=pb.RecordAuditResponse, answer="audit", creates=True,
        summary="Record an audit of the compound's funds for a period with its findings",
        examples={"period": ["2026"], "auditor": ["泉州某会计师事务所"]})
query(**FUNDS, path="/funds/audit-coverage", rpc="GetAuditCoverage", request=pb.GetAuditCoverageRequest,
      response=pb.GetAuditCoverageResponse,
      summary="The share of a jurisdiction's compounds audited for a period, and those not yet audited")

# a ledger posting is corrected by a reversing entry, never edited
command(**FUNDS, path=f"{LEDGER}/reversals", rpc="ReverseLedgerPosting", request=pb.ReverseLedgerPostingRequest,
        response=pb.ReverseLedgerPostingResponse, creates=True,
        summary="Request the reversal of one posting (by sequence) with counter-entries; the chain keeps both, "
                "and another person's decision posts it (A3)",
        examples={"sequence": [3], "memo": ["金额录入错误"]})
# A3: whoever requests a sale transfer, a demolition refund or a reversal never decides it
command(**FUNDS, path="/money-movements/{movement_id}/decision", rpc="DecideMoneyMovement",
        request=pb.DecideMoneyMovementRequest, response=pb.DecideMoneyMovementResponse,
        summary="Approve (moving the money) or reject, with a reason, a requested money movement (A3)",
        examples={"approve": [False], "reason": ["征收补偿协议尚未签订"]})
query(**FUNDS, path="/money-movements", rpc="ListMoneyMovements", request=pb.ListMoneyMovementsRequest,
      response=pb.ListMoneyMovementsResponse, items="movements", required=("jurisdiction_path",),
      summary="Money movements of a jurisdiction's compounds, newest first (state=requested: those awaiting a decision)")
query(**FUNDS, path="/money-movements/{movement_id}", rpc="GetMoneyMovement", request=pb.GetMoneyMovementRequest,
      response=pb.GetMoneyMovementResponse, answer="movement", summary="One requested money movement and its decision")

# the mini fund (小额维修金): a monthly surcharge per m², paying small repairs
MINI = "/funds/compounds/{compound_id}/mini-fund"
command(**FUNDS, path=MINI, rpc="OpenMiniFund", request=pb.OpenMiniFundRequest, response=pb.OpenMiniFundResponse,
        answer="mini_fund", creates=True, summary="Open a compound's mini fund with its monthly rate per m²",
        examples={"rate_fen_per_m2_month": [5]})
query(**FUNDS, path=MINI, rpc="GetMiniFund", request=pb.GetMiniFundRequest, response=pb.GetMiniFundResponse,
      answer="mini_fund", summary="A compound's mini fund and its balance")
command(**FUNDS, path=f"{MINI}/surcharges", rpc="CollectMiniFundSurcharge",
        request=pb.CollectMiniFundSurchargeRequest, response=pb.CollectMiniFundSurchargeResponse, creates=True,
        summary="Collect a household's surcharge for some months (area × rate × months)",
        examples={"area_dm2": [8957], "months": [12]})
command(**FUNDS, path=f"{MINI}/repairs", rpc="PayMiniFundRepair", request=pb.PayMiniFundRepairRequest,
        response=pb.PayMiniFundRepairResponse, creates=True, summary="Pay a small repair from the mini fund",
        examples={"amount_fen": [35000], "purpose": ["更换楼道灯"]})
query(**FUNDS, path="/funds/mini-fund-figures", rpc="GetMiniFundFigures", request=pb.GetMiniFundFiguresRequest,
      response=pb.GetMiniFundFiguresResponse, summary="Mini fund totals over the compounds of a jurisdiction")

# neighbour funds (邻里基金): donations, grants between funds, spending
NEIGHBOUR = "/neighbour-funds/{fund_id}"
command(**FUNDS, path="/neighbour-funds", rpc="OpenNeighbourFund", request=pb.OpenNeighbourFundRequest,
        response=pb.OpenNeighbourFundResponse, answer="fund", creates=True,
        summary="Open a neighbour fund at a level (county, community or compound), under its parent fund",
        examples={"name": ["凤凰城邻里基金"]})
query(**FUNDS, path="/neighbour-funds", rpc="ListNeighbourFunds", request=pb.ListNeighbourFundsRequest,
      response=pb.ListNeighbourFundsResponse, items="funds", required=("jurisdiction_path",),
      summary="The neighbour funds at or below a jurisdiction, with their published figures, newest first")
query(**FUNDS, path=NEIGHBOUR, rpc="GetNeighbourFund", request=pb.GetNeighbourFundRequest,
      response=pb.GetNeighbourFundResponse, answer="fund", summary="One neighbour fund and its balance")
command(**FUNDS, path=f"{NEIGHBOUR}/donations", rpc="DonateToNeighbourFund", request=pb.DonateToNeighbourFundRequest,
        response=pb.DonateToNeighbourFundResponse, creates=True, summary="Record a donation to the fund",
        examples={"amount_fen": [20000], "memo": ["爱心捐赠"]})
command(**FUNDS, path=f"{NEIGHBOUR}/grants", rpc="GrantNeighbourFund", request=pb.GrantNeighbourFundRequest,
        response=pb.GrantNeighbourFundResponse, creates=True, summary="Grant money from this fund to another fund",
        examples={"amount_fen": [50000]})
command(**FUNDS, path=f"{NEIGHBOUR}/spending", rpc="SpendNeighbourFund", request=pb.SpendNeighbourFundRequest,
        response=pb.SpendNeighbourFundResponse, creates=True, summary="Spend from the fund for a stated purpose",
        examples={"amount_fen": [10000], "purpose": ["慰问困难住户"]})

# votes proposed by owners: listed, then opened on the registry roster
query(**FUNDS, path="/vote-proposals", rpc="ListVoteProposals", request=pb.ListVoteProposalsRequest,
      response=pb.ListVoteProposalsResponse, items="proposals", summary="Owners' vote proposals within a jurisdiction")
command(**FUNDS, path="/vote-proposals/{proposal_id}/vote", rpc="OpenProposedVote", request=pb.OpenProposedVoteRequest,
        response=pb.OpenProposedVoteResponse, creates=True, exclude=("roster",),
        summary="Open the vote a proposal asks for; the electorate is the registry roster now")
