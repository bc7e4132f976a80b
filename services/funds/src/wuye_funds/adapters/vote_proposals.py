"""Vote proposal rows ⇄ domain proposals with where they lie and where they came from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from wuye_chassis.db import utcnow
from wuye_chassis.path_queries import at_or_below
from wuye_funds.adapters.orm import vote_proposals
from wuye_funds.domain.vote_proposals import ProposalState, VoteProposal
from wuye_funds.domain.voting import Matter


@dataclass(frozen=True)
class ProposalRecord:
    proposal: VoteProposal
    jurisdiction_path: str
    #: the list's period: the quarter of the second black-list placement (R4) or the year of a serious
    #: yellow-list case (R7)
    quarter: str
    matter: Matter
    #: set once opened
    vote_id: str | None
    created_at: dt.datetime


class VoteProposalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(
        self, proposal: VoteProposal, *, jurisdiction_path: str, quarter: str, matter: Matter, source_event_id: str
    ) -> None:
        await self.session.execute(
            vote_proposals.insert().values(
                proposal_id=proposal.proposal_id, compound_id=proposal.compound_id, jurisdiction_path=jurisdiction_path,
                company_id=proposal.company_id, quarter=quarter, matter=matter.value, state=proposal.state.value,
                source_event_id=source_event_id, created_at=utcnow(),
            )
        )

    async def get(self, proposal_id: str, *, for_update: bool = False) -> ProposalRecord | None:
        query = sa.select(vote_proposals).where(vote_proposals.c.proposal_id == proposal_id)
        if for_update:
            query = query.with_for_update()
        row = (await self.session.execute(query)).mappings().first()
        return None if row is None else _record(row)

    async def mark_opened(self, proposal: VoteProposal, *, vote_id: str) -> None:
        await self.session.execute(
            vote_proposals.update()
            .where(vote_proposals.c.proposal_id == proposal.proposal_id)
            .values(state=proposal.state.value, vote_id=vote_id)
        )

    async def under(self, jurisdiction_path: str, state: ProposalState | None) -> list[ProposalRecord]:
        """The proposals at or below the path, newest first."""
        query = sa.select(vote_proposals).where(at_or_below(vote_proposals.c.jurisdiction_path, jurisdiction_path))
        if state is not None:
            query = query.where(vote_proposals.c.state == state.value)
        rows = (await self.session.execute(query.order_by(vote_proposals.c.proposal_id.desc()))).mappings()
        return [_record(row) for row in rows]


def _record(row: sa.RowMapping) -> ProposalRecord:
    proposal = VoteProposal(
        proposal_id=row["proposal_id"], compound_id=row["compound_id"], company_id=row["company_id"],
        state=ProposalState(row["state"]),
    )
    return ProposalRecord(
        proposal=proposal, jurisdiction_path=row["jurisdiction_path"], quarter=row["quarter"],
        matter=Matter(row["matter"]), vote_id=row["vote_id"], created_at=row["created_at"],
    )
