"""Red and black lists each quarter and jurisdiction, with their consequences, over real gRPC (R4)."""

from __future__ import annotations

import grpc

from wuye.ratings.v1 import events_pb2
from wuye.ratings.v1 import ratings_pb2 as api

from .conftest import COMMUNITY, COMPANY, COMPOUND, HUIAN, OFFICER, PEER, STREET, Ratings, company_name, refused

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
