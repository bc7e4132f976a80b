"""Owners' electronic votes (V1–V7) over real gRPC, a real database and a real NATS server.

The exhaustive threshold boundaries are pinned down in tests/domain/test_funds_voting.py; these tests
follow the service path: the registry's roster at opening (each test registers 凤凰城's owners in the real
registry first), ballots, closing with the stored tally, events, and refusals that change nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from fractions import Fraction

import grpc
import sqlalchemy as sa
from google.protobuf import json_format
from sqlalchemy.ext.asyncio import create_async_engine

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    AUDITOR,
    COMMUNITY_WORKER,
    Funds,
    refused,
    resident,
)
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis.migrations import Migrations, migrate

YES, NO, ABSTAIN = funds_pb2.CHOICE_YES, funds_pb2.CHOICE_NO, funds_pb2.CHOICE_ABSTAIN
VOTE_TABLES = ("votes", "vote_roster_units", "ballots")


async def open_vote(funds: Funds, matter: int, *, building_ids: Sequence[str] = ()) -> funds_pb2.Vote:
    """A vote on 凤凰城's registry roster now (V4), limited to these building codes (V6)."""
    answer = await funds.call(
        "OpenVote",
        funds_pb2.OpenVoteRequest(
            compound_id=funds.compound, matter=matter, title="更换电梯",
            building_ids=[funds.building(code) for code in building_ids],
        ),
    )
    return answer.vote


async def cast(funds: Funds, vote_id: str, owner: str, choice: int, who=COMMUNITY_WORKER) -> funds_pb2.CastBallotResponse:
    """The owner's ballot: cast online by a resident, or entered on paper by a worker with its authorisation."""
    paper = f"授权书-{owner}" if "community_worker" in who.roles else ""
    request = funds_pb2.CastBallotRequest(vote_id=vote_id, owner_key=owner, choice=choice, authorisation_ref=paper)
    return await funds.call("CastBallot", request, who)


async def cast_many(funds: Funds, vote_id: str, owners: Sequence[str], yes: int, no: int, abstain: int = 0) -> None:
    """The first owners' ballots, in order: ``yes`` yes, then ``no`` no, then ``abstain`` abstentions."""
    for owner, choice in zip(owners, [YES] * yes + [NO] * no + [ABSTAIN] * abstain, strict=False):
        await cast(funds, vote_id, owner, choice)


async def close(funds: Funds, vote_id: str) -> funds_pb2.Vote:
    return (await funds.call("CloseVote", funds_pb2.CloseVoteRequest(vote_id=vote_id))).vote


def share(ratio: funds_pb2.Ratio) -> Fraction:
    return Fraction(ratio.numerator, ratio.denominator)


async def test_V3_worked_case_300_owners_30000_m2_end_to_end(funds: Funds) -> None:
    owners = await funds.owners(300)  # 100 m² each: 30,000 m²
    matter4 = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    matter6 = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND)
    assert (matter4.electorate.owners, matter4.electorate.area_dm2) == (300, 3_000_000)
    await cast_many(funds, matter4.vote_id, owners, yes=101, no=99)  # exactly 200 owners / 20,000 m² take part
    await cast_many(funds, matter6.vote_id, owners, yes=149, no=51)

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
    owners = await funds.owners(9)
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    await cast_many(funds, vote.vote_id, owners, yes=5, no=0)  # 5 of 9 owners < 2/3
    result = (await close(funds, vote.vote_id)).result
    assert result.outcome == funds_pb2.OUTCOME_QUORUM_FAILED and not result.passed


async def test_V2_V3_an_open_vote_reads_with_its_turnout_so_far_and_its_thresholds_never_its_choices(
    funds: Funds,
) -> None:
    first, _, third = await funds.owners(2, area_dm2=10_000) + await funds.owners(1, area_dm2=8_957)
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    unvoted = (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=vote.vote_id), AUDITOR)).vote
    assert (unvoted.turnout.owners, unvoted.turnout.area_dm2) == (0, 0) and unvoted.HasField("turnout")
    await cast(funds, vote.vote_id, first, NO)
    await cast(funds, vote.vote_id, first, YES)  # a replaced ballot: the owner has voted once (V7)
    await cast(funds, vote.vote_id, third, NO)
    running = (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=vote.vote_id), AUDITOR)).vote
    assert (running.turnout.owners, running.turnout.area_dm2) == (2, 18_957)
    assert (running.electorate.owners, running.electorate.area_dm2) == (3, 28_957)
    assert not running.HasField("result")  # how they voted stays uncounted until the close
    assert (share(running.quorum_share), running.quorum_share.percent) == (Fraction(2, 3), "66.7%")
    assert (share(running.approval_share), running.approval_share_inclusive) == (Fraction(1, 2), False)
    # a list carries each open vote's turnout as it stands, and the thresholds of every vote
    [listed] = (await funds.call("ListVotes", funds_pb2.ListVotesRequest(compound_id=funds.compound))).votes
    assert listed.turnout == running.turnout and share(listed.quorum_share) == Fraction(2, 3)
    closed = await close(funds, vote.vote_id)
    # the turnout kept ballot by ballot is the tally's participation counted from every stored ballot (V7)
    assert not closed.HasField("turnout") and closed.result.participating == running.turnout
    assert (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=vote.vote_id), AUDITOR)).vote == closed
    raising = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND)
    assert (share(raising.approval_share), raising.approval_share_inclusive) == (Fraction(3, 4), True)


async def test_V7_the_last_ballot_counts_until_close_and_a_ballot_after_close_changes_nothing(funds: Funds) -> None:
    first, second, third = await funds.owners(3)
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    await cast(funds, vote.vote_id, first, NO, resident(first))
    changed = await cast(funds, vote.vote_id, first, YES, resident(first))
    assert changed.choice == YES
    await cast(funds, vote.vote_id, second, YES)
    result = (await close(funds, vote.vote_id)).result
    assert (result.yes.owners, result.no.owners, result.participating.owners) == (2, 0, 2)

    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(cast(funds, vote.vote_id, third, NO))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V7" and error.field == "state"
    status, error = await refused(close(funds, vote.vote_id))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V7"
    assert await funds.counts(*VOTE_TABLES) == before
    stored = (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=vote.vote_id))).vote
    assert stored.result == result


async def test_V4_a_ballot_from_someone_who_is_not_an_owner_is_refused_and_changes_nothing(funds: Funds) -> None:
    first, second, _ = await funds.owners(3)
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    stranger = await funds.registry.person("路人")  # a registered person who owns nothing in 凤凰城
    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(cast(funds, vote.vote_id, stranger, YES))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "owner_key" and error.rule == "V4"
    status, error = await refused(cast(funds, vote.vote_id, second, YES, resident(first)))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.field == "owner_key"
    status, error = await refused(cast(funds, vote.vote_id, first, funds_pb2.CHOICE_UNSPECIFIED))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "choice"
    assert await funds.counts(*VOTE_TABLES) == before


async def test_V4_one_buyer_with_several_units_and_the_developer_stock_count_as_one_owner_each(funds: Funds) -> None:
    zhang, li = await funds.registry.person("张三"), await funds.registry.person("李四")
    for building, unit, area, owners in (
        ("b1", "101", 9_000, [zhang]), ("b2", "101", 11_000, [zhang]), ("b1", "102", 10_000, [li]),
        ("b1", "103", 7_000, []), ("b2", "102", 8_000, []),  # unsold: the developer's stock
    ):
        await funds.registry.household(funds.compound, building, unit, area, owners)
    vote = await open_vote(funds, funds_pb2.MATTER_OTHER_MAJOR)
    assert (vote.electorate.owners, vote.electorate.area_dm2) == (3, 45_000)
    await cast(funds, vote.vote_id, "developer", NO)
    await cast(funds, vote.vote_id, zhang, YES)
    result = (await close(funds, vote.vote_id)).result
    assert (result.no.owners, result.no.area_dm2) == (1, 15_000)
    assert (result.yes.owners, result.yes.area_dm2) == (1, 20_000)


async def test_V6_a_scoped_vote_counts_only_the_owners_of_its_buildings(funds: Funds) -> None:
    owners = await funds.owners(6, buildings=2)
    vote = await open_vote(funds, funds_pb2.MATTER_USE_MAINTENANCE_FUND, building_ids=["b2"])
    # the 1st, 3rd and 5th owner live in b2
    assert list(vote.building_ids) == [funds.building("b2")] and vote.electorate.owners == 3
    status, error = await refused(cast(funds, vote.vote_id, owners[1], YES))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V6"
    status, error = await refused(open_vote(funds, funds_pb2.MATTER_USE_MAINTENANCE_FUND, building_ids=["b9"]))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "building_ids"


async def test_V5_follow_the_majority_is_a_compound_setting_recording_real_and_added_votes(funds: Funds) -> None:
    owners = await funds.owners(9)
    await funds.configure(follow_majority=True)
    with_clause = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND)
    await funds.configure(follow_majority=False)  # a running vote keeps the setting it opened with
    without = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND)
    for vote in (with_clause, without):
        await cast_many(funds, vote.vote_id, owners, yes=4, no=2)  # quorate (6 of 9); 4/6 real yes < 3/4
    added = (await close(funds, with_clause.vote_id)).result
    assert added.follow_majority and added.passed
    assert (added.yes.owners, added.participating.owners) == (4, 6)  # real votes kept apart
    assert added.added_side == YES and (added.added.owners, added.added.area_dm2) == (3, 30_000)
    assert share(added.yes_owner_share) == Fraction(7, 9)
    plain = (await close(funds, without.vote_id)).result
    assert not plain.follow_majority and not plain.passed and plain.added.owners == 0


async def test_V7_a_tally_stored_in_the_earlier_protobuf_json_form_reads_back_unchanged(funds: Funds) -> None:
    owners = await funds.owners(9)
    await funds.configure(follow_majority=True)
    added = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND)
    failed = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    await cast_many(funds, added.vote_id, owners, yes=4, no=2)
    await cast_many(funds, failed.vote_id, owners, yes=1, no=0)
    for vote in (added, failed):  # V5 votes added to a side; a failed quorum leaves its defaults out
        result = (await close(funds, vote.vote_id)).result
        await funds.execute(
            "UPDATE votes SET result = :stored WHERE vote_id = :vote_id",
            stored=json_format.MessageToJson(result), vote_id=vote.vote_id,
        )
        stored = (await funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=vote.vote_id))).vote
        assert stored.result == result


async def test_V1_an_unknown_matter_is_refused_naming_the_field_and_changes_nothing(funds: Funds) -> None:
    await funds.owners(3)
    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(open_vote(funds, 10))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "matter" and error.rule == "V1"
    status, error = await refused(open_vote(funds, funds_pb2.MATTER_UNSPECIFIED))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "matter"
    assert await funds.counts(*VOTE_TABLES) == before


async def test_A4_V4_an_electorate_a_client_sends_is_refused_and_opens_nothing(funds: Funds) -> None:
    """A register extract in the request once replaced the registry's roster; now the registry's is the only one."""
    owner = (await funds.owners(1))[0]
    sent = [funds_pb2.RosterUnit(unit_id=funds.household("u-001"), owner_key=owner, building_id=funds.building("b1"),
                                 area_dm2=10_000)]
    before = await funds.counts(*VOTE_TABLES, "compounds")
    status, error = await refused(funds.call("OpenVote", funds_pb2.OpenVoteRequest(
        compound_id=funds.compound, matter=funds_pb2.MATTER_PROPERTY_COMPANY, title="续聘物业", roster=sent)))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "roster", "A4")
    assert await funds.counts(*VOTE_TABLES, "compounds") == before


async def test_votes_are_scoped_to_the_callers_jurisdiction(funds: Funds) -> None:
    first_owner, _, _ = await funds.owners(3)
    first = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    second = await open_vote(funds, funds_pb2.MATTER_OTHER_MAJOR)
    before = await funds.counts(*VOTE_TABLES)
    status, error = await refused(
        funds.call("OpenVote", funds_pb2.OpenVoteRequest(compound_id=funds.compound, matter=4, title="x"), ANXI_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, _ = await refused(funds.call("GetVote", funds_pb2.GetVoteRequest(vote_id=first.vote_id), ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, _ = await refused(cast(funds, first.vote_id, first_owner, YES, AUDITOR))
    assert status == grpc.StatusCode.PERMISSION_DENIED  # inspectors read, they do not vote
    assert await funds.counts(*VOTE_TABLES) == before
    listed = await funds.call("ListVotes", funds_pb2.ListVotesRequest(compound_id=funds.compound), AUDITOR)
    assert [vote.vote_id for vote in listed.votes] == [second.vote_id, first.vote_id]  # newest first


async def test_A2_co_owners_cast_their_unit_s_one_ballot_and_paper_ballots_need_an_authorisation(
    funds: Funds,
) -> None:
    wang_id, xu_id = await funds.registry.person("王文斌"), await funds.registry.person("许志强")
    await funds.registry.household(funds.compound, "b1", "100", 10_000, [wang_id, xu_id])  # one owner (V4)
    joint = await funds.registry.owner_key(funds.compound, {wang_id, xu_id})
    _, second, third = [joint, *await funds.owners(2)]
    vote = await open_vote(funds, funds_pb2.MATTER_PROPERTY_COMPANY)
    wang, xu = resident(joint, person_id=wang_id), resident(joint, person_id=xu_id)
    first = await cast(funds, vote.vote_id, joint, NO, wang)
    last = await cast(funds, vote.vote_id, joint, YES, xu)
    assert (first.cast_by, last.cast_by, last.authorisation_ref) == (wang_id, xu_id, "")
    entered = await cast(funds, vote.vote_id, second, YES)
    assert (entered.cast_by, entered.authorisation_ref) == ("cw-1", f"授权书-{second}")

    before = await funds.counts(*VOTE_TABLES)
    no_authorisation = funds_pb2.CastBallotRequest(vote_id=vote.vote_id, owner_key=third, choice=YES)
    status, error = await refused(funds.call("CastBallot", no_authorisation, COMMUNITY_WORKER))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "authorisation_ref", "A2")
    online_with_paper = funds_pb2.CastBallotRequest(vote_id=vote.vote_id, owner_key=joint, choice=NO,
                                                    authorisation_ref="授权书-1")
    status, error = await refused(funds.call("CastBallot", online_with_paper, wang))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "authorisation_ref")
    status, error = await refused(cast(funds, vote.vote_id, third, YES, wang))
    assert (status, error.field, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "owner_key", "A2")
    assert await funds.counts(*VOTE_TABLES) == before

    result = (await close(funds, vote.vote_id)).result
    # the joint unit counts once, with the co-owner's last ballot; the paper ballot is counted and listed apart
    assert (result.yes.owners, result.no.owners, result.on_paper.owners) == (2, 0, 1)
    assert result.on_paper.area_dm2 == 10_000


async def test_A5_V6_a_resident_lists_only_the_votes_they_are_a_voter_in_with_their_weight_and_counting_choice(
    funds: Funds,
) -> None:
    first, second = await funds.owners(2, area_dm2=12_345, buildings=2)  # the 1st in b2, the 2nd in b1
    whole = await open_vote(funds, funds_pb2.MATTER_RAISE_MAINTENANCE_FUND)
    scoped = await open_vote(funds, funds_pb2.MATTER_USE_MAINTENANCE_FUND, building_ids=["b2"])
    await cast(funds, whole.vote_id, first, NO, resident(first))
    await cast(funds, whole.vote_id, first, YES, resident(first))

    mine = (await funds.call("ListMyVotes", funds_pb2.ListMyVotesRequest(), resident(first))).votes
    assert [(v.vote.vote_id, v.owner_key, v.area_dm2, v.choice) for v in mine] == sorted([
        (whole.vote_id, first, 12_345, YES), (scoped.vote_id, first, 12_345, funds_pb2.CHOICE_UNSPECIFIED),
    ], reverse=True)
    supermajority = next(v for v in mine if v.vote.vote_id == whole.vote_id)
    assert (supermajority.approval_share.percent, supermajority.approval_share_inclusive) == ("75.0%", True)
    # the second owner's unit is outside the scoped vote's building (V6)
    theirs = (await funds.call("ListMyVotes", funds_pb2.ListMyVotesRequest(), resident(second))).votes
    assert [v.vote.vote_id for v in theirs] == [whole.vote_id]

    await close(funds, whole.vote_id)
    await funds.objection_period_passes(whole.vote_id)
    await funds.call("FinaliseVote", funds_pb2.FinaliseVoteRequest(vote_id=whole.vote_id))
    assert [v.vote.vote_id for v in (await funds.call(
        "ListMyVotes", funds_pb2.ListMyVotesRequest(), resident(second))).votes] == []
    assert [v.vote.state for v in (await funds.call(
        "ListMyVotes", funds_pb2.ListMyVotesRequest(include_final=True), resident(second))).votes] == [
        funds_pb2.VOTE_STATE_FINAL]
    status, _ = await refused(funds.call("ListMyVotes", funds_pb2.ListMyVotesRequest(), COMMUNITY_WORKER))
    assert status == grpc.StatusCode.PERMISSION_DENIED


async def test_V2_the_upgrade_counts_the_turnout_of_the_votes_open_now(database_url: str) -> None:
    """Migration 0012 on votes cast before it: an open vote's turnout is its owners with a ballot and their
    area in the vote's buildings (V4, V6: the developer's stock is one owner, units outside the scope
    weigh nothing), a changed ballot counts once (V7); a closed vote keeps its stored tally."""
    migrations = Migrations("wuye_funds:migrations")
    await asyncio.to_thread(migrate, database_url, migrations, "0011")
    roster = [("u1", "zhang", "b1", 9_000, False), ("u2", "zhang", "b2", 11_000, False), ("u3", "li", "b1", 10_000, False),
              ("u4", "", "b1", 7_000, True), ("u5", "wang", "b1", 8_000, True), ("u6", "zhao", "b1", 6_000, False)]
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(sa.text(
                "INSERT INTO compounds (compound_id, jurisdiction_path, follow_majority, updated_at) "
                "VALUES ('c1', '/c', false, CURRENT_TIMESTAMP)"))
            for vote_id, scope, state in (("open-b1", '["b1"]', "open"), ("open-all", None, "open"), ("closed", None, "closed")):
                await connection.execute(sa.text(
                    "INSERT INTO votes (vote_id, compound_id, jurisdiction_path, matter, title, building_scope, "
                    "follow_majority, electorate_owners, electorate_area_dm2, state, opened_at) VALUES (:vote, 'c1', '/c', "
                    "9, 't', :scope, false, 4, 51000, :state, CURRENT_TIMESTAMP)"), {"vote": vote_id, "scope": scope, "state": state})
                for unit_id, owner_key, building_id, area, unsold in roster:
                    await connection.execute(sa.text(
                        "INSERT INTO vote_roster_units (vote_id, unit_id, owner_key, building_id, area_dm2, developer_unsold) "
                        "VALUES (:vote, :unit, :owner, :building, :area, :unsold)"),
                        {"vote": vote_id, "unit": unit_id, "owner": owner_key, "building": building_id, "area": area,
                         "unsold": unsold})
                for sequence, owner_key in enumerate(("zhang", "developer", "zhang"), start=1):
                    await connection.execute(sa.text(
                        "INSERT INTO ballots (vote_id, sequence, owner_key, choice, cast_at) "
                        "VALUES (:vote, :sequence, :owner, 'yes', CURRENT_TIMESTAMP)"),
                        {"vote": vote_id, "sequence": sequence, "owner": owner_key})
        await asyncio.to_thread(migrate, database_url, migrations)
        async with engine.connect() as connection:
            turnouts = {vote_id: (owners, area) for vote_id, owners, area in await connection.execute(sa.text(
                "SELECT vote_id, turnout_owners, turnout_area_dm2 FROM votes"))}
    finally:
        await engine.dispose()
    assert turnouts == {"open-b1": (2, 9_000 + 15_000), "open-all": (2, 20_000 + 15_000), "closed": (0, 0)}
