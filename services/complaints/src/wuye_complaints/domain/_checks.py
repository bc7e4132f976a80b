"""Small validators shared by the domain modules; every refusal names its field and rule."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TypeVar

from wuye_chassis.errors import InvalidArgument

E = TypeVar("E", bound=Enum)


def require_text(value: object, *, field: str, rule: str, max_length: int = 200) -> str:
    """A non-empty text value with surrounding blanks removed."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"{field} must not be empty", field=field, rule=rule)
    text = value.strip()
    if len(text) > max_length:
        raise InvalidArgument(
            f"{field} must be at most {max_length} characters, got {len(text)}", field=field, rule=rule
        )
    return text


def optional_text(value: object, *, field: str, rule: str, max_length: int = 200) -> str | None:
    """``None`` or blank stays absent; anything else must be valid text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return require_text(value, field=field, rule=rule, max_length=max_length)


def parse_choice(enum_type: type[E], value: object, *, field: str, rule: str) -> E:
    """An enum member given as the member itself or as its value text."""
    if isinstance(value, enum_type):
        return value
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in enum_type)
        raise InvalidArgument(f"{field} must be one of {allowed}; got {value!r}", field=field, rule=rule) from None


def require_moment(value: object, *, field: str, rule: str) -> dt.datetime:
    """An aware datetime, returned in UTC (deadlines are stored in UTC and counted in Asia/Shanghai)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgument(f"{field} must be a datetime with a time zone, got {value!r}", field=field, rule=rule)
    return value.astimezone(dt.timezone.utc)


def require_count(value: object, *, field: str, rule: str) -> int:
    """A whole number ≥ 0 (bool is refused although Python treats it as an int)."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidArgument(f"{field} must be a whole number ≥ 0, got {value!r}", field=field, rule=rule)
    return value


def require_flag(value: object, *, field: str, rule: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{field} must be true or false, got {value!r}", field=field, rule=rule)
    return value
