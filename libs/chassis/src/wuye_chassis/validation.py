"""Small input validators for domain code; every refusal names its field and a rule.

``rule`` names the domain rule being enforced (e.g. "C2"); without it a generic rule name says what was
wrong ("required", "max_length", "one_of", "non_negative", "date", "timezone", "boolean").
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TypeVar

from wuye_chassis.errors import InvalidArgument

E = TypeVar("E", bound=Enum)


def require_text(value: object, *, field: str, rule: str | None = None, max_length: int = 200) -> str:
    """A non-empty text value with surrounding blanks removed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"{field} must not be empty", field=field, rule=rule or "required")
    text = value.strip()
    if len(text) > max_length:
        raise InvalidArgument(
            f"{field} must be at most {max_length} characters, got {len(text)}", field=field, rule=rule or "max_length"
        )
    return text


def optional_text(value: object, *, field: str, rule: str | None = None, max_length: int = 200) -> str | None:
    """``None`` or blank stays absent; anything else must be valid text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return require_text(value, field=field, rule=rule, max_length=max_length)


def parse_choice(enum_type: type[E], value: object, *, field: str, rule: str | None = None) -> E:
    """An enum member given as the member itself or as its value text."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise InvalidArgument(
            f"{field} must be one of {allowed}; got {value!r}", field=field, rule=rule or "one_of"
        ) from None


def require_count(value: object, *, field: str, rule: str | None = None) -> int:
    """A whole number ≥ 0 (bool is refused although Python treats it as an int)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidArgument(
            f"{field} must be a whole number ≥ 0, got {value!r}", field=field, rule=rule or "non_negative"
        )
    return value


def require_whole(
    value: object, *, field: str, rule: str | None = None, minimum: int = 0, maximum: int | None = None
) -> int:
    """An ``int`` ≥ ``minimum`` (and ≤ ``maximum`` when given); bool is refused although Python treats it
    as an int."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgument(f"{field} must be a whole number, got {value!r}", field=field, rule=rule or "integer")
    if value < minimum:
        raise InvalidArgument(f"{field} must be at least {minimum}, got {value}", field=field, rule=rule or "minimum")
    if maximum is not None and value > maximum:
        raise InvalidArgument(f"{field} must be at most {maximum}, got {value}", field=field, rule=rule or "maximum")
    return value


def require_flag(value: object, *, field: str, rule: str | None = None) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{field} must be true or false, got {value!r}", field=field, rule=rule or "boolean")
    return value


#: the dates the platform records (contracts, visits, votes, postings): anything outside is a typing error
#: (a year 9999 once overflowed the working-day calendar and answered 502)
EARLIEST_DATE = dt.date(1949, 10, 1)
LATEST_DATE = dt.date(2099, 12, 31)


def _within_bounds(day: dt.date, *, field: str) -> dt.date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidArgument(
            f"{field} must lie between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}, got {day.isoformat()}",
            field=field, rule="date_range",
        )
    return day


def require_date(value: object, *, field: str, rule: str | None = None) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise InvalidArgument(f"{field} must be a date, got {value!r}", field=field, rule=rule or "date")
    return _within_bounds(value, field=field)


def require_moment(value: object, *, field: str, rule: str | None = None) -> dt.datetime:
    """An aware datetime, returned in UTC (deadlines are stored in UTC and counted in Asia/Shanghai)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(
            f"{field} must be a datetime with a time zone, got {value!r}", field=field, rule=rule or "timezone"
        )
    _within_bounds(value.date(), field=field)
    return value.astimezone(dt.UTC)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later; 29 February falls back to 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def parse_iso_date(text: object, *, field: str, rule: str | None = None) -> dt.date:
    """A calendar date written as ISO 8601 text ("2025-03-01"), as APIs carry dates."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument(f"{field} must not be empty", field=field, rule=rule or "required")
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidArgument(
            f"{field} must be a date written YYYY-MM-DD, got {text!r}", field=field, rule=rule or "date"
        ) from None
    return _within_bounds(day, field=field)


def optional_iso_date(text: str, *, field: str, rule: str | None = None) -> dt.date | None:
    """Empty text stays absent; anything else must be an ISO 8601 date."""
    return parse_iso_date(text, field=field, rule=rule) if text.strip() else None


def iso_or_empty(day: dt.date | None) -> str:
    """The API form of an optional date: ISO 8601 text, or "" when absent."""
    return day.isoformat() if day else ""
