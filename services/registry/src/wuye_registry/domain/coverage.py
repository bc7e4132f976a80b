"""Coverage figures (O6) as pure formulas over counts; the counting itself is done in SQL elsewhere.

Rates are exact Fractions, or None when there is nothing to divide by (a jurisdiction without
compounds has no formation rate, rather than a rate of 0 %). ``percent`` rounds for display only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from decimal import Decimal
from fractions import Fraction

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import require_count

OWNERS_COMMITTEE_FORMATION_TARGET = Fraction(1, 2)  # seed 004: ≥ 50 %
COMPANY_PARTY_ORG_TARGET = Fraction(9, 10)  # seed 004: ≥ 90 %


def ratio(part: int, whole: int, *, field: str = "part") -> Fraction | None:
    """part / whole exactly, or None when whole is 0; a part larger than its whole is refused."""
    require_count(part, field=field)
    require_count(whole, field=field)
    if part > whole:
        raise InvalidArgument(f"{field} ({part}) cannot exceed its total ({whole})", field=field, rule="O6")
    if whole == 0:
        return None
    return Fraction(part, whole)


def percent(value: Fraction | None, *, places: int = 1) -> Decimal | None:
    """A rate as a percentage rounded half up (Fraction(23, 35) → Decimal('65.7')); None stays None."""
    require_count(places, field="places")
    if value is None:
        return None
    # integer arithmetic on the exact fraction, so a tie is recognised as a tie and rounded up
    scaled = value * 100 * 10**places
    rounded = math.floor(scaled + Fraction(1, 2))
    return Decimal(rounded).scaleb(-places)


def meets_target(value: Fraction | None, target: Fraction) -> bool | None:
    """Whether a rate reaches its target (≥); None when the rate itself is undefined."""
    return None if value is None else value >= target


@dataclass(frozen=True)
class CoverageCounts:
    """Counts for one jurisdiction on one date, as the SQL query returns them."""

    compounds: int
    compounds_with_party_branch: int
    compounds_with_owners_committee: int
    owners_committees: int  # active owners' committees
    red_owners_committees: int  # O3
    dual_role_committees: int  # 一肩挑: chair is the branch secretary
    two_committee_members: int  # community two-committee members sitting on owners' committees
    companies_requiring_party_org: int
    companies_requiring_party_org_covered: int  # of those, with a party org mode other than none
    compounds_with_linked_cadre: int

    def __post_init__(self) -> None:
        for count in fields(self):
            require_count(getattr(self, count.name), field=count.name)


@dataclass(frozen=True)
class CoverageFigures:
    party_branch_coverage: Fraction | None
    owners_committee_formation_rate: Fraction | None
    owners_committee_formation_meets_target: bool | None
    red_committee_share: Fraction | None
    dual_role_count: int
    two_committee_members: int
    company_party_org_coverage: Fraction | None
    company_party_org_meets_target: bool | None
    cadre_linked_compounds: int
    cadre_link_rate: Fraction | None
    #: the targets the two "meets target" figures were held to
    owners_committee_formation_target: Fraction = OWNERS_COMMITTEE_FORMATION_TARGET
    company_party_org_target: Fraction = COMPANY_PARTY_ORG_TARGET


def coverage_figures(
    counts: CoverageCounts,
    *,
    formation_target: Fraction = OWNERS_COMMITTEE_FORMATION_TARGET,
    company_party_org_target: Fraction = COMPANY_PARTY_ORG_TARGET,
) -> CoverageFigures:
    """O6 figures; targets are settings with the seed values as defaults."""
    if counts.dual_role_committees > counts.owners_committees:
        raise InvalidArgument(
            f"dual_role_committees ({counts.dual_role_committees}) cannot exceed owners_committees "
            f"({counts.owners_committees})",
            field="dual_role_committees",
            rule="O6",
        )
    formation = ratio(
        counts.compounds_with_owners_committee, counts.compounds, field="compounds_with_owners_committee"
    )
    company_coverage = ratio(
        counts.companies_requiring_party_org_covered,
        counts.companies_requiring_party_org,
        field="companies_requiring_party_org_covered",
    )
    return CoverageFigures(
        party_branch_coverage=ratio(
            counts.compounds_with_party_branch, counts.compounds, field="compounds_with_party_branch"
        ),
        owners_committee_formation_rate=formation,
        owners_committee_formation_meets_target=meets_target(formation, formation_target),
        red_committee_share=ratio(
            counts.red_owners_committees, counts.owners_committees, field="red_owners_committees"
        ),
        dual_role_count=counts.dual_role_committees,
        two_committee_members=counts.two_committee_members,
        company_party_org_coverage=company_coverage,
        company_party_org_meets_target=meets_target(company_coverage, company_party_org_target),
        cadre_linked_compounds=counts.compounds_with_linked_cadre,
        cadre_link_rate=ratio(
            counts.compounds_with_linked_cadre, counts.compounds, field="compounds_with_linked_cadre"
        ),
        owners_committee_formation_target=formation_target,
        company_party_org_target=company_party_org_target,
    )
