"""Working-day calendar for deadlines (mainland China public holidays and make-up working days).

The official schedule comes from the ``chinese-calendar`` package, which covers the years the State
Council had published when it was released. A year it does not know is never guessed: a deadline that
reaches into it is refused (``CalendarYearUnknown``, rule C3) and a service that counts working days
reports not-ready while the current year, or the next one within ``LOOKAHEAD_DAYS`` of the new year, is
unknown (``unknown_years``). Operators enter a newly published schedule as ``extra_holidays`` /
``extra_workdays`` (``WUYE_EXTRA_HOLIDAYS`` / ``WUYE_EXTRA_WORKDAYS``) and declare the year complete in
``configured_years`` (``WUYE_CALENDAR_CONFIGURED_YEARS``); in such a year the extra dates decide and the
other days count Monday–Friday.

Deadlines are stored in UTC and counted on the Asia/Shanghai calendar: a deadline of N working days
from a moment falls at the same local time of day on the N-th following working day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import chinese_calendar

from wuye_chassis.errors import FailedPrecondition, InvalidArgument

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: how close to the new year an unknown next year makes a service not ready: the longest deadline any
#: category sets (about a month of working days) must not reach into a year the calendar cannot count
LOOKAHEAD_DAYS = 45


class CalendarYearUnknown(FailedPrecondition):
    """A deadline would need a year whose holiday schedule is neither published in the package nor configured."""


class WorkingDayCalendar:
    def __init__(
        self,
        extra_holidays: Iterable[dt.date] = (),
        extra_workdays: Iterable[dt.date] = (),
        configured_years: Iterable[int] = (),
    ) -> None:
        self._holidays = frozenset(extra_holidays)
        self._workdays = frozenset(extra_workdays)
        self._configured = frozenset(configured_years)
        overlap = self._holidays & self._workdays
        if overlap:
            raise InvalidArgument(
                f"a date cannot be both an extra holiday and an extra working day: {sorted(overlap)}",
                field="extra_holidays",
            )
        self._published: dict[int, bool] = {}

    def _in_package(self, year: int) -> bool:
        if year not in self._published:
            try:
                chinese_calendar.is_workday(dt.date(year, 6, 1))
                self._published[year] = True
            except NotImplementedError:
                self._published[year] = False
        return self._published[year]

    def knows(self, year: int) -> bool:
        """The year's schedule is published in the package or declared complete by the operator."""
        return year in self._configured or self._in_package(year)

    def unknown_years(self, today: dt.date) -> list[int]:
        """The years a service must know and does not: this one, and the next once it is near."""
        wanted = [today.year]
        if (dt.date(today.year + 1, 1, 1) - today).days <= LOOKAHEAD_DAYS:
            wanted.append(today.year + 1)
        return [year for year in wanted if not self.knows(year)]

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._holidays:
            return False
        if day in self._workdays:
            return True
        if self._in_package(day.year):
            return bool(chinese_calendar.is_workday(day))
        if day.year not in self._configured:
            raise CalendarYearUnknown(
                f"the holiday schedule of {day.year} is not known: enter it as WUYE_EXTRA_HOLIDAYS / "
                f"WUYE_EXTRA_WORKDAYS and list {day.year} in WUYE_CALENDAR_CONFIGURED_YEARS",
                field="calendar",
                rule="C3",
            )
        # a configured year: its published dates are the extra ones above, the rest is the working week
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
