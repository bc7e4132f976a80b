"""What callers ask of the ratings service: one frozen dataclass per command and query.

Each is the input of one handler in ``service/`` (``handler(command, uow)``), whoever calls it: the gRPC
servicer, an event consumer or a test. Values arrive as the caller sent them (text for enums and days,
"" for absent); the handler and the domain validate them and name the field they refuse. Who acts is
never here: it is the caller's authenticated context.

The last section is what other services announced, as the consumers (``entrypoints/consumers.py``)
hand it to the handlers: one dataclass per event, holding what ratings reads of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# --- rules (R1, R2) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class KindPoints:
    """The points a record kind is worth in a new rule version, as an exact fraction."""

    kind: str
    numerator: int
    #: 0 reads as 1 (a whole number)
    denominator: int


@dataclass(frozen=True)
class AddRuleVersion:
    city_path: str
    version: str
    effective_from: str
    #: None keeps the latest version's base score
    base_score: int | None = None
    #: the kinds not named keep the latest version's points
    points: tuple[KindPoints, ...] = ()


@dataclass(frozen=True)
class ListRuleVersions:
    pass


# --- credit records, scores and rankings (R1, R2, R6) --------------------------------------------


@dataclass(frozen=True)
class AddCreditRecord:
    company_id: str
    kind: str
    occurred_on: str
    #: "" counts the record for the rule version's validity
    valid_until: str = ""
    note: str = ""


@dataclass(frozen=True)
class ListCreditRecords:
    company_id: str
    #: the last record id of the previous page ("" for the first page)
    after: str
    limit: int


@dataclass(frozen=True)
class GetScoreCard:
    company_id: str
    #: "" for today
    as_of: str = ""
    #: "" for the score as published on ``as_of``; a later day counts the appeals decided since
    known_on: str = ""


@dataclass(frozen=True)
class GetRankings:
    jurisdiction_path: str
    #: "" for today
    as_of: str = ""


# --- appeals (R6) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileAppeal:
    record_id: str
    grounds: str


@dataclass(frozen=True)
class DecideAppeal:
    appeal_id: str
    outcome: str
    reason: str


# --- the three evaluations (R3) ------------------------------------------------------------------


@dataclass(frozen=True)
class SubmitResidentSurvey:
    compound_id: str
    household_id: str
    quarter: str
    aspect_scores: tuple[int, ...]


@dataclass(frozen=True)
class StreetEvaluation:
    """What a peer or a department submits: its scores of a company in one street it serves."""

    company_id: str
    street_path: str
    quarter: str
    aspect_scores: tuple[int, ...]


class SubmitPeerEvaluation(StreetEvaluation):
    """By the caller's company, a peer in the same street."""


class SubmitDepartmentEvaluation(StreetEvaluation):
    """By the caller's department."""


@dataclass(frozen=True)
class GetQuarterlyEvaluation:
    company_id: str
    street_path: str
    quarter: str


# --- red and black lists (R4) --------------------------------------------------------------------


@dataclass(frozen=True)
class PublishLists:
    jurisdiction_path: str
    quarter: str
    #: where they are published (R7)
    published_in: str = ""


@dataclass(frozen=True)
class SetListPolicy:
    jurisdiction_path: str
    #: quarterly_red_black or yearly_red_yellow
    scheme: str
    black_includes_b: bool = False
    red_percent: int = 0
    yellow_percent: int = 0


@dataclass(frozen=True)
class GetListPolicy:
    jurisdiction_path: str


@dataclass(frozen=True)
class PublishYearlyLists:
    jurisdiction_path: str
    year: int
    published_in: str = ""


@dataclass(frozen=True)
class GetYearlyLists:
    jurisdiction_path: str
    year: int


@dataclass(frozen=True)
class GetLists:
    jurisdiction_path: str
    quarter: str


# --- star ratings (R5) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessStars:
    company_id: str
    year: int


@dataclass(frozen=True)
class RecordCityReview:
    company_id: str
    year: int
    approved: bool


@dataclass(frozen=True)
class GetStars:
    company_id: str
    #: "" for today
    as_of: str = ""


# --- what other services announced --------------------------------------------------------------


@dataclass(frozen=True)
class CompanyRegistered:
    """The registry: a property company exists (ratings rates it from now on)."""

    company_id: str
    name: str
    jurisdiction_path: str


@dataclass(frozen=True)
class ContractStarted:
    """The registry: a company serves a compound from ``start_on`` (an ISO day)."""

    contract_id: str
    company_id: str
    compound_id: str
    jurisdiction_path: str
    start_on: str


@dataclass(frozen=True)
class ContractEnded:
    """The registry: a contract ended on ``terminated_on`` (an ISO day; "" for the day it was announced)."""

    contract_id: str
    company_id: str
    compound_id: str
    terminated_on: str


@dataclass(frozen=True)
class ComplaintClosed:
    """Complaints: a complaint round closed; ``event_id`` is the source of the records it makes (R2)."""

    event_id: str
    case_id: str
    #: "" when no company handled the case
    company_id: str
    satisfaction: str
    overdue: bool
    closed_at: dt.datetime


@dataclass(frozen=True)
class FindingRecorded:
    """Enforcement: an inspection found a problem of ``severity`` (minor / major / serious)."""

    event_id: str
    finding_id: str
    #: "" when the finding concerns no company
    company_id: str
    severity: str
    found_at: dt.datetime


@dataclass(frozen=True)
class RectificationOverdue:
    """Enforcement: a rectification order was not carried out in time."""

    event_id: str
    order_id: str
    #: "" when the order is addressed to someone else than a company
    company_id: str
    overdue_at: dt.datetime


@dataclass(frozen=True)
class SupervisionDone:
    """Enforcement: a campaign task was reported done, or a rectification list item closed (S1, S3)."""

    event_id: str
    #: the task's or the item's id
    subject: str
    #: "" when the addressee is no company
    company_id: str
    late: bool
    at: dt.datetime


@dataclass(frozen=True)
class SupervisionReopened:
    """Enforcement: a follow-up review (回头看) reopened a closed rectification list item (S3)."""

    event_id: str
    item_id: str
    company_id: str
    at: dt.datetime


@dataclass(frozen=True)
class ReferralCreated:
    """Enforcement: an order that failed even under penalty went to the judicial alliance."""

    event_id: str
    order_id: str
    #: "" when the order is addressed to someone else than a company
    company_id: str
    referred_at: dt.datetime
