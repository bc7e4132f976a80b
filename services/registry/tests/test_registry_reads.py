"""Reads screens and other services need: households, companies, reserve candidates, cadre links.

Every read is scoped: a caller outside the record's jurisdiction gets PERMISSION_DENIED, an unknown id
NOT_FOUND naming the field."""

from __future__ import annotations

import grpc

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2
from wuye_chassis.auth import AuthContext

from .conftest import ANXI_OFFICER, HUIAN_WORKER, Registry, refused


async def test_households_are_listed_per_compound_or_building_in_pages_with_area_in_dm2_and_m2(
    registry: Registry,
) -> None:
    compound = await registry.compound()
    first, second = await registry.building(compound.id, "B1"), await registry.building(compound.id, "B2")
    owner = await registry.person()
    added = [
        await registry.household(first.id, "101", 8957, owner),
        await registry.household(first.id, "102", 10000, developer_unsold=True),
        await registry.household(second.id, "101", 12005, owner),
    ]
    request = registry_pb2.ListHouseholdsRequest(compound_id=compound.id, page=common_pb2.PageRequest(page_size=2))
    page = await registry.call("ListHouseholds", request, HUIAN_WORKER)
    request.page.page_token = page.page.next_page_token
    rest = await registry.call("ListHouseholds", request, HUIAN_WORKER)
    listed = [*page.households, *rest.households]
    assert [h.id for h in listed] == sorted(h.id for h in added) and not rest.page.next_page_token
    by_unit = {(h.building_id, h.unit_number): h for h in listed}
    unit = by_unit[(first.id, "101")]
    assert (unit.area_dm2, unit.area_m2, [o.person_id for o in unit.owners]) == (8957, "89.57", [owner])
    assert by_unit[(first.id, "102")].developer_unsold and by_unit[(first.id, "102")].area_m2 == "100.00"

    in_building = await registry.call(
        "ListHouseholds", registry_pb2.ListHouseholdsRequest(compound_id=compound.id, building_id=second.id)
    )
    assert [(h.unit_number, h.area_m2) for h in in_building.households] == [("101", "120.05")]


async def test_household_list_refuses_unknown_ids_bad_pages_and_callers_outside_the_scope(registry: Registry) -> None:
    compound = await registry.compound()
    other = await registry.compound("OTHER")
    foreign_building = await registry.building(other.id)
    cases = [
        (registry_pb2.ListHouseholdsRequest(compound_id="nope"), grpc.StatusCode.NOT_FOUND, "compound_id"),
        (
            registry_pb2.ListHouseholdsRequest(compound_id=compound.id, building_id=foreign_building.id),
            grpc.StatusCode.NOT_FOUND,
            "building_id",
        ),
        (
            registry_pb2.ListHouseholdsRequest(compound_id=compound.id, page=common_pb2.PageRequest(page_size=501)),
            grpc.StatusCode.INVALID_ARGUMENT,
            "page.page_size",
        ),
        (
            registry_pb2.ListHouseholdsRequest(compound_id=compound.id, page=common_pb2.PageRequest(page_token="!")),
            grpc.StatusCode.INVALID_ARGUMENT,
            "page.page_token",
        ),
    ]
    for request, code, field in cases:
        status, error = await refused(registry.call("ListHouseholds", request))
        assert (status, error.field) == (code, field)
    status, _ = await refused(
        registry.call("ListHouseholds", registry_pb2.ListHouseholdsRequest(compound_id=compound.id), ANXI_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED


async def test_companies_are_read_by_id_and_listed_by_jurisdiction_in_pages(registry: Registry) -> None:
    registered = [await registry.company(seed) for seed in (1, 2, 3)]
    read = await registry.call("GetCompany", registry_pb2.GetCompanyRequest(company_id=registered[0].id), HUIAN_WORKER)
    assert read.company == registered[0]
    request = registry_pb2.ListCompaniesRequest(jurisdiction_code="350521", page=common_pb2.PageRequest(page_size=2))
    page = await registry.call("ListCompanies", request)
    request.page.page_token = page.page.next_page_token
    rest = await registry.call("ListCompanies", request)
    assert [c.id for c in [*page.companies, *rest.companies]] == sorted(c.id for c in registered)
    anxi = await registry.call(
        "ListCompanies", registry_pb2.ListCompaniesRequest(jurisdiction_code="350524"), ANXI_OFFICER
    )
    assert not anxi.companies

    status, _ = await refused(
        registry.call("GetCompany", registry_pb2.GetCompanyRequest(company_id=registered[0].id), ANXI_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(registry.call("GetCompany", registry_pb2.GetCompanyRequest(company_id="nope")))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "company_id")
    status, error = await refused(registry.call("ListCompanies", registry_pb2.ListCompaniesRequest()))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "jurisdiction_code")


async def test_O5_A5_reserve_candidates_are_listed_with_their_screening_reasons_for_the_screeners_only(registry: Registry) -> None:
    compound = await registry.compound()
    screened_out = await registry.call(
        "ProposeCandidate",
        registry_pb2.ProposeCandidateRequest(
            compound_id=compound.id,
            person_id=await registry.person("欠费"),
            positions=[
                registry_pb2.RESERVE_POSITION_OWNERS_COMMITTEE_CHAIR,
                registry_pb2.RESERVE_POSITION_BRANCH_SECRETARY,
            ],
            screened_on="2025-01-01",
            unpaid_property_fees=True,
            listed_judgment_defaulter=True,
        ),
    )
    eligible = await registry.call(
        "ProposeCandidate",
        registry_pb2.ProposeCandidateRequest(
            compound_id=compound.id,
            person_id=await registry.person("清白"),
            positions=[registry_pb2.RESERVE_POSITION_OWNERS_COMMITTEE_MEMBER],
        ),
    )
    listed = await registry.call(
        "ListReserveCandidates", registry_pb2.ListReserveCandidatesRequest(compound_id=compound.id), HUIAN_WORKER
    )
    assert list(listed.candidates) == [eligible.candidate, screened_out.candidate]  # newest first
    kept = listed.candidates[1]
    assert not kept.eligible and [r.code for r in kept.reasons] == [r.code for r in screened_out.candidate.reasons]
    assert all(r.label_zh and r.label_en for r in kept.reasons) and len(kept.reasons) == 2
    # A5: the county sees who is in the pool and whether they are eligible, not why they were screened out
    county = await registry.call(
        "ListReserveCandidates", registry_pb2.ListReserveCandidatesRequest(compound_id=compound.id),
        AuthContext(user="officer", roles=frozenset({"county_officer"}), scope="350500/350521"),
    )
    assert [c.eligible for c in county.candidates] == [True, False]
    assert [list(c.reasons) for c in county.candidates] == [[], []]

    status, _ = await refused(
        registry.call(
            "ListReserveCandidates", registry_pb2.ListReserveCandidatesRequest(compound_id=compound.id), ANXI_OFFICER
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(registry.call("ListReserveCandidates", registry_pb2.ListReserveCandidatesRequest()))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "compound_id")


async def test_O6_cadre_links_are_listed_per_compound_by_start_date(registry: Registry) -> None:
    compound = await registry.compound()
    links = []
    for post, start, end in (("副县长", "2024-01-01", ""), ("街道书记", "2022-01-01", "2023-12-31")):
        answer = await registry.call(
            "LinkCadre",
            registry_pb2.LinkCadreRequest(
                compound_id=compound.id, person_id=await registry.person(post), post=post, start_on=start, end_on=end
            ),
        )
        links.append(answer.link)
    listed = await registry.call("ListCadreLinks", registry_pb2.ListCadreLinksRequest(compound_id=compound.id))
    assert list(listed.links) == [links[1], links[0]]
    assert (listed.links[0].end_on, listed.links[1].end_on) == ("2023-12-31", "")

    status, _ = await refused(
        registry.call("ListCadreLinks", registry_pb2.ListCadreLinksRequest(compound_id=compound.id), ANXI_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(registry.call("ListCadreLinks", registry_pb2.ListCadreLinksRequest(compound_id="x")))
    assert (status, error.field) == (grpc.StatusCode.NOT_FOUND, "compound_id")
