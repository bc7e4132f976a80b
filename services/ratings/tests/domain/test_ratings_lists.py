import datetime as dt

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.events import (
    MATTER_DISMISS_COMPANY,
    AdmonitionTalkRequired,
    ContractEndAdvised,
    ListsPublished,
    TenderPriorityGranted,
)
from wuye_ratings.domain.lists import DEFAULT_POLICY, CompanyStanding, ListPolicy, compile_lists
from wuye_ratings.domain.vocabulary import Band

COUNTY = "350500/350521"
Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


def standing(company_id, band, compounds=("compound-1",)):
    return CompanyStanding.create(company_id=company_id, band=band, compound_ids=compounds)


def lists_for(quarter, *standings, policy=DEFAULT_POLICY, jurisdiction=COUNTY):
    return compile_lists(
        quarter=quarter,
        jurisdiction_path=jurisdiction,
        standings=standings,
        policy=policy,
        published_on=quarter.next().first_day,
    )


def of_type(events, kind):
    return [event for event in events if isinstance(event, kind)]


def test_R4_red_is_AA_and_above():
    lists = lists_for(Q1, standing("aaa", "AAA"), standing("aa", "AA"), standing("a", "A"), standing("b", "B"))
    assert lists.red == ("aaa", "aa")


def test_R4_black_is_C_by_default():
    lists = lists_for(Q1, standing("b", "B"), standing("c", "C"))
    assert lists.black == ("c",)


def test_R4_black_includes_B_when_configured():
    lists = lists_for(Q1, standing("a", "A"), standing("b", "B"), standing("c", "C"), policy=ListPolicy(True))
    assert lists.black == ("b", "c")


def test_R4_publishing_announces_the_red_and_black_companies():
    lists = lists_for(Q1, standing("aa", "AA"), standing("a", "A"), standing("c", "C"))
    assert lists.published == ListsPublished(COUNTY, Q1, dt.date(2026, 4, 1), ("aa",), ("c",))


def test_R4_red_grants_tender_priority():
    events = lists_for(Q1, standing("aa", Band.AA), standing("a", Band.A)).consequences(previous=None)
    assert events == (TenderPriorityGranted("aa", Q1, COUNTY, Band.AA),)


def test_R4_black_once_requires_an_admonition_talk():
    events = lists_for(Q2, standing("c", "C")).consequences(previous=lists_for(Q1, standing("c", "A")))
    assert events == (AdmonitionTalkRequired("c", Q2, COUNTY, Band.C),)


def test_R4_black_twice_in_a_row_advises_contract_end():
    first = lists_for(Q1, standing("c", "C", ("compound-1", "compound-2")))
    second = lists_for(Q2, standing("c", "C", ("compound-1", "compound-2")))
    events = second.consequences(previous=first)
    assert events == (
        ContractEndAdvised(
            company_id="c",
            quarter=Q2,
            jurisdiction_path=COUNTY,
            compound_ids=("compound-1", "compound-2"),
            black_quarters=(Q1, Q2),
        ),
    )
    assert events[0].matter == MATTER_DISMISS_COMPANY == 4
    assert of_type(events, AdmonitionTalkRequired) == []


def test_R4_black_twice_not_in_a_row_is_a_first_time_again():
    q1 = lists_for(Q1, standing("c", "C"))
    q2 = lists_for(Q2, standing("c", "B"))
    q3 = lists_for(Q3, standing("c", "C"))
    assert of_type(q2.consequences(previous=q1), ContractEndAdvised) == []
    events = q3.consequences(previous=q2)
    assert of_type(events, ContractEndAdvised) == []
    assert of_type(events, AdmonitionTalkRequired) == [AdmonitionTalkRequired("c", Q3, COUNTY, Band.C)]


def test_R4_previous_lists_must_be_the_quarter_just_before():
    with pytest.raises(InvalidArgument) as refused:
        lists_for(Q3, standing("c", "C")).consequences(previous=lists_for(Q1, standing("c", "C")))
    assert (refused.value.field, refused.value.rule) == ("previous", "R4")


def test_R4_previous_lists_must_be_the_same_jurisdiction():
    other = lists_for(Q1, standing("c", "C"), jurisdiction="350500/350524")
    with pytest.raises(InvalidArgument) as refused:
        lists_for(Q2, standing("c", "C")).consequences(previous=other)
    assert (refused.value.field, refused.value.rule) == ("previous", "R4")


def test_R4_year_boundary_counts_as_in_a_row():
    q4 = lists_for(Quarter(2025, 4), standing("c", "C"))
    events = lists_for(Q1, standing("c", "C")).consequences(previous=q4)
    assert [type(event) for event in events] == [ContractEndAdvised]


def test_R4_black_B_twice_in_a_row_advises_contract_end_when_B_is_black():
    policy = ListPolicy.create(black_includes_b=True)
    first = lists_for(Q1, standing("b", "B"), policy=policy)
    events = lists_for(Q2, standing("b", "B"), policy=policy).consequences(previous=first)
    assert [type(event) for event in events] == [ContractEndAdvised]


def test_R4_lists_are_published_after_the_quarter_ends():
    with pytest.raises(InvalidArgument) as refused:
        compile_lists(quarter=Q1, jurisdiction_path=COUNTY, standings=[], published_on=dt.date(2026, 3, 31))
    assert (refused.value.field, refused.value.rule) == ("published_on", "R4")
    assert compile_lists(quarter=Q1, jurisdiction_path=COUNTY, standings=[], published_on=dt.date(2026, 4, 1))


def test_R4_company_listed_twice_refused():
    with pytest.raises(InvalidArgument) as refused:
        lists_for(Q1, standing("c", "C"), standing("c", "A"))
    assert (refused.value.field, refused.value.rule) == ("standings", "R4")


def test_R4_malformed_jurisdiction_refused():
    with pytest.raises(InvalidArgument) as refused:
        lists_for(Q1, jurisdiction="3505/21")
    assert (refused.value.field, refused.value.rule) == ("jurisdiction_path", "R4")


def test_R4_unknown_band_refused():
    with pytest.raises(InvalidArgument) as refused:
        standing("x", "AAAA")
    assert (refused.value.field, refused.value.rule) == ("band", "R4")
