import datetime as dt
from fractions import Fraction

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_complaints.domain.case import Callback
from wuye_complaints.domain.rates import (
    BASICALLY_SATISFIED_WEIGHT,
    CallbackCounts,
    Rates,
    count_callbacks,
    meets_year_on_year_target,
    rates,
    tier_split,
    year_on_year_change,
)
from wuye_complaints.domain.vocabulary import Satisfaction, Tier

AT = dt.datetime(2026, 9, 14, 1, 0, tzinfo=dt.UTC)


def callback(satisfaction, *, contacted=True, solved=True, valid=True):
    if not valid:
        return Callback(AT, "c", False, None, None, None, "unreachable")
    return Callback(AT, "c", True, contacted, solved, Satisfaction(satisfaction), None)


def test_C5_rates_over_valid_callbacks():
    counts = CallbackCounts(valid=8, contacted=7, solved=6, satisfied=5, basically_satisfied=0)
    assert rates(counts) == Rates(Fraction(7, 8), Fraction(6, 8), Fraction(5, 8))


def test_C5_satisfaction_counts_basically_satisfied_as_nine_tenths():
    assert BASICALLY_SATISFIED_WEIGHT == Fraction(9, 10)
    counts = CallbackCounts(valid=10, contacted=10, solved=9, satisfied=6, basically_satisfied=2)
    assert rates(counts).satisfaction == Fraction(78, 100)  # (6 + 0.9 × 2) ÷ 10, exactly
    only_basically = CallbackCounts(valid=3, contacted=3, solved=3, satisfied=0, basically_satisfied=3)
    assert rates(only_basically).satisfaction == Fraction(9, 10)


def test_C5_no_valid_callbacks_gives_no_rate_not_zero():
    assert rates(CallbackCounts(0, 0, 0, 0, 0)) == Rates(None, None, None)


def test_C5_invalid_callbacks_count_nowhere():
    counts = count_callbacks(
        [
            callback("satisfied"),
            callback("basically_satisfied", contacted=False),
            callback("unsatisfied", solved=False),
            callback(None, valid=False),
            callback(None, valid=False),
        ]
    )
    assert counts == CallbackCounts(valid=3, contacted=2, solved=2, satisfied=1, basically_satisfied=1)
    assert rates(counts).satisfaction == Fraction(19, 30)


@pytest.mark.parametrize(
    ("counts", "field"),
    [
        ((2, 3, 0, 0, 0), "contacted"),
        ((2, 0, 3, 0, 0), "solved"),
        ((2, 0, 0, 2, 1), "satisfied"),
        ((-1, 0, 0, 0, 0), "valid"),
        ((1, 0, 0, 0, True), "basically_satisfied"),
    ],
)
def test_C5_counts_must_fit_within_valid_callbacks(counts, field):
    with pytest.raises(InvalidArgument) as caught:
        CallbackCounts(*counts)
    assert (caught.value.field, caught.value.rule) == (field, "C5")


def test_C4_tier_split_against_the_70_20_10_target():
    split = tier_split({Tier.COMMUNITY: 60, Tier.STREET: 25, Tier.COUNTY: 15})
    assert split.total == 100
    assert [(share.tier, share.share, share.target, share.gap) for share in split.shares] == [
        (Tier.COMMUNITY, Fraction(60, 100), Fraction(70, 100), Fraction(-10, 100)),
        (Tier.STREET, Fraction(25, 100), Fraction(20, 100), Fraction(5, 100)),
        (Tier.COUNTY, Fraction(15, 100), Fraction(10, 100), Fraction(5, 100)),
    ]
    assert not split.meets_target


@pytest.mark.parametrize(
    ("community", "street", "county", "meets"),
    [
        (70, 20, 10, True),
        (80, 15, 5, True),
        (70, 30, 0, True),
        (69, 21, 10, False),
        (75, 14, 11, False),
    ],
)
def test_C4_tier_target_needs_70_percent_at_community_and_at_most_10_at_county(community, street, county, meets):
    assert tier_split({"community": community, "street": street, "county": county}).meets_target is meets


def test_C4_tier_split_of_nothing_is_none_and_missing_tiers_count_zero():
    assert tier_split({}) is None
    assert tier_split({Tier.COMMUNITY: 0}) is None
    split = tier_split({Tier.COMMUNITY: 3})
    assert [share.share for share in split.shares] == [1, 0, 0]


@pytest.mark.parametrize(("closed", "field"), [({"province": 3}, "tier"), ({"street": -1}, "closed_by_tier.street")])
def test_C4_bad_tier_counts_refused(closed, field):
    with pytest.raises(InvalidArgument) as caught:
        tier_split(closed)
    assert (caught.value.field, caught.value.rule) == (field, "C4")


def test_C5_year_on_year_change_is_exact():
    assert year_on_year_change(66, 100) == Fraction(-34, 100)  # seed 001: petitions down 34 %
    assert year_on_year_change(120, 100) == Fraction(1, 5)
    assert year_on_year_change(7, 3) == Fraction(4, 3)
    assert year_on_year_change(5, 0) is None


@pytest.mark.parametrize(
    ("current", "previous", "meets"),
    [(85, 100, True), (86, 100, False), (170, 200, True), (851, 1000, False), (0, 1, True), (3, 0, None)],
)
def test_C5_quanzhou_target_is_a_fall_of_15_percent_or_more(current, previous, meets):
    assert meets_year_on_year_target(current, previous) is meets


@pytest.mark.parametrize(("current", "previous", "field"), [(-1, 5, "current"), (5, 1.5, "previous")])
def test_C5_year_on_year_counts_must_be_whole_numbers(current, previous, field):
    with pytest.raises(InvalidArgument) as caught:
        year_on_year_change(current, previous)
    assert (caught.value.field, caught.value.rule) == (field, "C5")
