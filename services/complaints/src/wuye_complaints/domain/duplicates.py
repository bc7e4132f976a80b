"""Duplicates and collective complaints (C6).

- A new report is offered the open cases of the same compound and category submitted within 7 days of
  it. "Within 7 days" (7日内) includes the seventh day: a case exactly 7 × 24 hours apart is offered,
  one a second more is not. The distance is measured both ways, because 12345 partners may push a
  ticket after later reports with its original time. "Open" means neither closed nor rejected: a
  resolved case awaiting its callback is offered too, since a new report says it may not be fixed.
- Whoever takes the offer joins the existing case as a co-reporter (``add_reporter``); a report the
  dispatcher rejects as a duplicate brings its reporters to the original the same way
  (``reject_as_duplicate``), so five separate 12345 calls about one matter add up. When five
  distinct reporters stand on one case it becomes a collective complaint and escalates one tier,
  once. If it cannot move up (already at the county, or already resolved) it is marked collective all
  the same: the mark must not depend on where the case stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import require_moment, require_text
from wuye_chassis.workdays import WorkingDayCalendar
from wuye_complaints.domain.case import ESCALATABLE_STATES, Case
from wuye_complaints.domain.escalation import escalate
from wuye_complaints.domain.events import Event
from wuye_complaints.domain.vocabulary import Action, EscalationReason, RejectReason

DUPLICATE_WINDOW = dt.timedelta(days=7)
COLLECTIVE_MIN_REPORTERS = 5


class Report(Protocol):
    """What C6 compares of a stored case: a whole ``Case`` or an ``OpenReport`` read for the offer."""

    @property
    def case_id(self) -> str: ...
    @property
    def compound_id(self) -> str: ...
    @property
    def category_code(self) -> str: ...
    @property
    def submitted_at(self) -> dt.datetime: ...
    @property
    def is_open(self) -> bool: ...


@dataclass(frozen=True)
class OpenReport:
    """A stored case as far as the offer at intake needs it (no history, reporters or callbacks)."""

    case_id: str
    compound_id: str
    category_code: str
    submitted_at: dt.datetime
    is_open: bool


AnyReport = TypeVar("AnyReport", bound=Report)


def duplicate_candidates(
    *, compound_id: str, category_code: str, submitted_at: dt.datetime, cases: Iterable[AnyReport]
) -> list[AnyReport]:
    """Open cases a new report in ``compound_id`` / ``category_code`` may duplicate, nearest in time first."""
    compound = require_text(compound_id, field="compound_id", rule="C6")
    category = require_text(category_code, field="category", rule="C6")
    at = require_moment(submitted_at, field="submitted_at", rule="C6")
    candidates = [
        case
        for case in cases
        if case.is_open
        and case.compound_id == compound
        and case.category_code == category
        and abs(at - case.submitted_at) <= DUPLICATE_WINDOW
    ]
    return sorted(candidates, key=lambda case: (abs(at - case.submitted_at), case.case_id))


def is_collective(reporter_ids: Iterable[str]) -> bool:
    return len(set(reporter_ids)) >= COLLECTIVE_MIN_REPORTERS


def add_reporter(
    case: Case, *, reporter_id: str, now: dt.datetime, actor_id: str, calendar: WorkingDayCalendar
) -> list[Event]:
    """Join a reporter to an open case; the fifth distinct reporter makes it collective and escalates it.

    The same reporter joining again changes nothing: collective counts people, not reports.
    """
    case._require(Action.ADD_REPORTER, rule="C6")
    at, actor = case._moment(now, rule="C6"), case._actor(actor_id, rule="C6")
    reporter = require_text(reporter_id, field="reporter_id", rule="C6")
    if reporter in case.reporter_ids:
        return []
    case.reporter_ids.append(reporter)
    case._record(Action.ADD_REPORTER, at, actor)
    if case.collective or not is_collective(case.reporter_ids):
        return []
    case.collective = True
    if case.state not in ESCALATABLE_STATES or case.tier.above is None:
        return []
    note = f"{len(case.reporter_ids)} reporters on one matter"
    return escalate(case, now=at, actor_id=actor, reason=EscalationReason.COLLECTIVE, calendar=calendar, note=note)


def reject_as_duplicate(
    duplicate: Case,
    original: Case,
    *,
    now: dt.datetime,
    actor_id: str,
    calendar: WorkingDayCalendar,
    note: str | None = None,
) -> list[Event]:
    """Reject ``duplicate`` as a duplicate of ``original``, an open case of the same compound, and join its
    reporters to the original (the fifth distinct reporter makes it collective, C6)."""
    if not original.is_open:
        raise FailedPrecondition(
            f"case {original.case_id} is {original.state.value}: only an open case takes duplicates",
            field="duplicate_of", rule="C6",
        )
    if original.compound_id != duplicate.compound_id:
        raise InvalidArgument(
            f"case {original.case_id} is about another compound", field="duplicate_of", rule="C6"
        )
    events = duplicate.reject(
        now=now, actor_id=actor_id, reason=RejectReason.DUPLICATE, duplicate_of=original.case_id, note=note
    )
    for reporter_id in duplicate.reporter_ids:
        events += add_reporter(original, reporter_id=reporter_id, now=now, actor_id=actor_id, calendar=calendar)
    return events
