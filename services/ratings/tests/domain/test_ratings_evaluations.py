import datetime as dt
from fractions import Fraction

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_ratings.domain.evaluations import (
    DEFAULT_WEIGHTS,
    EvaluationKind,
    EvaluationWeights,
    Quarter,
    QuarterlyEvaluation,
)

STREET = "350500/350521/350521100"
OTHER_STREET = "350500/350521/350521101"
Q4 = Quarter(2026, 4)
IN_Q4 = dt.date(2026, 11, 2)


def evaluation(**overrides):
    values = dict(company_id="company-1", street_path=STREET, quarter=Q4)
    values.update(overrides)
    return QuarterlyEvaluation.open(**values)


def survey(target, household="household-1", scores=(8,) * 10, on=IN_Q4):
    target.add_resident_survey(household_id=household, aspect_scores=scores, submitted_on=on)


def peer(target, company="company-2", street=STREET, scores=(7,) * 12, on=IN_Q4):
    target.add_peer_evaluation(
        evaluator_company_id=company, evaluator_street_path=street, aspect_scores=scores, submitted_on=on
    )


def department(target, department_id="housing-bureau", scores=(9,) * 18, on=IN_Q4):
    target.add_department_evaluation(department_id=department_id, aspect_scores=scores, submitted_on=on)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2026, 1, 1), "2026Q1"),
        (dt.date(2026, 3, 31), "2026Q1"),
        (dt.date(2026, 4, 1), "2026Q2"),
        (dt.date(2026, 9, 30), "2026Q3"),
        (dt.date(2026, 10, 1), "2026Q4"),
        (dt.date(2026, 12, 31), "2026Q4"),
    ],
)
def test_R3_quarter_of_a_date(day, text):
    assert str(Quarter.of(day)) == text


def test_R3_quarter_bounds_and_neighbours():
    assert (Q4.first_day, Q4.last_day) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert (Quarter(2026, 1).first_day, Quarter(2026, 1).last_day) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Q4.next() == Quarter(2027, 1)
    assert Quarter.parse("2026q4") == Q4


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "2026-4", "Q4", "twenty"])
def test_R3_malformed_quarter_refused(text):
    with pytest.raises(InvalidArgument) as refused:
        Quarter.parse(text)
    assert (refused.value.field, refused.value.rule) == ("quarter", "R3")


def test_R3_each_evaluation_is_scaled_to_0_100_whatever_its_aspect_count():
    target = evaluation()
    survey(target, scores=(10,) * 10)
    peer(target, scores=(0,) * 12)
    department(target, scores=(5,) * 18)
    assert target.average("resident") == 100
    assert target.average(EvaluationKind.PEER) == 0
    assert target.average(EvaluationKind.DEPARTMENT) == 50


def test_R3_three_evaluations_combine_with_default_weights():
    target = evaluation()
    survey(target, household="household-1", scores=(8,) * 10)
    survey(target, household="household-2", scores=(9,) * 10)
    peer(target, scores=(7,) * 12)
    department(target, scores=(9,) * 18)
    # residents 85, peers 70, departments 90 → 2/5·85 + 1/5·70 + 2/5·90 = 84
    assert target.combined_score() == 84


def test_R3_default_weights_are_two_fifths_one_fifth_two_fifths():
    assert (DEFAULT_WEIGHTS.resident, DEFAULT_WEIGHTS.peer, DEFAULT_WEIGHTS.department) == (
        Fraction(2, 5),
        Fraction(1, 5),
        Fraction(2, 5),
    )


def test_R3_weights_are_configurable_and_exact():
    target = evaluation()
    survey(target, scores=(10,) * 10)
    peer(target, scores=(0,) * 12)
    department(target, scores=(0,) * 18)
    thirds = EvaluationWeights.create(resident=Fraction(1, 3), peer=Fraction(1, 3), department=Fraction(1, 3))
    assert target.combined_score(thirds) == Fraction(100, 3)


@pytest.mark.parametrize(
    "weights",
    [
        dict(resident=Fraction(1, 3), peer=Fraction(1, 3), department=Fraction(1, 3) + Fraction(1, 1000)),
        dict(resident=Fraction(3, 5), peer=Fraction(1, 2), department=0),
        dict(resident=Fraction(2, 5), peer=Fraction(1, 5), department=Fraction(1, 5)),
    ],
)
def test_R3_weights_must_sum_to_exactly_one(weights):
    with pytest.raises(InvalidArgument) as refused:
        EvaluationWeights.create(**weights)
    assert (refused.value.field, refused.value.rule) == ("weights", "R3")


def test_R3_float_or_negative_weights_refused():
    with pytest.raises(InvalidArgument) as as_float:
        EvaluationWeights.create(resident=0.4, peer=Fraction(1, 5), department=Fraction(2, 5))
    assert (as_float.value.field, as_float.value.rule) == ("weights.resident", "R3")
    with pytest.raises(InvalidArgument) as negative:
        EvaluationWeights.create(resident=Fraction(6, 5), peer=Fraction(-1, 5), department=0)
    assert (negative.value.field, negative.value.rule) == ("weights.peer", "R3")


def test_R3_missing_peer_evaluations_rescale_the_other_weights():
    target = evaluation()
    survey(target, scores=(8,) * 10)
    department(target, scores=(6,) * 18)
    assert target.average(EvaluationKind.PEER) is None
    assert target.combined_score() == 70  # (2/5·80 + 2/5·60) ÷ 4/5


def test_R3_no_evaluation_at_all_cannot_be_combined():
    with pytest.raises(FailedPrecondition) as refused:
        evaluation().combined_score()
    assert (refused.value.field, refused.value.rule) == ("evaluations", "R3")


def test_R3_second_survey_same_household_same_quarter_refused():
    target = evaluation()
    survey(target)
    with pytest.raises(FailedPrecondition) as refused:
        survey(target, scores=(0,) * 10, on=dt.date(2026, 12, 1))
    assert (refused.value.field, refused.value.rule) == ("household_id", "R3")
    assert len(target.evaluations) == 1 and target.average("resident") == 80


def test_R3_same_household_may_survey_again_next_quarter():
    survey(evaluation(quarter=Quarter(2026, 3)), on=dt.date(2026, 9, 30))
    next_quarter = evaluation()
    survey(next_quarter, on=dt.date(2026, 10, 1))
    assert len(next_quarter.evaluations) == 1


def test_R3_company_cannot_rate_itself_as_a_peer():
    target = evaluation()
    with pytest.raises(PermissionDenied) as refused:
        peer(target, company="company-1")
    assert (refused.value.field, refused.value.rule) == ("evaluator_company_id", "R3")
    assert target.evaluations == []


def test_R3_company_from_another_street_is_not_a_peer():
    with pytest.raises(PermissionDenied) as refused:
        peer(evaluation(), street=OTHER_STREET)
    assert (refused.value.field, refused.value.rule) == ("evaluator_street_path", "R3")


def test_R3_peer_and_department_evaluate_once_per_quarter():
    target = evaluation()
    peer(target)
    department(target)
    with pytest.raises(FailedPrecondition) as second_peer:
        peer(target)
    assert (second_peer.value.field, second_peer.value.rule) == ("evaluator_company_id", "R3")
    with pytest.raises(FailedPrecondition) as second_department:
        department(target)
    assert (second_department.value.field, second_department.value.rule) == ("department_id", "R3")


@pytest.mark.parametrize(
    ("add", "scores"),
    [(survey, (8,) * 9), (survey, (8,) * 11), (peer, (7,) * 10), (department, (9,) * 12)],
)
def test_R3_each_evaluation_scores_its_exact_number_of_aspects(add, scores):
    with pytest.raises(InvalidArgument) as refused:
        add(evaluation(), scores=scores)
    assert (refused.value.field, refused.value.rule) == ("aspect_scores", "R3")


@pytest.mark.parametrize("bad", [11, -1, 7.5, True])
def test_R3_aspect_scores_are_whole_numbers_0_to_10(bad):
    with pytest.raises(InvalidArgument) as refused:
        survey(evaluation(), scores=(bad,) + (8,) * 9)
    assert (refused.value.field, refused.value.rule) == ("aspect_scores[1]", "R3")


def test_R3_aspect_score_boundaries_0_and_10_accepted():
    target = evaluation()
    survey(target, scores=(0,) * 5 + (10,) * 5)
    assert target.average("resident") == 50


@pytest.mark.parametrize("day", [dt.date(2026, 9, 30), dt.date(2027, 1, 1)])
def test_R3_evaluation_submitted_outside_its_quarter_refused(day):
    with pytest.raises(InvalidArgument) as refused:
        survey(evaluation(), on=day)
    assert (refused.value.field, refused.value.rule) == ("submitted_on", "R3")


def test_R3_evaluation_is_for_a_street():
    with pytest.raises(InvalidArgument) as county:
        evaluation(street_path="350500/350521")
    assert (county.value.field, county.value.rule) == ("street_path", "R3")
    with pytest.raises(InvalidArgument) as malformed:
        evaluation(street_path="35/x")
    assert (malformed.value.field, malformed.value.rule) == ("street_path", "R3")


@pytest.mark.parametrize(("day", "accepted"), [
    (dt.date(2027, 1, 15), True),   # the last day of 15 days of grace after 2026Q4
    (dt.date(2027, 1, 16), False),  # the day after
    (dt.date(2026, 9, 30), False),  # grace never reaches back before the quarter
])
def test_R3_a_department_evaluates_in_the_grace_days_after_the_quarter_and_not_a_day_later(day, accepted):
    target = evaluation()
    if accepted:
        target.add_department_evaluation(department_id="housing-bureau", aspect_scores=(9,) * 18,
                                         submitted_on=day, grace_days=15)
        assert target.average("department") == 90
    else:
        with pytest.raises(InvalidArgument) as refused:
            target.add_department_evaluation(department_id="housing-bureau", aspect_scores=(9,) * 18,
                                             submitted_on=day, grace_days=15)
        assert (refused.value.field, refused.value.rule) == ("submitted_on", "R3")
        assert "2027-01-15" in str(refused.value)
