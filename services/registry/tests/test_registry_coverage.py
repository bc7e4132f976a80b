"""Coverage figures (O6) for any jurisdiction and date, counted in SQL."""

from __future__ import annotations

import datetime as dt

import grpc

from wuye.registry.v1 import registry_pb2
from wuye_registry.service.access import today

from .conftest import ANXI_COMMUNITY, ANXI_OFFICER, HUIAN_COMMUNITY, HUIAN_WORKER, Registry, refused, uscc
from .test_registry_committees import form, members


def ratio(value: registry_pb2.Ratio) -> tuple[int, int]:
    return value.numerator, value.denominator


async def test_O6_coverage_for_a_county(registry: Registry) -> None:
    red, plain, bare = [await registry.compound(code) for code in ("RED", "PLAIN", "BARE")]
    await registry.compound("ANXI", ANXI_COMMUNITY)  # another county: never counted for Hui'an
    red_owners = await registry.owners(red.id, 5, party=3)
    await registry.call("FormCommittee", form(red.id, red_owners, secretary_chair="yes"))
    plain_owners = await registry.owners(plain.id, 5, party=1)
    formed = await registry.call("FormCommittee", form(plain.id, plain_owners, start="2025-06-01", end="2030-06-01"))
    assert [w.rule for w in formed.warnings] == ["O4"]

    community = await registry.call(
        "AddPartyOrganisation",
        registry_pb2.AddPartyOrganisationRequest(
            level=registry_pb2.PARTY_LEVEL_COMMUNITY_COMMITTEE,
            name="社区党委",
            community_code=HUIAN_COMMUNITY,
            established_on="2010-01-01",
        ),
    )
    await registry.call(
        "AddPartyOrganisation",
        registry_pb2.AddPartyOrganisationRequest(
            level=registry_pb2.PARTY_LEVEL_COMPOUND_BRANCH,
            name="凤凰城党支部",
            parent_id=community.organisation.id,
            compound_id=red.id,
            secretary_person_id=red_owners[0],
            established_on="2023-01-01",
        ),
    )
    await registry.call(
        "LinkCadre",
        registry_pb2.LinkCadreRequest(
            compound_id=bare.id, person_id=await registry.person("干部"), post="副县长", start_on="2024-01-01"
        ),
    )
    await registry.company(1, required=True, mode=registry_pb2.PARTY_ORG_MODE_STANDALONE)
    await registry.company(2, required=True)
    await registry.company(3)

    today = await registry.call("GetCoverage", registry_pb2.GetCoverageRequest(jurisdiction_code="350521"))
    assert today.compounds == 3
    assert ratio(today.party_branch_coverage) == (1, 3)
    assert ratio(today.owners_committee_formation_rate) == (2, 3) and today.owners_committee_formation_meets_target
    assert ratio(today.red_committee_share) == (1, 2)
    assert today.dual_role_count == 1
    assert ratio(today.company_party_org_coverage) == (1, 2) and not today.company_party_org_meets_target
    assert ratio(today.cadre_link_rate) == (1, 3)
    # the targets they were held to come with them, for a screen to draw against (seed 004)
    assert ratio(today.owners_committee_formation_target) == (1, 2) and ratio(today.company_party_org_target) == (9, 10)

    # on 2025-01-01 the second committee was not yet formed (the compounds were registered in 2019)
    await registry.registered_compounds_on("2019-01-01")
    earlier = await registry.call(
        "GetCoverage", registry_pb2.GetCoverageRequest(jurisdiction_code="350521", as_of="2025-01-01")
    )
    assert ratio(earlier.owners_committee_formation_rate) == (1, 3) and ratio(earlier.red_committee_share) == (1, 1)
    community_only = await registry.call(
        "GetCoverage", registry_pb2.GetCoverageRequest(jurisdiction_code=HUIAN_COMMUNITY, as_of="2025-01-01")
    )
    assert community_only.compounds == 3
    anxi = await registry.call("GetCoverage", registry_pb2.GetCoverageRequest(jurisdiction_code="350524"), ANXI_OFFICER)
    assert anxi.compounds == 1 and ratio(anxi.red_committee_share) == (0, 0)
    status, _ = await refused(
        registry.call("GetCoverage", registry_pb2.GetCoverageRequest(jurisdiction_code="350521"), ANXI_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED


def coverage_on(day: str) -> registry_pb2.GetCoverageRequest:
    return registry_pb2.GetCoverageRequest(jurisdiction_code="350521", as_of=day)


async def test_O6_coverage_as_of_a_past_date_uses_the_term_in_force(registry: Registry) -> None:
    compound = await registry.compound()
    first_term = await registry.owners(compound.id, 5, party=3)
    formed = await registry.call(
        "FormCommittee", form(compound.id, first_term, start="2020-03-01", end="2025-03-01", secretary_chair="yes")
    )
    second_term = await registry.owners(compound.id, 5, party=1)
    await registry.call(
        "ReElectCommittee",
        registry_pb2.ReElectCommitteeRequest(
            committee_id=formed.committee.id,
            members=members(second_term),
            term_start="2025-03-01",
            term_end="2030-03-01",
        ),
    )
    await registry.registered_compounds_on("2019-01-01")

    before = await registry.call("GetCoverage", coverage_on("2025-02-28"))
    assert (ratio(before.red_committee_share), before.dual_role_count) == ((1, 1), 1)
    after = await registry.call("GetCoverage", coverage_on("2025-03-01"))
    assert (ratio(after.red_committee_share), after.dual_role_count) == ((0, 1), 0)
    first_day = await registry.call("GetCoverage", coverage_on("2020-03-01"))
    assert (first_day.owners_committees, ratio(first_day.red_committee_share)) == (1, (1, 1))
    assert (await registry.call("GetCoverage", coverage_on("2020-02-29"))).owners_committees == 0


async def test_O6_coverage_counts_compounds_registered_on_or_before_the_date(registry: Registry) -> None:
    await registry.compound()
    assert (await registry.call("GetCoverage", coverage_on(str(today())))).compounds == 1
    yesterday = await registry.call("GetCoverage", coverage_on(str(today() - dt.timedelta(days=1))))
    assert (yesterday.compounds, ratio(yesterday.owners_committee_formation_rate)) == (0, (0, 0))


async def covered_companies(registry: Registry, day: str) -> tuple[int, int]:
    answer = await registry.call("GetCoverage", coverage_on(day))
    return answer.companies_requiring_party_org_covered, answer.companies_requiring_party_org


async def test_O6_company_party_org_coverage_as_of_a_past_date_uses_the_mode_then(registry: Registry) -> None:
    company = await registry.company(1, required=True)
    await registry.call(
        "RegisterCompany",
        registry_pb2.RegisterCompanyRequest(
            jurisdiction_code="350521",
            uscc=uscc(2),
            name="老牌物业",
            party_org_required=True,
            party_org_mode=registry_pb2.PARTY_ORG_MODE_JOINT_BRANCH,
            party_org_mode_since="2024-01-01",
        ),
    )
    changed = await registry.call(
        "ChangeCompanyPartyOrgMode",
        registry_pb2.ChangeCompanyPartyOrgModeRequest(
            company_id=company.id, party_org_mode=registry_pb2.PARTY_ORG_MODE_STANDALONE, effective_from="2025-06-01"
        ),
    )
    assert changed.company.party_org_mode == registry_pb2.PARTY_ORG_MODE_STANDALONE
    assert await registry.events("CompanyPartyOrgModeChanged") == 1

    assert await covered_companies(registry, "2023-12-31") == (0, 2)
    assert await covered_companies(registry, "2025-05-31") == (1, 2)
    on_change = await registry.call("GetCoverage", coverage_on("2025-06-01"))
    assert ratio(on_change.company_party_org_coverage) == (1, 1) and on_change.company_party_org_meets_target

    # a later withdrawal of the party organisation leaves the past as it was
    await registry.call(
        "ChangeCompanyPartyOrgMode",
        registry_pb2.ChangeCompanyPartyOrgModeRequest(
            company_id=company.id, party_org_mode=registry_pb2.PARTY_ORG_MODE_NONE, effective_from=str(today())
        ),
    )
    assert await covered_companies(registry, "2025-06-01") == (2, 2)
    assert await covered_companies(registry, str(today())) == (1, 2)
    read = await registry.call("GetCompany", registry_pb2.GetCompanyRequest(company_id=company.id))
    assert read.company.party_org_mode == registry_pb2.PARTY_ORG_MODE_NONE


async def test_O6_party_org_mode_change_refuses_bad_input_by_field_and_changes_nothing(registry: Registry) -> None:
    company = await registry.company(1, required=True, mode=registry_pb2.PARTY_ORG_MODE_STANDALONE)
    tomorrow = str(today() + dt.timedelta(days=1))

    def change(
        mode: registry_pb2.PartyOrgMode.ValueType = registry_pb2.PARTY_ORG_MODE_JOINT_BRANCH,
        on: str = "2025-06-01",
        company_id: str = company.id,
    ) -> registry_pb2.ChangeCompanyPartyOrgModeRequest:
        return registry_pb2.ChangeCompanyPartyOrgModeRequest(
            company_id=company_id, party_org_mode=mode, effective_from=on
        )

    before = await registry.snapshot("companies", "company_party_org_modes")
    cases = [
        (change(on=tomorrow), grpc.StatusCode.INVALID_ARGUMENT, "effective_from"),
        (change(on="2025-02-30"), grpc.StatusCode.INVALID_ARGUMENT, "effective_from"),
        (change(on=str(today())), grpc.StatusCode.FAILED_PRECONDITION, "effective_from"),  # registered today
        (change(mode=registry_pb2.PARTY_ORG_MODE_UNSPECIFIED), grpc.StatusCode.INVALID_ARGUMENT, "party_org_mode"),
        (change(mode=registry_pb2.PARTY_ORG_MODE_NONE), grpc.StatusCode.FAILED_PRECONDITION, "party_org_mode"),
        (change(company_id="nope"), grpc.StatusCode.NOT_FOUND, "company_id"),
    ]
    for request, code, field in cases:
        status, error = await refused(registry.call("ChangeCompanyPartyOrgMode", request))
        assert (status, error.field) == (code, field), field
    for caller in (ANXI_OFFICER, HUIAN_WORKER):  # outside the scope; a role that does not register companies
        status, _ = await refused(registry.call("ChangeCompanyPartyOrgMode", change(), caller))
        assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(
        registry.call(
            "RegisterCompany",
            registry_pb2.RegisterCompanyRequest(
                jurisdiction_code="350521",
                uscc=uscc(9),
                name="未来物业",
                party_org_required=True,
                party_org_mode=registry_pb2.PARTY_ORG_MODE_STANDALONE,
                party_org_mode_since=tomorrow,
            ),
        )
    )
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "party_org_mode_since")
    assert await registry.snapshot("companies", "company_party_org_modes") == before
