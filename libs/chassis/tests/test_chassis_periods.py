"""One period convention (issue 14): the first and the last day are both included, on the Shanghai calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.periods import parse_period

UTC = dt.UTC


def test_a_period_runs_from_the_first_local_midnight_to_the_midnight_after_its_last_day() -> None:
    period = parse_period("2026-01-01", "2026-12-31")
    assert period.days == 365
    assert period.start == dt.datetime(2025, 12, 31, 16, 0, tzinfo=UTC)  # 00:00 in Shanghai
    assert period.end == dt.datetime(2026, 12, 31, 16, 0, tzinfo=UTC)  # the midnight after 31 December


def test_a_period_of_one_day_is_that_whole_day() -> None:
    today = parse_period("2026-12-04", "2026-12-04")
    assert today.days == 1 and today.end - today.start == dt.timedelta(days=1)


@pytest.mark.parametrize(("start", "end", "field"), [("2026-12-04", "2026-12-03", "end_date"),
                                                     ("2026-13-01", "2026-12-31", "start_date"),
                                                     ("2026-01-01", "", "end_date")])
def test_a_period_that_ends_before_it_starts_or_is_not_dates_is_refused_naming_the_field(
    start: str, end: str, field: str
) -> None:
    with pytest.raises(InvalidArgument) as refused:
        parse_period(start, end, rule="E5")
    assert refused.value.field == field


def test_a_period_may_be_bounded_in_days_exactly() -> None:
    assert parse_period("2024-01-01", "2024-12-31", max_days=366).days == 366
    with pytest.raises(InvalidArgument) as refused:
        parse_period("2024-01-01", "2025-01-01", max_days=366)
    assert refused.value.field == "end_date"
