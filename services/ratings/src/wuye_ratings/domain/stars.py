"""Yearly star rating (R5, Quanzhou 2025 星级评定).

- Yearly: a rating is for one calendar year and is assessed after that year has ended.
- Eligibility: the company must have served for one full year by the end of the rated year, i.e. one
  year after its service start is no later than 1 January of the next year. A start on 1 January 2026
  is eligible for 2026 (it served all of 2026); a start on 2 January 2026 is not.
- The yearly score is the mean of the year's quarterly combined evaluation scores (0–100, exact).
- Stars by score (our bands; floors inclusive): ≥ 95 five, ≥ 90 four, ≥ 80 three, ≥ 70 two, ≥ 60 one,
  < 60 no star. Five stars also need the city's review approval; without it a ≥ 95 score gets four.
- Several streets: a company is evaluated in each street it serves (R3); its score for a quarter is the
  mean of those streets' combined scores.
- Service starts with the company's first contract; a later contract does not restart the year.
- City review: only a ≥ 95 score goes to the city, once; approval raises four stars to five from the
  review day.
- A company holds the stars of its latest rated year assessed by a day. They are withdrawn for a serious
  violation, or when the contract ends: stars belong to the company, so they go when its last serving
  contract ends (it then provides no property service to rate); ending one of several contracts leaves
  them, and a serious violation in any compound withdraws them anyway. From the day given; the rating and
  its history are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.exact import require_exact
from wuye_chassis.validation import (
    add_years,
    optional_text,
    parse_choice,
    require_count,
    require_date,
    require_flag,
    require_text,
    require_whole,
)
from wuye_ratings.domain.evaluations import FULL_SCORE, QUARTERS_PER_YEAR, EvaluationWeights, QuarterlyEvaluation
from wuye_ratings.domain.events import StarsAwarded, StarsWithdrawn
from wuye_ratings.domain.vocabulary import StarWithdrawalReason

#: (stars, inclusive floor), best first; below the last floor there is no star
STAR_FLOORS = ((5, 95), (4, 90), (3, 80), (2, 70), (1, 60))
TOP_STARS = 5
CITY_REVIEW_FLOOR = STAR_FLOORS[0][1]
SERVICE_YEARS_REQUIRED = 1
NOTE_MAX_LENGTH = 2000


class CityReview(StrEnum):
    NOT_NEEDED = "not_needed"  # score below 95: the city does not review
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def yearly_score(quarterly_scores: Iterable[int | Fraction]) -> Fraction:
    """The mean of the year's quarterly combined scores (one to four quarters evaluated)."""
    scores = [require_exact(score, field="quarterly_scores", rule="R5") for score in quarterly_scores]
    if not 1 <= len(scores) <= QUARTERS_PER_YEAR:
        raise InvalidArgument(
            f"a year has 1–{QUARTERS_PER_YEAR} quarterly scores, got {len(scores)}",
            field="quarterly_scores",
            rule="R5",
        )
    return sum(scores, Fraction(0)) / len(scores)


def yearly_evaluation_score(
    quarterlies: Iterable[QuarterlyEvaluation], *, company_id: str, year: int, weights: EvaluationWeights
) -> Fraction:
    """The company's yearly score from its R3 evaluations of ``year``: per quarter the mean over the streets
    it was evaluated in, then the mean over the quarters."""
    by_quarter: dict[int, list[Fraction]] = {}
    for quarterly in quarterlies:
        if quarterly.company_id != company_id or quarterly.quarter.year != year:
            raise InvalidArgument(
                f"the {year} score of company {company_id} cannot count {quarterly.company_id}'s "
                f"{quarterly.quarter} evaluations",
                field="quarterlies",
                rule="R5",
            )
        if quarterly.evaluations:
            by_quarter.setdefault(quarterly.quarter.number, []).append(quarterly.combined_score(weights))
    if not by_quarter:
        raise FailedPrecondition(
            f"company {company_id} has no evaluation in {year} to rate", field="year", rule="R5"
        )
    return yearly_score(sum(scores, Fraction(0)) / len(scores) for scores in by_quarter.values())


def service_started_on(contract_starts: Iterable[dt.date], *, company_id: str) -> dt.date:
    """Service starts with the company's first contract."""
    starts = [require_date(day, field="contract_starts", rule="R5") for day in contract_starts]
    if not starts:
        raise FailedPrecondition(
            f"company {company_id} has no contract known to ratings, so no service to rate",
            field="service_started_on",
            rule="R5",
        )
    return min(starts)


def contract_end_withdraws_stars(contracts_still_serving: int) -> bool:
    """Only the end of the company's last serving contract withdraws its stars (see the module notes)."""
    return require_count(contracts_still_serving, field="contracts_still_serving", rule="R5") == 0


def rating_held_on(ratings: Iterable[StarRating], day: dt.date) -> StarRating | None:
    """The rating a company holds on ``day``: the latest rated year assessed by then."""
    on = require_date(day, field="as_of", rule="R5")
    return max((rating for rating in ratings if rating.assessed_on <= on), key=lambda rating: rating.year, default=None)


def withdraw_held_stars(
    ratings: Iterable[StarRating], *, reason: StarWithdrawalReason | str, on: dt.date, note: str | None = None
) -> tuple[StarRating, StarsWithdrawn] | None:
    """Withdraw the stars held on ``on``; a company holding none loses nothing."""
    held = rating_held_on(ratings, on)
    if held is None or held.stars_on(on) == 0:
        return None
    return held, held.withdraw(reason=reason, on=on, note=note)


def stars_for(score: Fraction, *, city_review_approved: bool) -> int:
    """Stars earned by an exact yearly score; five only with the city review's approval."""
    for stars, floor in STAR_FLOORS:
        if score >= floor:
            return TOP_STARS - 1 if stars == TOP_STARS and not city_review_approved else stars
    return 0


def is_eligible(service_started_on: dt.date, year: int) -> bool:
    """One full year of service by the end of ``year`` (the exact boundary is 1 January of the next year)."""
    started = require_date(service_started_on, field="service_started_on", rule="R5")
    rated_year = require_whole(year, field="year", rule="R5", minimum=1)
    return add_years(started, SERVICE_YEARS_REQUIRED) <= dt.date(rated_year + 1, 1, 1)


@dataclass(eq=False)
class StarRating:
    company_id: str
    year: int
    score: Fraction
    stars: int
    city_review_approved: bool
    assessed_on: dt.date
    city_reviewed_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    withdrawal_reason: StarWithdrawalReason | None = None
    withdrawal_note: str | None = None

    @classmethod
    def assess(
        cls,
        *,
        company_id: str,
        year: int,
        score: int | Fraction,
        service_started_on: dt.date,
        assessed_on: dt.date,
        city_review_approved: bool = False,
    ) -> StarRating:
        rated_year = require_whole(year, field="year", rule="R5", minimum=1)
        started = require_date(service_started_on, field="service_started_on", rule="R5")
        day = require_date(assessed_on, field="assessed_on", rule="R5")
        if day.year <= rated_year:
            raise InvalidArgument(
                f"the {rated_year} star rating is assessed after the year ends, not on {day.isoformat()}",
                field="assessed_on",
                rule="R5",
            )
        if not is_eligible(started, rated_year):
            raise FailedPrecondition(
                f"a company that started on {started.isoformat()} has not served one full year by the end "
                f"of {rated_year}",
                field="service_started_on",
                rule="R5",
            )
        exact = require_exact(score, field="score", rule="R5")
        if not 0 <= exact <= FULL_SCORE:
            raise InvalidArgument(f"score must be 0–{FULL_SCORE}, got {exact}", field="score", rule="R5")
        approved = require_flag(city_review_approved, field="city_review_approved", rule="R5")
        return cls(
            company_id=require_text(company_id, field="company_id", rule="R5"),
            year=rated_year,
            score=exact,
            stars=stars_for(exact, city_review_approved=approved),
            city_review_approved=approved,
            assessed_on=day,
            city_reviewed_on=day if approved else None,
        )

    @property
    def city_review(self) -> CityReview:
        if self.score < CITY_REVIEW_FLOOR:
            return CityReview.NOT_NEEDED
        if self.city_reviewed_on is None:
            return CityReview.PENDING
        return CityReview.APPROVED if self.city_review_approved else CityReview.REJECTED

    @property
    def awarded(self) -> StarsAwarded | None:
        """What the assessment announces: the stars earned, if any."""
        return StarsAwarded(self.company_id, self.year, self.stars, self.assessed_on) if self.stars else None

    def record_city_review(self, *, approved: bool, on: dt.date) -> StarsAwarded | None:
        """The city's decision on a five-star candidate; approval awards the fifth star from ``on``."""
        if self.city_review is CityReview.NOT_NEEDED:
            raise FailedPrecondition(
                f"the {self.year} score {self.score} of company {self.company_id} is below {CITY_REVIEW_FLOOR}: "
                "only five-star candidates go to city review",
                field="year",
                rule="R5",
            )
        if self.city_review is not CityReview.PENDING:
            raise FailedPrecondition(
                f"the city already reviewed the {self.year} rating of company {self.company_id}",
                field="approved",
                rule="R5",
            )
        if self.withdrawn_on is not None:
            raise FailedPrecondition(
                f"the {self.year} stars of company {self.company_id} were withdrawn on {self.withdrawn_on.isoformat()}",
                field="withdrawn_on",
                rule="R5",
            )
        approved_now = require_flag(approved, field="approved", rule="R5")
        day = require_date(on, field="reviewed_on", rule="R5")
        if day < self.assessed_on:
            raise InvalidArgument(
                f"the city review ({day.isoformat()}) cannot precede the assessment ({self.assessed_on.isoformat()})",
                field="reviewed_on",
                rule="R5",
            )
        self.city_reviewed_on = day
        self.city_review_approved = approved_now
        if not approved_now:
            return None
        self.stars = stars_for(self.score, city_review_approved=True)
        return StarsAwarded(self.company_id, self.year, self.stars, day)

    def stars_on(self, day: dt.date) -> int:
        """Stars the company holds on ``day``: none before the assessment or from the withdrawal on."""
        if day < self.assessed_on or (self.withdrawn_on is not None and day >= self.withdrawn_on):
            return 0
        if self.stars == TOP_STARS and self.city_reviewed_on is not None and day < self.city_reviewed_on:
            return TOP_STARS - 1  # the fifth star counts from the city's approval
        return self.stars

    def withdraw(self, *, reason: StarWithdrawalReason | str, on: dt.date, note: str | None = None) -> StarsWithdrawn:
        if self.withdrawn_on is not None:
            raise FailedPrecondition(
                f"the {self.year} stars of company {self.company_id} were already withdrawn on "
                f"{self.withdrawn_on.isoformat()}",
                field="withdrawn_on",
                rule="R5",
            )
        if self.stars == 0:
            raise FailedPrecondition(
                f"company {self.company_id} holds no {self.year} star to withdraw", field="stars", rule="R5"
            )
        why = parse_choice(StarWithdrawalReason, reason, field="reason", rule="R5")
        day = require_date(on, field="on", rule="R5")
        if day < self.assessed_on:
            raise InvalidArgument(
                f"stars cannot be withdrawn ({day.isoformat()}) before they were awarded "
                f"({self.assessed_on.isoformat()})",
                field="on",
                rule="R5",
            )
        self.withdrawn_on = day
        self.withdrawal_reason = why
        self.withdrawal_note = optional_text(note, field="note", rule="R5", max_length=NOTE_MAX_LENGTH)
        return StarsWithdrawn(self.company_id, self.year, self.stars, why, day)
