"""Money, jurisdiction paths, working days, settings: the chassis's plain value helpers."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from fractions import Fraction

import pytest

from wuye.common.v1 import common_pb2
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath, below_path_range, in_scope
from wuye_chassis.money import MAX_AMOUNT_FEN, allocate, fen_to_yuan, require_fen, yuan_to_fen
from wuye_chassis.paging import decode_cursor, encode_cursor, page_size
from wuye_chassis.proto_values import enum_number, enum_text, percent_text, ratio_fields
from wuye_chassis.settings import ServiceSettings
from wuye_chassis.validation import parse_iso_date, require_date, require_moment
from wuye_chassis.workdays import SHANGHAI, CalendarYearUnknown, WorkingDayCalendar


class TestMoney:
    def test_yuan_text_becomes_exact_fen(self) -> None:
        assert yuan_to_fen("1234.56") == 123456
        assert yuan_to_fen("-0.5") == -50
        assert yuan_to_fen("0.1") + yuan_to_fen("0.2") == yuan_to_fen("0.3")

    @pytest.mark.parametrize("text", ["1.005", "abc", "", "NaN", "Infinity"])
    def test_yuan_text_that_is_not_whole_fen_is_refused(self, text: str) -> None:
        with pytest.raises(InvalidArgument) as refused:
            yuan_to_fen(text, field="budget")
        assert refused.value.field == "budget"

    def test_fen_formats_with_two_decimals(self) -> None:
        assert fen_to_yuan(5) == "0.05"
        assert fen_to_yuan(-1205) == "-12.05"

    def test_F4_allocation_adds_up_exactly_with_deterministic_remainder(self) -> None:
        # 100 fen over three equal shares: the leftover fen goes to the first share
        assert allocate(100, [1, 1, 1]) == [34, 33, 33]
        assert allocate(-100, [1, 1, 1]) == [-34, -33, -33]

    def test_F4_allocation_by_area_is_proportional(self) -> None:
        areas_dm2 = [8957, 12000, 6543]
        shares = allocate(1_000_000, areas_dm2)
        assert sum(shares) == 1_000_000
        total = sum(areas_dm2)
        for share, area in zip(shares, areas_dm2):
            assert abs(share - 1_000_000 * area / total) < 1

    def test_F4_allocation_largest_remainder_wins_the_odd_fen(self) -> None:
        # exact shares 3.33.., 6.66..: the larger remainder (second) gets the spare fen
        assert allocate(10, [1, 2]) == [3, 7]

    @pytest.mark.parametrize("weights", [[], [0, 0], [1, -1]])
    def test_allocation_refuses_meaningless_weights(self, weights: list[int]) -> None:
        with pytest.raises(InvalidArgument):
            allocate(100, weights)


class TestJurisdictionPath:
    def test_community_path_parses_into_four_levels(self) -> None:
        path = JurisdictionPath.parse("350500/350521/350521100/350521100001")
        assert path.level == "community"
        assert str(path.parent) == "350500/350521/350521100"

    @pytest.mark.parametrize(
        "text",
        [
            "35050",  # city code too short
            "350500/350621",  # county not in the city
            "350500/350521/350522100",  # street does not extend the county
            "350500/350521/350521100/350521100001/1",  # five levels
            "350500/350521/35052110a",
        ],
    )
    def test_malformed_paths_are_refused_naming_the_field(self, text: str) -> None:
        with pytest.raises(InvalidArgument) as refused:
            JurisdictionPath.parse(text, field="code")
        assert refused.value.field == "code"

    def test_scope_matches_whole_segments_only(self) -> None:
        assert in_scope("350500/350521", "350500/350521/350521100")
        assert in_scope("350500/350521", "350500/350521")
        assert not in_scope("350500/350521", "350500/350524/350524100")
        assert not in_scope("350500/35052", "350500/350521")
        assert not in_scope("", "350500")


class TestWorkingDays:
    calendar = WorkingDayCalendar()

    def test_deadline_skips_the_national_day_holiday(self) -> None:
        # dispatched Wednesday 2026-09-30 10:00 in Shanghai; 1 Oct – 7 Oct is the National Day holiday
        start = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)
        due = self.calendar.add_working_days(start, 1)
        assert due.astimezone(SHANGHAI) == dt.datetime(2026, 10, 8, 10, 0, tzinfo=SHANGHAI)

    def test_make_up_working_saturday_counts(self) -> None:
        # Saturday 2026-10-10 is an official make-up working day
        assert self.calendar.is_working_day(dt.date(2026, 10, 10))
        assert not self.calendar.is_working_day(dt.date(2026, 10, 11))

    def test_friday_evening_plus_one_is_monday(self) -> None:
        start = dt.datetime(2026, 11, 27, 18, 0, tzinfo=SHANGHAI)
        assert self.calendar.add_working_days(start, 1).astimezone(SHANGHAI).date() == dt.date(2026, 11, 30)

    def test_C3_a_deadline_into_an_unknown_year_is_refused_not_guessed(self) -> None:
        # chinese-calendar 1.11 knows up to 2026; a 5-working-day deadline from 2026-12-30 reaches 2027
        start = dt.datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI)
        with pytest.raises(CalendarYearUnknown) as refused:
            WorkingDayCalendar().add_working_days(start, 5)
        assert (refused.value.field, refused.value.rule) == ("calendar", "C3")
        assert "2027" in str(refused.value) and "WUYE_CALENDAR_CONFIGURED_YEARS" in str(refused.value)

    def test_C3_a_configured_year_counts_its_entered_dates_and_the_working_week(self) -> None:
        calendar = WorkingDayCalendar(extra_holidays=[dt.date(2027, 1, 1)], configured_years=[2027])
        assert not calendar.is_working_day(dt.date(2027, 1, 1))  # a Friday, entered as a holiday
        assert calendar.is_working_day(dt.date(2027, 1, 4))  # Monday
        assert not calendar.is_working_day(dt.date(2027, 1, 2))  # Saturday
        start = dt.datetime(2026, 12, 30, 10, 0, tzinfo=SHANGHAI)  # Wednesday; Thursday 31 is a working day
        assert calendar.add_working_days(start, 2).astimezone(SHANGHAI).date() == dt.date(2027, 1, 4)

    def test_C3_a_published_year_follows_the_package_even_when_listed(self) -> None:
        calendar = WorkingDayCalendar(configured_years=[2026])
        assert calendar.is_working_day(dt.date(2026, 10, 10))  # the official make-up Saturday
        assert not calendar.is_working_day(dt.date(2026, 10, 1))

    def test_C3_the_next_year_is_needed_from_45_days_before_it(self) -> None:
        calendar = WorkingDayCalendar()
        assert calendar.unknown_years(dt.date(2026, 11, 16)) == []  # 46 days before 2027
        assert calendar.unknown_years(dt.date(2026, 11, 17)) == [2027]  # 45 days before
        assert calendar.unknown_years(dt.date(2027, 3, 1)) == [2027]
        assert WorkingDayCalendar(configured_years=[2027]).unknown_years(dt.date(2026, 12, 3)) == []

    def test_working_days_between_counts_days_after_the_start(self) -> None:
        start = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)  # Monday
        end = dt.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)  # next Monday
        assert self.calendar.working_days_between(start, end) == 5

    def test_naive_start_is_refused(self) -> None:
        with pytest.raises(InvalidArgument):
            self.calendar.add_working_days(dt.datetime(2026, 11, 23, 9, 0), 1)


class TestSettingsAndPaging:
    def test_extra_holidays_come_from_a_comma_separated_variable(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("WUYE_EXTRA_HOLIDAYS", "2027-01-01, 2027-02-10")
        assert ServiceSettings().extra_holidays == [dt.date(2027, 1, 1), dt.date(2027, 2, 10)]

    def test_cursor_round_trips_and_garbage_is_refused(self) -> None:
        assert decode_cursor(encode_cursor("350521100001")) == "350521100001"
        with pytest.raises(InvalidArgument) as refused:
            decode_cursor("%%%")
        assert refused.value.field == "page.page_token"

    @pytest.mark.parametrize("size", [-1, 501])
    def test_page_size_outside_bounds_is_refused(self, size: int) -> None:
        with pytest.raises(InvalidArgument):
            page_size(size)

    def test_page_size_bounds_are_inclusive(self) -> None:
        assert page_size(0) == 50 and page_size(1) == 1 and page_size(500) == 500


def test_proto_enums_map_to_domain_values_by_the_buf_naming_convention() -> None:
    class Level(StrEnum):
        COUNTY = "county"

    assert enum_text(common_pb2.JurisdictionLevel, common_pb2.JURISDICTION_LEVEL_COUNTY) == "county"
    assert enum_text(common_pb2.JurisdictionLevel, 0) == ""
    assert enum_text(common_pb2.JurisdictionLevel, 99) == ""
    assert enum_number(common_pb2.JurisdictionLevel, Level.COUNTY) == common_pb2.JURISDICTION_LEVEL_COUNTY
    assert enum_number(common_pb2.JurisdictionLevel, None) == 0


def test_below_path_range_holds_exactly_the_paths_under_a_jurisdiction() -> None:
    low, high = below_path_range("350500/350521")
    assert low <= "350500/350521/350521100/350521100001" < high
    assert not (low <= "350500/350521" < high)
    assert not (low <= "350500/3505210/x" < high)
    assert not (low <= "350500/350524/350524100" < high)


def test_an_amount_is_bounded_at_ten_billion_yuan_either_way_exactly() -> None:
    """Issue 19, finding 4: 2^63-1 fen was accepted and then overflowed every SUM of the compound."""
    assert require_fen(MAX_AMOUNT_FEN) == 1_000_000_000_000
    assert require_fen(-MAX_AMOUNT_FEN, minimum=-MAX_AMOUNT_FEN) == -MAX_AMOUNT_FEN
    for beyond in (MAX_AMOUNT_FEN + 1, 9223372036854775807):
        with pytest.raises(InvalidArgument) as refused:
            require_fen(beyond, field="amount_fen")
        assert (refused.value.field, refused.value.rule) == ("amount_fen", "amount_range")
    assert yuan_to_fen("10000000000.00") == MAX_AMOUNT_FEN
    with pytest.raises(InvalidArgument):
        yuan_to_fen("10000000000.01")


def test_a_date_must_lie_between_1949_10_01_and_2099_12_31_exactly() -> None:
    """Issue 19, finding 4: a date in year 9999 answered 502."""
    assert parse_iso_date("1949-10-01", field="visit_date") == dt.date(1949, 10, 1)
    assert require_date(dt.date(2099, 12, 31), field="visit_date") == dt.date(2099, 12, 31)
    for text in ("1949-09-30", "2100-01-01", "9999-12-31"):
        with pytest.raises(InvalidArgument) as refused:
            parse_iso_date(text, field="visit_date")
        assert (refused.value.field, refused.value.rule) == ("visit_date", "date_range")
    with pytest.raises(InvalidArgument):
        require_moment(dt.datetime(9999, 1, 1, tzinfo=dt.UTC), field="at")


@pytest.mark.parametrize(("share", "text"), [
    (Fraction(2, 3), "66.7%"), (Fraction(1, 8), "12.5%"), (Fraction(1, 16), "6.3%"),  # 6.25 rounds half up
    (Fraction(1, 2000), "0.1%"), (Fraction(1, 2001), "0.0%"), (Fraction(0), "0.0%"), (Fraction(1), "100.0%"),
    (Fraction(-3, 4), "-75.0%"), (Fraction(-1, 16), "-6.3%"), (Fraction(-1, 2001), "0.0%"),  # year-on-year change
])
def test_a_share_reads_as_a_percentage_with_one_decimal_rounded_half_up(share: Fraction, text: str) -> None:
    """Issue 14: rates came back as bare fractions ({1,4}); a person reads 25.0%."""
    assert percent_text(share) == text
    assert ratio_fields(share) == {"numerator": share.numerator, "denominator": share.denominator, "percent": text}
    assert percent_text(None) == ""
