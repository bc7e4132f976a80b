"""O7 service coverage over real gRPC and a real database: who serves each compound, the four failures,
the full-coverage figure and the list of compounds needing service."""

from __future__ import annotations

import grpc

from wuye.common.v1 import common_pb2
from wuye.registry.v1 import registry_pb2 as api

from .conftest import ANXI_OFFICER, HUIAN_COMMUNITY, HUIAN_WORKER, Registry, refused


async def compound(registry: Registry, code: str, mode: int) -> str:
    answer = await registry.call("RegisterCompound", api.RegisterCompoundRequest(
        community_code=HUIAN_COMMUNITY, code=code, name=f"小区{code}", compound_type=api.COMPOUND_TYPE_OLD,
        management_mode=mode))
    return answer.compound.id


async def test_O7_coverage_by_who_serves_and_the_compounds_needing_service(registry: Registry) -> None:
    served = await compound(registry, "A", api.MANAGEMENT_MODE_COMPANY)
    bundled = await compound(registry, "B", api.MANAGEMENT_MODE_BUNDLED)
    await compound(registry, "C", api.MANAGEMENT_MODE_STATE_OWNED_TRUSTEESHIP)
    orphan = await compound(registry, "D", api.MANAGEMENT_MODE_NONE)
    marked = await registry.call("SetFourFailures", api.SetFourFailuresRequest(
        compound_id=served, four_failures=[api.FOUR_FAILURE_LOST_TRUST, api.FOUR_FAILURE_SELF_GOVERNANCE_FAILURE]),
        HUIAN_WORKER)
    assert marked.compound.needs_service and list(marked.compound.four_failures) == [
        api.FOUR_FAILURE_LOST_TRUST, api.FOUR_FAILURE_SELF_GOVERNANCE_FAILURE]

    figures = await registry.call("GetServiceCoverage", api.GetServiceCoverageRequest(jurisdiction_code="350521"))
    by_mode = {api.ManagementMode.Name(line.mode): line.compounds for line in figures.by_mode}
    assert by_mode == {"MANAGEMENT_MODE_COMPANY": 1, "MANAGEMENT_MODE_STATE_OWNED_TRUSTEESHIP": 1,
                       "MANAGEMENT_MODE_SELF_MANAGED": 0, "MANAGEMENT_MODE_NONE": 1, "MANAGEMENT_MODE_BUNDLED": 1}
    assert (figures.compounds, figures.covered, figures.four_failure_compounds, figures.needing_service) == (4, 3, 1, 2)
    assert (figures.full_coverage.numerator, figures.full_coverage.denominator, figures.full_coverage.percent) == (
        3, 4, "75.0%")

    listed = await registry.call("ListCompoundsNeedingService", api.ListCompoundsNeedingServiceRequest(
        jurisdiction_code="350521", page=common_pb2.PageRequest(page_size=1)))
    rest = await registry.call("ListCompoundsNeedingService", api.ListCompoundsNeedingServiceRequest(
        jurisdiction_code="350521", page=common_pb2.PageRequest(page_token=listed.page.next_page_token)))
    assert sorted(need.compound.id for need in [*listed.compounds, *rest.compounds]) == sorted([served, orphan])
    assert not rest.page.next_page_token and bundled not in {n.compound.id for n in rest.compounds}

    # recovered: an empty set clears the failures, and the compound no longer needs service
    await registry.call("SetFourFailures", api.SetFourFailuresRequest(compound_id=served), HUIAN_WORKER)
    again = await registry.call("GetServiceCoverage", api.GetServiceCoverageRequest(jurisdiction_code="350521"))
    assert (again.four_failure_compounds, again.needing_service) == (0, 1)


async def test_O7_failures_are_recorded_only_in_scope_each_once_and_a_refusal_changes_nothing(registry: Registry) -> None:
    served = await compound(registry, "A", api.MANAGEMENT_MODE_COMPANY)
    before = await registry.count("compound_four_failures")
    status, _ = await refused(registry.call("SetFourFailures", api.SetFourFailuresRequest(
        compound_id=served, four_failures=[api.FOUR_FAILURE_MARKET_FAILURE]), ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(registry.call("SetFourFailures", api.SetFourFailuresRequest(
        compound_id=served, four_failures=[api.FOUR_FAILURE_MARKET_FAILURE, api.FOUR_FAILURE_MARKET_FAILURE])))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "four_failures", "O7")
    status, error = await refused(registry.call("SetFourFailures", api.SetFourFailuresRequest(
        compound_id=served, four_failures=[api.FOUR_FAILURE_UNSPECIFIED])))
    assert (status, error.field) == (grpc.StatusCode.INVALID_ARGUMENT, "four_failures")
    assert await registry.count("compound_four_failures") == before
    status, _ = await refused(registry.call("GetServiceCoverage", api.GetServiceCoverageRequest(
        jurisdiction_code="350521"), ANXI_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
