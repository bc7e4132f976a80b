"""Matter-4 vote proposals from the ratings service (R4 → V1): made once per ContractEndAdvised event
(the consumer's inbox guarantees it), one per compound; a community worker opens each as a real vote."""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import parse_choice, require_text
from wuye_funds.adapters.vote_proposals import ProposalRecord
from wuye_funds.domain import commands
from wuye_funds.domain.vote_proposals import ADVISED_MATTER, ProposalState, VoteProposal, advised_matter
from wuye_funds.domain.voting import VoteRecord
from wuye_funds.service import votes
from wuye_funds.service.unit_of_work import FundsUnitOfWork, in_scope


@dataclass(frozen=True)
class ProposedVoteOpening:
    proposal: ProposalRecord
    vote: VoteRecord


async def propose_contract_end_votes(command: commands.ProposeContractEndVotes, uow: FundsUnitOfWork) -> None:
    """One pending matter-4 proposal per compound named in the advice."""
    matter = advised_matter(command.matter)
    async with uow:
        for compound_id in dict.fromkeys(command.compound_ids):  # a compound named twice is proposed once
            proposal = VoteProposal.advise_ending_contract(new_id(), compound_id=compound_id, company_id=command.company_id)
            known = await uow.compounds.get(proposal.compound_id)
            # the funds settings know where the compound lies; until it is configured, the advice's own path
            path = command.jurisdiction_path if known is None else known.jurisdiction_path
            await uow.proposals.add(
                proposal, jurisdiction_path=str(JurisdictionPath.parse(path)), quarter=command.quarter,
                matter=matter, source_event_id=command.source_event_id,
            )
        await uow.commit()


async def list_vote_proposals(query: commands.ListVoteProposals, uow: FundsUnitOfWork) -> list[ProposalRecord]:
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    auth.require_access(path, action="list vote proposals")
    wanted = parse_choice(ProposalState, query.state, field="state") if query.state else None
    async with uow.reading():
        return await uow.proposals.under(path, wanted)


async def open_proposed_vote(command: commands.OpenProposedVote, uow: FundsUnitOfWork) -> ProposedVoteOpening:
    auth.require_role(votes.ORGANISERS, action="open a proposed vote")
    votes.refuse_sent_roster(command.roster_sent)
    proposal_id = require_text(command.proposal_id, field="proposal_id", max_length=36)
    async with uow.reading():
        # checked before asking the registry, so that a caller out of scope learns nothing from it
        compound_id = (await _in_scope(uow, proposal_id)).proposal.compound_id
    units = await votes.roster_snapshot(uow, compound_id)
    async with uow:
        proposal = (await _in_scope(uow, proposal_id, for_update=True)).proposal
        proposal.open()
        compound = await uow.compound(compound_id, action="open an owners' vote")
        vote = await votes.add_vote(
            uow, compound, matter=ADVISED_MATTER, title=proposal.title, building_ids=None, units=units
        )
        await uow.proposals.mark_opened(proposal, vote_id=vote.vote_id)
        opened = await _in_scope(uow, proposal_id)
        await uow.commit()
    return ProposedVoteOpening(opened, vote)


async def _in_scope(uow: FundsUnitOfWork, proposal_id: str, *, for_update: bool = False) -> ProposalRecord:
    return in_scope(
        await uow.proposals.get(proposal_id, for_update=for_update),
        missing=f"vote proposal {proposal_id} does not exist", field="proposal_id", action="open a proposed vote",
    )
