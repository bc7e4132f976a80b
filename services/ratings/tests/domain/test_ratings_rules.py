import datetime as dt
from fractions import Fraction

import pytest

from wuye_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from wuye_ratings.domain.rules import DEFAULT_RULES, RuleBook, RuleSet
from wuye_ratings.domain.vocabulary import Band, RecordKind

NEXT_YEAR = dt.date(2026, 1, 1)


def band(score, *, bad=False, automatic_c=False):
    return DEFAULT_RULES.band_for(Fraction(score), has_bad_record=bad, automatic_c=automatic_c)


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (85, Band.AAA),
        (Fraction(8499, 100), Band.AA),
        (80, Band.AA),
        (Fraction(7999, 100), Band.A),
        (70, Band.A),
        (Fraction(6999, 100), Band.B),
        (60, Band.B),
    ],
)
def test_R1_band_floors_are_inclusive_at_85_80_70_60(score, expected):
    assert band(score, bad=True) is expected


def test_R1_score_exactly_85_is_AAA():
    assert band(85) is Band.AAA


def test_R1_below_60_without_bad_record_is_B():
    assert band(Fraction(5999, 100), bad=False) is Band.B


def test_R1_below_60_with_bad_record_is_C():
    assert band(Fraction(5999, 100), bad=True) is Band.C


def test_R2_automatic_c_overrides_any_score():
    assert band(100, automatic_c=True) is Band.C


def test_R2_default_points_follow_the_yangzhou_model():
    points = DEFAULT_RULES.points
    awards = [RecordKind.AWARD_NATIONAL, RecordKind.AWARD_PROVINCIAL, RecordKind.AWARD_CITY]
    awards += [RecordKind.AWARD_COUNTY, RecordKind.AWARD_STREET]
    assert [points[kind] for kind in awards] == [5, 4, 3, 2, 1]
    for kind in (RecordKind.COURT_LOSS_AT_FAULT, RecordKind.COMMON_INCOME_NOT_PUBLISHED, RecordKind.ILLEGAL_CHARGING):
        assert points[kind] == -5
    assert DEFAULT_RULES.automatic_c_kinds == {RecordKind.MAINTENANCE_FUND_MISUSE, RecordKind.REFUSED_TO_LEAVE}
    assert DEFAULT_RULES.base_score == 70 and DEFAULT_RULES.validity_years == 1


def test_R2_every_record_kind_is_priced():
    assert set(DEFAULT_RULES.points) == set(RecordKind)


def test_R2_event_deductions_are_configurable():
    stricter = DEFAULT_RULES.revised(
        version="stricter-2026", effective_from=NEXT_YEAR, points={"complaint_unsatisfied": Fraction(-3, 2)}
    )
    assert stricter.points_for(RecordKind.COMPLAINT_UNSATISFIED) == Fraction(-3, 2)
    assert stricter.points_for(RecordKind.COMPLAINT_OVERDUE) == DEFAULT_RULES.points_for(RecordKind.COMPLAINT_OVERDUE)


def test_R1_rule_set_is_immutable_and_a_change_is_a_new_version():
    revised = DEFAULT_RULES.revised(version="jinan-2026", effective_from=NEXT_YEAR, base_score=75)
    assert (revised.version, revised.base_score) == ("jinan-2026", 75)
    assert DEFAULT_RULES.base_score == 70
    with pytest.raises(TypeError):
        DEFAULT_RULES.points[RecordKind.AWARD_CITY] = 10
    with pytest.raises(AttributeError):
        DEFAULT_RULES.base_score = Fraction(80)


def test_R1_revision_with_the_same_version_id_refused():
    with pytest.raises(InvalidArgument) as refused:
        DEFAULT_RULES.revised(version=DEFAULT_RULES.version, effective_from=NEXT_YEAR, base_score=75)
    assert (refused.value.field, refused.value.rule) == ("version", "R1")


def test_R1_unknown_setting_in_a_revision_refused():
    with pytest.raises(InvalidArgument) as refused:
        DEFAULT_RULES.revised(version="v2", effective_from=NEXT_YEAR, bonus=3)
    assert (refused.value.field, refused.value.rule) == ("bonus", "R1")


@pytest.mark.parametrize(
    "floors",
    [
        {"AAA": 85, "AA": 85, "A": 70, "B": 60},
        {"AAA": 85, "AA": 80, "A": 70},
        {"AAA": 85, "AA": 80, "A": 50, "B": 60},
    ],
)
def test_R1_band_floors_must_fall_strictly_and_be_complete(floors):
    with pytest.raises(InvalidArgument) as refused:
        RuleSet.create(version="bad", effective_from=NEXT_YEAR, band_floors=floors)
    assert (refused.value.field, refused.value.rule) == ("band_floors", "R1")


def test_R2_float_points_refused_for_exactness():
    with pytest.raises(InvalidArgument) as refused:
        RuleSet.create(version="bad", effective_from=NEXT_YEAR, points={"award_city": 2.5})
    assert (refused.value.field, refused.value.rule) == ("points.award_city", "R2")


def test_R2_unknown_record_kind_refused():
    with pytest.raises(InvalidArgument) as refused:
        RuleSet.create(version="bad", effective_from=NEXT_YEAR, points={"bribery": -5})
    assert (refused.value.field, refused.value.rule) == ("points", "R2")


def test_R1_rule_book_picks_the_version_in_effect_on_a_day():
    revised = DEFAULT_RULES.revised(version="jinan-2026", effective_from=NEXT_YEAR, base_score=75)
    book = RuleBook().add(revised)
    assert book.in_effect_on(dt.date(2025, 12, 31)) is DEFAULT_RULES
    assert book.in_effect_on(NEXT_YEAR) is revised
    assert book.get("jinan-2026") is revised


def test_R1_rule_book_refuses_retroactive_or_duplicate_versions():
    book = RuleBook()
    with pytest.raises(FailedPrecondition) as retroactive:
        book.add(DEFAULT_RULES.revised(version="v2", effective_from=DEFAULT_RULES.effective_from))
    assert (retroactive.value.field, retroactive.value.rule) == ("effective_from", "R1")
    with pytest.raises(AlreadyExists) as duplicate:
        book.add(DEFAULT_RULES)
    assert (duplicate.value.field, duplicate.value.rule) == ("version", "R1")


def test_R1_no_rules_before_the_first_version():
    with pytest.raises(NotFound) as missing:
        RuleBook().in_effect_on(dt.date(2024, 12, 31))
    assert (missing.value.field, missing.value.rule) == ("as_of", "R1")
    with pytest.raises(NotFound):
        RuleBook().get("nope")


def test_R4_band_order_for_lists():
    assert Band.AAA.at_least(Band.AA) and Band.AA.at_least(Band.AA)
    assert not Band.A.at_least(Band.AA)
