import datetime as dt
from fractions import Fraction

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_ratings.domain.evaluations import DEFAULT_WEIGHTS, Quarter, QuarterlyEvaluation
from wuye_ratings.domain.events import StarsAwarded, StarsWithdrawn
from wuye_ratings.domain.stars import (
    CityReview,
    StarRating,
    contract_end_withdraws_stars,
    is_eligible,
    rating_held_on,
    service_started_on,
    stars_for,
    withdraw_held_stars,
    yearly_evaluation_score,
    yearly_score,
)
from wuye_ratings.domain.vocabulary import StarWithdrawalReason

ASSESSED = dt.date(2027, 1, 20)


def assess(score, **overrides):
    values = dict(
        company_id="company-1",
        year=2026,
        score=score,
        service_started_on=dt.date(2024, 5, 1),
        assessed_on=ASSESSED,
        city_review_approved=False,
    )
    values.update(overrides)
    return StarRating.assess(**values)


@pytest.mark.parametrize(
    ("score", "stars"),
    [
        (Fraction(5999, 100), 0),
        (60, 1),
        (Fraction(6999, 100), 1),
        (70, 2),
        (80, 3),
        (Fraction(8999, 100), 3),
        (90, 4),
        (Fraction(9499, 100), 4),
        (100, 4),
    ],
)
def test_R5_score_bands_to_stars_without_city_review(score, stars):
    assert stars_for(Fraction(score), city_review_approved=False) == stars


def test_R5_below_60_no_star():
    assert assess(Fraction(1199, 20)).stars == 0


def test_R5_five_stars_need_95_and_city_review():
    assert assess(95, city_review_approved=True).stars == 5
    assert assess(95, city_review_approved=False).stars == 4
    assert assess(Fraction(9499, 100), city_review_approved=True).stars == 4


def test_R5_eligible_after_exactly_one_year_of_service():
    assert is_eligible(dt.date(2026, 1, 1), 2026)
    assert not is_eligible(dt.date(2026, 1, 2), 2026)
    assert assess(90, service_started_on=dt.date(2026, 1, 1)).stars == 4


def test_R5_less_than_one_year_of_service_refused():
    with pytest.raises(FailedPrecondition) as refused:
        assess(90, service_started_on=dt.date(2026, 1, 2))
    assert (refused.value.field, refused.value.rule) == ("service_started_on", "R5")


def test_R5_rating_is_assessed_after_the_year_ends():
    with pytest.raises(InvalidArgument) as refused:
        assess(90, assessed_on=dt.date(2026, 12, 31))
    assert (refused.value.field, refused.value.rule) == ("assessed_on", "R5")


@pytest.mark.parametrize("score", [-1, 101, 92.5])
def test_R5_score_must_be_exact_and_0_to_100(score):
    with pytest.raises(InvalidArgument) as refused:
        assess(score)
    assert (refused.value.field, refused.value.rule) == ("score", "R5")


def test_R5_yearly_score_is_the_mean_of_the_quarters():
    assert yearly_score([80, 90, Fraction(85), 95]) == Fraction(175, 2)
    assert yearly_score([Fraction(200, 3)]) == Fraction(200, 3)
    with pytest.raises(InvalidArgument) as refused:
        yearly_score([80] * 5)
    assert (refused.value.field, refused.value.rule) == ("quarterly_scores", "R5")


def test_R5_stars_withdrawn_when_the_contract_ends():
    rating = assess(92)
    event = rating.withdraw(reason="contract_ended", on=dt.date(2027, 6, 1))
    assert event == StarsWithdrawn("company-1", 2026, 4, StarWithdrawalReason.CONTRACT_ENDED, dt.date(2027, 6, 1))
    assert rating.stars_on(dt.date(2027, 5, 31)) == 4
    assert rating.stars_on(dt.date(2027, 6, 1)) == 0


def test_R5_stars_withdrawn_for_a_serious_violation_once_only():
    rating = assess(92)
    rating.withdraw(reason=StarWithdrawalReason.SERIOUS_VIOLATION, on=ASSESSED, note="挪用维修资金")
    assert rating.withdrawal_note == "挪用维修资金"
    with pytest.raises(FailedPrecondition) as refused:
        rating.withdraw(reason="contract_ended", on=dt.date(2027, 6, 1))
    assert (refused.value.field, refused.value.rule) == ("withdrawn_on", "R5")
    assert rating.withdrawal_reason is StarWithdrawalReason.SERIOUS_VIOLATION


def test_R5_no_star_has_nothing_to_withdraw():
    with pytest.raises(FailedPrecondition) as refused:
        assess(50).withdraw(reason="contract_ended", on=ASSESSED)
    assert (refused.value.field, refused.value.rule) == ("stars", "R5")


def test_R5_withdrawal_before_the_award_or_for_an_unknown_reason_refused():
    with pytest.raises(InvalidArgument) as early:
        assess(92).withdraw(reason="contract_ended", on=dt.date(2027, 1, 19))
    assert (early.value.field, early.value.rule) == ("on", "R5")
    with pytest.raises(InvalidArgument) as unknown:
        assess(92).withdraw(reason="bad_mood", on=ASSESSED)
    assert (unknown.value.field, unknown.value.rule) == ("reason", "R5")


def test_R5_no_stars_before_the_assessment_day():
    assert assess(92).stars_on(dt.date(2027, 1, 19)) == 0


def test_R5_city_review_approval_awards_the_fifth_star_from_the_review_day():
    rating = assess(96)
    assert (rating.stars, rating.city_review) == (4, CityReview.PENDING)
    assert rating.awarded == StarsAwarded("company-1", 2026, 4, ASSESSED)
    reviewed = dt.date(2027, 2, 10)
    assert rating.record_city_review(approved=True, on=reviewed) == StarsAwarded("company-1", 2026, 5, reviewed)
    assert rating.city_review is CityReview.APPROVED
    assert (rating.stars_on(dt.date(2027, 2, 9)), rating.stars_on(reviewed)) == (4, 5)


def test_R5_city_review_rejection_keeps_four_stars_and_is_final():
    rating = assess(95)
    assert rating.record_city_review(approved=False, on=ASSESSED) is None
    assert (rating.stars, rating.city_review) == (4, CityReview.REJECTED)
    with pytest.raises(FailedPrecondition) as again:
        rating.record_city_review(approved=True, on=ASSESSED)
    assert (again.value.field, again.value.rule) == ("approved", "R5")


def test_R5_city_review_only_for_scores_of_95_or_more():
    rating = assess(Fraction(9499, 100))
    assert rating.city_review is CityReview.NOT_NEEDED
    with pytest.raises(FailedPrecondition) as refused:
        rating.record_city_review(approved=True, on=ASSESSED)
    assert (refused.value.field, refused.value.rule) == ("year", "R5")


def test_R5_no_star_awards_nothing():
    assert assess(59).awarded is None


def quarterly(quarter: str, street: str, *department_scores: int) -> QuarterlyEvaluation:
    evaluation = QuarterlyEvaluation.open(company_id="company-1", street_path=street, quarter=Quarter.parse(quarter))
    period = Quarter.parse(quarter)
    for number, score in enumerate(department_scores):
        evaluation.add_department_evaluation(
            department_id=f"department-{number}", aspect_scores=[score] * 18, submitted_on=period.first_day
        )
    return evaluation


STREET_A = "350500/350521/350521100"
STREET_B = "350500/350521/350521101"


def test_R5_yearly_score_averages_streets_within_a_quarter_then_the_quarters():
    score = yearly_evaluation_score(
        [quarterly("2026Q1", STREET_A, 10), quarterly("2026Q1", STREET_B, 8), quarterly("2026Q2", STREET_A, 6)],
        company_id="company-1", year=2026, weights=DEFAULT_WEIGHTS,
    )
    assert score == (Fraction(100 + 80, 2) + 60) / 2


def test_R5_yearly_score_needs_an_evaluation_of_that_year():
    with pytest.raises(FailedPrecondition) as none:
        yearly_evaluation_score([], company_id="company-1", year=2026, weights=DEFAULT_WEIGHTS)
    assert (none.value.field, none.value.rule) == ("year", "R5")
    with pytest.raises(InvalidArgument) as other_year:
        yearly_evaluation_score(
            [quarterly("2025Q4", STREET_A, 9)], company_id="company-1", year=2026, weights=DEFAULT_WEIGHTS
        )
    assert (other_year.value.field, other_year.value.rule) == ("quarterlies", "R5")


def test_R5_service_starts_with_the_first_contract():
    assert service_started_on([dt.date(2025, 3, 1), dt.date(2024, 7, 1)], company_id="c") == dt.date(2024, 7, 1)
    with pytest.raises(FailedPrecondition) as refused:
        service_started_on([], company_id="c")
    assert (refused.value.field, refused.value.rule) == ("service_started_on", "R5")


def test_R5_only_the_last_contract_ending_withdraws_stars():
    assert contract_end_withdraws_stars(0)
    assert not contract_end_withdraws_stars(1)


def test_R5_withdrawal_takes_the_latest_rating_held_and_nothing_when_none_held():
    older = assess(92, year=2025, assessed_on=dt.date(2026, 1, 15))
    newer = assess(81)
    assert rating_held_on([newer, older], dt.date(2026, 6, 1)) is older
    assert rating_held_on([newer, older], ASSESSED) is newer
    rating, event = withdraw_held_stars([older, newer], reason="serious_violation", on=dt.date(2027, 3, 1))
    assert rating is newer and event.stars == 3 and older.withdrawn_on is None
    assert withdraw_held_stars([older, newer], reason="contract_ended", on=dt.date(2027, 4, 1)) is None
    assert withdraw_held_stars([assess(40)], reason="contract_ended", on=ASSESSED) is None
