"""Periods a person asks figures and lists for: whole days on the Asia/Shanghai calendar, the first and the
last day both included ("2026-01-01 to 2026-12-31"), in every service and at every level.

A service turns the period into instants only to query: from the first day's local midnight (included)
to the local midnight after the last day (excluded), so that today's records count when today is the
last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import add_years, parse_iso_date
from wuye_chassis.workdays import SHANGHAI


def local_midnight(day: dt.date) -> dt.datetime:
    """The instant a local day starts, in UTC."""
    return dt.datetime.combine(day, dt.time(), SHANGHAI).astimezone(dt.UTC)


def local_day(moment: dt.datetime) -> dt.date:
    """The local (Asia/Shanghai) calendar day an instant falls on: a deadline day is met by a moment on it."""
    return moment.astimezone(SHANGHAI).date()


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date

    @property
    def day_after(self) -> dt.date:
        return self.last + dt.timedelta(days=1)

    @property
    def start(self) -> dt.datetime:
        """The first instant of the period (included), UTC."""
        return local_midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """The instant after the period (excluded): the local midnight after the last day, UTC."""
        return local_midnight(self.day_after)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def a_year_before(self) -> Period:
        """The same days a year earlier (29 February becomes the 28th), for year-on-year figures."""
        return Period(add_years(self.first, -1), add_years(self.last, -1))


def parse_period(start_date: str, end_date: str, *, rule: str | None = None, max_days: int | None = None) -> Period:
    """The period from ``start_date`` to ``end_date``, both included (YYYY-MM-DD); one day when they are equal."""
    period = Period(parse_iso_date(start_date, field="start_date", rule=rule),
                    parse_iso_date(end_date, field="end_date", rule=rule))
    if period.last < period.first:
        raise InvalidArgument(
            f"end_date ({period.last}) must not be before start_date ({period.first}): both days are included",
            field="end_date", rule=rule or "period",
        )
    if max_days is not None and period.days > max_days:
        raise InvalidArgument(f"the period may span at most {max_days} days, not {period.days}",
                              field="end_date", rule=rule or "period")
    return period
