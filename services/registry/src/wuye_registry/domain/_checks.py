"""Small validators shared by the domain modules; every refusal names its field and rule."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TypeVar

from wuye_chassis.errors import InvalidArgument

E = TypeVar("E", bound=Enum)


def require_text(value: object, *, field: str, max_length: int = 200) -> str:
    """A non-empty text value with surrounding blanks removed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"{field} must not be empty", field=field, rule="required")
    text = value.strip()
    if len(text) > max_length:
        raise InvalidArgument(
            f"{field} must be at most {max_length} characters, got {len(text)}", field=field, rule="max_length"
        )
    return text


def parse_choice(enum_type: type[E], value: object, *, field: str) -> E:
    """An enum member given as the member itself or as its value text."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise InvalidArgument(f"{field} must be one of {allowed}; got {value!r}", field=field, rule="one_of") from None


def require_count(value: object, *, field: str) -> int:
    """A whole number ≥ 0 (bool is refused although Python treats it as an int)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidArgument(f"{field} must be a whole number ≥ 0, got {value!r}", field=field, rule="non_negative")
    return value


def require_date(value: object, *, field: str) -> date:
    if not isinstance(value, date):
        raise InvalidArgument(f"{field} must be a date, got {value!r}", field=field, rule="date")
    return value


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February falls back to 28 February in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
