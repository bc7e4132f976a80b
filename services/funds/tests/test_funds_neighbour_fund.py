"""P5 three-level neighbour fund (友邻基金) over real gRPC, a real database and a real NATS server."""

from __future__ import annotations

import grpc
import pytest

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    COMMUNITY,
    COMMUNITY_WORKER,
    COUNTY_OFFICER,
    Funds,
    refused,
    resident,
)
from wuye.funds.v1 import events_pb2, funds_pb2

COUNTY = "350500/350521"
COUNTY_LEVEL = funds_pb2.NEIGHBOUR_FUND_LEVEL_COUNTY
COMMUNITY_LEVEL = funds_pb2.NEIGHBOUR_FUND_LEVEL_COMMUNITY
COMPOUND_LEVEL = funds_pb2.NEIGHBOUR_FUND_LEVEL_COMPOUND
COMPANIES = funds_pb2.DONATION_SOURCE_COMPANIES
GOVERNMENT = funds_pb2.DONATION_SOURCE_GOVERNMENT
FUND_TABLES = ("ledger_entries", "ledgers", "neighbour_funds")


async def open_fund(funds: Funds, who=COUNTY_OFFICER, **fields) -> funds_pb2.NeighbourFund:
    answer = await funds.call("OpenNeighbourFund", funds_pb2.OpenNeighbourFundRequest(**fields), who)
    return answer.fund


async def three_levels(funds: Funds) -> tuple[str, str, str]:
    await funds.configure()
    county = await open_fund(funds, level=COUNTY_LEVEL, jurisdiction_path=COUNTY, name="惠安县友邻基金")
    community = await open_fund(
        funds, level=COMMUNITY_LEVEL, jurisdiction_path=COMMUNITY, parent_fund_id=county.fund_id, name="社区友邻基金"
    )
    compound = await open_fund(
        funds, COMMUNITY_WORKER, level=COMPOUND_LEVEL, compound_id=funds.compound, parent_fund_id=community.fund_id,
        name="凤凰花园友邻基金",
    )
    return county.fund_id, community.fund_id, compound.fund_id


async def donate(funds: Funds, fund_id: str, amount: int, source: int = COMPANIES, who=COUNTY_OFFICER):
    request = funds_pb2.DonateToNeighbourFundRequest(fund_id=fund_id, source=source, amount_fen=amount, memo="开发商捐赠")
    return await funds.call("DonateToNeighbourFund", request, who)


async def grant(funds: Funds, giver: str, receiver: str, amount: int, who=COUNTY_OFFICER):
    request = funds_pb2.GrantNeighbourFundRequest(fund_id=giver, receiver_fund_id=receiver, amount_fen=amount, memo="下拨")
    return await funds.call("GrantNeighbourFund", request, who)


async def published(funds: Funds, fund_id: str) -> funds_pb2.NeighbourFund:
    return (await funds.call("GetNeighbourFund", funds_pb2.GetNeighbourFundRequest(fund_id=fund_id), resident("o-1"))).fund


async def test_P5_donations_by_source_grants_down_each_level_and_spending_are_published(funds: Funds) -> None:
    county, community, compound = await three_levels(funds)
    await donate(funds, county, 100_000_000)  # a developer's ¥1,000,000
    await donate(funds, county, 5_000_000, GOVERNMENT)
    await grant(funds, county, community, 30_000_000)
    answer = await grant(funds, community, compound, 10_000_000, COMMUNITY_WORKER)
    assert (answer.giver.balance_fen, answer.receiver.balance_fen) == (20_000_000, 10_000_000)
    spent = await funds.call(
        "SpendNeighbourFund",
        funds_pb2.SpendNeighbourFundRequest(fund_id=compound, amount_fen=2_500_000, purpose="邻里节"),
        COMMUNITY_WORKER,
    )
    assert spent.fund.balance_fen == 7_500_000 and spent.fund.spent_fen == 2_500_000
    county_figures = await published(funds, county)
    assert [(d.source, d.amount_fen) for d in county_figures.donations] == [(COMPANIES, 100_000_000), (GOVERNMENT, 5_000_000)]
    assert (county_figures.balance_fen, county_figures.granted_out_fen) == (75_000_000, 30_000_000)
    community_figures = await published(funds, community)
    assert (community_figures.granted_in_fen, community_figures.granted_out_fen) == (30_000_000, 10_000_000)
    assert community_figures.parent_fund_id == county and community_figures.level == COMMUNITY_LEVEL
    compound_figures = await published(funds, compound)
    assert (compound_figures.compound_id, compound_figures.jurisdiction_path) == (funds.compound, COMMUNITY)
    granted = await funds.events(events_pb2.NeighbourFundGranted)
    assert [(e.fund_id, e.receiver_fund_id, e.amount_fen) for e in granted] == [
        (county, community, 30_000_000), (community, compound, 10_000_000),
    ]
    donated = await funds.events(events_pb2.NeighbourFundDonated)
    assert [(e.source, e.amount_fen, e.jurisdiction_path) for e in donated] == [
        (COMPANIES, 100_000_000, COUNTY), (GOVERNMENT, 5_000_000, COUNTY),
    ]
    [event] = await funds.events(events_pb2.NeighbourFundSpent)
    assert (event.fund_id, event.amount_fen, event.purpose) == (compound, 2_500_000, "邻里节")
    for fund_id in (county, community, compound):
        check = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=f"neighbour/{fund_id}"), COUNTY_OFFICER)
        assert check.intact


async def test_P5_grant_only_one_level_down_over_grpc(funds: Funds) -> None:
    county, community, compound = await three_levels(funds)
    await donate(funds, county, 1_000_000)
    await grant(funds, county, community, 500_000)
    before = await funds.counts(*FUND_TABLES)
    for giver, receiver in ((county, compound), (community, county), (compound, community), (county, county)):
        status, error = await refused(grant(funds, giver, receiver, 1_000))
        assert status == grpc.StatusCode.FAILED_PRECONDITION and (error.field, error.rule) == ("receiver", "P5")
    status, error = await refused(grant(funds, county, community, 500_001))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and (error.field, error.rule) == ("amount_fen", "P5")
    status, error = await refused(grant(funds, county, community, 1_000, COMMUNITY_WORKER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"  # only the county decides its grants
    status, error = await refused(funds.call(
        "SpendNeighbourFund", funds_pb2.SpendNeighbourFundRequest(fund_id=compound, amount_fen=1, purpose="x"),
        COMMUNITY_WORKER,
    ))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "amount_fen"  # never beyond the balance
    assert await funds.counts(*FUND_TABLES) == before


async def test_P5_a_fund_sits_one_level_below_its_parent_and_inside_its_place(funds: Funds) -> None:
    county, _, _ = await three_levels(funds)
    before = await funds.counts(*FUND_TABLES)
    refusals = [
        (dict(level=COMPOUND_LEVEL, compound_id=funds.compound, parent_fund_id=county, name="x"), "parent_fund_id"),
        (dict(level=COUNTY_LEVEL, jurisdiction_path=COUNTY, parent_fund_id=county, name="x"), "parent_fund_id"),
        (dict(level=COMMUNITY_LEVEL, jurisdiction_path="350500/350521/350521100",
              parent_fund_id=county, name="x"), "jurisdiction_path"),
        (dict(level=COMMUNITY_LEVEL, jurisdiction_path="350500/350524/350524100/350524100001",
              parent_fund_id=county, name="x"), "parent_fund_id"),
        (dict(level=COUNTY_LEVEL, jurisdiction_path=COMMUNITY, name="x"), "jurisdiction_path"),
        (dict(level=0, jurisdiction_path=COUNTY, name="x"), "level"),
        (dict(level=COUNTY_LEVEL, jurisdiction_path=COUNTY, name=" "), "name"),
        (dict(level=COMMUNITY_LEVEL, jurisdiction_path=COMMUNITY, parent_fund_id="missing", name="x"), "parent_fund_id"),
    ]
    for fields, field in refusals:
        status, error = await refused(open_fund(funds, **fields))
        assert status in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND), fields
        assert error.field == field, fields
    status, error = await refused(open_fund(
        funds, ANXI_OFFICER, level=COMMUNITY_LEVEL, jurisdiction_path=COMMUNITY, parent_fund_id=county, name="x"
    ))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    assert await funds.counts(*FUND_TABLES) == before


@pytest.mark.parametrize(
    ("request_message", "field"),
    [
        (dict(source=COMPANIES, amount_fen=0, memo="x"), "amount_fen"),
        (dict(source=0, amount_fen=100, memo="x"), "source"),
        (dict(source=COMPANIES, amount_fen=100, memo=""), "memo"),
    ],
    ids=["zero amount", "no source", "no memo"],
)
async def test_P5_bad_donation_is_refused_naming_the_field_and_changes_nothing(
    funds: Funds, request_message: dict, field: str
) -> None:
    county, _, _ = await three_levels(funds)
    before = await funds.counts(*FUND_TABLES)
    status, error = await refused(funds.call(
        "DonateToNeighbourFund", funds_pb2.DonateToNeighbourFundRequest(fund_id=county, **request_message), COUNTY_OFFICER
    ))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == field
    assert await funds.counts(*FUND_TABLES) == before


async def listed(funds: Funds, path: str, who=COUNTY_OFFICER, page_size: int = 0, token: str = ""):
    request = funds_pb2.ListNeighbourFundsRequest(jurisdiction_path=path)
    request.page.page_size, request.page.page_token = page_size, token
    return await funds.call("ListNeighbourFunds", request, who)


async def test_P5_the_funds_at_or_below_a_place_are_listed_newest_first_with_their_figures_in_pages(funds: Funds) -> None:
    county, community, compound = await three_levels(funds)
    await donate(funds, county, 1_000_000)
    everything = await listed(funds, COUNTY)
    assert [fund.fund_id for fund in everything.funds] == [compound, community, county]
    assert everything.funds[2].balance_fen == 1_000_000 and everything.funds[0].compound_id == funds.compound
    # each fund's own figures, though one query sums every listed ledger
    assert [(fund.balance_fen, len(fund.donations)) for fund in everything.funds] == [(0, 0), (0, 0), (1_000_000, 1)]
    assert [fund.fund_id for fund in (await listed(funds, COMMUNITY, COMMUNITY_WORKER)).funds] == [compound, community]
    first = await listed(funds, COUNTY, page_size=2)
    assert [fund.fund_id for fund in first.funds] == [compound, community] and first.page.next_page_token
    rest = await listed(funds, COUNTY, page_size=2, token=first.page.next_page_token)
    assert [fund.fund_id for fund in rest.funds] == [county] and not rest.page.next_page_token


async def test_P5_scope_a_list_of_neighbour_funds_outside_the_callers_scope_is_refused(funds: Funds) -> None:
    await three_levels(funds)
    status, error = await refused(listed(funds, COUNTY, COMMUNITY_WORKER))
    assert status == grpc.StatusCode.PERMISSION_DENIED and error.rule == "scope"
    status, error = await refused(listed(funds, COUNTY, ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(listed(funds, "350500//x"))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "jurisdiction_path"
