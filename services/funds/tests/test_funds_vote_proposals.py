"""R4 → V1: the ratings service's ContractEndAdvised becomes matter-4 vote proposals, over real NATS and gRPC."""

from __future__ import annotations

import grpc

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    COMMUNITY,
    COMMUNITY_WORKER,
    COUNTY_OFFICER,
    Funds,
    refused,
    resident,
)
from tests.support import eventually
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye.ratings.v1 import events_pb2 as ratings_events
from wuye_chassis.bus import EventHeaders, event_type_of
from wuye_chassis.db import utcnow
from wuye_chassis.ids import new_id

COUNTY = "350500/350521"
UNCONFIGURED = "xinyuan-estate"
CONSUMER = "funds-contract-end-advice"
def advice(funds: Funds) -> ratings_events.ContractEndAdvised:
    """The ratings service's advice for 凤凰城 (named twice) and a compound funds has no records of."""
    return ratings_events.ContractEndAdvised(
        company_id="company-7", quarter="2026-Q2", jurisdiction_path=COUNTY,
        compound_ids=[funds.compound, UNCONFIGURED, funds.compound], black_quarters=["2026-Q1", "2026-Q2"], matter=4,
    )


async def announce(funds: Funds, event: ratings_events.ContractEndAdvised, event_id: str, *, message_id: str = "") -> None:
    """Publish the event the way the ratings outbox relay does; ``message_id`` defeats JetStream's own
    de-duplication so that a redelivery reaches the inbox."""
    headers = EventHeaders(event_id, event_type_of(event), "/wuye/ratings", utcnow(), event.company_id).to_nats()
    if message_id:
        headers["Nats-Msg-Id"] = message_id
    await funds.app.runtime.bus.js.publish(event_type_of(event), event.SerializeToString(), headers=headers)


async def proposals(funds: Funds, who=COUNTY_OFFICER, path: str = COUNTY, state: int = 0) -> list[funds_pb2.VoteProposal]:
    request = funds_pb2.ListVoteProposalsRequest(jurisdiction_path=path, state=state)
    return list((await funds.call("ListVoteProposals", request, who)).proposals)


async def advised(funds: Funds) -> list[funds_pb2.VoteProposal]:
    await funds.configure()
    event_id = new_id()
    await announce(funds, advice(funds), event_id)
    await eventually(lambda: funds.count("vote_proposals"))
    # the same event delivered again, past JetStream's de-duplication: the inbox applies it once
    await announce(funds, advice(funds), event_id, message_id=new_id())
    await eventually(lambda: everything_acked(funds))
    return await proposals(funds)


async def everything_acked(funds: Funds) -> bool:
    runtime = funds.app.runtime
    info = await runtime.bus.js.consumer_info(runtime.settings.nats_stream, CONSUMER)
    return info.num_pending == 0 and info.num_ack_pending == 0


async def test_R4_contract_end_advice_makes_one_pending_matter_4_proposal_per_compound(funds: Funds) -> None:
    found = await advised(funds)
    assert sorted((p.compound_id, p.jurisdiction_path) for p in found) == [(funds.compound, COMMUNITY), (UNCONFIGURED, COUNTY)]
    assert {(p.matter, p.state, p.company_id, p.quarter) for p in found} == {
        (funds_pb2.MATTER_PROPERTY_COMPANY, funds_pb2.PROPOSAL_STATE_PENDING, "company-7", "2026-Q2")
    }
    assert all("owners advised to end the contract" in p.title for p in found)
    assert await funds.count("vote_proposals") == 2  # applied once although delivered twice
    # the registry's own events reach funds' copy of the register through other consumers
    assert await funds.rows(f"SELECT count(*) FROM inbox WHERE consumer = '{CONSUMER}'") == [(1,)]
    # a community worker sees the proposals of their own community only
    assert [p.compound_id for p in await proposals(funds, COMMUNITY_WORKER, COMMUNITY)] == [funds.compound]
    status, error = await refused(proposals(funds, ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"


async def test_V1_a_proposal_opens_once_as_a_real_matter_4_vote(funds: Funds) -> None:
    owner, _, _ = await funds.owners(3)
    [proposal] = [p for p in await advised(funds) if p.compound_id == funds.compound]
    sent = funds_pb2.OpenProposedVoteRequest(proposal_id=proposal.proposal_id, roster=[funds_pb2.RosterUnit(
        unit_id=funds.household("u-001"), owner_key=owner, building_id=funds.building("b1"), area_dm2=10_000)])
    untouched = await funds.counts("votes", "vote_proposals")
    status, error = await refused(funds.call("OpenProposedVote", sent))  # A4: the electorate is the registry's
    assert status == grpc.StatusCode.INVALID_ARGUMENT and (error.field, error.rule) == ("roster", "A4")
    assert await funds.counts("votes", "vote_proposals") == untouched
    answer = await funds.call("OpenProposedVote", funds_pb2.OpenProposedVoteRequest(proposal_id=proposal.proposal_id))
    assert answer.vote.matter == funds_pb2.MATTER_PROPERTY_COMPANY and answer.vote.compound_id == funds.compound
    assert answer.vote.electorate.owners == 3 and answer.vote.title == proposal.title
    assert (answer.proposal.state, answer.proposal.vote_id) == (funds_pb2.PROPOSAL_STATE_OPENED, answer.vote.vote_id)
    [opened] = await funds.events(events_pb2.VoteOpened)
    assert opened.vote.vote_id == answer.vote.vote_id
    pending = await proposals(funds, state=funds_pb2.PROPOSAL_STATE_PENDING)
    assert [p.compound_id for p in pending] == [UNCONFIGURED]

    before = await funds.counts("votes", "vote_proposals")
    again = funds_pb2.OpenProposedVoteRequest(proposal_id=proposal.proposal_id)
    status, error = await refused(funds.call("OpenProposedVote", again))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and (error.field, error.rule) == ("proposal_id", "V1")
    status, _ = await refused(funds.call("OpenProposedVote", again, resident(owner)))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(funds.call("OpenProposedVote", again, ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, error = await refused(funds.call("OpenProposedVote", funds_pb2.OpenProposedVoteRequest(proposal_id="")))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "proposal_id"
    status, error = await refused(funds.call("OpenProposedVote", funds_pb2.OpenProposedVoteRequest(proposal_id="nope")))
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "proposal_id"
    assert await funds.counts("votes", "vote_proposals") == before


async def test_R7_a_serious_case_on_a_yearly_yellow_list_proposes_the_vote_for_its_year(funds: Funds) -> None:
    """A yearly list's advice carries its year as the period and no quarter (R7)."""
    await funds.configure()
    yearly = ratings_events.ContractEndAdvised(company_id="company-8", period="2025", jurisdiction_path=COUNTY,
                                               compound_ids=[funds.compound], matter=4)
    await announce(funds, yearly, new_id())
    await eventually(lambda: funds.count("vote_proposals"))
    [proposal] = await proposals(funds)
    assert (proposal.company_id, proposal.quarter, proposal.matter) == (
        "company-8", "2025", funds_pb2.MATTER_PROPERTY_COMPANY)
