"""Red and black lists (R4, seed 003 红黑榜), published each quarter for a jurisdiction.

Red = band AA or better. Black = band C; a city may configure black to take B as well. Consequences:

- red → ``TenderPriorityGranted``;
- black this quarter but not the previous one → ``AdmonitionTalkRequired`` with the company head;
- black this quarter AND the immediately previous quarter of the same jurisdiction → ``ContractEndAdvised``
  for the company's compounds there (funds opens an owners' matter-4 vote request). "In a row" means
  consecutive quarters: black in Q1, off in Q2, black in Q3 is a first time again. A third or later black
  quarter in a row advises again, because owners who kept the company after the last advice face a new
  quarter of failure. The admonition is not repeated with the advice: the talk already happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import optional_text, parse_choice, require_date, require_flag, require_text
from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.events import (
    AdmonitionTalkRequired,
    ContractEndAdvised,
    ListConsequence,
    ListsPublished,
    TenderPriorityGranted,
)
from wuye_ratings.domain.vocabulary import Band


@dataclass(frozen=True)
class ListPolicy:
    black_includes_b: bool = False

    @classmethod
    def create(cls, *, black_includes_b: bool) -> ListPolicy:
        return cls(require_flag(black_includes_b, field="black_includes_b", rule="R4"))

    def is_red(self, band: Band) -> bool:
        return band.at_least(Band.AA)

    def is_black(self, band: Band) -> bool:
        return band is Band.C or (self.black_includes_b and band is Band.B)


DEFAULT_POLICY = ListPolicy()


def standing_day(quarter: Quarter) -> dt.date:
    """The day whose credit band places a company on a quarter's lists: the quarter's last day, as known on
    the publication day (appeals upheld before publication count; later ones change later lists only)."""
    return quarter.last_day


@dataclass(frozen=True)
class CompanyStanding:
    """A company's band for the quarter and the compounds it serves in the jurisdiction."""

    company_id: str
    band: Band
    compound_ids: tuple[str, ...]

    @classmethod
    def create(cls, *, company_id: str, band: Band | str, compound_ids: Iterable[str]) -> CompanyStanding:
        return cls(
            require_text(company_id, field="company_id", rule="R4"),
            parse_choice(Band, band, field="band", rule="R4"),
            tuple(require_text(compound, field="compound_ids", rule="R4") for compound in compound_ids),
        )


@dataclass(frozen=True)
class QuarterlyLists:
    quarter: Quarter
    jurisdiction_path: str
    standings: tuple[CompanyStanding, ...]
    policy: ListPolicy
    published_on: dt.date
    #: where they were published (R7), when recorded
    published_in: str | None = None

    @property
    def red(self) -> tuple[str, ...]:
        return tuple(s.company_id for s in self.standings if self.policy.is_red(s.band))

    @property
    def black(self) -> tuple[str, ...]:
        return tuple(s.company_id for s in self.standings if self.policy.is_black(s.band))

    @property
    def published(self) -> ListsPublished:
        """What publishing these lists announces (their consequences follow from ``consequences``)."""
        return ListsPublished(self.jurisdiction_path, self.quarter, self.published_on, self.red, self.black,
                              self.published_in)

    def consequences(self, previous: QuarterlyLists | None) -> tuple[ListConsequence, ...]:
        """What publishing these lists sets off; ``previous`` is the lists of the quarter before, if any."""
        if previous is not None:
            if previous.jurisdiction_path != self.jurisdiction_path:
                raise InvalidArgument(
                    f"previous lists are for {previous.jurisdiction_path}, not {self.jurisdiction_path}",
                    field="previous",
                    rule="R4",
                )
            if previous.quarter != self.quarter.previous():
                raise InvalidArgument(
                    f"previous lists must be for {self.quarter.previous()}, got {previous.quarter}",
                    field="previous",
                    rule="R4",
                )
        black_before = set(previous.black) if previous is not None else set()
        consequences: list[ListConsequence] = []
        for standing in self.standings:
            if self.policy.is_red(standing.band):
                consequences.append(
                    TenderPriorityGranted(standing.company_id, self.quarter, self.jurisdiction_path, standing.band)
                )
            elif self.policy.is_black(standing.band) and standing.company_id in black_before:
                consequences.append(
                    ContractEndAdvised(
                        company_id=standing.company_id,
                        quarter=self.quarter,
                        jurisdiction_path=self.jurisdiction_path,
                        compound_ids=standing.compound_ids,
                        black_quarters=(self.quarter.previous(), self.quarter),
                    )
                )
            elif self.policy.is_black(standing.band):
                consequences.append(
                    AdmonitionTalkRequired(standing.company_id, self.quarter, self.jurisdiction_path, standing.band)
                )
        return tuple(consequences)


def require_quarter_ended(quarter: Quarter, published_on: dt.date) -> dt.date:
    """``published_on`` when the quarter has ended by then: lists are published only after their quarter."""
    if not isinstance(quarter, Quarter):
        raise InvalidArgument(f"quarter must be a Quarter, got {quarter!r}", field="quarter", rule="R4")
    day = require_date(published_on, field="published_on", rule="R4")
    if day <= quarter.last_day:
        raise InvalidArgument(
            f"lists for {quarter} can be published from {quarter.next().first_day.isoformat()}, not {day.isoformat()}",
            field="published_on",
            rule="R4",
        )
    return day


def compile_lists(
    *,
    quarter: Quarter,
    jurisdiction_path: str,
    standings: Iterable[CompanyStanding],
    policy: ListPolicy = DEFAULT_POLICY,
    published_on: dt.date,
    published_in: str = "",
) -> QuarterlyLists:
    """The red and black lists of ``quarter``; they can be published only once the quarter has ended."""
    day = require_quarter_ended(quarter, published_on)
    try:
        path = str(JurisdictionPath.parse(jurisdiction_path))
    except InvalidArgument as error:
        raise InvalidArgument(error.message, field="jurisdiction_path", rule="R4") from None
    listed = tuple(standings)
    seen: set[str] = set()
    for standing in listed:
        if not isinstance(standing, CompanyStanding):
            raise InvalidArgument(
                f"standings must be CompanyStanding values, got {standing!r}", field="standings", rule="R4"
            )
        if standing.company_id in seen:
            raise InvalidArgument(
                f"company {standing.company_id} appears twice in the standings", field="standings", rule="R4"
            )
        seen.add(standing.company_id)
    venue = optional_text(published_in, field="published_in", rule="R7", max_length=200)
    return QuarterlyLists(quarter, path, listed, policy, day, venue)
