"""List policies per jurisdiction (R7) and Huainan's yearly red/yellow lists by ranking share (seed 002).

- A jurisdiction's policy holds for it and everything below it, until a lower jurisdiction sets its own;
  where none is set, the deployment's default holds (quarterly red/black, R4).
- Quarterly red/black (R4): ``wuye_ratings.domain.lists``.
- Yearly red/yellow: after the year has ended, the companies of the jurisdiction are ranked by their
  credit score on the year's last day (equal scores share a rank). The top ``red_percent`` of them are red
  (tender priority); the bottom ``yellow_percent`` are yellow (a talk by the community party
  organisation); a yellow company in band C is serious (the owners' procedure to end the contract, a
  matter-4 vote in funds). A share is ⌈n × percent / 100⌉ places, at least one when there is any company;
  a company tied with the last place inside a share is inside too; a company never is both red and yellow
  (red wins: with few companies the shares overlap).
- Every published list records where (the jurisdiction, and the venue it was published in) and when.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import optional_text
from wuye_ratings.domain.events import CommunityPartyTalkRequired, ContractEndAdvised, TenderPriorityGranted
from wuye_ratings.domain.vocabulary import Band

#: a share of a yearly list: whole percent
MIN_PERCENT, MAX_PERCENT = 1, 50
#: the band that makes a yellow-listed company a serious case
SERIOUS_BAND = Band.C
VENUE_MAX_LENGTH = 200


class ListScheme(StrEnum):
    QUARTERLY_RED_BLACK = "quarterly_red_black"
    YEARLY_RED_YELLOW = "yearly_red_yellow"


class YearlyListing(StrEnum):
    NONE = "none"
    RED = "red"
    YELLOW = "yellow"


@dataclass(frozen=True)
class JurisdictionListPolicy:
    jurisdiction_path: str
    scheme: ListScheme
    black_includes_b: bool = False
    red_percent: int = 0
    yellow_percent: int = 0

    @classmethod
    def create(
        cls, *, jurisdiction_path: str, scheme: ListScheme, black_includes_b: bool, red_percent: int,
        yellow_percent: int,
    ) -> JurisdictionListPolicy:
        path = str(JurisdictionPath.parse(jurisdiction_path, field="policy.jurisdiction_path"))
        if scheme is ListScheme.QUARTERLY_RED_BLACK:
            if red_percent or yellow_percent:
                raise InvalidArgument("shares are for a yearly red/yellow policy", field="policy.red_percent",
                                      rule="R7")
            return cls(path, scheme, black_includes_b=black_includes_b)
        if black_includes_b:
            raise InvalidArgument("black_includes_b is for a quarterly red/black policy",
                                  field="policy.black_includes_b", rule="R7")
        for field, percent in (("policy.red_percent", red_percent), ("policy.yellow_percent", yellow_percent)):
            if not MIN_PERCENT <= percent <= MAX_PERCENT:
                raise InvalidArgument(f"{field} must be a whole percent from {MIN_PERCENT} to {MAX_PERCENT}",
                                      field=field, rule="R7")
        return cls(path, scheme, red_percent=red_percent, yellow_percent=yellow_percent)


def policy_in_force(policies: Iterable[JurisdictionListPolicy], path: str) -> JurisdictionListPolicy | None:
    """The policy set for ``path`` or its nearest ancestor; None when none is (the default holds)."""
    target = JurisdictionPath.parse(path)
    holding = [policy for policy in policies if JurisdictionPath.parse(policy.jurisdiction_path).contains(target)]
    return max(holding, key=lambda policy: len(policy.jurisdiction_path), default=None)


def year_ended(year: int, published_on: dt.date) -> None:
    if not 2000 <= year <= 2100:
        raise InvalidArgument("year must be from 2000 to 2100", field="year", rule="R7")
    if published_on <= dt.date(year, 12, 31):
        raise InvalidArgument(f"the {year} lists can be published from {year + 1}-01-01, not {published_on}",
                              field="year", rule="R7")


@dataclass(frozen=True)
class YearlyCandidate:
    company_id: str
    score: Fraction
    band: Band
    compound_ids: tuple[str, ...]


@dataclass(frozen=True)
class YearlyStanding:
    company_id: str
    rank: int
    score: Fraction
    band: Band
    listing: YearlyListing
    compound_ids: tuple[str, ...]

    @property
    def serious(self) -> bool:
        return self.listing is YearlyListing.YELLOW and self.band is SERIOUS_BAND


def share_places(companies: int, percent: int) -> int:
    """⌈companies × percent / 100⌉: the places a share holds (at least one of any company)."""
    return math.ceil(Fraction(companies * percent, 100)) if companies else 0


@dataclass(frozen=True)
class YearlyLists:
    jurisdiction_path: str
    year: int
    published_on: dt.date
    published_in: str | None
    red_percent: int
    yellow_percent: int
    standings: tuple[YearlyStanding, ...]

    @property
    def red(self) -> tuple[str, ...]:
        return tuple(one.company_id for one in self.standings if one.listing is YearlyListing.RED)

    @property
    def yellow(self) -> tuple[str, ...]:
        return tuple(one.company_id for one in self.standings if one.listing is YearlyListing.YELLOW)

    def consequences(self) -> list[TenderPriorityGranted | CommunityPartyTalkRequired | ContractEndAdvised]:
        found: list[TenderPriorityGranted | CommunityPartyTalkRequired | ContractEndAdvised] = []
        for one in self.standings:
            if one.listing is YearlyListing.RED:
                found.append(TenderPriorityGranted(one.company_id, None, self.jurisdiction_path, one.band,
                                                   year=self.year))
            elif one.listing is YearlyListing.YELLOW:
                found.append(CommunityPartyTalkRequired(one.company_id, self.year, self.jurisdiction_path, one.band,
                                                        one.rank))
                if one.serious:
                    found.append(ContractEndAdvised(
                        company_id=one.company_id, quarter=None, jurisdiction_path=self.jurisdiction_path,
                        compound_ids=one.compound_ids, black_quarters=(), year=self.year,
                    ))
        return found


def compile_yearly_lists(
    *,
    policy: JurisdictionListPolicy,
    jurisdiction_path: str,
    year: int,
    candidates: Sequence[YearlyCandidate],
    published_on: dt.date,
    published_in: str,
) -> YearlyLists:
    """R7: the year's red and yellow lists of the jurisdiction under its yearly policy."""
    if policy.scheme is not ListScheme.YEARLY_RED_YELLOW:
        raise InvalidArgument("the jurisdiction's list policy is not yearly red/yellow", field="year", rule="R7")
    year_ended(year, published_on)
    ordered = sorted(candidates, key=lambda one: (-one.score, one.company_id))
    ranks: list[int] = []
    for position, one in enumerate(ordered):
        tied = position > 0 and ordered[position - 1].score == one.score
        ranks.append(ranks[-1] if tied else position + 1)
    count = len(ordered)
    red_places, yellow_places = share_places(count, policy.red_percent), share_places(count, policy.yellow_percent)
    red_floor = ordered[red_places - 1].score if red_places else None
    yellow_ceiling = ordered[count - yellow_places].score if yellow_places else None
    standings = []
    for rank, one in zip(ranks, ordered, strict=True):
        if red_floor is not None and one.score >= red_floor:
            listing = YearlyListing.RED
        elif yellow_ceiling is not None and one.score <= yellow_ceiling:
            listing = YearlyListing.YELLOW
        else:
            listing = YearlyListing.NONE
        standings.append(YearlyStanding(one.company_id, rank, one.score, one.band, listing, one.compound_ids))
    return YearlyLists(
        jurisdiction_path=jurisdiction_path, year=year, published_on=published_on,
        published_in=optional_text(published_in, field="published_in", rule="R7", max_length=VENUE_MAX_LENGTH),
        red_percent=policy.red_percent, yellow_percent=policy.yellow_percent, standings=tuple(standings),
    )
