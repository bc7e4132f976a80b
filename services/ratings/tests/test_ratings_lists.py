"""Red and black lists each quarter and jurisdiction, with their consequences, over real gRPC (R4)."""

from __future__ import annotations

import grpc

from wuye.ratings.v1 import events_pb2
from wuye.ratings.v1 import ratings_pb2 as api

from .conftest import (
    ANXI_OFFICER,
    COMMUNITY,
    COMPANY,
    COMPOUND,
    HUIAN,
    OFFICER,
    PEER,
    STREET,
    STREET_OFFICER,
    Ratings,
    company_name,
    refused,
    today,
)

BLACK = "company-black"


async def publish(ratings: Ratings, quarter: str) -> api.Lists:
    answer = await ratings.stub.PublishLists(
        api.PublishListsRequest(jurisdiction_path=HUIAN, quarter=quarter), metadata=OFFICER.to_metadata()
    )
    return answer.lists


async def test_R4_red_list_grants_tender_priority_and_a_first_black_quarter_an_admonition_talk(ratings: Ratings) -> None:
    await ratings.know_company(BLACK, compounds={"compound-black": COMMUNITY})
    await ratings.know_company(PEER)
    await ratings.add_record(api.RECORD_KIND_AWARD_NATIONAL, "2025-02-01")
    await ratings.add_record(api.RECORD_KIND_AWARD_NATIONAL, "2025-02-02")
    await ratings.add_record(api.RECORD_KIND_MAINTENANCE_FUND_MISUSE, "2025-02-03", company_id=BLACK)

    lists = await publish(ratings, "2025Q1")
    assert list(lists.red_company_ids) == [COMPANY] and list(lists.black_company_ids) == [BLACK]
    assert {standing.company_id: standing.band for standing in lists.standings} == {
        COMPANY: api.BAND_AA, BLACK: api.BAND_C, PEER: api.BAND_A,
    }
    granted = await ratings.events(events_pb2.TenderPriorityGranted)
    assert [(event.company_id, event.quarter, event.band) for event in granted] == [(COMPANY, "2025Q1", api.BAND_AA)]
    talks = await ratings.events(events_pb2.AdmonitionTalkRequired)
    assert [(event.company_id, event.jurisdiction_path) for event in talks] == [(BLACK, HUIAN)]
    assert await ratings.events(events_pb2.ContractEndAdvised) == []
    [announced] = await ratings.events(events_pb2.ListsPublished)
    assert list(announced.black_company_ids) == [BLACK]

    before = await ratings.footprint()
    status, error = await refused(publish(ratings, "2025Q1"))
    assert status == grpc.StatusCode.ALREADY_EXISTS and error.field == "quarter"
    status, error = await refused(publish(ratings, "2099Q1"))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "published_on"
    assert await ratings.footprint() == before
    read = await ratings.stub.GetLists(
        api.GetListsRequest(jurisdiction_path=HUIAN, quarter="2025Q1"), metadata=OFFICER.to_metadata()
    )
    assert read.lists == lists
    # issue 14: the lists name each company, as its readers know it
    assert [s.company_name for s in read.lists.standings] == [company_name(s.company_id) for s in read.lists.standings]
    assert read.lists.standings and all(s.company_name for s in read.lists.standings)


async def test_R4_black_twice_in_a_row_emits_contract_end_advised(ratings: Ratings) -> None:
    await ratings.know_company(BLACK, compounds={"compound-black": COMMUNITY, "compound-far": f"{STREET}/350521100009"})
    await ratings.add_record(api.RECORD_KIND_REFUSED_TO_LEAVE, "2025-02-03", company_id=BLACK)
    await publish(ratings, "2025Q1")
    await publish(ratings, "2025Q2")

    [advised] = await ratings.events(events_pb2.ContractEndAdvised)
    assert advised.company_id == BLACK and advised.quarter == "2025Q2" and advised.matter == 4
    assert list(advised.black_quarters) == ["2025Q1", "2025Q2"]
    assert list(advised.compound_ids) == ["compound-black", "compound-far"]
    # the talk happened after the first black quarter and is not repeated with the advice
    assert [event.quarter for event in await ratings.events(events_pb2.AdmonitionTalkRequired)] == ["2025Q1"]
    assert COMPOUND not in advised.compound_ids


# --- R7: list policies and yearly red/yellow lists -------------------------------------------------


def yearly_policy(path: str = HUIAN, red: int = 30, yellow: int = 30) -> api.SetListPolicyRequest:
    return api.SetListPolicyRequest(policy=api.ListPolicy(
        jurisdiction_path=path, scheme=api.LIST_SCHEME_YEARLY_RED_YELLOW, red_percent=red, yellow_percent=yellow))


async def test_R7_a_county_sets_its_policy_and_it_holds_below_it(ratings: Ratings) -> None:
    default = await ratings.stub.GetListPolicy(api.GetListPolicyRequest(jurisdiction_path=STREET),
                                               metadata=OFFICER.to_metadata())
    assert (default.policy.scheme, default.policy.set_for_path) == (api.LIST_SCHEME_QUARTERLY_RED_BLACK, "")
    for who in (STREET_OFFICER, ANXI_OFFICER):
        status, _ = await refused(ratings.stub.SetListPolicy(yearly_policy(), metadata=who.to_metadata()))
        assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(ratings.stub.SetListPolicy(yearly_policy(red=0), metadata=OFFICER.to_metadata()))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "policy.red_percent", "R7")
    await ratings.stub.SetListPolicy(yearly_policy(), metadata=OFFICER.to_metadata())
    below = await ratings.stub.GetListPolicy(api.GetListPolicyRequest(jurisdiction_path=STREET),
                                             metadata=OFFICER.to_metadata())
    assert (below.policy.scheme, below.policy.red_percent, below.policy.set_for_path, below.policy.set_by) == (
        api.LIST_SCHEME_YEARLY_RED_YELLOW, 30, HUIAN, OFFICER.user)
    # a quarter's red/black lists are not this county's any more
    status, error = await refused(publish(ratings, "2025Q1"))
    assert (status, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "R7")


async def test_R7_yearly_lists_by_ranking_share_with_their_consequences(ratings: Ratings) -> None:
    await ratings.know_company(BLACK, compounds={"compound-black": COMMUNITY})
    await ratings.know_company(PEER)
    await ratings.add_record(api.RECORD_KIND_AWARD_NATIONAL, "2025-03-01")
    await ratings.add_record(api.RECORD_KIND_REFUSED_TO_LEAVE, "2025-03-01", company_id=BLACK)
    await ratings.add_record(api.RECORD_KIND_ILLEGAL_CHARGING, "2025-03-02", company_id=BLACK)
    request = api.PublishYearlyListsRequest(jurisdiction_path=HUIAN, year=2025, published_in="惠安县人民政府网站")
    status, error = await refused(ratings.stub.PublishYearlyLists(request, metadata=OFFICER.to_metadata()))
    assert (status, error.rule) == (grpc.StatusCode.FAILED_PRECONDITION, "R7")  # no yearly policy holds yet
    await ratings.stub.SetListPolicy(yearly_policy(), metadata=OFFICER.to_metadata())
    lists = (await ratings.stub.PublishYearlyLists(request, metadata=OFFICER.to_metadata())).lists
    # three companies at 30 %: one place each; the award puts the company first, illegal charging the other
    # last, and refusing to leave puts it in band C: a serious case
    assert (list(lists.red_company_ids), list(lists.yellow_company_ids)) == ([COMPANY], [BLACK])
    assert [(one.company_id, one.rank, one.listing, one.serious) for one in lists.standings] == [
        (COMPANY, 1, api.YEARLY_LISTING_RED, False), (PEER, 2, api.YEARLY_LISTING_NONE, False),
        (BLACK, 3, api.YEARLY_LISTING_YELLOW, True)]
    assert (lists.published_in, lists.published_on) == ("惠安县人民政府网站", today().isoformat())
    assert all(one.company_name for one in lists.standings)
    [granted] = await ratings.events(events_pb2.TenderPriorityGranted)
    assert (granted.company_id, granted.period, granted.quarter) == (COMPANY, "2025", "")
    [talk] = await ratings.events(events_pb2.CommunityPartyTalkRequired)
    assert (talk.company_id, talk.period, talk.rank) == (BLACK, "2025", 3)
    [advised] = await ratings.events(events_pb2.ContractEndAdvised)
    assert (advised.company_id, advised.period, list(advised.compound_ids)) == (BLACK, "2025", ["compound-black"])
    [announced] = await ratings.events(events_pb2.ListsPublished)
    assert (announced.scheme, announced.period, list(announced.yellow_company_ids)) == (
        api.LIST_SCHEME_YEARLY_RED_YELLOW, "2025", [BLACK])

    before = await ratings.footprint()
    status, error = await refused(ratings.stub.PublishYearlyLists(request, metadata=OFFICER.to_metadata()))
    assert (status, error.field) == (grpc.StatusCode.ALREADY_EXISTS, "year")
    this_year = api.PublishYearlyListsRequest(jurisdiction_path=HUIAN, year=today().year)
    status, error = await refused(ratings.stub.PublishYearlyLists(this_year, metadata=OFFICER.to_metadata()))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "year")
    assert await ratings.footprint() == before
    read = await ratings.stub.GetYearlyLists(api.GetYearlyListsRequest(jurisdiction_path=HUIAN, year=2025),
                                             metadata=OFFICER.to_metadata())
    assert read.lists == lists


async def test_R7_quarterly_lists_record_where_they_were_published(ratings: Ratings) -> None:
    answer = await ratings.stub.PublishLists(
        api.PublishListsRequest(jurisdiction_path=HUIAN, quarter="2025Q1", published_in="惠安县住建局公众号"),
        metadata=OFFICER.to_metadata())
    assert answer.lists.published_in == "惠安县住建局公众号"
    read = await ratings.stub.GetLists(api.GetListsRequest(jurisdiction_path=HUIAN, quarter="2025Q1"),
                                       metadata=OFFICER.to_metadata())
    assert read.lists.published_in == "惠安县住建局公众号"
    [announced] = await ratings.events(events_pb2.ListsPublished)
    assert (announced.period, announced.published_in) == ("2025Q1", "惠安县住建局公众号")
