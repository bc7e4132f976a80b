"""Scoring rules (R1, R2): versioned, configurable, immutable.

A ``RuleSet`` fixes the base score, the band floors, the points of every record kind, the kinds that force
band C, and how long a record counts. It never changes once made: a city that changes its rules makes a
new version with ``revised`` and adds it to its ``RuleBook``, which answers "which rules were in effect on
day D". Records keep the version and points they were priced with, so old scores stay reproducible (R6).

Defaults (``DEFAULT_RULES``, version ``jinan-yangzhou-2025``):

- bands (Jinan model): AAA ≥ 85, AA ≥ 80, A ≥ 70, B ≥ 60; below 60 the band is C if any bad record counts,
  otherwise B (a low base alone is not misconduct);
- base score 70: a company with nothing on file sits in A; awards lift it to AA/AAA, two −5 offences
  drop it to B (60) and a third to C (55);
- points (Yangzhou model): awards +5 national, +4 provincial, +3 city, +2 county, +1 street; court or
  arbitration loss mainly at fault −5; common-parts income not published −5; illegal charging −5;
  misusing the maintenance fund and refusing to leave after the contract ends score 0 but force band C;
- deductions for events from other services (our choice, R2 leaves them to configuration):
  unsatisfied complaint −1 and overdue complaint −1 (frequent, so small: each is one resident's case);
  enforcement finding −1 minor, −2 general, −5 serious (serious ranks with the −5 offences above);
  rectification overdue −3 (an order ignored, on top of its finding); judicial referral −5
  (the "8+X" alliance takes it when rectification failed: as heavy as losing in court);
- a record counts for 1 year from the day it occurred unless it states its own end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType

from wuye_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.exact import require_exact
from wuye_chassis.validation import parse_choice, require_date, require_text, require_whole
from wuye_ratings.domain.vocabulary import Band, RecordKind

#: bands that have a floor; C is whatever falls below B's floor with a bad record
FLOORED_BANDS = (Band.AAA, Band.AA, Band.A, Band.B)

DEFAULT_VERSION = "jinan-yangzhou-2025"
DEFAULT_EFFECTIVE_FROM = dt.date(2025, 1, 1)
DEFAULT_BASE_SCORE = 70
DEFAULT_BAND_FLOORS = {Band.AAA: 85, Band.AA: 80, Band.A: 70, Band.B: 60}
DEFAULT_POINTS = {
    RecordKind.AWARD_NATIONAL: 5,
    RecordKind.AWARD_PROVINCIAL: 4,
    RecordKind.AWARD_CITY: 3,
    RecordKind.AWARD_COUNTY: 2,
    RecordKind.AWARD_STREET: 1,
    RecordKind.COURT_LOSS_AT_FAULT: -5,
    RecordKind.COMMON_INCOME_NOT_PUBLISHED: -5,
    RecordKind.ILLEGAL_CHARGING: -5,
    RecordKind.MAINTENANCE_FUND_MISUSE: 0,
    RecordKind.REFUSED_TO_LEAVE: 0,
    RecordKind.COMPLAINT_UNSATISFIED: -1,
    RecordKind.COMPLAINT_OVERDUE: -1,
    RecordKind.FINDING_MINOR: -1,
    RecordKind.FINDING_GENERAL: -2,
    RecordKind.FINDING_SERIOUS: -5,
    RecordKind.RECTIFICATION_OVERDUE: -3,
    RecordKind.JUDICIAL_REFERRAL: -5,
    RecordKind.SUPERVISION_LATE: -1,
    RecordKind.SUPERVISION_REOPENED: -2,
}
DEFAULT_AUTOMATIC_C_KINDS = frozenset({RecordKind.MAINTENANCE_FUND_MISUSE, RecordKind.REFUSED_TO_LEAVE})
DEFAULT_VALIDITY_YEARS = 1


@dataclass(frozen=True)
class RuleSet:
    version: str
    effective_from: dt.date
    base_score: Fraction
    band_floors: Mapping[Band, Fraction]
    points: Mapping[RecordKind, Fraction]
    automatic_c_kinds: frozenset[RecordKind]
    validity_years: int

    @classmethod
    def create(
        cls,
        *,
        version: str,
        effective_from: dt.date,
        base_score: int | Fraction = DEFAULT_BASE_SCORE,
        band_floors: Mapping[Band | str, int | Fraction] | None = None,
        points: Mapping[RecordKind | str, int | Fraction] | None = None,
        automatic_c_kinds: Iterable[RecordKind | str] = DEFAULT_AUTOMATIC_C_KINDS,
        validity_years: int = DEFAULT_VALIDITY_YEARS,
    ) -> RuleSet:
        """A rule set; ``points`` given for some kinds override the defaults for those kinds only."""
        floors = {
            parse_choice(Band, band, field="band_floors", rule="R1"): require_exact(
                floor, field=f"band_floors.{band}", rule="R1"
            )
            for band, floor in (DEFAULT_BAND_FLOORS if band_floors is None else band_floors).items()
        }
        if set(floors) != set(FLOORED_BANDS):
            raise InvalidArgument("band_floors must give a floor for AAA, AA, A and B", field="band_floors", rule="R1")
        ordered = [floors[band] for band in FLOORED_BANDS]
        if any(higher <= lower for higher, lower in zip(ordered, ordered[1:])):
            raise InvalidArgument("band floors must fall strictly from AAA to B", field="band_floors", rule="R1")
        priced: dict[RecordKind, int | Fraction] = dict(DEFAULT_POINTS)
        for kind, value in (points or {}).items():
            parsed = parse_choice(RecordKind, kind, field="points", rule="R2")
            priced[parsed] = require_exact(value, field=f"points.{parsed}", rule="R2")
        return cls(
            version=require_text(version, field="version", rule="R1", max_length=64),
            effective_from=require_date(effective_from, field="effective_from", rule="R1"),
            base_score=require_exact(base_score, field="base_score", rule="R1"),
            band_floors=MappingProxyType(floors),
            points=MappingProxyType({kind: Fraction(value) for kind, value in priced.items()}),
            automatic_c_kinds=frozenset(
                parse_choice(RecordKind, kind, field="automatic_c_kinds", rule="R2") for kind in automatic_c_kinds
            ),
            validity_years=require_whole(validity_years, field="validity_years", rule="R1", minimum=1),
        )

    def revised(self, *, version: str, effective_from: dt.date, **changes: object) -> RuleSet:
        """A new version from this one with ``changes`` (same keywords as ``create``); this one is untouched."""
        current = dict(
            base_score=self.base_score,
            band_floors=dict(self.band_floors),
            points=dict(self.points),
            automatic_c_kinds=self.automatic_c_kinds,
            validity_years=self.validity_years,
        )
        unknown = set(changes) - set(current)
        if unknown:
            raise InvalidArgument(f"unknown rule settings: {sorted(unknown)}", field=sorted(unknown)[0], rule="R1")
        if version == self.version:
            raise InvalidArgument("a changed rule set needs a new version id", field="version", rule="R1")
        current.update(changes)
        return RuleSet.create(version=version, effective_from=effective_from, **current)  # type: ignore[arg-type]

    def points_for(self, kind: RecordKind) -> Fraction:
        return self.points[kind]

    def forces_c(self, kind: RecordKind) -> bool:
        return kind in self.automatic_c_kinds

    def band_for(self, score: Fraction, *, has_bad_record: bool, automatic_c: bool) -> Band:
        """The band of an exact score; floors are inclusive (85 is AAA, 84.99… is AA)."""
        if automatic_c:
            return Band.C
        for band in FLOORED_BANDS:
            if score >= self.band_floors[band]:
                return band
        return Band.C if has_bad_record else Band.B


DEFAULT_RULES = RuleSet.create(version=DEFAULT_VERSION, effective_from=DEFAULT_EFFECTIVE_FROM)


@dataclass(frozen=True)
class RuleBook:
    """All versions a city has used, oldest first; each is in effect from its date until the next one's."""

    versions: tuple[RuleSet, ...] = (DEFAULT_RULES,)

    def add(self, ruleset: RuleSet) -> RuleBook:
        if any(existing.version == ruleset.version for existing in self.versions):
            raise AlreadyExists(f"rule version {ruleset.version} already exists", field="version", rule="R1")
        latest = self.versions[-1] if self.versions else None
        if latest is not None and ruleset.effective_from <= latest.effective_from:
            # rules are never changed retroactively: past scores must stay reproducible (R6)
            raise FailedPrecondition(
                f"version {ruleset.version} must take effect after {latest.effective_from.isoformat()} "
                f"(version {latest.version})",
                field="effective_from",
                rule="R1",
            )
        return replace(self, versions=(*self.versions, ruleset))

    def get(self, version: str) -> RuleSet:
        for ruleset in self.versions:
            if ruleset.version == version:
                return ruleset
        raise NotFound(f"no rule version {version}", field="version", rule="R1")

    def in_effect_on(self, day: dt.date) -> RuleSet:
        day = require_date(day, field="as_of", rule="R1")
        effective = [ruleset for ruleset in self.versions if ruleset.effective_from <= day]
        if not effective:
            raise NotFound(f"no rules were in effect on {day.isoformat()}", field="as_of", rule="R1")
        return effective[-1]
