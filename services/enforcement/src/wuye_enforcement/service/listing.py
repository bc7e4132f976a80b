"""What the list queries share: cursor pages by (key, id)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.paging import decode_cursor, encode_cursor

K = TypeVar("K", bound=dt.date)


def page_key(page_token: str, parse: Callable[[str], K]) -> tuple[K, str] | None:
    """The (key, id) after which the page starts, as ``page_token`` carries it; ``None`` for the first page."""
    last = decode_cursor(page_token)
    if last is None:
        return None
    key, _, last_id = last.partition("|")
    try:
        return parse(key), last_id
    except ValueError:
        raise InvalidArgument("page_token is not a token this service issued", field="page.page_token") from None


def next_page_token(key: dt.date, last_id: str) -> str:
    """The token of the page after the one ending at (key, id); a moment is a date here too."""
    return encode_cursor(f"{key.isoformat()}|{last_id}")
