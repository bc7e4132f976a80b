"""Cursor pagination: opaque page tokens that carry the last key of the previous page."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from wuye_chassis.errors import InvalidArgument

#: a keyset page's sort key: a day or a moment (a moment is a date here too)
K = TypeVar("K", bound=dt.date)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def page_size(requested: int, *, field: str = "page.page_size") -> int:
    if requested < 0 or requested > MAX_PAGE_SIZE:
        raise InvalidArgument(f"{field} must be between 1 and {MAX_PAGE_SIZE} (0 for the default)", field=field)
    return requested or DEFAULT_PAGE_SIZE


def encode_cursor(last_key: str) -> str:
    return base64.urlsafe_b64encode(last_key.encode()).decode().rstrip("=")


def decode_cursor(token: str, *, field: str = "page.page_token") -> str | None:
    if not token:
        return None
    try:
        return base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):  # ValueError: non-ASCII text
        raise InvalidArgument("page_token is not a token this service issued", field=field) from None


def page_key(page_token: str, parse: Callable[[str], K]) -> tuple[K, str] | None:
    """The (key, id) after which a keyset page starts, as ``page_token`` carries it; ``None`` for the first page."""
    last = decode_cursor(page_token)
    if last is None:
        return None
    key, _, last_id = last.partition("|")
    try:
        return parse(key), last_id
    except ValueError:
        raise InvalidArgument("page_token is not a token this service issued", field="page.page_token") from None


def next_page_token(key: dt.date, last_id: str) -> str:
    """The token of the page after the one ending at (key, id)."""
    return encode_cursor(f"{key.isoformat()}|{last_id}")
