"""List policies per jurisdiction and yearly red/yellow lists by ranking share in the domain (R7)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_ratings.domain.events import CommunityPartyTalkRequired, ContractEndAdvised, TenderPriorityGranted
from wuye_ratings.domain.list_policies import (
    JurisdictionListPolicy,
    ListScheme,
    YearlyCandidate,
    YearlyListing,
    compile_yearly_lists,
    policy_in_force,
    share_places,
)
from wuye_ratings.domain.vocabulary import Band

HUAINAN = "340400"
COUNTY = "340400/340421"
YEARLY = JurisdictionListPolicy.create(jurisdiction_path=HUAINAN, scheme=ListScheme.YEARLY_RED_YELLOW,
                                       black_includes_b=False, red_percent=10, yellow_percent=10)


def candidate(name: str, score: int, band: Band = Band.A) -> YearlyCandidate:
    return YearlyCandidate(name, Fraction(score), band, (f"{name}-compound",))


def lists(*candidates: YearlyCandidate, policy: JurisdictionListPolicy = YEARLY, published_on: str = "2027-01-05"):
    return compile_yearly_lists(policy=policy, jurisdiction_path=HUAINAN, year=2026, candidates=candidates,
                                published_on=dt.date.fromisoformat(published_on), published_in="淮南市住建局官网")


def test_R7_the_nearest_policy_holds_below_it_and_none_means_the_default() -> None:
    county = JurisdictionListPolicy.create(jurisdiction_path=COUNTY, scheme=ListScheme.QUARTERLY_RED_BLACK,
                                           black_includes_b=True, red_percent=0, yellow_percent=0)
    assert policy_in_force([YEARLY, county], f"{COUNTY}/340421100") == county
    assert policy_in_force([YEARLY, county], "340400/340402") == YEARLY
    assert policy_in_force([YEARLY, county], "350500/350521") is None


@pytest.mark.parametrize(("red", "yellow", "field"), [(0, 10, "policy.red_percent"), (51, 10, "policy.red_percent"),
                                                       (10, 0, "policy.yellow_percent"), (10, 51, "policy.yellow_percent")])
def test_R7_a_yearly_share_is_a_whole_percent_from_1_to_50(red: int, yellow: int, field: str) -> None:
    with pytest.raises(InvalidArgument) as refused:
        JurisdictionListPolicy.create(jurisdiction_path=HUAINAN, scheme=ListScheme.YEARLY_RED_YELLOW,
                                      black_includes_b=False, red_percent=red, yellow_percent=yellow)
    assert (refused.value.field, refused.value.rule) == (field, "R7")
    for edge in (1, 50):
        assert JurisdictionListPolicy.create(jurisdiction_path=HUAINAN, scheme=ListScheme.YEARLY_RED_YELLOW,
                                             black_includes_b=False, red_percent=edge, yellow_percent=edge)


def test_R7_each_scheme_takes_only_its_own_settings() -> None:
    with pytest.raises(InvalidArgument):
        JurisdictionListPolicy.create(jurisdiction_path=HUAINAN, scheme=ListScheme.QUARTERLY_RED_BLACK,
                                      black_includes_b=False, red_percent=10, yellow_percent=10)
    with pytest.raises(InvalidArgument):
        JurisdictionListPolicy.create(jurisdiction_path=HUAINAN, scheme=ListScheme.YEARLY_RED_YELLOW,
                                      black_includes_b=True, red_percent=10, yellow_percent=10)


def test_R7_a_share_is_rounded_up_to_whole_places() -> None:
    assert [share_places(n, 10) for n in (0, 1, 9, 10, 11, 20, 21)] == [0, 1, 1, 1, 2, 2, 3]


def test_R7_top_share_red_bottom_share_yellow_and_ties_at_a_boundary_are_inside() -> None:
    # 11 companies at 10 %: two places each; the second-best and the third tie, so three are red
    scores = [95, 90, 90, 85, 80, 78, 75, 72, 70, 62, 50]
    found = lists(*[candidate(f"c{n:02}", score, Band.C if score < 60 else Band.A) for n, score in enumerate(scores)])
    assert found.red == ("c00", "c01", "c02") and found.yellow == ("c09", "c10")
    assert [one.rank for one in found.standings[:4]] == [1, 2, 2, 4]
    assert [one.serious for one in found.standings if one.listing is YearlyListing.YELLOW] == [False, True]
    consequences = found.consequences()
    assert [type(one) for one in consequences] == [TenderPriorityGranted] * 3 + [CommunityPartyTalkRequired] * 2 + [
        ContractEndAdvised]
    advised = consequences[-1]
    assert isinstance(advised, ContractEndAdvised)
    assert (advised.company_id, advised.year, advised.quarter, advised.compound_ids) == (
        "c10", 2026, None, ("c10-compound",))


def test_R7_with_few_companies_red_wins_where_the_shares_overlap() -> None:
    found = lists(candidate("only", 70))
    assert found.red == ("only",) and found.yellow == ()
    two = lists(candidate("best", 80), candidate("worst", 60))
    assert two.red == ("best",) and two.yellow == ("worst",)
    assert lists().standings == ()


def test_R7_a_year_is_published_only_after_it_ends_and_under_a_yearly_policy() -> None:
    with pytest.raises(InvalidArgument) as early:
        lists(candidate("c", 70), published_on="2026-12-31")
    assert (early.value.field, early.value.rule) == ("year", "R7")
    assert lists(candidate("c", 70), published_on="2027-01-01").published_on == dt.date(2027, 1, 1)
    quarterly = JurisdictionListPolicy.create(jurisdiction_path=HUAINAN, scheme=ListScheme.QUARTERLY_RED_BLACK,
                                              black_includes_b=False, red_percent=0, yellow_percent=0)
    with pytest.raises(InvalidArgument):
        lists(candidate("c", 70), policy=quarterly)


def test_R7_a_published_list_records_where_it_was_published() -> None:
    assert lists(candidate("c", 70)).published_in == "淮南市住建局官网"
