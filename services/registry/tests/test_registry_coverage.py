"""Coverage figures (O6) for any jurisdiction and date, counted in SQL."""

from __future__ import annotations

import grpc

from wuye.registry.v1 import registry_pb2

from .conftest import ANXI_COMMUNITY, ANXI_OFFICER, HUIAN_COMMUNITY, Registry, refused
from .test_registry_committees import form


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

    # on 2025-01-01 the second committee was not yet formed; the county's own scope sees the same
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
