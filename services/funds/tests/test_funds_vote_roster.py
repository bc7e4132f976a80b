"""V4/V7 and A4 with the real registry: a vote's electorate is the registry roster at opening, kept with the
vote; a compound lies where the registry places it; an account's households are the registry's.

Both services run in this process over real gRPC, each on its own database, with a real NATS server.
"""

from __future__ import annotations

import grpc

from services.funds.tests.funds_support import COMMUNITY, COMMUNITY_WORKER, Funds, refused
from wuye.funds.v1 import funds_pb2
from wuye.registry.v1 import registry_pb2


async def owner(funds: Funds, building: str, unit: str, name: str) -> tuple[str, str]:
    """A new person owning a new 100 m² unit of 凤凰城; returns (person id, household id)."""
    person = await funds.registry.person(name)
    return person, await funds.registry.household(funds.compound, building, unit, 10_000, [person])


async def test_V4_the_electorate_is_the_registry_roster_at_opening_and_later_changes_do_not_reach_a_running_vote(
    funds: Funds,
) -> None:
    zhang, _ = await owner(funds, "B1", "101", "张三")
    li, _ = await owner(funds, "B1", "102", "李四")
    wang, wangs_unit = await owner(funds, "B1", "103", "王五")

    running = (
        await funds.call("OpenVote", funds_pb2.OpenVoteRequest(compound_id=funds.compound, matter=4, title="续聘物业"))
    ).vote
    assert (running.electorate.owners, running.electorate.area_dm2) == (3, 30_000)

    # after opening: 王五 sells his unit to 张三, and a newcomer buys a new unit
    await funds.registry.call(
        "SetHouseholdOwners",
        registry_pb2.SetHouseholdOwnersRequest(household_id=wangs_unit, owners=[registry_pb2.OwnerShare(person_id=zhang, share="1")]),
    )
    newcomer, _ = await owner(funds, "B1", "104", "赵六")
    status, error = await refused(
        funds.call("CastBallot", funds_pb2.CastBallotRequest(vote_id=running.vote_id, owner_key=newcomer, choice=funds_pb2.CHOICE_YES, authorisation_ref="授权书-1"))
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "V4"
    for voter in (wang, li):  # 王五 still votes in the vote that opened while he owned the unit
        await funds.call("CastBallot", funds_pb2.CastBallotRequest(vote_id=running.vote_id, owner_key=voter, choice=funds_pb2.CHOICE_YES, authorisation_ref="授权书-1"))
    result = (await funds.call("CloseVote", funds_pb2.CloseVoteRequest(vote_id=running.vote_id))).vote.result
    assert (result.electorate.owners, result.yes.owners, result.passed) == (3, 2, True)

    later = (
        await funds.call("OpenVote", funds_pb2.OpenVoteRequest(compound_id=funds.compound, matter=4, title="选聘物业"))
    ).vote
    assert (later.electorate.owners, later.electorate.area_dm2) == (3, 40_000)  # 张三 (2 units), 李四, 赵六


async def test_V4_A4_a_compound_the_registry_does_not_know_is_refused_and_opens_nothing(funds: Funds) -> None:
    for method, request, field in (
        ("ConfigureCompound", funds_pb2.ConfigureCompoundRequest(compound=funds_pb2.Compound(compound_id="ghost-compound-1")),
         "compound_id"),
        ("OpenVote", funds_pb2.OpenVoteRequest(compound_id="ghost-compound-1", matter=4, title="x"), "compound_id"),
        ("OpenMaintenanceAccount", funds_pb2.OpenMaintenanceAccountRequest(
            compound_id="ghost-compound-1", rate_fen_per_m2=3_000, construction_cost_fen_per_m2=50_000), "compound_id"),
    ):
        status, error = await refused(funds.call(method, request, COMMUNITY_WORKER))
        assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, field), method
    assert await funds.counts("compounds", "votes", "vote_roster_units", "maintenance_accounts") == {
        "compounds": 0, "votes": 0, "vote_roster_units": 0, "maintenance_accounts": 0, "outbox": 0,
    }


async def test_A4_funds_place_a_compound_where_the_registry_does_and_need_no_settings_call(funds: Funds) -> None:
    # no ConfigureCompound: the registry's compound is usable at once, the clause off (V5)
    settings = (await funds.call("GetCompound", funds_pb2.GetCompoundRequest(compound_id=funds.compound))).compound
    assert (settings.jurisdiction_path, settings.follow_majority) == (COMMUNITY, False)
    assert (await funds.configure(follow_majority=True)).jurisdiction_path == COMMUNITY
    before = await funds.counts("compounds")
    status, error = await refused(funds.call("ConfigureCompound", funds_pb2.ConfigureCompoundRequest(
        compound=funds_pb2.Compound(compound_id=funds.compound, jurisdiction_path="350500/350524"))))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and (error.field, error.rule) == ("compound.jurisdiction_path", "A4")
    assert await funds.counts("compounds") == before
    assert (await funds.call("GetCompound", funds_pb2.GetCompoundRequest(compound_id=funds.compound))).compound.follow_majority


async def test_A4_F2_an_account_is_opened_from_the_registry_roster_never_from_a_client_list(funds: Funds) -> None:
    request = funds_pb2.OpenMaintenanceAccountRequest(
        compound_id=funds.compound, rate_fen_per_m2=3_000, construction_cost_fen_per_m2=50_000,
    )
    status, error = await refused(funds.call("OpenMaintenanceAccount", request))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and (error.field, error.rule) == ("compound_id", "F2")
    await funds.register_households({"h-101": ("b1", 10_000), "h-102": ("b2", 8_950)})
    invented = funds_pb2.OpenMaintenanceAccountRequest()
    invented.CopyFrom(request)
    invented.households.add(household_id="h-invented", building_id="b1", area_dm2=1_000_000)
    status, error = await refused(funds.call("OpenMaintenanceAccount", invented))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and (error.field, error.rule) == ("households", "A4")
    assert await funds.counts("maintenance_accounts", "sub_accounts") == {
        "maintenance_accounts": 0, "sub_accounts": 0, "outbox": 0,
    }
    account = (await funds.call("OpenMaintenanceAccount", request)).account
    assert {(funds.name_of(sub.household_id), sub.building_id, sub.area_dm2, sub.first_deposit_fen)
            for sub in account.sub_accounts} == {
        ("h-101", funds.building("b1"), 10_000, 300_000), ("h-102", funds.building("b2"), 8_950, 268_500),
    }
