"""O6 coverage figures: counted in SQL, turned into figures by the domain formulas."""

from __future__ import annotations

from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from wuye.registry.v1 import registry_pb2
from wuye_chassis.validation import optional_iso_date
from wuye_registry.adapters import coverage as repository
from wuye_registry.domain.coverage import coverage_figures
from wuye_registry.service.access import jurisdiction, today


def _ratio(value: Fraction | None) -> registry_pb2.Ratio:
    return (
        registry_pb2.Ratio()
        if value is None
        else registry_pb2.Ratio(numerator=value.numerator, denominator=value.denominator)
    )


async def get_coverage(
    sessions: async_sessionmaker[AsyncSession], request: registry_pb2.GetCoverageRequest
) -> registry_pb2.GetCoverageResponse:
    as_of = optional_iso_date(request.as_of, field="as_of") or today()
    async with sessions() as session:
        place = await jurisdiction(
            session, request.jurisdiction_code, field="jurisdiction_code", action="read coverage"
        )
        counts = await repository.counts(session, place["path"], as_of=as_of)
    figures = coverage_figures(counts)
    return registry_pb2.GetCoverageResponse(
        jurisdiction_path=place["path"],
        as_of=as_of.isoformat(),
        compounds=counts.compounds,
        compounds_with_party_branch=counts.compounds_with_party_branch,
        compounds_with_owners_committee=counts.compounds_with_owners_committee,
        owners_committees=counts.owners_committees,
        red_owners_committees=counts.red_owners_committees,
        dual_role_count=figures.dual_role_count,
        two_committee_members=figures.two_committee_members,
        companies_requiring_party_org=counts.companies_requiring_party_org,
        companies_requiring_party_org_covered=counts.companies_requiring_party_org_covered,
        compounds_with_linked_cadre=figures.cadre_linked_compounds,
        party_branch_coverage=_ratio(figures.party_branch_coverage),
        owners_committee_formation_rate=_ratio(figures.owners_committee_formation_rate),
        owners_committee_formation_meets_target=bool(figures.owners_committee_formation_meets_target),
        red_committee_share=_ratio(figures.red_committee_share),
        company_party_org_coverage=_ratio(figures.company_party_org_coverage),
        company_party_org_meets_target=bool(figures.company_party_org_meets_target),
        cadre_link_rate=_ratio(figures.cadre_link_rate),
    )
