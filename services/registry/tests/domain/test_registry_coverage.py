from decimal import Decimal
from fractions import Fraction

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_registry.domain.coverage import CoverageCounts, coverage_figures, percent, ratio


def counts(**overrides):
    values = dict(
        compounds=100,
        compounds_with_party_branch=80,
        compounds_with_owners_committee=50,
        owners_committees=35,
        red_owners_committees=23,
        dual_role_committees=10,
        two_committee_members=12,
        companies_requiring_party_org=20,
        companies_requiring_party_org_covered=18,
        compounds_with_linked_cadre=60,
    )
    return CoverageCounts(**(values | overrides))


def test_O6_figures_exact():
    figures = coverage_figures(counts())
    assert figures.party_branch_coverage == Fraction(4, 5)
    assert figures.red_committee_share == Fraction(23, 35)
    assert percent(figures.red_committee_share) == Decimal("65.7")
    assert (figures.dual_role_count, figures.two_committee_members, figures.cadre_linked_compounds) == (10, 12, 60)
    assert figures.cadre_link_rate == Fraction(3, 5)


def test_O6_formation_rate_exactly_50_percent_meets_target():
    figures = coverage_figures(counts(compounds_with_owners_committee=50))
    assert (figures.owners_committee_formation_rate, figures.owners_committee_formation_meets_target) == (
        Fraction(1, 2),
        True,
    )


def test_O6_formation_rate_below_50_percent_misses_target():
    figures = coverage_figures(counts(compounds_with_owners_committee=49))
    assert figures.owners_committee_formation_meets_target is False


def test_O6_company_party_org_exactly_90_percent_meets_target():
    assert coverage_figures(counts(companies_requiring_party_org_covered=18)).company_party_org_meets_target


def test_O6_company_party_org_just_below_90_percent_misses_target():
    figures = coverage_figures(counts(companies_requiring_party_org=1000, companies_requiring_party_org_covered=899))
    assert figures.company_party_org_meets_target is False
    assert percent(figures.company_party_org_coverage) == Decimal("89.9")


def test_O6_no_compounds_gives_none_not_a_crash():
    empty = CoverageCounts(*([0] * 10))
    figures = coverage_figures(empty)
    assert figures.party_branch_coverage is None
    assert figures.owners_committee_formation_rate is None
    assert figures.owners_committee_formation_meets_target is None
    assert figures.red_committee_share is None
    assert figures.company_party_org_coverage is None
    assert percent(figures.party_branch_coverage) is None


def test_O6_part_larger_than_whole_refused():
    with pytest.raises(InvalidArgument) as caught:
        coverage_figures(counts(compounds_with_party_branch=101))
    assert (caught.value.field, caught.value.rule) == ("compounds_with_party_branch", "O6")


def test_O6_more_dual_roles_than_committees_refused():
    with pytest.raises(InvalidArgument) as caught:
        coverage_figures(counts(dual_role_committees=36))
    assert caught.value.field == "dual_role_committees"


def test_O6_negative_count_refused():
    with pytest.raises(InvalidArgument) as caught:
        counts(compounds=-1)
    assert (caught.value.field, caught.value.rule) == ("compounds", "non_negative")


def test_O6_targets_are_settings():
    figures = coverage_figures(counts(compounds_with_owners_committee=50), formation_target=Fraction(3, 5))
    assert figures.owners_committee_formation_meets_target is False
    # the figures say which targets they were held to
    assert (figures.owners_committee_formation_target, figures.company_party_org_target) == (Fraction(3, 5),
                                                                                            Fraction(9, 10))


def test_percent_rounds_half_up_exactly():
    assert percent(Fraction(1, 8)) == Decimal("12.5")
    assert percent(Fraction(1, 2000)) == Decimal("0.1")  # 0.05 % is a tie, rounded up
    assert percent(Fraction(1, 3), places=2) == Decimal("33.33")
    assert percent(Fraction(1)) == Decimal("100.0")


def test_ratio_zero_whole_is_none():
    assert ratio(0, 0) is None
    assert ratio(1, 4) == Fraction(1, 4)
