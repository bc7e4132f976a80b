"""Domain events the funds use cases publish; ``adapters/events.py`` turns each into its protobuf event.

Events carry what consumers need: ids, the jurisdiction path (for scoping), amounts and ledger
sequences, and for votes, applications, expenses, disclosures and audits the record as kept. No event
names an owner or a household member; a household appears by its register id only.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis.money import Fen
from wuye_funds.domain.disclosure import Disclosure
from wuye_funds.domain.disclosure_schedule import Audit, OverdueDisclosure
from wuye_funds.domain.maintenance_fund import PlacedApplication
from wuye_funds.domain.mini_fund import MiniFundSummary
from wuye_funds.domain.neighbour_fund import DonationSource
from wuye_funds.domain.review import ExpenseRecord
from wuye_funds.domain.voting import VoteRecord

# --- ledgers and the maintenance fund -----------------------------------------------------------


@dataclass(frozen=True)
class LedgerPostingReversed:
    ledger_id: str
    jurisdiction_path: str
    #: the debit-leg sequences of the cancelled and of the reversing posting
    reversed_sequence: int
    reversal_sequence: int


@dataclass(frozen=True)
class DepositRecorded:
    compound_id: str
    jurisdiction_path: str
    household_id: str
    amount_fen: Fen
    sequence: int


@dataclass(frozen=True)
class SubAccountTransferredOnSale:
    compound_id: str
    jurisdiction_path: str
    household_id: str
    balance_fen: Fen
    #: the handover's first debit leg, 0 when the balance was zero
    sequence: int


@dataclass(frozen=True)
class SubAccountRefundedOnDemolition:
    compound_id: str
    jurisdiction_path: str
    household_id: str
    refund_fen: Fen
    #: the refund's debit leg, 0 when the balance was zero
    sequence: int


@dataclass(frozen=True)
class UseApplicationApproved:
    application: PlacedApplication


@dataclass(frozen=True)
class UseApplicationPaid:
    application: PlacedApplication
    #: each benefiting household's share (F4), by household id
    charges: dict[str, Fen]


@dataclass(frozen=True)
class ReplenishmentRequired:
    compound_id: str
    jurisdiction_path: str
    household_id: str
    balance_fen: Fen
    first_deposit_fen: Fen


# --- votes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteOpened:
    vote: VoteRecord


@dataclass(frozen=True)
class VoteClosed:
    vote: VoteRecord


@dataclass(frozen=True)
class VoteFinalised:
    vote: VoteRecord


# --- the committee account, the mini and neighbour funds -----------------------------------------


@dataclass(frozen=True)
class CommitteeExpenseApproved:
    expense: ExpenseRecord


@dataclass(frozen=True)
class CommitteeExpenseRejected:
    expense: ExpenseRecord


@dataclass(frozen=True)
class CommitteeExpensePaid:
    expense: ExpenseRecord
    sequence: int


@dataclass(frozen=True)
class MiniFundRepairPaid:
    compound_id: str
    jurisdiction_path: str
    amount_fen: Fen
    purpose: str
    sequence: int
    #: the published summary after the payment
    summary: MiniFundSummary


@dataclass(frozen=True)
class NeighbourFundDonated:
    fund_id: str
    jurisdiction_path: str
    source: DonationSource
    amount_fen: Fen
    sequence: int


@dataclass(frozen=True)
class NeighbourFundGranted:
    fund_id: str
    receiver_fund_id: str
    jurisdiction_path: str
    receiver_jurisdiction_path: str
    amount_fen: Fen


@dataclass(frozen=True)
class NeighbourFundSpent:
    fund_id: str
    jurisdiction_path: str
    amount_fen: Fen
    purpose: str
    sequence: int


# --- disclosures and audits ----------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosurePublished:
    disclosure: Disclosure


@dataclass(frozen=True)
class DisclosureOverdue:
    overdue: OverdueDisclosure


@dataclass(frozen=True)
class AuditRecorded:
    audit: Audit


Event = (
    LedgerPostingReversed | DepositRecorded | SubAccountTransferredOnSale | SubAccountRefundedOnDemolition
    | UseApplicationApproved | UseApplicationPaid | ReplenishmentRequired | VoteOpened | VoteClosed | VoteFinalised
    | CommitteeExpenseApproved | CommitteeExpenseRejected | CommitteeExpensePaid | MiniFundRepairPaid
    | NeighbourFundDonated | NeighbourFundGranted | NeighbourFundSpent | DisclosurePublished
    | DisclosureOverdue | AuditRecorded
)
