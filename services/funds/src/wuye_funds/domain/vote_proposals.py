"""Vote proposals (R4, R7 → V1): when a company is on the black list two quarters in a row, or is a serious
case on a yearly yellow list, the owners of each compound it serves are advised to end the contract, which is a matter-4 vote (hire or dismiss the
property company). A proposal waits until a community worker opens it as a real vote, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import require_text
from wuye_funds.domain.voting import Matter

ADVISED_MATTER = Matter.PROPERTY_COMPANY


class ProposalState(Enum):
    PENDING = "pending"
    OPENED = "opened"


def advised_matter(value: int) -> Matter:
    """Advice to end a contract is always put to the owners as matter 4."""
    if value != ADVISED_MATTER.value:
        raise InvalidArgument(
            f"advice to end a contract is decided as matter {ADVISED_MATTER.value}, not {value}",
            field="matter",
            rule="R4",
        )
    return ADVISED_MATTER


@dataclass
class VoteProposal:
    proposal_id: str
    compound_id: str
    company_id: str
    state: ProposalState = ProposalState.PENDING

    @classmethod
    def advise_ending_contract(cls, proposal_id: str, *, compound_id: str, company_id: str) -> VoteProposal:
        return cls(
            proposal_id=proposal_id,
            compound_id=require_text(compound_id, field="compound_ids", rule="R4", max_length=64),
            company_id=require_text(company_id, field="company_id", rule="R4", max_length=64),
        )

    @property
    def title(self) -> str:
        # the vote is the compound's, and the company is the one serving it: named by the screens from
        # company_id, never by its id in words the owners read
        return "业主表决是否解聘本小区物业服务企业（owners advised to end the contract）"

    def open(self) -> None:
        """A proposal becomes one vote; opening it again would put the same question twice."""
        if self.state is not ProposalState.PENDING:
            raise FailedPrecondition(
                f"proposal {self.proposal_id} has already been opened as a vote", field="proposal_id", rule="V1"
            )
        self.state = ProposalState.OPENED
