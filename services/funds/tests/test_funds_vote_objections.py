"""V8 over real gRPC beside a real registry: a closed vote's result is preliminary for the objection
period; owners object as themselves, the organiser answers, and only then is the result final."""

from __future__ import annotations

import datetime as dt

import grpc

from services.funds.tests.funds_support import ANXI_OFFICER, COMMUNITY_WORKER, Funds, refused, resident
from wuye.funds.v1 import events_pb2, funds_pb2

VOTE_TABLES = ("votes", "vote_objections", "ballots")


async def closed_vote(funds: Funds) -> tuple[funds_pb2.Vote, list[str]]:
    owners = await funds.owners(3)
    vote = (await funds.call("OpenVote", funds_pb2.OpenVoteRequest(
        compound_id=funds.compound, matter=funds_pb2.MATTER_PROPERTY_COMPANY, title="续聘物业"))).vote
    for owner in owners:
        await funds.call("CastBallot", funds_pb2.CastBallotRequest(
            vote_id=vote.vote_id, owner_key=owner, choice=funds_pb2.CHOICE_YES), resident(owner))
    return (await funds.call("CloseVote", funds_pb2.CloseVoteRequest(vote_id=vote.vote_id))).vote, owners


def objecting(vote_id: str, reason: str = "纸质票未计入", owner_key: str = "") -> funds_pb2.ObjectToVoteResultRequest:
    return funds_pb2.ObjectToVoteResultRequest(vote_id=vote_id, owner_key=owner_key, reason=reason)


async def test_V8_a_closed_vote_is_preliminary_for_seven_days_and_final_once_its_objections_are_answered(
    funds: Funds,
) -> None:
    vote, (li, wang, _) = await closed_vote(funds)
    assert vote.state == funds_pb2.VOTE_STATE_CLOSED and vote.result.passed
    assert vote.objection_deadline.ToDatetime() - vote.closed_at.ToDatetime() == dt.timedelta(days=7)
    [closed_event] = await funds.events(events_pb2.VoteClosed)
    assert closed_event.vote.objection_deadline == vote.objection_deadline

    # 李 objects as himself, his key taken from who he is; the organiser cannot finalise yet
    raised = await funds.call("ObjectToVoteResult", objecting(vote.vote_id), resident(li))
    assert (raised.objection.owner_key, raised.objection.raised_by, raised.objection.reason) == (li, li, "纸质票未计入")
    status, error = await refused(funds.call("FinaliseVote", funds_pb2.FinaliseVoteRequest(vote_id=vote.vote_id)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "objection_deadline", "V8")

    await funds.objection_period_passes(vote.vote_id)
    status, error = await refused(funds.call("ObjectToVoteResult", objecting(vote.vote_id), resident(wang)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "objection_deadline", "V8")
    status, error = await refused(funds.call("FinaliseVote", funds_pb2.FinaliseVoteRequest(vote_id=vote.vote_id)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "objections", "V8")

    answered = (await funds.call("AnswerVoteObjection", funds_pb2.AnswerVoteObjectionRequest(
        vote_id=vote.vote_id, objection_id=raised.objection.objection_id, answer="已复核：纸质票已计入"))).vote
    [objection] = answered.objections
    assert (objection.answer, objection.answered_by) == ("已复核：纸质票已计入", COMMUNITY_WORKER.user)
    final = (await funds.call("FinaliseVote", funds_pb2.FinaliseVoteRequest(vote_id=vote.vote_id))).vote
    assert final.state == funds_pb2.VOTE_STATE_FINAL and final.finalised_at.seconds > 0
    assert final.result == vote.result  # making it final changes no count
    [finalised] = await funds.events(events_pb2.VoteFinalised)
    assert finalised.vote.vote_id == vote.vote_id and finalised.vote.state == funds_pb2.VOTE_STATE_FINAL

    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(funds.call("FinaliseVote", funds_pb2.FinaliseVoteRequest(vote_id=vote.vote_id)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "state", "V8")
    assert await funds.counts(*VOTE_TABLES) == before


async def test_V8_A2_only_an_owner_of_the_electorate_objects_and_only_as_themselves(funds: Funds) -> None:
    vote, (li, wang, _) = await closed_vote(funds)
    stranger = await funds.registry.person("路人")
    before = await funds.counts(*VOTE_TABLES)
    for request, who, expected in (
        (objecting(vote.vote_id, owner_key=wang), resident(li), (grpc.StatusCode.PERMISSION_DENIED, "owner_key", "A2")),
        (objecting(vote.vote_id), resident(stranger), (grpc.StatusCode.FAILED_PRECONDITION, "owner_key", "V4")),
        (objecting(vote.vote_id, reason=" "), resident(li), (grpc.StatusCode.INVALID_ARGUMENT, "reason", "V8")),
        (objecting(vote.vote_id, owner_key=li), COMMUNITY_WORKER, (grpc.StatusCode.PERMISSION_DENIED, "", "role")),
    ):
        status, error = await refused(funds.call("ObjectToVoteResult", request, who))
        assert (status, error.field or "", error.rule) == expected, expected
    status, error = await refused(funds.call("AnswerVoteObjection", funds_pb2.AnswerVoteObjectionRequest(
        vote_id=vote.vote_id, objection_id="nope", answer="x")))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "objection_id")
    status, error = await refused(funds.call("FinaliseVote", funds_pb2.FinaliseVoteRequest(vote_id=vote.vote_id),
                                             ANXI_OFFICER))
    assert (status, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "scope")
    assert await funds.counts(*VOTE_TABLES) == before


async def test_V8_an_open_vote_takes_no_objection(funds: Funds) -> None:
    owner = (await funds.owners(1))[0]
    vote = (await funds.call("OpenVote", funds_pb2.OpenVoteRequest(
        compound_id=funds.compound, matter=funds_pb2.MATTER_PROPERTY_COMPANY, title="续聘物业"))).vote
    status, error = await refused(funds.call("ObjectToVoteResult", objecting(vote.vote_id), resident(owner)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "state", "V8")
