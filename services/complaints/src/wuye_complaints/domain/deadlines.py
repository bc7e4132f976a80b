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

from wuye_chassis.validation import require_moment
from wuye_chassis.workdays import WorkingDayCalendar

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
