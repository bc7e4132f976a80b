"""Vote proposal rows ⇄ domain proposals and protobuf."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye.funds.v1 import funds_pb2
from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_chassis.proto_values import enum_number
from wuye_funds.adapters.orm import vote_proposals
from wuye_funds.domain.vote_proposals import ProposalState, VoteProposal


async def add(
    session: AsyncSession, proposal: VoteProposal, *, jurisdiction_path: str, quarter: str, matter: int,
    source_event_id: str,
) -> None:
    await session.execute(
        vote_proposals.insert().values(
            proposal_id=proposal.proposal_id, compound_id=proposal.compound_id, jurisdiction_path=jurisdiction_path,
            company_id=proposal.company_id, quarter=quarter, matter=matter, state=proposal.state.value,
            source_event_id=source_event_id, created_at=utcnow(),
        )
    )


async def get(session: AsyncSession, proposal_id: str, *, for_update: bool = False) -> sa.RowMapping | None:
    query = sa.select(vote_proposals).where(vote_proposals.c.proposal_id == proposal_id)
    if for_update:
        query = query.with_for_update()
    return (await session.execute(query)).mappings().first()


async def mark_opened(session: AsyncSession, proposal: VoteProposal, *, vote_id: str) -> None:
    await session.execute(
        vote_proposals.update()
        .where(vote_proposals.c.proposal_id == proposal.proposal_id)
        .values(state=proposal.state.value, vote_id=vote_id)
    )


async def under(session: AsyncSession, jurisdiction_path: str, state: ProposalState | None) -> list[sa.RowMapping]:
    query = sa.select(vote_proposals).where(at_or_below(vote_proposals.c.jurisdiction_path, jurisdiction_path))
    if state is not None:
        query = query.where(vote_proposals.c.state == state.value)
    return list((await session.execute(query.order_by(vote_proposals.c.proposal_id.desc()))).mappings().all())


def to_domain(row: sa.RowMapping) -> VoteProposal:
    return VoteProposal(
        proposal_id=row["proposal_id"], compound_id=row["compound_id"], company_id=row["company_id"],
        state=ProposalState(row["state"]),
    )


def to_message(row: sa.RowMapping) -> funds_pb2.VoteProposal:
    message = funds_pb2.VoteProposal(
        proposal_id=row["proposal_id"], compound_id=row["compound_id"], jurisdiction_path=row["jurisdiction_path"],
        company_id=row["company_id"], quarter=row["quarter"], matter=row["matter"], title=to_domain(row).title,
        state=enum_number(funds_pb2.ProposalState, row["state"]), vote_id=row["vote_id"] or "",
    )
    message.created_at.FromDatetime(row["created_at"])
    return message
