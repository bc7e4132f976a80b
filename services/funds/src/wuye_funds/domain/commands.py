"""What callers ask of the funds service: one frozen dataclass per command and query.

Each is the input of one handler in ``service/`` (``handler(command, uow)``), whoever calls it: a gRPC
servicer, the event consumer, the scheduler or a test. Values arrive as the caller sent them (text for
enums, "" or 0 for absent); the handler and the domain validate them and name the field they refuse.
Who acts is never here: it is the caller's authenticated context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_funds.domain.disclosure_schedule import OverdueDisclosure
from wuye_funds.domain.ledger import Anchor

# --- ledgers ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReverseLedgerPosting:
    ledger_id: str
    #: either leg of the posting to cancel
    sequence: int
    memo: str = ""


@dataclass(frozen=True)
class DecideMoneyMovement:
    movement_id: str
    approve: bool
    #: why it is rejected; "" for an approval
    reason: str = ""


@dataclass(frozen=True)
class GetMoneyMovement:
    movement_id: str


@dataclass(frozen=True)
class ListMoneyMovements:
    jurisdiction_path: str
    #: the state's value text, "" for every state
    state: str = ""
    #: the last movement id of the previous page ("" for the first page)
    before: str = ""
    limit: int = 50


@dataclass(frozen=True)
class ListLedgerEntries:
    ledger_id: str
    #: the last sequence of the previous page, as text ("" for the first page)
    after: str = ""
    limit: int = 50


@dataclass(frozen=True)
class VerifyLedger:
    ledger_id: str
    #: a head the caller noted earlier (a notice, the public page); None to compare with the stored records only
    expected: Anchor | None = None


# --- votes (V1–V7) and vote proposals (R4) ---------------------------------------------------------


@dataclass(frozen=True)
class OpenVote:
    compound_id: str
    matter: int
    title: str
    building_ids: tuple[str, ...] = ()
    #: how many roster units the client listed: none may be (A4), the electorate is the registry's roster
    roster_sent: int = 0


@dataclass(frozen=True)
class CastBallot:
    vote_id: str
    owner_key: str
    choice: str
    #: a paper or proxy ballot's written authorisation ("" when the owner casts online)
    authorisation_ref: str = ""


@dataclass(frozen=True)
class CloseVote:
    vote_id: str


@dataclass(frozen=True)
class ListMyVotes:
    include_final: bool = False


@dataclass(frozen=True)
class ObjectToVoteResult:
    vote_id: str
    #: the roster owner objecting; "" for the caller's own when they are exactly one owner
    owner_key: str
    reason: str


@dataclass(frozen=True)
class AnswerVoteObjection:
    vote_id: str
    objection_id: str
    answer: str


@dataclass(frozen=True)
class FinaliseVote:
    vote_id: str


@dataclass(frozen=True)
class GetVote:
    vote_id: str


@dataclass(frozen=True)
class ListVotes:
    compound_id: str
    #: the last vote id of the previous page ("" for the first page)
    before: str = ""
    limit: int = 50


@dataclass(frozen=True)
class ProposeContractEndVotes:
    """The ratings service advised the owners of these compounds to end the company's contract (R4)."""

    source_event_id: str
    company_id: str
    quarter: str
    jurisdiction_path: str
    compound_ids: tuple[str, ...]
    matter: int


@dataclass(frozen=True)
class ListVoteProposals:
    jurisdiction_path: str
    #: "" for every state
    state: str = ""


@dataclass(frozen=True)
class OpenProposedVote:
    proposal_id: str
    #: as in OpenVote
    roster_sent: int = 0


# --- a compound's settings and its maintenance fund (F1–F8) ---------------------------------------


@dataclass(frozen=True)
class ConfigureCompound:
    compound_id: str
    #: the registry's path, or "" (A4: it only confirms where the compound lies)
    jurisdiction_path: str
    #: V5 follow-the-majority clause
    follow_majority: bool = False


@dataclass(frozen=True)
class GetCompound:
    compound_id: str


@dataclass(frozen=True)
class OpenMaintenanceAccount:
    compound_id: str
    rate_fen_per_m2: int
    construction_cost_fen_per_m2: int
    #: how many households the client listed: none may be (A4), the registry's roster is the list
    households_sent: int = 0


@dataclass(frozen=True)
class GetMaintenanceAccount:
    compound_id: str


@dataclass(frozen=True)
class RecordFirstDeposit:
    compound_id: str
    household_id: str
    memo: str = ""


@dataclass(frozen=True)
class RecordDeposit:
    compound_id: str
    household_id: str
    amount_fen: int
    memo: str = ""


@dataclass(frozen=True)
class AllocateInterest:
    compound_id: str
    interest_fen: int
    memo: str = ""


@dataclass(frozen=True)
class TransferSubAccountOnSale:
    compound_id: str
    household_id: str
    buyer_owner_key: str
    reference: str


@dataclass(frozen=True)
class RefundSubAccountOnDemolition:
    compound_id: str
    household_id: str
    owner_key: str
    reference: str


# --- uses of the maintenance fund (F4–F7) -----------------------------------------------------------


@dataclass(frozen=True)
class SubmitUseApplication:
    compound_id: str
    plan: str
    budget_fen: int
    #: the benefiting buildings; empty for the whole compound
    building_ids: tuple[str, ...] = ()
    #: the F6 emergency category; "" for a normal use
    emergency: str = ""


@dataclass(frozen=True)
class OpenUseVote:
    application_id: str
    #: as in OpenVote
    roster_sent: int = 0


@dataclass(frozen=True)
class RecordCommitteeReview:
    application_id: str
    reference: str


@dataclass(frozen=True)
class RecordStreetConfirmation:
    application_id: str
    reference: str


@dataclass(frozen=True)
class StartWorks:
    application_id: str


@dataclass(frozen=True)
class RequestPayment:
    application_id: str
    actual_cost_fen: int
    settlement_audit: str = ""


@dataclass(frozen=True)
class PayUseApplication:
    application_id: str
    approved_by: str


@dataclass(frozen=True)
class CompleteUseApplication:
    application_id: str
    disclosure: str = ""


@dataclass(frozen=True)
class GetUseApplication:
    application_id: str


@dataclass(frozen=True)
class ListUseApplications:
    jurisdiction_path: str
    #: the state's value text, "" for every state
    state: str = ""
    #: the last application id of the previous page ("" for the first page)
    before: str = ""
    limit: int = 50


# --- the committee account (P1, P2) ----------------------------------------------------------------


@dataclass(frozen=True)
class RecordCommonIncome:
    compound_id: str
    source: str
    amount_fen: int
    memo: str = ""


@dataclass(frozen=True)
class SubmitCommitteeExpense:
    compound_id: str
    amount_fen: int
    purpose: str


@dataclass(frozen=True)
class ReviewCommitteeExpense:
    expense_id: str
    #: the chain step deciding, e.g. community_party_branch
    reviewer: str
    approve: bool
    reason: str


@dataclass(frozen=True)
class PayCommitteeExpense:
    expense_id: str


@dataclass(frozen=True)
class GetCommitteeExpense:
    expense_id: str


@dataclass(frozen=True)
class ListCommitteeExpenses:
    jurisdiction_path: str
    #: the last expense id of the previous page ("" for the first page)
    before: str = ""
    limit: int = 50


# --- the mini fund (P4) and the neighbour funds (P5) ----------------------------------------------


@dataclass(frozen=True)
class OpenMiniFund:
    compound_id: str
    rate_fen_per_m2_month: int


@dataclass(frozen=True)
class CollectMiniFundSurcharge:
    compound_id: str
    household_id: str
    area_dm2: int
    months: int


@dataclass(frozen=True)
class PayMiniFundRepair:
    compound_id: str
    amount_fen: int
    purpose: str


@dataclass(frozen=True)
class GetMiniFund:
    compound_id: str


@dataclass(frozen=True)
class GetMiniFundFigures:
    jurisdiction_path: str


@dataclass(frozen=True)
class OpenNeighbourFund:
    level: str
    name: str
    #: the county or community served; "" for a compound fund, which names its compound instead
    jurisdiction_path: str = ""
    compound_id: str = ""
    #: "" for a county fund
    parent_fund_id: str = ""


@dataclass(frozen=True)
class DonateToNeighbourFund:
    fund_id: str
    source: str
    amount_fen: int
    memo: str


@dataclass(frozen=True)
class GrantNeighbourFund:
    fund_id: str
    receiver_fund_id: str
    amount_fen: int
    memo: str


@dataclass(frozen=True)
class SpendNeighbourFund:
    fund_id: str
    amount_fen: int
    purpose: str


@dataclass(frozen=True)
class GetNeighbourFund:
    fund_id: str


@dataclass(frozen=True)
class ListNeighbourFunds:
    jurisdiction_path: str
    #: the last fund id of the previous page ("" for the first page)
    before: str = ""
    limit: int = 50


# --- disclosures, audits and transparency (F9, P3) ------------------------------------------------


@dataclass(frozen=True)
class PublishDisclosure:
    compound_id: str
    period: str
    #: 0 means the minimum of 15
    posting_days: int = 0


@dataclass(frozen=True)
class ListOverdueDisclosures:
    jurisdiction_path: str
    #: the moment to judge at; None means now
    as_of: dt.datetime | None = None


@dataclass(frozen=True)
class FindOverdueDisclosures:
    """Every compound's overdue disclosures at ``now`` (the scheduler's round)."""

    now: dt.datetime


@dataclass(frozen=True)
class ReportOverdueDisclosure:
    """Announce one overdue disclosure the scheduler found, unless it was announced before."""

    overdue: OverdueDisclosure


@dataclass(frozen=True)
class FindingInput:
    text: str
    amount_fen: int = 0


@dataclass(frozen=True)
class RecordAudit:
    compound_id: str
    period: str
    auditor: str
    findings: tuple[FindingInput, ...] = ()


@dataclass(frozen=True)
class GetAuditCoverage:
    jurisdiction_path: str
    period: str


@dataclass(frozen=True)
class GetCompoundTransparency:
    compound_id: str
    #: recent debit legs per ledger, 1..50; 0 for the default of 10
    recent_entries: int = 0
