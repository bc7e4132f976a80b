"""Owners' electronic votes (V1–V7) over real gRPC, a real database and a real NATS server.

The exhaustive threshold boundaries are pinned down in tests/domain/test_funds_voting.py; these tests
follow the service path: roster snapshot at opening, ballots, closing with the stored tally, events, and
refusals that change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import grpc
from google.protobuf import json_format

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    AUDITOR,
    COMMUNITY_WORKER,
    Funds,
    refused,
    resident,
)
from wuye.funds.v1 import events_pb2, funds_pb2

YES, NO, ABSTAIN = funds_pb2.CHOICE_YES, funds_pb2.CHOICE_NO, funds_pb2.CHOICE_ABSTAIN
VOTE_TABLES = ("votes", "vote_roster_units", "ballots")


def roster(owners: int, *, area_dm2: int = 10_000, buildings: int = 1) -> list[funds_pb2.RosterUnit]:
    """``owners`` owners with one unit each, spread over ``buildings`` buildings."""
    return [
        funds_pb2.RosterUnit(
            unit_id=f"u-{n:03d}", owner_key=f"o-{n:03d}", building_id=f"b{n % buildings + 1}", area_dm2=area_dm2
        )
        for n in range(1, owners + 1)
    ]


async def open_vote(
    funds: Funds, matter: int, units: Sequence[funds_pb2.RosterUnit], *, building_ids: Sequence[str] = ()
) -> funds_pb2.Vote:
    answer = await funds.call(
        "OpenVote",
        funds_pb2.OpenVoteRequest(
            compound_id=funds.compound, matter=matter, title="更换电梯", building_ids=building_ids, roster=units
        ),
    )
    return answer.vote


async def cast(funds: Funds, vote_id: str, owner: str, choice: int, who=COMMUNITY_WORKER) -> funds_pb2.CastBallotResponse:
    """The owner's ballot: cast online by a resident, or entered on paper by a worker with its authorisation."""
    paper = f"授权书-{owner}" if "community_worker" in who.roles else ""
    request = funds_pb2.CastBallotRequest(vote_id=vote_id, owner_key=owner, choice=choice, authorisation_ref=paper)
    return await funds.call("CastBallot", request, who)


async def cast_many(funds: Funds, vote_id: str, yes: int, no: int, abstain: int = 0) -> None:
    choices = [YES] * yes + [NO] * no + [ABSTAIN] * abstain
    for n, choice in enumerate(choices, start=1):
        await cast(funds, vote_id, f"o-{n:03d}", choice)


async def close(funds: Funds, vote_id: str) -> funds_pb2.Vote:
    return (await funds.call("CloseVote", funds_pb2.CloseVoteRequest(vote_id=vote_id))).vote


def share(ratio: funds_pb2.Ratio) -> Fraction:
    return Fraction(ratio.numerator, ratio.denominator)


async def test_V3_worked_case_300_owners_30000_m2_end_to_end(funds: Funds) -> None:
    await funds.configure()
    units = roster(300)  # 100 m² each: 30,000 m²
    matter4 = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY, units)
    matter6 = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND, units)
    assert (matter4.electorate.owners, matter4.electorate.area_dm2) == (300, 3_000_000)
    await cast_many(funds, matter4.vote_id, yes=101, no=99)  # exactly 200 owners / 20,000 m² take part
    await cast_many(funds, matter6.vote_id, yes=149, no=51)

    passed = await close(funds, matter4.vote_id)
    assert passed.state == funds_pb2.VOTE_STATE_CLOSED and passed.result.passed
    assert passed.result.outcome == funds_pb2.OUTCOME_APPROVED
    assert share(passed.result.participating_owner_share) == Fraction(2, 3)
    assert share(passed.result.participating_area_share) == Fraction(2, 3)
    assert share(passed.result.yes_owner_share) == Fraction(101, 200)
    assert (passed.result.yes.owners, passed.result.yes.area_dm2) == (101, 1_010_000)

    rejected = await close(funds, matter6.vote_id)  # matter 6 needs ≥ 150 owners and ≥ 15,000 m²
    assert not rejected.result.passed and rejected.result.outcome == funds_pb2.OUTCOME_REJECTED

    stored = (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=matter4.vote_id), AUDITOR)).vote
    assert stored.result == passed.result
    opened = await funds.events(events_pb2.VoteOpened)
    closed = await funds.events(events_pb2.VoteClosed)
    assert [event.vote.vote_id for event in opened] == [matter4.vote_id, matter6.vote_id]
    assert [(event.vote.vote_id, event.vote.result.passed) for event in closed] == [
        (matter4.vote_id, True),
        (matter6.vote_id, False),
    ]


async def test_V2_too_few_participants_fail_for_lack_of_quorum(funds: Funds) -> None:
    await funds.configure()
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY, roster(9))
    await cast_many(funds, vote.vote_id, yes=5, no=0)  # 5 of 9 owners < 2/3
    result = (await close(funds, vote.vote_id)).result
    assert result.outcome == funds_pb2.OUTCOME_QUORUM_FAILED and not result.passed


async def test_V7_the_last_ballot_counts_until_close_and_a_ballot_after_close_changes_nothing(funds: Funds) -> None:
    await funds.configure()
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY, roster(3))
    await cast(funds, vote.vote_id, "o-001", NO, resident("o-001"))
    changed = await cast(funds, vote.vote_id, "o-001", YES, resident("o-001"))
    assert changed.choice == YES
    await cast(funds, vote.vote_id, "o-002", YES)
    result = (await close(funds, vote.vote_id)).result
    assert (result.yes.owners, result.no.owners, result.participating.owners) == (2, 0, 2)

    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(cast(funds, vote.vote_id, "o-003", NO))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V7" and error.field == "state"
    status, error = await refused(close(funds, vote.vote_id))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V7"
    assert await funds.counts(*VOTE_TABLES) == before
    stored = (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=vote.vote_id))).vote
    assert stored.result == result


async def test_V4_a_ballot_from_someone_who_is_not_an_owner_is_refused_and_changes_nothing(funds: Funds) -> None:
    await funds.configure()
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY, roster(3))
    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(cast(funds, vote.vote_id, "stranger", YES))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "owner_key" and error.rule == "V4"
    status, error = await refused(cast(funds, vote.vote_id, "o-002", YES, resident("o-001")))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.field == "owner_key"
    status, error = await refused(cast(funds, vote.vote_id, "o-001", funds_pb2.CHOICE_UNSPECIFIED))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "choice"
    assert await funds.counts(*VOTE_TABLES) == before


async def test_V4_one_buyer_with_several_units_and_the_developer_stock_count_as_one_owner_each(funds: Funds) -> None:
    await funds.configure()
    units = [
        funds_pb2.RosterUnit(unit_id="u-1", owner_key="zhang", building_id="b1", area_dm2=9_000),
        funds_pb2.RosterUnit(unit_id="u-2", owner_key="zhang", building_id="b2", area_dm2=11_000),
        funds_pb2.RosterUnit(unit_id="u-3", owner_key="li", building_id="b1", area_dm2=10_000),
        funds_pb2.RosterUnit(unit_id="u-4", building_id="b1", area_dm2=7_000, developer_unsold=True),
        funds_pb2.RosterUnit(unit_id="u-5", building_id="b2", area_dm2=8_000, developer_unsold=True),
    ]
    vote = await open_vote(funds, funds_pb2.MATTER_OTHER_MAJOR, units)
    assert (vote.electorate.owners, vote.electorate.area_dm2) == (3, 45_000)
    await cast(funds, vote.vote_id, "developer", NO)
    await cast(funds, vote.vote_id, "zhang", YES)
    result = (await close(funds, vote.vote_id)).result
    assert (result.no.owners, result.no.area_dm2) == (1, 15_000)
    assert (result.yes.owners, result.yes.area_dm2) == (1, 20_000)


async def test_V6_a_scoped_vote_counts_only_the_owners_of_its_buildings(funds: Funds) -> None:
    await funds.configure()
    vote = await open_vote(funds, funds_pb2.MATTER_USE_MAINTENANCE_FUND, roster(6, buildings=2), building_ids=["b2"])
    assert list(vote.building_ids) == ["b2"] and vote.electorate.owners == 3  # o-001, o-003, o-005
    status, error = await refused(cast(funds, vote.vote_id, "o-002", YES))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V6"
    status, error = await refused(
        open_vote(funds, funds_pb2.MATTER_USE_MAINTENANCE_FUND, roster(6, buildings=2), building_ids=["b9"])
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "building_ids"


async def test_V5_follow_the_majority_is_a_compound_setting_recording_real_and_added_votes(funds: Funds) -> None:
    await funds.configure(follow_majority=True)
    with_clause = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND, roster(9))
    await funds.configure(follow_majority=False)  # a running vote keeps the setting it opened with
    without = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND, roster(9))
    for vote in (with_clause, without):
        await cast_many(funds, vote.vote_id, yes=4, no=2)  # quorate (6 of 9); 4/6 real yes < 3/4
    added = (await close(funds, with_clause.vote_id)).result
    assert added.follow_majority and added.passed
    assert (added.yes.owners, added.participating.owners) == (4, 6)  # real votes kept apart
    assert added.added_side == YES and (added.added.owners, added.added.area_dm2) == (3, 30_000)
    assert share(added.yes_owner_share) == Fraction(7, 9)
    plain = (await close(funds, without.vote_id)).result
    assert not plain.follow_majority and not plain.passed and plain.added.owners == 0


async def test_V7_a_tally_stored_in_the_earlier_protobuf_json_form_reads_back_unchanged(funds: Funds) -> None:
    await funds.configure(follow_majority=True)
    added = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND, roster(9))
    failed = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY, roster(9))
    await cast_many(funds, added.vote_id, yes=4, no=2)
    await cast_many(funds, failed.vote_id, yes=1, no=0)
    for vote in (added, failed):  # V5 votes added to a side; a failed quorum leaves its defaults out
        result = (await close(funds, vote.vote_id)).result
        await funds.execute(
            "UPDATE votes SET result = :stored WHERE vote_id = :vote_id",
            stored=json_format.MessageToJson(result), vote_id=vote.vote_id,
        )
        stored = (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=vote.vote_id))).vote
        assert stored.result == result


async def test_V1_an_unknown_matter_is_refused_naming_the_field_and_changes_nothing(funds: Funds) -> None:
    await funds.configure()
    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(open_vote(funds, 10, roster(3)))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "matter" and error.rule == "V1"
    status, error = await refused(open_vote(funds, funds_pb2.MATTER_UNSPECIFIED, roster(3)))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "matter"
    assert await funds.counts(*VOTE_TABLES) == before


async def test_votes_are_scoped_to_the_callers_jurisdiction(funds: Funds) -> None:
    await funds.configure()
    first = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY, roster(3))
    second = await open_vote(funds, funds_pb2.MATTER_OTHER_MAJOR, roster(3))
    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(
        funds.call(
            "OpenVote",
            funds_pb2.OpenVoteRequest(compound_id=funds.compound, matter=4, title="x", roster=roster(3)),
            ANXI_OFFICER,
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, _ = await refused(funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=first.vote_id), ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, _ = await refused(cast(funds, first.vote_id, "o-001", YES, AUDITOR))
    assert status == grpc.StatusCode.PERMISSION_DENIED  # inspectors read, they do not vote
    assert await funds.counts(*VOTE_TABLES) == before
    listed = await funds.call("ListVotes", funds_pb2.ListVotesRequest(compound_id=funds.compound), AUDITOR)
    assert [vote.vote_id for vote in listed.votes] == [second.vote_id, first.vote_id]  # newest first


async def test_A2_co_owners_cast_their_unit_s_one_ballot_and_paper_ballots_need_an_authorisation(
    funds: Funds,
) -> None:
    await funds.configure()
    units = roster(3)
    units[0].owner_key = "joint-wang-xu"  # 王 and 许 own unit u-001 together: one owner (V4)
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY, units)
    wang, xu = resident("joint-wang-xu", person_id="wang"), resident("joint-wang-xu", person_id="xu")
    first = await cast(funds, vote.vote_id, "joint-wang-xu", NO, wang)
    last = await cast(funds, vote.vote_id, "joint-wang-xu", YES, xu)
    assert (first.cast_by, last.cast_by, last.authorisation_ref) == ("wang", "xu", "")
    entered = await cast(funds, vote.vote_id, "o-002", YES)
    assert (entered.cast_by, entered.authorisation_ref) == ("cw-1", "授权书-o-002")

    before = await funds.counts(*VOTE_TABLES)
    no_authorisation = funds_pb2.CastBallotRequest(vote_id=vote.vote_id, owner_key="o-003", choice=YES)
    status, error = await refused(funds.call("CastBallot", no_authorisation, COMMUNITY_WORKER))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "authorisation_ref", "A2")
    online_with_paper = funds_pb2.CastBallotRequest(vote_id=vote.vote_id, owner_key="joint-wang-xu", choice=NO,
                                                    authorisation_ref="授权书-1")
    status, error = await refused(funds.call("CastBallot", online_with_paper, wang))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "authorisation_ref")
    status, error = await refused(cast(funds, vote.vote_id, "o-003", YES, wang))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "owner_key", "A2")
    assert await funds.counts(*VOTE_TABLES) == before

    result = (await close(funds, vote.vote_id)).result
    # the joint unit counts once, with the co-owner's last ballot; the paper ballot is counted and listed apart
    assert (result.yes.owners, result.no.owners, result.on_paper.owners) == (2, 0, 1)
    assert result.on_paper.area_dm2 == 10_000
