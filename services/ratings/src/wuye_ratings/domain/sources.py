"""Which credit records other services' events create (R2: complaint and inspection events carry their
own configured deductions; the points come from the rule version in effect on the day it happened).

Every event counts only against a company: a case the community handled, or an order addressed to the
owners' committee, creates nothing.

- Each counts on the Asia/Shanghai calendar day it happened.
- A closed complaint round counts when the resident was unsatisfied at the callback, and again when it
  was resolved after its deadline: the two are separate failures (a late fix can satisfy, a fast one can
  fail to), so one round can create two records.
- An inspection finding counts by its severity (enforcement's minor / major / serious are our
  minor / general / serious, 轻微 / 一般 / 严重).
- An overdue rectification order counts on top of its finding (an order ignored).
- A referral to the judicial alliance counts whatever its kind (rectification failed even under penalty).
- A campaign task or rectification list item addressed to the company (S1, S3) counts when it was done
  or closed after its deadline, and a closed item counts again each time a follow-up review (回头看)
  finds the problem back.
- A serious finding is also the serious violation that withdraws a company's stars (R5).
"""

from __future__ import annotations

import datetime as dt

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.periods import local_day
from wuye_ratings.domain.vocabulary import RecordKind

#: the callback answer (complaints' satisfaction) that counts against the company
UNSATISFIED = "unsatisfied"

FINDING_KINDS = {
    "minor": RecordKind.FINDING_MINOR,
    "major": RecordKind.FINDING_GENERAL,
    "serious": RecordKind.FINDING_SERIOUS,
}


def day_of(moment: dt.datetime) -> dt.date:
    """The day an event counts on."""
    return local_day(moment)


def complaint_record_kinds(*, company_id: str, satisfaction: str, overdue: bool) -> tuple[RecordKind, ...]:
    if not company_id:
        return ()
    kinds = []
    if satisfaction == UNSATISFIED:
        kinds.append(RecordKind.COMPLAINT_UNSATISFIED)
    if overdue:
        kinds.append(RecordKind.COMPLAINT_OVERDUE)
    return tuple(kinds)


def finding_record_kinds(*, company_id: str, severity: str) -> tuple[RecordKind, ...]:
    if not company_id:
        return ()
    if severity not in FINDING_KINDS:
        raise InvalidArgument(
            f"severity must be one of {', '.join(FINDING_KINDS)}; got {severity!r}", field="severity", rule="R2"
        )
    return (FINDING_KINDS[severity],)


def rectification_overdue_record_kinds(*, company_id: str) -> tuple[RecordKind, ...]:
    return (RecordKind.RECTIFICATION_OVERDUE,) if company_id else ()


def referral_record_kinds(*, company_id: str) -> tuple[RecordKind, ...]:
    return (RecordKind.JUDICIAL_REFERRAL,) if company_id else ()


def supervision_done_record_kinds(*, company_id: str, late: bool) -> tuple[RecordKind, ...]:
    return (RecordKind.SUPERVISION_LATE,) if company_id and late else ()


def supervision_reopened_record_kinds(*, company_id: str) -> tuple[RecordKind, ...]:
    return (RecordKind.SUPERVISION_REOPENED,) if company_id else ()


def finding_withdraws_stars(*, company_id: str, severity: str) -> bool:
    return bool(company_id) and FINDING_KINDS.get(severity) is RecordKind.FINDING_SERIOUS
