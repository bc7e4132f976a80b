"""Disclosure timing and third-party audits (P3).

- Common-parts income is disclosed every quarter by default (Shanghai); the period in months is a city
  setting. The maintenance fund is disclosed at least every six months, so its setting can shorten the
  period but never lengthen it beyond six.
- A disclosure stays posted for at least 15 days (以上 includes the 15th).
- A subject is overdue when its last disclosure, or the start of the account when there has been none, is
  older than the period: at exactly the due moment it is not yet overdue. Each due moment is reported once,
  so the due moment is the key of an overdue report.
- Every compound's common-parts income is audited by a third party; the target coverage is 100 %.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from wuye_chassis.bounds import MAX_POSTING_DAYS
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_text, require_whole

DEFAULT_INCOME_PERIOD_MONTHS = 3
MAX_MAINTENANCE_PERIOD_MONTHS = 6
MIN_POSTING_DAYS = 15
AUDIT_COVERAGE_TARGET = Fraction(1)


class Subject(Enum):
    COMMON_INCOME = "common_income"
    MAINTENANCE_FUND = "maintenance_fund"


def posted_until(published_at: dt.datetime, posting_days: int) -> dt.datetime:
    """The end of the posting; 0 days means the minimum of 15, fewer than 15 is refused."""
    days = require_whole(posting_days, field="posting_days", rule="P3", minimum=0, maximum=MAX_POSTING_DAYS) or MIN_POSTING_DAYS
    if days < MIN_POSTING_DAYS:
        raise InvalidArgument(
            f"a disclosure stays posted for at least {MIN_POSTING_DAYS} days, not {days}", field="posting_days", rule="P3"
        )
    return published_at + dt.timedelta(days=days)


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Aug + 6 → 28/29 Feb)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Overdue:
    subject: Subject
    last_published_at: dt.datetime | None
    due_at: dt.datetime
    period_months: int


def overdue(
    subject: Subject, *, started_at: dt.datetime, last_published_at: dt.datetime | None, period_months: int,
    now: dt.datetime,
) -> Overdue | None:
    """The overdue disclosure of one subject at ``now``, or None when it is not (yet) overdue."""
    due_at = add_months(last_published_at or started_at, period_months)
    if now <= due_at:
        return None
    return Overdue(subject, last_published_at, due_at, period_months)


@dataclass(frozen=True)
class OverdueDisclosure:
    """An overdue disclosure of one compound, as listed and reported (once per due moment)."""

    compound_id: str
    jurisdiction_path: str
    overdue: Overdue


@dataclass(frozen=True)
class DisclosureSchedule:
    """What a compound's disclosure timing depends on (P3)."""

    compound_id: str
    jurisdiction_path: str
    #: when its maintenance fund account opened; None without one
    maintenance_started: dt.datetime | None
    #: when its committee (common-parts income) ledger started; None without one
    income_started: dt.datetime | None
    last_published: dt.datetime | None

    def started(self, subject: Subject) -> dt.datetime | None:
        """When the account a subject discloses started; None without such an account (nothing to disclose)."""
        return self.income_started if subject is Subject.COMMON_INCOME else self.maintenance_started


def overdue_disclosures(
    schedules: Iterable[DisclosureSchedule], period_months: Mapping[Subject, int], now: dt.datetime
) -> list[OverdueDisclosure]:
    """Every overdue disclosure of these compounds at ``now``, each subject with the city's period."""
    found = []
    for schedule in schedules:
        for subject, months in period_months.items():
            started = schedule.started(subject)
            if started is None:
                continue
            due = overdue(subject, started_at=started, last_published_at=schedule.last_published,
                          period_months=months, now=now)
            if due is not None:
                found.append(OverdueDisclosure(schedule.compound_id, schedule.jurisdiction_path, due))
    return found


@dataclass(frozen=True)
class Finding:
    text: str
    amount_fen: Fen  # the money concerned, 0 when the finding is about procedure only


def audit_findings(findings: Iterable[tuple[str, int]]) -> list[Finding]:
    """Each finding states what was found; the amount concerned is never negative."""
    return [
        Finding(
            text=require_text(text, field="findings.text", rule="P3", max_length=2000),
            amount_fen=require_whole(amount, field="findings.amount_fen", rule="P3", minimum=0),
        )
        for text, amount in findings
    ]


@dataclass(frozen=True)
class AuditCoverage:
    compounds: int
    audited: int

    @property
    def share(self) -> Fraction:
        """Audited share of the compounds with common-parts income; none to audit counts as covered."""
        return Fraction(self.audited, self.compounds) if self.compounds else Fraction(1)

    @property
    def meets_target(self) -> bool:
        return self.share >= AUDIT_COVERAGE_TARGET


@dataclass(frozen=True)
class Audit:
    """A third-party audit of a compound's common-parts income for a period, as recorded."""

    audit_id: str
    compound_id: str
    jurisdiction_path: str
    period: str
    auditor: str
    findings: tuple[Finding, ...]
    recorded_at: dt.datetime
