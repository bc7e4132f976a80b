"""Matter-4 vote proposals from the ratings service (R4 → V1): made once per ContractEndAdvised event
(the consumer's inbox guarantees it), one per compound; a community worker opens each as a real vote."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye.ratings.v1 import events_pb2 as ratings_events
from wuye_chassis import auth
from wuye_chassis.bus import event_type_of
from wuye_chassis.errors import NotFound
from wuye_chassis.ids import new_id
from wuye_chassis.inbox import ReceivedEvent, Subscription, session_handler
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.proto_values import enum_text
from wuye_chassis.uow import UnitOfWork
from wuye_chassis.validation import require_text
from wuye_funds.adapters import compounds as compound_repository
from wuye_funds.adapters import vote_proposals as repository
from wuye_funds.domain.vote_proposals import ADVISED_MATTER, ProposalState, VoteProposal, advised_matter
from wuye_funds.service import votes
from wuye_funds.service.compounds import compound_in_scope
from wuye_funds.service.roster import OwnerRosterSource


async def on_contract_end_advised(session: AsyncSession, event: ReceivedEvent) -> None:
    """One pending matter-4 proposal per compound named in the advice."""
    advice = event.parse(ratings_events.ContractEndAdvised)
    matter = advised_matter(advice.matter)
    for compound_id in dict.fromkeys(advice.compound_ids):  # a compound named twice is proposed once
        proposal = VoteProposal.advise_ending_contract(new_id(), compound_id=compound_id, company_id=advice.company_id)
        known = await compound_repository.get(session, proposal.compound_id)
        # the funds settings know where the compound lies; until it is configured, the advice's own path
        path = advice.jurisdiction_path if known is None else known["jurisdiction_path"]
        await repository.add(
            session, proposal, jurisdiction_path=str(JurisdictionPath.parse(path)), quarter=advice.quarter,
            matter=matter.value, source_event_id=event.event_id,
        )


def subscription(service_name: str) -> Subscription:
    return Subscription(
        durable=f"{service_name}-contract-end-advice",
        handlers={event_type_of(ratings_events.ContractEndAdvised): session_handler(on_contract_end_advised)},
    )


async def list_under(session: AsyncSession, *, jurisdiction_path: str, state: int) -> funds_pb2.ListVoteProposalsResponse:
    path = str(JurisdictionPath.parse(jurisdiction_path))
    auth.require_access(path, action="list vote proposals")
    wanted = ProposalState(enum_text(funds_pb2.ProposalState, state)) if state else None
    rows = await repository.under(session, path, wanted)
    return funds_pb2.ListVoteProposalsResponse(proposals=[repository.to_message(row) for row in rows])


async def open_vote(
    uow: UnitOfWork, roster_source: OwnerRosterSource, *, proposal_id: str, roster: Sequence[funds_pb2.RosterUnit]
) -> tuple[funds_pb2.VoteProposal, funds_pb2.Vote]:
    auth.require_role(votes.ORGANISERS, action="open a proposed vote")
    proposal_id = require_text(proposal_id, field="proposal_id", max_length=36)
    async with uow:
        # checked before asking the registry, so that a caller out of scope learns nothing from it
        compound_id = (await _row_in_scope(uow.session, proposal_id))["compound_id"]
    units = await votes.roster_snapshot(roster_source, compound_id, roster)
    async with uow:
        row = await _row_in_scope(uow.session, proposal_id, for_update=True)
        proposal = repository.to_domain(row)
        proposal.open()
        compound = await compound_in_scope(uow.session, compound_id, action="open an owners' vote")
        vote = await votes.add_vote(
            uow, compound, matter=ADVISED_MATTER, title=proposal.title, building_ids=None, units=units
        )
        await repository.mark_opened(uow.session, proposal, vote_id=vote.vote_id)
        message = repository.to_message(await _row_in_scope(uow.session, proposal_id))
        await uow.commit()
    return message, vote


async def _row_in_scope(session: AsyncSession, proposal_id: str, *, for_update: bool = False):  # type: ignore[no-untyped-def]
    row = await repository.get(session, proposal_id, for_update=for_update)
    if row is None:
        raise NotFound(f"vote proposal {proposal_id} does not exist", field="proposal_id")
    auth.require_access(row["jurisdiction_path"], action="open a proposed vote")
    return row
