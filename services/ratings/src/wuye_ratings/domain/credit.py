"""Credit records and the credit score (R1, R2, R6).

A record is one good or bad fact about a company: its kind, the points and the automatic-C flag it was
priced with (frozen from the rule version in force, so a later rule change never rewrites it), where it
came from (an event id, or the officer who entered it by hand), and the days it counts.

Validity: a record counts from ``occurred_on`` inclusive to ``valid_until`` EXCLUSIVE; ``valid_until``
is the first day it no longer counts. The default is ``occurred_on`` + 1 year, so a record of
2026-03-01 counts through 2027-02-28 and not on 2027-03-01: exactly one year, never a year and a day.

The score is never stored: ``score_on`` recomputes it from the records for any day, so any past score can
be reproduced (R6). An upheld appeal withdraws a record from its decision day on. ``known_on`` says what we
knew: by default the score of a past day is the one published that day (a record withdrawn later still
counts), and ``known_on=today`` gives the same day corrected by every appeal decided since.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.exact import require_exact, round_half_up
from wuye_chassis.validation import add_years, optional_text, parse_choice, require_date, require_text
from wuye_ratings.domain.events import CreditRecordAdded, CreditRecordWithdrawn
from wuye_ratings.domain.rules import RuleBook, RuleSet
from wuye_ratings.domain.vocabulary import Band, RecordKind

NOTE_MAX_LENGTH = 2000

#: scores are shown to one decimal place; bands are decided on the exact value
DISPLAY_PLACES = 1


class RecordStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # by an upheld appeal


class SourceKind(StrEnum):
    EVENT = "event"  # created from another service's event; reference = that event's id
    MANUAL = "manual"  # entered by an officer (awards, court judgments); reference = the officer's id


@dataclass(frozen=True)
class RecordSource:
    kind: SourceKind
    reference: str


@dataclass(eq=False)
class CreditRecord:
    record_id: str
    company_id: str
    kind: RecordKind
    points: Fraction
    forces_c: bool
    source: RecordSource
    occurred_on: dt.date
    valid_until: dt.date  # exclusive: the first day the record no longer counts
    rule_version: str
    note: str | None = None
    status: RecordStatus = RecordStatus.ACTIVE
    withdrawn_on: dt.date | None = None
    withdrawn_by_appeal: str | None = None

    @classmethod
    def create(
        cls,
        *,
        record_id: str,
        company_id: str,
        kind: RecordKind | str,
        ruleset: RuleSet,
        source_kind: SourceKind | str,
        source_reference: str,
        occurred_on: dt.date,
        valid_until: dt.date | None = None,
        note: str | None = None,
    ) -> CreditRecord:
        """A record priced by ``ruleset``; ``valid_until`` defaults to the rule set's validity (1 year)."""
        record_kind = parse_choice(RecordKind, kind, field="kind", rule="R2")
        occurred = require_date(occurred_on, field="occurred_on", rule="R1")
        if valid_until is None:
            ends = add_years(occurred, ruleset.validity_years)
        else:
            ends = require_date(valid_until, field="valid_until", rule="R1")
            if ends <= occurred:
                raise InvalidArgument(
                    f"valid_until ({ends.isoformat()}) must be after occurred_on ({occurred.isoformat()})",
                    field="valid_until",
                    rule="R1",
                )
        return cls(
            record_id=require_text(record_id, field="record_id", rule="R1"),
            company_id=require_text(company_id, field="company_id", rule="R1"),
            kind=record_kind,
            points=ruleset.points_for(record_kind),
            forces_c=ruleset.forces_c(record_kind),
            source=RecordSource(
                parse_choice(SourceKind, source_kind, field="source_kind", rule="R1"),
                require_text(source_reference, field="source_reference", rule="R1"),
            ),
            occurred_on=occurred,
            valid_until=ends,
            rule_version=ruleset.version,
            note=optional_text(note, field="note", rule="R1", max_length=NOTE_MAX_LENGTH),
        )

    @property
    def added(self) -> CreditRecordAdded:
        """What adding the record announces: the score changes from the day it occurred."""
        return CreditRecordAdded(self.company_id, self.record_id, self.occurred_on, self.rule_version)

    @property
    def is_good(self) -> bool:
        return self.points > 0

    @property
    def is_bad(self) -> bool:
        return self.points < 0 or self.forces_c

    def counts_on(self, day: dt.date, *, known_on: dt.date | None = None) -> bool:
        """True when the record counts in the score of ``day`` as known on ``known_on`` (default: ``day``)."""
        if not self.occurred_on <= day < self.valid_until:
            return False
        knowledge = day if known_on is None else known_on
        return self.withdrawn_on is None or knowledge < self.withdrawn_on

    def withdraw(self, *, on: dt.date, appeal_id: str) -> CreditRecordWithdrawn:
        """Withdrawn by an upheld appeal from ``on`` (the decision day); the record itself is kept (R6)."""
        if self.status is RecordStatus.WITHDRAWN:
            raise FailedPrecondition(
                f"record {self.record_id} was already withdrawn by appeal {self.withdrawn_by_appeal}",
                field="record_id",
                rule="R6",
            )
        day = require_date(on, field="withdrawn_on", rule="R6")
        if day < self.occurred_on:
            raise InvalidArgument(
                f"a record cannot be withdrawn ({day.isoformat()}) before it occurred ({self.occurred_on.isoformat()})",
                field="withdrawn_on",
                rule="R6",
            )
        self.status = RecordStatus.WITHDRAWN
        self.withdrawn_on = day
        self.withdrawn_by_appeal = require_text(appeal_id, field="appeal_id", rule="R6")
        return CreditRecordWithdrawn(self.company_id, self.record_id, day, self.rule_version)


@dataclass(frozen=True)
class CreditScore:
    company_id: str
    as_of: dt.date
    known_on: dt.date
    rule_version: str  # the version whose base and bands were applied; each record keeps its own pricing
    base: Fraction
    good: Fraction  # sum of the positive points counted
    bad: Fraction  # sum of the deductions counted, as a positive number
    score: Fraction  # base + good − bad, exact and unclamped so every record's effect stays visible
    band: Band
    automatic_c: bool
    counted_record_ids: tuple[str, ...]  # the reasons, in the order the records were given

    @property
    def display(self) -> Decimal:
        """The score for people: one decimal, half away from zero; the band uses the exact score."""
        return round_half_up(self.score, DISPLAY_PLACES)


def score_on(
    records: Iterable[CreditRecord],
    ruleset: RuleSet,
    as_of: dt.date,
    *,
    company_id: str,
    base: int | Fraction | None = None,
    known_on: dt.date | None = None,
) -> CreditScore:
    """The credit score of ``company_id`` on ``as_of`` from its records (R1, R6).

    ``base`` replaces the rule set's base score where a city starts from the quarter's evaluation score
    (the Jinan "evaluation + credit" model); that is how a score below 60 without any bad record arises,
    which R1 bands as B, not C.
    """
    company = require_text(company_id, field="company_id", rule="R1")
    day = require_date(as_of, field="as_of", rule="R6")
    knowledge = day if known_on is None else require_date(known_on, field="known_on", rule="R6")
    if knowledge < day:
        raise InvalidArgument(
            f"known_on ({knowledge.isoformat()}) cannot be before as_of ({day.isoformat()})",
            field="known_on",
            rule="R6",
        )
    start = ruleset.base_score if base is None else require_exact(base, field="base", rule="R1")
    counted: list[CreditRecord] = []
    for record in records:
        if record.company_id != company:
            raise InvalidArgument(
                f"record {record.record_id} belongs to company {record.company_id}, not {company}",
                field="records",
                rule="R1",
            )
        if record.counts_on(day, known_on=knowledge):
            counted.append(record)
    good = sum((record.points for record in counted if record.is_good), Fraction(0))
    bad = -sum((record.points for record in counted if record.points < 0), Fraction(0))
    automatic_c = any(record.forces_c for record in counted)
    score = start + good - bad
    return CreditScore(
        company_id=company,
        as_of=day,
        known_on=knowledge,
        rule_version=ruleset.version,
        base=start,
        good=good,
        bad=bad,
        score=score,
        band=ruleset.band_for(score, has_bad_record=any(record.is_bad for record in counted), automatic_c=automatic_c),
        automatic_c=automatic_c,
        counted_record_ids=tuple(record.record_id for record in counted),
    )


def score_under(
    book: RuleBook, records: Iterable[CreditRecord], as_of: dt.date, *, company_id: str, known_on: dt.date | None = None
) -> CreditScore:
    """The score on ``as_of`` under the base and bands of the rules in effect that day (each record keeps
    the pricing it was created with)."""
    return score_on(records, book.in_effect_on(as_of), as_of, company_id=company_id, known_on=known_on)
