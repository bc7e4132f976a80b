"""``VoteService`` over ``service/votes.py`` and ``service/vote_proposals.py``: owners' votes (V1–V7)
and the matter-4 votes the ratings service proposes (R4)."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from wuye.funds.v1 import funds_pb2 as api
from wuye.funds.v1 import funds_pb2_grpc
from wuye_chassis.grpc_server import Servicer
from wuye_chassis.paging import decode_cursor, page_size
from wuye_chassis.proto_values import enum_number, enum_text, timestamp
from wuye_funds.adapters.events import choice_number, objection_message, ratio, vote_message
from wuye_funds.adapters.vote_proposals import ProposalRecord
from wuye_funds.domain import commands
from wuye_funds.domain.voting import QUORUM_SHARE
from wuye_funds.entrypoints.grpc.messages import page
from wuye_funds.service import vote_proposals, votes
from wuye_funds.service.unit_of_work import FundsUnitOfWork

SERVICE_NAME = api.DESCRIPTOR.services_by_name["VoteService"].full_name


def proposal_message(record: ProposalRecord) -> api.VoteProposal:
    proposal = record.proposal
    return api.VoteProposal(
        proposal_id=proposal.proposal_id,
        compound_id=proposal.compound_id,
        jurisdiction_path=record.jurisdiction_path,
        company_id=proposal.company_id,
        quarter=record.quarter,
        matter=api.Matter.ValueType(record.matter.value),
        title=proposal.title,
        state=enum_number(api.ProposalState, proposal.state.value),
        vote_id=record.vote_id or "",
        created_at=timestamp(record.created_at),
    )


class VoteServicer(funds_pb2_grpc.VoteServiceServicer):
    def __init__(self, unit_of_work: Callable[[], FundsUnitOfWork]) -> None:
        self.uow = unit_of_work

    async def OpenVote(self, request: api.OpenVoteRequest, context: grpc.aio.ServicerContext) -> api.OpenVoteResponse:
        vote = await votes.open_vote(
            commands.OpenVote(
                compound_id=request.compound_id,
                matter=request.matter,
                title=request.title,
                building_ids=tuple(request.building_ids),
                roster_sent=len(request.roster),
            ),
            self.uow(),
        )
        return api.OpenVoteResponse(vote=vote_message(vote))

    async def CastBallot(self, request: api.CastBallotRequest, context: grpc.aio.ServicerContext) -> api.CastBallotResponse:
        ballot = await votes.cast_ballot(
            commands.CastBallot(request.vote_id, owner_key=request.owner_key, choice=enum_text(api.Choice, request.choice),
                                authorisation_ref=request.authorisation_ref),
            self.uow(),
        )
        return api.CastBallotResponse(
            vote_id=request.vote_id, owner_key=ballot.owner_key, choice=choice_number(ballot.choice),
            cast_by=ballot.cast_by, authorisation_ref=ballot.authorisation_ref,
        )

    async def CloseVote(self, request: api.CloseVoteRequest, context: grpc.aio.ServicerContext) -> api.CloseVoteResponse:
        vote = await votes.close_vote(commands.CloseVote(request.vote_id), self.uow())
        return api.CloseVoteResponse(vote=vote_message(vote))

    async def ObjectToVoteResult(
        self, request: api.ObjectToVoteResultRequest, context: grpc.aio.ServicerContext
    ) -> api.ObjectToVoteResultResponse:
        vote, objection = await votes.object_to_result(
            commands.ObjectToVoteResult(request.vote_id, owner_key=request.owner_key, reason=request.reason), self.uow()
        )
        return api.ObjectToVoteResultResponse(vote=vote_message(vote), objection=objection_message(objection))

    async def AnswerVoteObjection(
        self, request: api.AnswerVoteObjectionRequest, context: grpc.aio.ServicerContext
    ) -> api.AnswerVoteObjectionResponse:
        vote = await votes.answer_objection(
            commands.AnswerVoteObjection(request.vote_id, objection_id=request.objection_id, answer=request.answer),
            self.uow(),
        )
        return api.AnswerVoteObjectionResponse(vote=vote_message(vote))

    async def FinaliseVote(self, request: api.FinaliseVoteRequest, context: grpc.aio.ServicerContext) -> api.FinaliseVoteResponse:
        vote = await votes.finalise_vote(commands.FinaliseVote(request.vote_id), self.uow())
        return api.FinaliseVoteResponse(vote=vote_message(vote))

    async def GetVote(self, request: api.GetVoteRequest, context: grpc.aio.ServicerContext) -> api.GetVoteResponse:
        vote = await votes.get_vote(commands.GetVote(request.vote_id), self.uow())
        return api.GetVoteResponse(vote=vote_message(vote))

    async def ListVotes(self, request: api.ListVotesRequest, context: grpc.aio.ServicerContext) -> api.ListVotesResponse:
        limit = page_size(request.page.page_size)
        found = await votes.list_votes(
            commands.ListVotes(
                request.compound_id, before=decode_cursor(request.page.page_token) or "", limit=limit + 1
            ),
            self.uow(),
        )
        shown, next_page = page(found, limit, lambda vote: vote.vote_id)
        return api.ListVotesResponse(votes=[vote_message(vote) for vote in shown], page=next_page)

    async def ListMyVotes(self, request: api.ListMyVotesRequest, context: grpc.aio.ServicerContext) -> api.ListMyVotesResponse:
        found = await votes.list_my_votes(commands.ListMyVotes(include_final=request.include_final), self.uow())
        return api.ListMyVotesResponse(votes=[
            api.MyVote(
                vote=vote_message(mine.vote), owner_key=mine.owner_key, area_dm2=mine.area_dm2,
                choice=choice_number(mine.choice),
                matter_label=mine.vote.matter.label, quorum_share=ratio(QUORUM_SHARE),
                approval_share=ratio(mine.vote.matter.approval_share),
                approval_share_inclusive=mine.vote.matter.approval_share_inclusive,
            )
            for mine in found
        ])

    async def ListVoteProposals(
        self, request: api.ListVoteProposalsRequest, context: grpc.aio.ServicerContext
    ) -> api.ListVoteProposalsResponse:
        found = await vote_proposals.list_vote_proposals(
            commands.ListVoteProposals(
                request.jurisdiction_path, state=enum_text(api.ProposalState, request.state)
            ),
            self.uow(),
        )
        return api.ListVoteProposalsResponse(proposals=[proposal_message(record) for record in found])

    async def OpenProposedVote(
        self, request: api.OpenProposedVoteRequest, context: grpc.aio.ServicerContext
    ) -> api.OpenProposedVoteResponse:
        opening = await vote_proposals.open_proposed_vote(
            commands.OpenProposedVote(request.proposal_id, roster_sent=len(request.roster)), self.uow()
        )
        return api.OpenProposedVoteResponse(proposal=proposal_message(opening.proposal), vote=vote_message(opening.vote))


def servicer(unit_of_work: Callable[[], FundsUnitOfWork]) -> Servicer:
    return Servicer(VoteServicer(unit_of_work), funds_pb2_grpc.add_VoteServiceServicer_to_server, SERVICE_NAME)
