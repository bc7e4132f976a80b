"""Domain events the ratings rules return, for the outbox to publish (``adapters/events.py``).

Record events tell dashboards a score changed; list consequences (R4) go to the tender system, the
street's task list and funds; appeal and star events tell the score card and the company what changed.
Events carry ids, codes and dates only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_ratings.domain.evaluations import Quarter
from wuye_ratings.domain.vocabulary import AppealOutcome, Band, StarWithdrawalReason

#: Civil Code art. 278 matter 4: 选聘和解聘物业服务企业 (hire or dismiss the property company), as numbered in funds
MATTER_DISMISS_COMPANY = 4


@dataclass(frozen=True)
class CreditRecordAdded:
    """A record counts in the company's score from ``effective_on``, priced by ``rule_version`` (R1, R2)."""

    company_id: str
    record_id: str
    effective_on: dt.date
    rule_version: str


@dataclass(frozen=True)
class CreditRecordWithdrawn:
    """An upheld appeal withdrew a record: scores from ``effective_on`` on no longer count it (R6)."""

    company_id: str
    record_id: str
    effective_on: dt.date
    rule_version: str


@dataclass(frozen=True)
class ListsPublished:
    """The red and black lists of a quarter were published for a jurisdiction (R4)."""

    jurisdiction_path: str
    quarter: Quarter
    published_on: dt.date
    red_company_ids: tuple[str, ...]
    black_company_ids: tuple[str, ...]
    published_in: str | None = None


@dataclass(frozen=True)
class YearlyListsPublished:
    """The red and yellow lists of a year were published for a jurisdiction (R7)."""

    jurisdiction_path: str
    year: int
    published_on: dt.date
    red_company_ids: tuple[str, ...]
    yellow_company_ids: tuple[str, ...]
    published_in: str | None


@dataclass(frozen=True)
class TenderPriorityGranted:
    """Red list: the company gets priority in property-service tenders (招投标优先); a quarter's list (R4)
    or, with ``year``, a yearly one (R7)."""

    company_id: str
    quarter: Quarter | None
    jurisdiction_path: str
    band: Band
    year: int | None = None


@dataclass(frozen=True)
class AdmonitionTalkRequired:
    """Black list for the first quarter in a row: the company head is called to an admonition talk (约谈)."""

    company_id: str
    quarter: Quarter
    jurisdiction_path: str
    band: Band


@dataclass(frozen=True)
class ContractEndAdvised:
    """Black list two quarters in a row: owners are advised to end the contract; funds opens a matter-4 vote
    request for each compound."""

    company_id: str
    quarter: Quarter | None
    jurisdiction_path: str
    compound_ids: tuple[str, ...]
    black_quarters: tuple[Quarter, ...]  # the consecutive black quarters, oldest first (none for a yearly list)
    matter: int = MATTER_DISMISS_COMPANY
    #: a serious case on a yearly yellow list (R7) instead of a quarter's black list
    year: int | None = None


@dataclass(frozen=True)
class CommunityPartyTalkRequired:
    """Yearly yellow list (R7, Huainan): the community party organisation talks with the company."""

    company_id: str
    year: int
    jurisdiction_path: str
    band: Band
    rank: int


@dataclass(frozen=True)
class AppealFiled:
    appeal_id: str
    record_id: str
    company_id: str
    at: dt.datetime


@dataclass(frozen=True)
class AppealDecided:
    appeal_id: str
    record_id: str
    company_id: str
    outcome: AppealOutcome
    at: dt.datetime
    record_withdrawn_on: dt.date | None  # set when upheld: scores from this day on no longer count the record


@dataclass(frozen=True)
class StarsAwarded:
    company_id: str
    year: int
    stars: int
    on: dt.date


@dataclass(frozen=True)
class StarsWithdrawn:
    company_id: str
    year: int
    stars: int
    reason: StarWithdrawalReason
    on: dt.date


ListConsequence = TenderPriorityGranted | AdmonitionTalkRequired | ContractEndAdvised | CommunityPartyTalkRequired
Event = (
    CreditRecordAdded | CreditRecordWithdrawn | ListsPublished | YearlyListsPublished | ListConsequence
    | AppealFiled | AppealDecided | StarsAwarded | StarsWithdrawn
)
