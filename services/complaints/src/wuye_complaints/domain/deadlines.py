"""Deadlines in working days (C3), counted on the mainland China holiday calendar.

- Accept (or reject) within 1 working day of submission.
- Resolve within the category's working days (5 unless the category sets longer) of the FIRST
  dispatch. A send-back, a re-dispatch or a reopen never restarts this clock: Beijing 12345's
  send-back ping-pong stopped the clock, ours does not (DESIGN.md).

A deadline falls at the same local time of day on the N-th following working day
(``WorkingDayCalendar.add_working_days``). A case is overdue only once ``now`` is strictly after the
deadline: the deadline moment itself is still in time.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from wuye_chassis.validation import require_moment
from wuye_chassis.workdays import WorkingDayCalendar

if TYPE_CHECKING:
    from wuye_complaints.domain.case import Case

ACCEPT_WORKING_DAYS = 1
DEFAULT_RESOLVE_WORKING_DAYS = 5  # Jinan / Weifang rule


def accept_due(submitted_at: dt.datetime, calendar: WorkingDayCalendar) -> dt.datetime:
    return calendar.add_working_days(require_moment(submitted_at, field="submitted_at", rule="C3"), ACCEPT_WORKING_DAYS)


def resolve_due(
    first_dispatched_at: dt.datetime, resolve_working_days: int, calendar: WorkingDayCalendar
) -> dt.datetime:
    start = require_moment(first_dispatched_at, field="first_dispatched_at", rule="C3")
    return calendar.add_working_days(start, resolve_working_days)


def is_late(due: dt.datetime, moment: dt.datetime) -> bool:
    """True when ``moment`` is strictly after ``due``."""
    return moment > due


def accept_overdue(case: Case, now: dt.datetime) -> bool:
    """The case was, or still is, waiting for acceptance past its accept deadline.

    A rejection answers the case too, so it stops the accept clock like an acceptance.
    """
    answered_at = case.accepted_at or case.rejected_at
    return is_late(case.accept_due_at, answered_at or require_moment(now, field="now", rule="C3"))


def resolve_overdue(case: Case, now: dt.datetime) -> bool:
    """The case was, or still is, unresolved past its resolve deadline (False before the first dispatch)."""
    if case.resolve_due_at is None:
        return False
    return is_late(case.resolve_due_at, case.resolved_at or require_moment(now, field="now", rule="C3"))


def handling_working_days(case: Case, calendar: WorkingDayCalendar) -> int | None:
    """Working days from the first dispatch to the latest resolution, None while unresolved."""
    if case.first_dispatched_at is None or case.resolved_at is None:
        return None
    return calendar.working_days_between(case.first_dispatched_at, case.resolved_at)
