"""The three evaluations of each quarter (R3, seed 003 三评机制) and the quarter they belong to.

Every quarter a company is evaluated in each street it serves by:

- residents (居民自己评), 10 aspects such as quality, timeliness and attitude; one survey per household
  per quarter, a second one is refused;
- peer companies of the same street (物业互相评), 12 aspects such as investment in and repair of common
  facilities; a company never rates itself, and a company from another street is not a peer;
- departments (部门综合评), 18 aspects such as support, dispute resolution and fewer complaints; one
  evaluation per department per quarter.

Each aspect is a whole number from 0 to 10. One evaluation scores sum ÷ (aspects × 10) × 100, so every
evaluation is on the same 0–100 scale whatever its number of aspects; each kind's score is the mean of its
evaluations. The combined quarterly score weighs the three kinds, by default residents 2/5, peers 1/5,
departments 2/5 (peers weigh least because they compete with the company they rate). A kind nobody
submitted (a street served by one company has no peers) is left out and the remaining weights are scaled
to sum to 1. Everything stays exact (``Fraction``); see ``exact`` for display rounding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_chassis.exact import require_exact
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import parse_choice, require_date, require_text, require_whole

MAX_ASPECT_SCORE = 10
FULL_SCORE = 100
QUARTERS_PER_YEAR = 4
MONTHS_PER_QUARTER = 3


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1–4

    @classmethod
    def create(cls, year: int, number: int) -> Quarter:
        checked_year = require_whole(year, field="year", rule="R3", minimum=1)
        checked_number = require_whole(number, field="quarter", rule="R3", minimum=1)
        if checked_number > QUARTERS_PER_YEAR:
            raise InvalidArgument(f"quarter must be 1–4, got {checked_number}", field="quarter", rule="R3")
        return cls(checked_year, checked_number)

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        checked = require_date(day, field="day", rule="R3")
        return cls(checked.year, (checked.month - 1) // MONTHS_PER_QUARTER + 1)

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``"2026Q4"`` → Quarter(2026, 4)."""
        value = require_text(text, field="quarter", rule="R3", max_length=16).upper()
        year, separator, number = value.partition("Q")
        if not separator or not year.isdigit() or not number.isdigit():
            raise InvalidArgument(f"quarter must look like 2026Q4, got {text!r}", field="quarter", rule="R3")
        return cls.create(int(year), int(number))

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, (self.number - 1) * MONTHS_PER_QUARTER + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.next().first_day - dt.timedelta(days=1)

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, QUARTERS_PER_YEAR) if self.number == 1 else Quarter(self.year, self.number - 1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == QUARTERS_PER_YEAR else Quarter(self.year, self.number + 1)


class EvaluationKind(StrEnum):
    RESIDENT = "resident"  # 居民自己评
    PEER = "peer"  # 物业互相评
    DEPARTMENT = "department"  # 部门综合评


ASPECT_COUNTS = {EvaluationKind.RESIDENT: 10, EvaluationKind.PEER: 12, EvaluationKind.DEPARTMENT: 18}


@dataclass(frozen=True)
class Evaluation:
    kind: EvaluationKind
    evaluator_id: str  # a household id, the evaluating company's id, or a department id
    aspect_scores: tuple[int, ...]
    submitted_on: dt.date

    @property
    def score(self) -> Fraction:
        """This evaluation on the 0–100 scale."""
        return Fraction(sum(self.aspect_scores) * FULL_SCORE, len(self.aspect_scores) * MAX_ASPECT_SCORE)


@dataclass(frozen=True)
class EvaluationWeights:
    resident: Fraction
    peer: Fraction
    department: Fraction

    @classmethod
    def create(cls, *, resident: int | Fraction, peer: int | Fraction, department: int | Fraction) -> EvaluationWeights:
        weights = {
            "resident": require_exact(resident, field="weights.resident", rule="R3"),
            "peer": require_exact(peer, field="weights.peer", rule="R3"),
            "department": require_exact(department, field="weights.department", rule="R3"),
        }
        for name, weight in weights.items():
            if weight < 0:
                raise InvalidArgument(f"weight {name} must not be negative", field=f"weights.{name}", rule="R3")
        total = sum(weights.values())
        if total != 1:
            raise InvalidArgument(f"weights must sum to exactly 1, got {total}", field="weights", rule="R3")
        return cls(**weights)

    def of(self, kind: EvaluationKind) -> Fraction:
        return {
            EvaluationKind.RESIDENT: self.resident,
            EvaluationKind.PEER: self.peer,
            EvaluationKind.DEPARTMENT: self.department,
        }[kind]


DEFAULT_WEIGHTS = EvaluationWeights.create(resident=Fraction(2, 5), peer=Fraction(1, 5), department=Fraction(2, 5))


@dataclass(eq=False)
class QuarterlyEvaluation:
    """One company's evaluations in one street for one quarter."""

    company_id: str
    street_path: JurisdictionPath
    quarter: Quarter
    evaluations: list[Evaluation] = field(default_factory=list)

    @classmethod
    def open(cls, *, company_id: str, street_path: str, quarter: Quarter) -> QuarterlyEvaluation:
        if not isinstance(quarter, Quarter):
            raise InvalidArgument(f"quarter must be a Quarter, got {quarter!r}", field="quarter", rule="R3")
        return cls(
            company_id=require_text(company_id, field="company_id", rule="R3"),
            street_path=_street(street_path, field="street_path"),
            quarter=quarter,
        )

    def add_resident_survey(
        self, *, household_id: str, aspect_scores: Iterable[int], submitted_on: dt.date, grace_days: int = 0
    ) -> None:
        household = require_text(household_id, field="household_id", rule="R3")
        self._refuse_second(EvaluationKind.RESIDENT, household, field="household_id", who="household")
        self._add(EvaluationKind.RESIDENT, household, aspect_scores, submitted_on, grace_days)

    def add_peer_evaluation(
        self,
        *,
        evaluator_company_id: str,
        evaluator_street_path: str,
        aspect_scores: Iterable[int],
        submitted_on: dt.date,
        grace_days: int = 0,
    ) -> None:
        evaluator = require_text(evaluator_company_id, field="evaluator_company_id", rule="R3")
        if evaluator == self.company_id:
            raise PermissionDenied(
                f"company {evaluator} cannot rate itself as a peer", field="evaluator_company_id", rule="R3"
            )
        if _street(evaluator_street_path, field="evaluator_street_path") != self.street_path:
            raise PermissionDenied(
                f"only companies in street {self.street_path} are peers of company {self.company_id} there",
                field="evaluator_street_path",
                rule="R3",
            )
        self._refuse_second(EvaluationKind.PEER, evaluator, field="evaluator_company_id", who="company")
        self._add(EvaluationKind.PEER, evaluator, aspect_scores, submitted_on, grace_days)

    def add_department_evaluation(
        self, *, department_id: str, aspect_scores: Iterable[int], submitted_on: dt.date, grace_days: int = 0
    ) -> None:
        department = require_text(department_id, field="department_id", rule="R3")
        self._refuse_second(EvaluationKind.DEPARTMENT, department, field="department_id", who="department")
        self._add(EvaluationKind.DEPARTMENT, department, aspect_scores, submitted_on, grace_days)

    def average(self, kind: EvaluationKind | str) -> Fraction | None:
        """Mean 0–100 score of one kind; ``None`` when nobody of that kind evaluated."""
        wanted = parse_choice(EvaluationKind, kind, field="kind", rule="R3")
        scores = [evaluation.score for evaluation in self.evaluations if evaluation.kind is wanted]
        return sum(scores, Fraction(0)) / len(scores) if scores else None

    def combined_score(self, weights: EvaluationWeights = DEFAULT_WEIGHTS) -> Fraction:
        """Weighted quarterly score; kinds without evaluations are left out and the rest rescaled."""
        present = {kind: average for kind in EvaluationKind if (average := self.average(kind)) is not None}
        weight_present = sum((weights.of(kind) for kind in present), Fraction(0))
        if weight_present == 0:
            raise FailedPrecondition(
                f"company {self.company_id} has no weighted evaluation in {self.quarter}",
                field="evaluations",
                rule="R3",
            )
        return sum((weights.of(kind) * average for kind, average in present.items()), Fraction(0)) / weight_present

    def _refuse_second(self, kind: EvaluationKind, evaluator: str, *, field: str, who: str) -> None:
        if any(e.kind is kind and e.evaluator_id == evaluator for e in self.evaluations):
            raise FailedPrecondition(
                f"{who} {evaluator} already evaluated company {self.company_id} in {self.quarter}",
                field=field,
                rule="R3",
            )

    def _add(
        self, kind: EvaluationKind, evaluator: str, aspect_scores: Iterable[int], submitted_on: dt.date,
        grace_days: int,
    ) -> None:
        """R3: an evaluation is submitted within its quarter or in the ``grace_days`` after it (a city's
        setting: departments and residents are often asked in the days after the quarter closes)."""
        day = require_date(submitted_on, field="submitted_on", rule="R3")
        closes = self.quarter.last_day + dt.timedelta(days=grace_days)
        if not self.quarter.first_day <= day <= closes:
            raise InvalidArgument(
                f"an evaluation for {self.quarter} must be submitted from {self.quarter.first_day.isoformat()} "
                f"to {closes.isoformat()} ({grace_days} days of grace), not on {day.isoformat()}",
                field="submitted_on",
                rule="R3",
            )
        scores = tuple(aspect_scores)
        expected = ASPECT_COUNTS[kind]
        if len(scores) != expected:
            raise InvalidArgument(
                f"a {kind} evaluation scores {expected} aspects, got {len(scores)}", field="aspect_scores", rule="R3"
            )
        for position, score in enumerate(scores, start=1):
            checked = require_whole(score, field=f"aspect_scores[{position}]", rule="R3", minimum=0)
            if checked > MAX_ASPECT_SCORE:
                raise InvalidArgument(
                    f"aspect {position} must be 0–{MAX_ASPECT_SCORE}, got {checked}",
                    field=f"aspect_scores[{position}]",
                    rule="R3",
                )
        self.evaluations.append(Evaluation(kind, evaluator, scores, day))


def _street(text: str, *, field: str) -> JurisdictionPath:
    try:
        path = JurisdictionPath.parse(text, field=field)
    except InvalidArgument as error:
        raise InvalidArgument(error.message, field=field, rule="R3") from None
    if path.level != "street":
        raise InvalidArgument(f"{field} must be a street path, got a {path.level} path", field=field, rule="R3")
    return path
