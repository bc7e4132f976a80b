"""Working-day calendar for deadlines (mainland China public holidays and make-up working days).

The official schedule comes from the ``chinese-calendar`` package, which covers the years the State
Council has published. For a year it does not know yet, Monday–Friday count as working days and a
warning is logged once per year; operators can add the published schedule early through
``extra_holidays`` / ``extra_workdays`` (settings ``WUYE_EXTRA_HOLIDAYS`` / ``WUYE_EXTRA_WORKDAYS``).

Deadlines are stored in UTC and counted on the Asia/Shanghai calendar: a deadline of N working days
from a moment falls at the same local time of day on the N-th following working day.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import chinese_calendar

from wuye_chassis.errors import InvalidArgument

SHANGHAI = ZoneInfo("Asia/Shanghai")
log = logging.getLogger(__name__)


class WorkingDayCalendar:
    def __init__(
        self,
        extra_holidays: Iterable[dt.date] = (),
        extra_workdays: Iterable[dt.date] = (),
    ) -> None:
        self._holidays = frozenset(extra_holidays)
        self._workdays = frozenset(extra_workdays)
        overlap = self._holidays & self._workdays
        if overlap:
            raise InvalidArgument(
                f"a date cannot be both an extra holiday and an extra working day: {sorted(overlap)}",
                field="extra_holidays",
            )
        self._warned_years: set[int] = set()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._holidays:
            return False
        if day in self._workdays:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                log.warning(
                    "no official holiday schedule for %s; counting Monday-Friday as working days", day.year
                )
            return day.weekday() < 5

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The moment ``days`` working days after ``start`` (an aware datetime), returned in UTC.

        Counting starts on the next working day, so a case dispatched on a Friday evening with one
        working day to answer is due on Monday evening (or later if Monday is a holiday).
        """
        if start.tzinfo is None:
            raise InvalidArgument("start must carry a time zone", field="start")
        if days < 0:
            raise InvalidArgument(f"days must not be negative, got {days}", field="days")
        local = start.astimezone(SHANGHAI)
        day = local.date()
        remaining = days
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        due = dt.datetime.combine(day, local.timetz())
        return due.astimezone(dt.UTC)

    def working_days_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Whole working days from ``start`` to ``end``: the number of working days after start's local
        date up to and including end's local date (0 when both fall on the same day or end is earlier)."""
        first = start.astimezone(SHANGHAI).date()
        last = end.astimezone(SHANGHAI).date()
        count = 0
        day = first
        while day < last:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
